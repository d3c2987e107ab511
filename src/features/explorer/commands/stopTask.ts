import * as vscode from 'vscode';
import { shortTaskId } from '../../../core/ecs/present';
import { serviceNameOf } from '../../../core/ecs/taskPager';
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
  // Each service (or the standalone list) of a stopped task, and its cluster, show the change at once.
  const owners = new Map(tasks.map((t) => {
    const service = serviceNameOf(t.resource);
    return [`${t.clusterArn}|${service ?? ''}`, { cluster: t.clusterArn, service }] as const;
  }));
  for (const { cluster, service } of owners.values()) await tree.refreshUp(cluster, service);
  vscode.window.setStatusBarMessage(`Stopped ${what}`, 5000);
};
