import * as vscode from 'vscode';
import { CommitNode, ImageNode, RepositoryNode } from './nodes';
import type { ImageTreeProvider } from './imageTree';

/** The image a command acts on: the node it was run on, else one the user picks. */
export async function imageTarget(tree: ImageTreeProvider, node: unknown): Promise<ImageNode> {
  if (node instanceof ImageNode) return node;
  if (node instanceof CommitNode) return node.image;
  const repos = (await tree.getChildren()).filter((n): n is RepositoryNode => n instanceof RepositoryNode);
  const repo = await vscode.window.showQuickPick(repos.map((r) => ({ label: r.name, node: r })), { placeHolder: 'ECR repository' });
  if (!repo) throw new vscode.CancellationError();
  const images = (await tree.getChildren(repo.node)).filter((n): n is ImageNode => n instanceof ImageNode);
  const picked = await vscode.window.showQuickPick(
    images.map((i) => ({ label: i.image.imageTags?.join(', ') ?? i.digest, description: String(i.treeItem().description ?? ''), node: i })),
    { placeHolder: 'Image (newest first)' },
  );
  if (!picked) throw new vscode.CancellationError();
  return picked.node;
}
