import type { LocalStackDeps } from './deps';

/** Lists the containers again (the events stream normally keeps the view current). */
export const refresh = ({ stack, tree }: LocalStackDeps) => async () => {
  if (stack.tracker?.watching) await stack.tracker.refresh();
  else tree.refresh();
};
