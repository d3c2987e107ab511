import { ExplorerNode } from '../nodes';
import type { ExplorerDeps } from './deps';

export const refresh = ({ tree }: ExplorerDeps) => (node?: unknown) => {
  tree.refresh(node instanceof ExplorerNode ? node : undefined);
};
