import * as vscode from 'vscode';
import { canStopDeployment, deploymentStatusText, revisionName } from '../../../core/ecs/deployments';
import { deploymentState } from '../../../core/ecs/present';
import { UserFacingError } from '../../../platform/errors';
import { VIEW_ID } from '../commandIds';
import { DeploymentNode } from '../deploymentNodes';
import type { ExplorerDeps } from './deps';

/** Stop Deployment: StopServiceDeployment with rollback, on a deployment still in progress, after a modal. */
export const stopDeployment = ({ tree, session }: ExplorerDeps) => async (node?: unknown) => {
  if (!(node instanceof DeploymentNode)) throw new UserFacingError('Choose a deployment in progress under a service\'s Deployments in the Clusters view.');
  const d = node.deployment;
  if (!canStopDeployment(d)) throw new UserFacingError(`This deployment of ${node.serviceName} is ${deploymentStatusText(d.status)}; only a deployment in progress can be stopped.`);
  const target = revisionName(d.targetServiceRevision?.arn, node.revisions);
  const sources = (d.sourceServiceRevisions ?? []).map((r) => revisionName(r.arn, node.revisions)).join(', ');
  const answer = await vscode.window.showWarningMessage(
    `Stop the deployment of ${target} to ${node.serviceName}?`,
    { modal: true, detail: `ECS rolls ${node.serviceName} back to ${sources || 'the revision it ran before'} and replaces the tasks of ${target}.` },
    'Stop and Roll Back',
  );
  if (answer !== 'Stop and Roll Back') return;
  await (await session.ecs()).stopServiceDeployment(node.id);
  vscode.window.setStatusBarMessage(`Rolling back the deployment of ${target} to ${node.serviceName}`, 5000);
  await vscode.window.withProgress({ location: { viewId: VIEW_ID } }, () =>
    tree.follow(node.clusterArn, node.serviceName, (s) => deploymentState(s) === 'completed'));
};
