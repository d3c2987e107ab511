import * as vscode from 'vscode';
import type { CommitInfo } from '../../../core/git/git';
import { COMMANDS } from '../commandIds';
import { workspaceRepo, type ImageTreeProvider } from '../imageTree';
import { imageTarget } from '../pickers';

/** The local commit an image was built from, or a clear message (with Fetch) when there is none. */
export async function commitOf(tree: ImageTreeProvider, node: unknown): Promise<{ cwd: string; commit: CommitInfo } | undefined> {
  const image = await imageTarget(tree, node);
  const cwd = workspaceRepo();
  if (!cwd) {
    void vscode.window.showWarningMessage('Open the folder of your DAG repository (in a trusted workspace) to trace images to commits.');
    return undefined;
  }
  const sha = image.commitSha;
  if (!sha) {
    void vscode.window.showInformationMessage(`${image.tag ?? image.digest} has no build labels naming a commit.`);
    return undefined;
  }
  const commit = await tree.resolveCommit(sha);
  if (commit && commit !== 'unknown') return { cwd, commit };
  const picked = await vscode.window.showWarningMessage(`Commit ${sha.slice(0, 7)} is not in this clone: fetch?`, 'Fetch');
  if (picked === 'Fetch') await vscode.commands.executeCommand(COMMANDS.fetchCommits);
  return undefined;
}
