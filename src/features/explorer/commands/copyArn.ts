import * as vscode from 'vscode';
import { isResource } from '../nodes';
import { pickResource } from '../pickers';
import type { ExplorerDeps } from './deps';

export const copyArn = ({ tree }: ExplorerDeps) => async (node?: unknown) => {
  const target = isResource(node) ? node : await pickResource(tree.ctx);
  await vscode.env.clipboard.writeText(target.arn);
  vscode.window.setStatusBarMessage(`Copied ${target.kind} ARN`, 3000);
};
