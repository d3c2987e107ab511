import * as vscode from 'vscode';
import { ServiceNode } from '../nodes';
import { pickService } from '../pickers';
import type { ExplorerDeps } from './deps';

export const forceNewDeployment = ({ tree, session }: ExplorerDeps) => async (node?: unknown) => {
  const service = node instanceof ServiceNode ? node : await pickService(tree.ctx);
  const answer = await vscode.window.showWarningMessage(
    `Force a new deployment of ${service.name}?`,
    { modal: true, detail: 'ECS replaces every task of the service with a fresh one, pulling the image again.' },
    'Force New Deployment',
  );
  if (answer !== 'Force New Deployment') return;
  await (await session.ecs()).updateService(service.clusterArn, service.arn, { forceNewDeployment: true });
  await tree.refreshUp(service.clusterArn, service.name);
  vscode.window.setStatusBarMessage(`New deployment of ${service.name} started`, 5000);
};
