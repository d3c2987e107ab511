import * as vscode from 'vscode';
import type { Container, Task } from '../../core/aws/ecs';
import { ExecProblem, PLUGIN_INSTALL_URL, SESSION_PLUGIN } from '../../core/ecs/exec';
import { shortTaskId } from '../../core/ecs/present';
import { serviceNameOf } from '../../core/ecs/taskPager';
import { ExecutableNotFound } from '../../core/process/runner';
import { UserFacingError, type UserAction } from '../../platform/errors';
import { resolveExecutable } from '../../platform/processes';
import type { ExplorerDeps } from './commands/deps';

/**
 * What Open Shell in Container and Forward Port share: the plugin found on PATH (or the install
 * page offered), the task read again, and every "no session" answer turned into one sentence
 * with its next step, the offer to turn ECS Exec on included.
 */

const installPage: UserAction = {
  title: 'Open Install Page',
  run: () => vscode.env.openExternal(vscode.Uri.parse(PLUGIN_INSTALL_URL)),
};

function pluginMissing(): UserFacingError {
  return new UserFacingError(`The AWS Session Manager plugin (${SESSION_PLUGIN}) is not installed or not on PATH: install it, then try again.`, [installPage]);
}

/** The plugin's absolute path (PATH entries inside the workspace are skipped), for a terminal's shellPath. */
export function sessionPluginPath(): string {
  try {
    return resolveExecutable(SESSION_PLUGIN);
  } catch (err) {
    throw err instanceof ExecutableNotFound ? pluginMissing() : err;
  }
}

/** The task as ECS sees it now: exec flag, agents and runtime ids move after the tree read it. */
export async function freshTask({ session }: ExplorerDeps, clusterArn: string, taskArn: string): Promise<Task> {
  const { items: [task] } = await (await session.ecs()).describeTasks(clusterArn, [taskArn]);
  if (!task) throw new UserFacingError(`Task ${shortTaskId(taskArn)} is gone (ECS no longer describes it): refresh the Clusters view and choose a running task.`);
  return task;
}

/** One container of the task: the one named, the only one, or the one the user picks. */
export async function chooseContainer(task: Task, name?: string): Promise<Container> {
  const containers = (task.containers ?? []).filter((c) => c.lastStatus === 'RUNNING' || c.name === name);
  const named = name ? containers.find((c) => c.name === name) : undefined;
  if (named) return named;
  if (containers.length === 0) throw new UserFacingError(`Task ${shortTaskId(task.taskArn)} has no running container.`);
  if (containers.length === 1) return containers[0];
  const picked = await vscode.window.showQuickPick(
    containers.map((c) => ({ label: c.name ?? '', description: c.image, container: c })),
    { placeHolder: `Select a container of task ${shortTaskId(task.taskArn)}` },
  );
  if (!picked) throw new vscode.CancellationError();
  return picked.container;
}

/**
 * Runs `open`; a missing plugin or a session ECS or SSM refused becomes a sentence with its next
 * step (Retry runs `retry`); a task started without ECS Exec is offered the fix on its service.
 */
export async function openingSession<T>(deps: ExplorerDeps, clusterArn: string, task: Task, retry: () => unknown, open: () => Thenable<T>): Promise<T | undefined> {
  try {
    return await open();
  } catch (err) {
    if (err instanceof ExecutableNotFound && err.executable === SESSION_PLUGIN) throw pluginMissing();
    if (!(err instanceof ExecProblem)) throw err;
    if (err.reason === 'notEnabled') {
      await offerExec(deps, clusterArn, task, err.message);
      return undefined;
    }
    throw new UserFacingError(err.message, err.reason === 'notRunning' ? [] : [{ title: 'Retry', run: retry }]);
  }
}

export const ENABLE_EXEC = 'Enable ECS Exec and Redeploy';

/** Says the task was started without ECS Exec and offers to turn it on for its service, which takes a new deployment. */
async function offerExec({ session, tree }: ExplorerDeps, clusterArn: string, task: Task, why: string): Promise<void> {
  const service = serviceNameOf(task);
  if (!service) {
    throw new UserFacingError(`${why} It belongs to no service: run it again with ECS Exec on (run-task --enable-execute-command).`);
  }
  const answer = await vscode.window.showWarningMessage(
    `${why} Turn ECS Exec on for service ${service}?`,
    {
      modal: true,
      detail: `ECS Exec applies only to tasks started after the change, so this starts a new deployment of ${service}: each of its tasks is replaced, and work running in them stops. Open the shell again once the new tasks run. The task role also needs the ssmmessages permissions.`,
    },
    ENABLE_EXEC,
  );
  if (answer !== ENABLE_EXEC) return;
  await (await session.ecs()).updateService(clusterArn, service, { enableExecuteCommand: true, forceNewDeployment: true });
  await tree.refreshUp(clusterArn, service);
  void vscode.window.showInformationMessage(`ECS Exec is on for ${service} and a new deployment started: its new tasks accept a shell once they run.`);
}
