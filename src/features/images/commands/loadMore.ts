import * as vscode from 'vscode';
import type { LoadMoreNode } from '../../../platform/nodeTree';
import { VIEW_ID } from '../commandIds';
import type { ImagesDeps } from './deps';

export const loadMore = ({ tree }: ImagesDeps) => async (node: LoadMoreNode) => {
  await vscode.window.withProgress({ location: { viewId: VIEW_ID } }, () => node.parent.loadMore());
  tree.redraw(node.parent);
};
