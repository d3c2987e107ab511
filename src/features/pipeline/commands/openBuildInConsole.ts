import * as vscode from 'vscode';
import { buildConsoleUrl } from '../../../core/pipeline/buildModel';
import { readSettings } from '../../../platform/settings';
import { buildOf, type PipelineDeps } from './deps';

export const openBuildInConsole = (deps: PipelineDeps) => async (node?: unknown) => {
  const build = buildOf(node, deps, readSettings().pipeline.dagProject);
  const { region } = await deps.session.connection();
  await vscode.env.openExternal(vscode.Uri.parse(buildConsoleUrl(region, build), true));
};
