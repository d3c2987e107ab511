import * as vscode from 'vscode';
import type { LoadMoreNode } from '../../../platform/nodeTree';
import type { ExplorerDeps } from './deps';

export const loadMore = ({ tree }: ExplorerDeps) => async (node: LoadMoreNode) => {
  await vscode.window.withProgress({ location: { viewId: 'airflowEcs.clusters' } }, () => node.parent.loadMore());
  tree.redraw(node.parent);
};
