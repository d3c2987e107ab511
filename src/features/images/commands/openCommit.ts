import * as vscode from 'vscode';
import { CommitDocuments } from '../commitDocuments';
import type { ImagesDeps } from './deps';
import { commitOf } from './commitOf';

/** Shows `git show <sha>` of the image's commit in a read-only diff document. */
export const openCommit = ({ tree }: ImagesDeps) => async (node?: unknown) => {
  const found = await commitOf(tree, node);
  if (!found) return;
  const doc = await vscode.workspace.openTextDocument(CommitDocuments.commitUri(found.cwd, found.commit.sha));
  await vscode.languages.setTextDocumentLanguage(doc, 'diff');
  await vscode.window.showTextDocument(doc, { preview: true });
};
