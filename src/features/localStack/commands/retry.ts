import type { LocalStackDeps } from './deps';

/** Starts over: finds the compose file, reconnects to Docker and re-subscribes to its events. */
export const retry = ({ stack }: LocalStackDeps) => () => stack.reset();
