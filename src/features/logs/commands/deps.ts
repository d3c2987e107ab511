import * as vscode from 'vscode';
import type { Logger } from '../../../core/log';
import type { AwsSession } from '../../../platform/aws';
import type { TailSession, TailSessions } from '../../../platform/tailSessions';

/** What the log commands share. */
export interface LogsDeps {
  session: AwsSession;
  tails: TailSessions;
  logger: Logger;
}

/** The tail a command acts on: the one given, the only one, or one picked from the list. */
export async function chooseTail(tails: TailSessions, given: unknown, placeHolder: string): Promise<TailSession | undefined> {
  const all = tails.list();
  if (typeof given === 'string') return tails.find(given);
  if (all.length === 0) {
    void vscode.window.showInformationMessage('No log tail is running. Start one with "Tail Logs" on a service, task or container.');
    return undefined;
  }
  if (all.length === 1) return all[0];
  const picked = await vscode.window.showQuickPick(
    all.map((s) => ({ label: s.title, description: `${s.mode} · ${s.rate().toFixed(1)}/s${s.filterPattern ? ` · filter ${s.filterPattern}` : ''}`, session: s })),
    { placeHolder },
  );
  return picked?.session;
}
