import * as vscode from 'vscode';
import type { LogsDeps } from './deps';

export const stopAllTails = ({ tails }: LogsDeps) => async () => {
  const n = tails.list().length;
  await tails.stopAll();
  vscode.window.setStatusBarMessage(`Stopped ${n} log ${n === 1 ? 'tail' : 'tails'}`, 3000);
};
