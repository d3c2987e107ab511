import type { LocalStackDeps } from './deps';

export const showOutput = ({ stack }: LocalStackDeps) => () => stack.output.show(true);
