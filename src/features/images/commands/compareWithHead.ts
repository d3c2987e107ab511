import * as path from 'node:path';
import * as vscode from 'vscode';
import { changedFiles } from '../../../core/git/git';
import { CommitDocuments } from '../commitDocuments';
import type { ImagesDeps } from './deps';
import { commitOf } from './commitOf';

export const DAG_FOLDER = 'dags';

/** The DAG folder as the image was built versus the working tree, in one multi-file diff. */
export const compareWithHead = ({ tree }: ImagesDeps) => async (node?: unknown) => {
  const found = await commitOf(tree, node);
  if (!found) return;
  const { cwd, commit } = found;
  const files = await changedFiles(cwd, commit.sha, DAG_FOLDER);
  if (!files.length) {
    void vscode.window.showInformationMessage(`${DAG_FOLDER}/ is the same in ${commit.sha.slice(0, 7)} and your working tree.`);
    return;
  }
  const resources = files.map((f) => {
    const working = vscode.Uri.file(path.join(cwd, f.path));
    const right = f.status === 'D' ? CommitDocuments.deletedUri(f.path) : working;
    return [working, CommitDocuments.fileUri(cwd, commit.sha, f.path), right];
  });
  await vscode.commands.executeCommand('vscode.changes', `${DAG_FOLDER}/ at ${commit.sha.slice(0, 7)} ↔ working tree`, resources);
};
