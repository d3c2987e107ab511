import type { PipelineDeps } from './deps';

export const runDagPipeline = ({ runs }: PipelineDeps) => () => runs.start('dag');
