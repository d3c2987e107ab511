import { chooseTail, type LogsDeps } from './deps';

/** Stops one tail; from the status bar item it lists the running tails to pick from. */
export const stopTail = ({ tails }: LogsDeps) => async (key?: unknown) => {
  const s = await chooseTail(tails, key, 'Select a tail to stop');
  if (s) await tails.stop(s);
};
