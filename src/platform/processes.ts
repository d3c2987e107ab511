import * as vscode from 'vscode';
import type { Logger } from '../core/log';
import { installProcessRunner, processRunner, ProcessRunner } from '../core/process/runner';

/**
 * Binds the core process runner to VS Code: workspace trust is the one trust check, and PATH
 * entries inside the workspace folders are never searched. Called once at activation.
 */
export function installProcesses(logger: Logger): vscode.Disposable {
  const runner = new ProcessRunner({
    logger,
    isTrusted: () => vscode.workspace.isTrusted,
    workspaceFolders: () => (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath),
  });
  return new vscode.Disposable(installProcessRunner(runner));
}

/** Refuses an action that runs code the workspace defines (a build of its commit, a shell) in an untrusted workspace. */
export function requireTrust(action: string): void {
  processRunner().requireTrust(action);
}

/** Whether actions that run workspace code may run; the same check the runner makes. */
export function workspaceTrusted(): boolean {
  return processRunner().isTrusted();
}

/** The absolute path of an executable outside the workspace, for a terminal's shellPath. */
export function resolveExecutable(name: string, env?: NodeJS.ProcessEnv): string {
  return processRunner().resolve(name, env);
}
