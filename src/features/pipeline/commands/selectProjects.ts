import * as vscode from 'vscode';
import { updateUserSetting } from '../../../platform/settings';
import { PIPELINE_NAMES, PIPELINE_SETTING, type PipelineKind } from '../commandIds';
import type { PipelineDeps } from './deps';

/** Lists the account's CodeBuild projects to choose the DAG (or image) pipeline from. */
export const selectProjects = ({ session, tree, runs }: PipelineDeps) => async (kind?: unknown) => {
  // From the view title the argument is VIEW_TITLE, not a pipeline: ask.
  const pipeline = typeof kind === 'string' && kind in PIPELINE_NAMES ? kind as PipelineKind : (await vscode.window.showQuickPick(
    (Object.keys(PIPELINE_NAMES) as PipelineKind[]).map((k) => ({ label: PIPELINE_NAMES[k], pipeline: k })),
    { placeHolder: 'Which pipeline do you want to choose the CodeBuild project for?' },
  ))?.pipeline;
  if (!pipeline) return undefined;
  const items = (async (): Promise<vscode.QuickPickItem[]> => {
    const names = await (await session.codebuild()).listProjects();
    if (names.length === 0) throw new Error('There are no CodeBuild projects in this account and region. Deploy infra-templates/cloudformation, or select another region.');
    return names.map((label) => ({ label }));
  })();
  const picked = await vscode.window.showQuickPick(items, { placeHolder: `CodeBuild project of the ${PIPELINE_NAMES[pipeline]}` });
  if (!picked) return undefined;
  await updateUserSetting(PIPELINE_SETTING[pipeline], picked.label);
  tree.refresh();
  await runs.updateStatusBar();
  return picked.label;
};
