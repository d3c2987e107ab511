import type { Container, ServiceRevision } from '../../../core/aws/ecs';
import { previousTaskDefinition, revisionDigests, taskDefinitionDocument } from '../../../core/ecs/deployments';
import { taskDefinitionName } from '../../../core/ecs/present';
import { UserFacingError } from '../../../platform/errors';
import { DeploymentNode, deploymentsOf } from '../deploymentNodes';
import { ServiceNode } from '../nodes';
import { pickService } from '../pickers';
import type { ExplorerDeps } from './deps';

interface Side {
  taskDefinition: string;
  /** The service revision that ran it, when known: its image digests find the images' build labels. */
  revision?: ServiceRevision;
}

/** The running revision and the one before it, with the revisions ECS recorded for each when it has them. */
async function serviceSides(service: ServiceNode): Promise<[Side, Side]> {
  const history = await deploymentsOf(service);
  const current = service.resource.taskDefinition;
  const previous = previousTaskDefinition(service.resource, history?.deployments, history?.revisions);
  if (!current || !previous) {
    throw new UserFacingError(`${service.name} runs the first revision of its task definition (${taskDefinitionName(current)}); there is no earlier revision to compare it with.`);
  }
  return [
    { taskDefinition: previous, revision: history?.revisionOf(previous) },
    { taskDefinition: current, revision: history?.revisionOf(current) },
  ];
}

function deploymentSides(node: DeploymentNode): [Side, Side] {
  const d = node.deployment;
  const source = node.revisions.get(d.sourceServiceRevisions?.[0]?.arn ?? '');
  const target = node.revisions.get(d.targetServiceRevision?.arn ?? '');
  if (!d.sourceServiceRevisions?.length) {
    throw new UserFacingError(`This deployment created ${node.serviceName}; there is no earlier revision to compare it with.`);
  }
  if (!source?.taskDefinition || !target?.taskDefinition) {
    throw new UserFacingError(`The revisions of this deployment of ${node.serviceName} could not be read; refresh Deployments and try again.`);
  }
  return [{ taskDefinition: source.taskDefinition, revision: source }, { taskDefinition: target.taskDefinition, revision: target }];
}

/**
 * Compare Revisions: the task definitions of two revisions side by side, as readable text
 * (images and their builds, command, environment, secret names, CPU/memory, logging). On a
 * service: the one before vs the running one; on a deployment: source vs target.
 */
export const compareRevisions = ({ tree, session, documents }: ExplorerDeps) => async (node?: unknown) => {
  const sides = node instanceof DeploymentNode ? deploymentSides(node) : await serviceSides(node instanceof ServiceNode ? node : await pickService(tree.ctx));
  const serviceName = node instanceof DeploymentNode ? node.serviceName : undefined;
  const ecs = await session.ecs();
  const build = (c: Container) => tree.ctx.imageBuild?.(c) ?? {};
  const [left, right] = await Promise.all(sides.map(async (side) => {
    const td = await ecs.describeTaskDefinition(side.taskDefinition);
    if (!td) throw new UserFacingError(`ECS did not describe task definition ${taskDefinitionName(side.taskDefinition)}.`);
    return { name: taskDefinitionName(td.taskDefinitionArn ?? side.taskDefinition), text: taskDefinitionDocument(td, build, revisionDigests(side.revision)) };
  }));
  await documents.showDiff(left, right, `${serviceName ? `${serviceName}: ` : ''}${left.name} ↔ ${right.name}`);
};
