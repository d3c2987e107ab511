import * as vscode from 'vscode';
import { fetchAll } from '../../../core/git/git';
import { toAbortSignal } from '../../../platform/commands';
import { requireTrust } from '../../../platform/processes';
import { workspaceRepo } from '../imageTree';
import type { ImagesDeps } from './deps';

/** `git fetch --all` in the workspace repository, then images look their commits up again. */
export const fetchCommits = ({ tree }: ImagesDeps) => async () => {
  requireTrust('Fetch Commits');
  const cwd = workspaceRepo();
  if (!cwd) throw new Error('Open the folder of your DAG repository (in a trusted workspace) to fetch commits.');
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'git fetch', cancellable: true },
    (_p, token) => fetchAll(cwd, toAbortSignal(token)),
  );
  tree.forgetCommits();
};
