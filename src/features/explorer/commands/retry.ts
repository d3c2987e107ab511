import type { ErrorNode } from '../../../platform/nodeTree';
import type { ExplorerDeps } from './deps';

export const retry = ({ tree }: ExplorerDeps) => (node: ErrorNode) => {
  tree.refresh(node.retryTarget);
};
