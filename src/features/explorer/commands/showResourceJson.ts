import { isResource } from '../nodes';
import { pickResource } from '../pickers';
import type { ExplorerDeps } from './deps';

export const showResourceJson = ({ tree, documents }: ExplorerDeps) => async (node?: unknown) => {
  await documents.show(isResource(node) ? node : await pickResource(tree.ctx));
};
