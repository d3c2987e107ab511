import * as vscode from 'vscode';
import { chooseTail, type LogsDeps } from './deps';

/** Restarts a tail with a CloudWatch filter pattern; CloudWatch's own message says what is wrong with a bad one. */
export const filterTail = ({ tails }: LogsDeps) => async (key?: unknown, pattern?: unknown) => {
  const s = await chooseTail(tails, key, 'Select a tail to filter');
  if (!s) return;
  if (!s.filterable) {
    void vscode.window.showInformationMessage(`${s.title} is not a CloudWatch tail, so a filter pattern does not apply; use the Output panel's filter box instead.`);
    return;
  }
  const value = typeof pattern === 'string' ? pattern : await vscode.window.showInputBox({
    title: `Filter ${s.title}`,
    prompt: 'CloudWatch Logs filter pattern, e.g. ERROR or "Task failed". Empty shows every line.',
    value: s.filterPattern,
  });
  if (value === undefined) return;
  await tails.restart(s, value.trim());
};
