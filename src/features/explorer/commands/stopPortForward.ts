import * as vscode from 'vscode';
import type { ExplorerDeps } from './deps';

/** Stops a forwarded port: the one the status bar item names, the only one, or the one picked. */
export const stopPortForward = ({ forwards }: ExplorerDeps) => async (sessionId?: unknown) => {
  if (typeof sessionId === 'string' && (await forwards.stop(sessionId))) return;
  const active = forwards.list();
  if (active.length === 0) {
    void vscode.window.showInformationMessage('No port is being forwarded.');
    return;
  }
  const picked = active.length === 1 ? active[0] : await vscode.window.showQuickPick(active.map((a) => ({ label: a.text, ...a })), { placeHolder: 'Select the forwarded port to stop' });
  if (!picked) return;
  await forwards.stop(picked.sessionId);
  vscode.window.setStatusBarMessage(`Stopped forwarding ${picked.text}`, 5000);
};
