import * as vscode from 'vscode';
import { fetchRemotes } from '../../../core/git/git';
import { toAbortSignal } from '../../../platform/commands';
import { requireTrust } from '../../../platform/processes';
import { workspaceRepo } from '../imageTree';
import type { ImagesDeps } from './deps';

/** `git fetch --all` in the workspace repository, says what it fetched, then images look their commits up again. */
export const fetchCommits = ({ tree }: ImagesDeps) => async () => {
  requireTrust('Fetch Commits');
  const cwd = workspaceRepo();
  if (!cwd) throw new Error('Open the folder of your DAG repository (in a trusted workspace) to fetch commits.');
  const outcome = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'git fetch --all', cancellable: true },
    (_p, token) => fetchRemotes(cwd, toAbortSignal(token)),
  );
  if (!outcome.remotes.length) {
    void vscode.window.showWarningMessage('This repository has no git remote, so there is nothing to fetch: add one (git remote add origin <url>) to find the commits images were built from.');
    return;
  }
  tree.forgetCommits();
  const from = outcome.remotes.join(', ');
  void vscode.window.showInformationMessage(outcome.updated
    ? `Fetched ${outcome.updated} new or updated ${outcome.updated === 1 ? 'ref' : 'refs'} from ${from}.`
    : `Nothing new on ${from}: the commits this clone lacks are not there either.`);
};
