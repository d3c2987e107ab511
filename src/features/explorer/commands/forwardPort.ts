import * as vscode from 'vscode';
import { airflowRole } from '../../../core/airflow/roles';
import type { Task } from '../../../core/aws/ecs';
import { defaultRemotePort, forwardingContainer, validatePort } from '../../../core/ecs/exec';
import { shortTaskId } from '../../../core/ecs/present';
import { freeLocalPort, PortForwardFailed, startPortForward } from '../../../core/ecs/sessions';
import { serviceNameOf } from '../../../core/ecs/taskPager';
import { UserFacingError } from '../../../platform/errors';
import { requireTrust } from '../../../platform/processes';
import { COMMANDS } from '../commandIds';
import { ServiceNode, TaskNode } from '../nodes';
import { pickTask } from '../pickers';
import { freshTask, openingSession, sessionPluginPath } from '../sessionSupport';
import type { ExplorerDeps } from './deps';

/** The command another feature registers to point the Airflow view at a URL; offered only when it exists. */
export const AIRFLOW_CONNECT = 'airflowEcs.airflow.connect';
export const OPEN_IN_BROWSER = 'Open in Browser';
export const CONNECT_AIRFLOW_VIEW = 'Connect Airflow View';

/** A running task of the service: the only one, or the one the user picks. */
async function taskOfService(deps: ExplorerDeps, service: ServiceNode): Promise<Task> {
  const ecs = await deps.session.ecs();
  const { arns } = await ecs.listTaskArns(service.clusterArn, { serviceName: service.name, desiredStatus: 'RUNNING' });
  const running = arns.length ? (await ecs.describeTasks(service.clusterArn, arns)).items.filter((t) => t.lastStatus === 'RUNNING') : [];
  if (running.length === 0) throw new UserFacingError(`Service ${service.name} has no running task to forward a port to.`);
  if (running.length === 1) return running[0];
  const picked = await vscode.window.showQuickPick(
    running.map((t) => ({ label: shortTaskId(t.taskArn), description: t.availabilityZone, task: t })),
    { placeHolder: `Select a running task of ${service.name}` },
  );
  if (!picked) throw new vscode.CancellationError();
  return picked.task;
}

/**
 * Forward Port: SSM port forwarding (AWS-StartPortForwardingSessionToRemoteHost) through the
 * task's managed agent to a free local port, shown in the status bar until stopped; offers the
 * browser and the Airflow view once the port listens.
 */
export const forwardPort = (deps: ExplorerDeps) => async (node?: unknown) => {
  requireTrust('Forward Port');
  sessionPluginPath();
  const picked = node instanceof ServiceNode || node instanceof TaskNode ? node : await pickTask(deps.tree.ctx);
  const clusterArn = picked.clusterArn;
  const listed = picked instanceof ServiceNode ? await taskOfService(deps, picked) : picked.resource;
  const task = await freshTask(deps, clusterArn, listed.taskArn ?? '');
  const container = forwardingContainer(task, (name) => airflowRole(name));
  if (!container) throw new UserFacingError(`Task ${shortTaskId(task.taskArn)} has no container to forward a port through.`);
  const role = airflowRole(serviceNameOf(task) ?? '') ?? airflowRole(container.name ?? '');
  const value = await vscode.window.showInputBox({
    title: `Forward Port from task ${shortTaskId(task.taskArn)}`,
    prompt: `The port in the task (container ${container.name}) to reach on localhost`,
    value: String(defaultRemotePort(role) ?? ''),
    validateInput: validatePort,
  });
  if (value === undefined) return;
  const remotePort = Number(value.trim());
  const localPort = await freeLocalPort(remotePort);
  const label = `${role ?? container.name}:${remotePort}`;
  const [ssm, conn] = await Promise.all([deps.session.ssm(), deps.session.connection()]);
  const forward = await openingSession(deps, clusterArn, task, () => vscode.commands.executeCommand(COMMANDS.forwardPort, node), () =>
    vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Forwarding localhost:${localPort} → ${label}` }, async () => {
      const started = await startPortForward(ssm, conn, { clusterArn, task, container, host: 'localhost', remotePort, localPort });
      try {
        await started.ready;
      } catch (err) {
        await started.stop();
        if (err instanceof PortForwardFailed) throw new UserFacingError(err.message, [{ title: 'Retry', run: () => vscode.commands.executeCommand(COMMANDS.forwardPort, node) }]);
        throw err;
      }
      return started;
    }));
  if (!forward) return;
  deps.forwards.add(forward, label);
  void offerUse(deps, `http://localhost:${localPort}`, label, forward.sessionId);
};

async function offerUse(deps: ExplorerDeps, url: string, label: string, sessionId: string): Promise<void> {
  const canConnect = (await vscode.commands.getCommands(true)).includes(AIRFLOW_CONNECT);
  const choices = [OPEN_IN_BROWSER, ...(canConnect ? [CONNECT_AIRFLOW_VIEW] : []), 'Stop'];
  const picked = await vscode.window.showInformationMessage(`${url} now reaches ${label}. It stays open until you stop it in the status bar.`, ...choices);
  if (picked === OPEN_IN_BROWSER) await vscode.env.openExternal(vscode.Uri.parse(url));
  else if (picked === CONNECT_AIRFLOW_VIEW) await vscode.commands.executeCommand(AIRFLOW_CONNECT, { url, source: 'port forward' });
  else if (picked === 'Stop') await deps.forwards.stop(sessionId);
}
