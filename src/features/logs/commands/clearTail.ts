import { chooseTail, type LogsDeps } from './deps';

/** Empties a tail's channel; the tail goes on. */
export const clearTail = ({ tails }: LogsDeps) => async (key?: unknown) => {
  const s = await chooseTail(tails, key, 'Select a tail to clear');
  if (!s) return;
  s.channel.clear();
  s.lines.length = 0;
};
