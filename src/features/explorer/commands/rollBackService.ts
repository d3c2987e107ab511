import * as vscode from 'vscode';
import type { Container } from '../../../core/aws/ecs';
import { imagesLine, previousTaskDefinition } from '../../../core/ecs/deployments';
import { deploymentState, taskDefinitionName } from '../../../core/ecs/present';
import { UserFacingError } from '../../../platform/errors';
import { VIEW_ID } from '../commandIds';
import { deploymentsOf } from '../deploymentNodes';
import { ServiceNode } from '../nodes';
import { pickService } from '../pickers';
import type { ExplorerDeps } from './deps';

/** Roll Back Service: UpdateService to the previous task definition revision, after a modal naming both and their images. */
export const rollBackService = ({ tree, session }: ExplorerDeps) => async (node?: unknown) => {
  const service = node instanceof ServiceNode ? node : await pickService(tree.ctx);
  const history = await deploymentsOf(service);
  const current = service.resource.taskDefinition;
  const previous = previousTaskDefinition(service.resource, history?.deployments, history?.revisions);
  if (!current || !previous) {
    throw new UserFacingError(`${service.name} runs the first revision of its task definition (${taskDefinitionName(current)}); there is no earlier revision to roll back to.`);
  }
  const ecs = await session.ecs();
  const [now, before] = await Promise.all([ecs.describeTaskDefinition(current), ecs.describeTaskDefinition(previous)]);
  const from = taskDefinitionName(current);
  const to = taskDefinitionName(previous);
  if (!now || !before) throw new UserFacingError(`ECS did not describe ${now ? to : from}; refresh the service and try again.`);
  // ECS refuses to deploy a deregistered revision.
  if (before.status === 'INACTIVE') throw new UserFacingError(`${to} is deregistered (INACTIVE), so ECS cannot deploy it again; register it again to roll back to it.`);
  const build = (c: Container) => tree.ctx.imageBuild?.(c) ?? {};
  const answer = await vscode.window.showWarningMessage(
    `Roll back ${service.name} from ${from} to ${to}?`,
    { modal: true, detail: `Now: ${imagesLine(now, build)}\nAfter: ${imagesLine(before, build)}\n\nECS starts a deployment of ${to} and replaces the running tasks as the new ones become healthy.` },
    'Roll Back',
  );
  if (answer !== 'Roll Back') return;
  await ecs.updateService(service.clusterArn, service.arn, { taskDefinition: before.taskDefinitionArn ?? previous });
  vscode.window.setStatusBarMessage(`Rolling back ${service.name} to ${to}`, 5000);
  // The service row and its Deployments follow the new deployment until ECS reports it complete.
  await vscode.window.withProgress({ location: { viewId: VIEW_ID } }, () =>
    tree.follow(service.clusterArn, service.name, (s) => s.taskDefinition === before.taskDefinitionArn && deploymentState(s) === 'completed'));
};
