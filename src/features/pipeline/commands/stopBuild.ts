import * as vscode from 'vscode';
import { readSettings } from '../../../platform/settings';
import { buildOf, type PipelineDeps } from './deps';

export const stopBuild = (deps: PipelineDeps) => async (node?: unknown) => {
  const build = buildOf(node, deps, readSettings().pipeline.dagProject);
  const answer = await vscode.window.showWarningMessage(`Stop build #${build.buildNumber} of ${build.projectName}?`, { modal: true }, 'Stop Build');
  if (answer === 'Stop Build') await deps.runs.stop(build);
};
