import * as vscode from 'vscode';
import { validateDesiredCount } from '../../../core/ecs/present';
import { VIEW_ID } from '../commandIds';
import { ServiceNode } from '../nodes';
import { pickService } from '../pickers';
import type { ExplorerDeps } from './deps';

export const scaleService = ({ tree, session }: ExplorerDeps) => async (node?: unknown) => {
  const service = node instanceof ServiceNode ? node : await pickService(tree.ctx);
  const current = service.resource.desiredCount ?? 0;
  const value = await vscode.window.showInputBox({
    title: `Scale ${service.name}`,
    prompt: `Desired number of tasks (now ${current} desired, ${service.resource.runningCount ?? 0} running)`,
    value: String(current),
    validateInput: validateDesiredCount,
  });
  if (value === undefined) return;
  const desiredCount = Number(value.trim());
  if (desiredCount === current) return;
  await (await session.ecs()).updateService(service.clusterArn, service.arn, { desiredCount });
  vscode.window.setStatusBarMessage(`${service.name}: desired count set to ${desiredCount}`, 5000);
  // The service and cluster rows follow ECS as it starts or stops the tasks, with the view's progress bar meanwhile.
  await vscode.window.withProgress({ location: { viewId: VIEW_ID } }, () =>
    tree.follow(service.clusterArn, service.name, (s) => s.runningCount === desiredCount && !s.pendingCount));
};
