import * as vscode from 'vscode';
import { readSettings } from '../../../platform/settings';
import { buildOf, type PipelineDeps } from './deps';

export const retryBuild = (deps: PipelineDeps) => async (node?: unknown) => {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage('Pipeline runs are disabled in an untrusted workspace: trust this folder to retry builds.');
    return;
  }
  const build = buildOf(node, deps, readSettings().pipeline.dagProject);
  const retried = await (await deps.session.codebuild()).retryBuild(build.id ?? '');
  deps.tree.update(retried);
  deps.runs.watcher.watch(retried.id ?? '');
  vscode.window.setStatusBarMessage(`Retrying ${build.projectName} as build #${retried.buildNumber}`, 5000);
};
