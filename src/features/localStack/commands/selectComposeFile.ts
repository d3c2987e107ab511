import type { LocalStackDeps } from './deps';

export const selectComposeFile = ({ stack }: LocalStackDeps) => async () => {
  await stack.chooseFile();
};
