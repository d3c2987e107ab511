import * as vscode from 'vscode';
import { shortTaskId } from '../../../core/ecs/present';
import { execShellArgs } from '../../../core/ecs/sessions';
import { toAbortSignal } from '../../../platform/commands';
import { requireTrust } from '../../../platform/processes';
import { readSettings } from '../../../platform/settings';
import { COMMANDS } from '../commandIds';
import { ContainerNode, TaskNode } from '../nodes';
import { pickTask } from '../pickers';
import { chooseContainer, freshTask, openingSession, sessionPluginPath } from '../sessionSupport';
import type { ExplorerDeps } from './deps';

/**
 * Open Shell in Container: ECS Exec (ExecuteCommand, interactive) and the Session Manager plugin
 * as the shell of a new terminal, started by its resolved path with an argument array.
 */
export const openShell = (deps: ExplorerDeps) => async (node?: unknown) => {
  requireTrust('Open Shell in Container');
  const shellPath = sessionPluginPath();
  const picked = node instanceof ContainerNode || node instanceof TaskNode ? node : await pickTask(deps.tree.ctx);
  const taskArn = picked instanceof ContainerNode ? picked.task.taskArn ?? '' : picked.arn;
  const task = await freshTask(deps, picked.clusterArn, taskArn);
  const container = await chooseContainer(task, picked instanceof ContainerNode ? picked.resource.name : undefined);
  const command = readSettings().execCommand;
  const [ecs, conn] = await Promise.all([deps.session.ecs(), deps.session.connection()]);
  const shellArgs = await openingSession(deps, picked.clusterArn, task, () => vscode.commands.executeCommand(COMMANDS.openShell, node), () =>
    vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Opening a shell in ${container.name}`, cancellable: true },
      (_progress, token) => execShellArgs(ecs, conn, { clusterArn: picked.clusterArn, task, container }, command, toAbortSignal(token)),
    ));
  if (!shellArgs) return;
  const terminal = vscode.window.createTerminal({
    name: `${container.name} · ${shortTaskId(task.taskArn)}`,
    shellPath,
    shellArgs,
    iconPath: new vscode.ThemeIcon('terminal'),
  });
  terminal.show();
  deps.logger.info(`ECS Exec: ${command} in container ${container.name} of task ${task.taskArn}`);
};
