import * as vscode from 'vscode';
import { readSettings } from '../../../platform/settings';
import { buildOf, type PipelineDeps } from './deps';

export const copyBuildArn = (deps: PipelineDeps) => async (node?: unknown) => {
  const build = buildOf(node, deps, readSettings().pipeline.dagProject);
  await vscode.env.clipboard.writeText(build.arn ?? '');
  vscode.window.setStatusBarMessage(`Copied the ARN of build #${build.buildNumber}`, 3000);
};
