import * as vscode from 'vscode';
import { resolveExecutable } from '../../../platform/processes';
import { readSettings } from '../../../platform/settings';
import type { ExplorerDeps } from './deps';

/** Runs `aws sso login` for the current profile in a terminal the user can watch and answer. */
export const ssoLogin = ({ session }: ExplorerDeps) => async () => {
  const profile = readSettings().connection.profile || process.env.AWS_PROFILE || 'default';
  const terminal = vscode.window.createTerminal({ name: `AWS SSO login (${profile})`, shellPath: resolveExecutable('aws'), shellArgs: ['sso', 'login', '--profile', profile] });
  terminal.show();
  const done = vscode.window.onDidCloseTerminal((closed) => {
    if (closed !== terminal) return;
    done.dispose();
    if (closed.exitStatus?.code === 0) session.reset();
    else void vscode.window.showErrorMessage(`"aws sso login --profile ${profile}" did not succeed. Is the AWS CLI v2 installed and on PATH?`);
  });
};
