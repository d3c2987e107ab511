import { TreeNode } from '../../../platform/nodeTree';
import { ClusterNode, ServiceNode } from '../nodes';
import type { ExplorerDeps } from './deps';

/** The view title: everything on screen, in place. A row: that row's subtree from scratch, and its counts. */
export const refresh = ({ tree }: ExplorerDeps) => async (node?: unknown) => {
  if (!(node instanceof TreeNode)) return tree.refresh();
  tree.refresh(node);
  // A row's own counts come from its parent's read: describe it again too.
  if (node instanceof ClusterNode) await tree.refreshUp(node.arn);
  if (node instanceof ServiceNode) await tree.refreshUp(node.clusterArn, node.name);
};
