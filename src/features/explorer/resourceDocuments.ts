import { createHash } from 'node:crypto';
import * as vscode from 'vscode';
import type { TreeNode } from '../../platform/nodeTree';
import type { ResourceNode } from './nodes';

export const RESOURCE_SCHEME = 'airflow-ecs';

/** Read-only JSON documents of the resources as ECS described them. */
export class ResourceDocuments implements vscode.TextDocumentContentProvider {
  private readonly contents = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? '// This resource is no longer loaded; show it again from the Clusters view.';
  }

  async show(node: TreeNode & ResourceNode): Promise<void> {
    const name = node.treeItem().label as string;
    const uri = vscode.Uri.from({ scheme: RESOURCE_SCHEME, path: `/${node.kind}/${name}.json`, query: node.arn });
    this.contents.set(uri.toString(), JSON.stringify(node.resource, null, 2));
    this.changed.fire(uri);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { preview: true });
  }

  /** Two read-only text documents side by side (`vscode.diff`), e.g. two task definition revisions. */
  async showDiff(left: { name: string; text: string }, right: { name: string; text: string }, title: string): Promise<void> {
    // Named by content: an editor still open on an older text of the same revision can never show in its place.
    const uri = (side: { name: string; text: string }) => {
      const u = vscode.Uri.from({ scheme: RESOURCE_SCHEME, path: `/revision/${side.name}.txt`, query: createHash('sha256').update(side.text).digest('hex').slice(0, 16) });
      this.contents.set(u.toString(), side.text);
      return u;
    };
    await vscode.commands.executeCommand('vscode.diff', uri(left), uri(right), title, { preview: true });
  }

  dispose(): void {
    this.changed.dispose();
  }
}
