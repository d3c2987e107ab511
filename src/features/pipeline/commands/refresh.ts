import type { PipelineDeps } from './deps';

export const refresh = ({ tree }: PipelineDeps) => () => tree.refresh();
