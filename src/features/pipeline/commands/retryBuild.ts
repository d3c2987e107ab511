import * as vscode from 'vscode';
import { requireTrust } from '../../../platform/processes';
import { readSettings } from '../../../platform/settings';
import { buildOf, type PipelineDeps } from './deps';

export const retryBuild = (deps: PipelineDeps) => async (node?: unknown) => {
  requireTrust('Retry Build');
  const build = buildOf(node, deps, readSettings().pipeline.dagProject);
  const retried = await (await deps.session.codebuild()).retryBuild(build.id ?? '');
  deps.tree.update(retried);
  deps.runs.watcher.watch(retried.id ?? '');
  vscode.window.setStatusBarMessage(`Retrying ${build.projectName} as build #${retried.buildNumber}`, 5000);
};
