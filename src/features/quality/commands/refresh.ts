import type { QualityDeps } from './deps';

export const refresh = ({ refresh }: QualityDeps) => () => refresh();
