import type { PipelineDeps } from './deps';

export const buildImage = ({ runs }: PipelineDeps) => () => runs.start('image');
