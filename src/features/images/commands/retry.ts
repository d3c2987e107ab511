import type { ErrorNode } from '../../explorer/nodes';
import type { ImagesDeps } from './deps';

export const retry = ({ tree }: ImagesDeps) => (node: ErrorNode) => {
  tree.refresh(node.retryTarget);
};
