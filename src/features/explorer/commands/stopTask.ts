import * as vscode from 'vscode';
import { shortTaskId } from '../../../core/ecs/present';
import { TaskNode } from '../nodes';
import { pickTask } from '../pickers';
import type { ExplorerDeps } from './deps';

const STOP_REASON = 'Stopped from the Airflow on ECS extension';

export const stopTask = ({ tree, session }: ExplorerDeps) => async (node?: unknown, nodes?: unknown[]) => {
  const selected = (nodes?.length ? nodes : node ? [node] : []).filter((n): n is TaskNode => n instanceof TaskNode);
  const tasks = selected.length ? selected : [await pickTask(tree.ctx)];
  const names = tasks.map((t) => shortTaskId(t.arn)).join(', ');
  const what = tasks.length === 1 ? `task ${names}` : `${tasks.length} tasks (${names})`;
  const answer = await vscode.window.showWarningMessage(
    `Stop ${what}?`,
    { modal: true, detail: 'Work running in it stops now; a service starts a replacement, a standalone task is gone.' },
    'Stop Task',
  );
  if (answer !== 'Stop Task') return;
  const ecs = await session.ecs();
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Stopping ${what}` }, async () => {
    for (const t of tasks) await ecs.stopTask(t.clusterArn, t.arn, STOP_REASON);
  });
  const parents = new Set(tasks.map((t) => tree.getParent(t)));
  for (const p of parents) tree.refresh(p);
  vscode.window.setStatusBarMessage(`Stopped ${what}`, 5000);
};
