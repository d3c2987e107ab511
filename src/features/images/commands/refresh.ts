import * as vscode from 'vscode';
import { connectionProblem } from '../../../platform/aws';
import { toAbortSignal } from '../../../platform/commands';
import { TreeNode } from '../../../platform/nodeTree';
import { VIEW_ID } from '../commandIds';
import type { ImagesDeps } from './deps';

/** Reloads a node; from the view title or the palette, everything plus the deployment markers and the status bar. */
export const refresh = ({ tree, statusBar }: ImagesDeps) => async (node?: unknown) => {
  if (node instanceof TreeNode) {
    tree.refresh(node);
    return;
  }
  tree.refresh();
  await vscode.window.withProgress({ location: { viewId: VIEW_ID }, cancellable: true }, async (_progress, token) => {
    try {
      await statusBar.update(await tree.refreshDeployments(toAbortSignal(token)));
    } catch (err) {
      statusBar.hide();
      // A wrong connection is already said by the view's welcome content, with its fix.
      if (!connectionProblem(err)) throw err;
    }
  });
};
