import type { ErrorNode } from '../../../platform/nodeTree';
import type { ImagesDeps } from './deps';

export const retry = ({ tree }: ImagesDeps) => (node: ErrorNode) => {
  tree.refresh(node.retryTarget);
};
