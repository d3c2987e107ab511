import * as vscode from 'vscode';
import { toAbortSignal } from '../../platform/commands';
import { fileAt, showCommit } from '../../core/git/git';

export const GIT_SCHEME = 'airflow-ecs-git';

/**
 * Read-only git content: `airflow-ecs-git:/<sha>.diff?<cwd>` is `git show <sha>`,
 * `airflow-ecs-git:/<file>?{"cwd","sha"}` a file at a commit.
 */
export class CommitDocuments implements vscode.TextDocumentContentProvider {
  provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    const { cwd, sha, file, deleted } = JSON.parse(uri.query) as { cwd: string; sha: string; file?: string; deleted?: boolean };
    if (deleted) return Promise.resolve('');
    const signal = toAbortSignal(token);
    return file ? fileAt(cwd, sha, file, signal) : showCommit(cwd, sha, signal);
  }

  static commitUri(cwd: string, sha: string): vscode.Uri {
    return vscode.Uri.from({ scheme: GIT_SCHEME, path: `/${sha.slice(0, 7)}.diff`, query: JSON.stringify({ cwd, sha }) });
  }

  /** The empty right side of a file deleted from the working tree. */
  static deletedUri(file: string): vscode.Uri {
    return vscode.Uri.from({ scheme: GIT_SCHEME, path: `/${file}`, query: JSON.stringify({ deleted: true }) });
  }

  static fileUri(cwd: string, sha: string, file: string): vscode.Uri {
    return vscode.Uri.from({ scheme: GIT_SCHEME, path: `/${file}`, query: JSON.stringify({ cwd, sha, file }) });
  }
}
