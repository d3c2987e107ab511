import type * as vscode from 'vscode';
import type { LabelLoader } from '../../../core/ecr/labels';
import type { Logger } from '../../../core/log';
import type { AwsSession } from '../../../platform/aws';
import type { TreeNode } from '../../../platform/nodeTree';
import type { HeadStatusBar } from '../headStatusBar';
import type { ImageTreeProvider } from '../imageTree';

/** What the Images commands share. */
export interface ImagesDeps {
  session: AwsSession;
  tree: ImageTreeProvider;
  view: vscode.TreeView<TreeNode>;
  loader: LabelLoader;
  statusBar: HeadStatusBar;
  logger: Logger;
}
