import * as vscode from 'vscode';
import { consoleUrl, type ConsoleTarget } from '../../../core/ecs/present';
import type { TreeNode } from '../../../platform/nodeTree';
import { isResource, TaskNode, ContainerNode, type ResourceNode } from '../nodes';
import { pickResource } from '../pickers';
import type { ExplorerDeps } from './deps';

function target(node: TreeNode & ResourceNode): ConsoleTarget {
  const cluster = node.clusterArn.slice(node.clusterArn.lastIndexOf('/') + 1);
  if (node instanceof TaskNode) return { kind: 'task', cluster, taskArn: node.arn };
  if (node instanceof ContainerNode) return { kind: 'task', cluster, taskArn: node.task.taskArn ?? '' };
  if (node.kind === 'service') return { kind: 'service', cluster, service: node.arn.slice(node.arn.lastIndexOf('/') + 1) };
  return { kind: 'cluster', cluster };
}

export const openInConsole = ({ session, tree }: ExplorerDeps) => async (node?: unknown) => {
  const resource = isResource(node) ? node : await pickResource(tree.ctx);
  const { region } = await session.connection();
  await vscode.env.openExternal(vscode.Uri.parse(consoleUrl(region, target(resource))));
};
