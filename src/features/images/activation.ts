import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Container } from '../../core/aws/ecs';
import { LabelCache, LabelLoader } from '../../core/ecr/labels';
import { tagOf } from '../../core/ecr/present';
import type { ContainerBuild } from '../../core/ecs/present';
import type { Logger } from '../../core/log';
import type { AwsSession } from '../../platform/aws';
import type { CommandRegistry } from '../../platform/commands';
import { SECTION } from '../../platform/settings';
import { COMMANDS, VIEW_ID } from './commandIds';
import { CommitDocuments, GIT_SCHEME } from './commitDocuments';
import { HeadStatusBar } from './headStatusBar';
import { ImageTreeProvider } from './imageTree';
import type { ImagesDeps } from './commands/deps';
import { refresh } from './commands/refresh';
import { loadMore } from './commands/loadMore';
import { retry } from './commands/retry';
import { openCommit } from './commands/openCommit';
import { compareWithHead } from './commands/compareWithHead';
import { fetchCommits } from './commands/fetchCommits';
import { startScan } from './commands/startScan';
import { copyImageUri } from './commands/copyImageUri';
import { pullImage } from './commands/pullImage';
import { revealDeployed } from './commands/revealDeployed';

export interface ImagesServices {
  session: AwsSession;
  registry: CommandRegistry;
  logger: Logger;
}

export interface ImagesFeature {
  tree: ImageTreeProvider;
  statusBar: HeadStatusBar;
  /** Tag, build number and commit of a container's image from cached labels (for the Clusters view). */
  imageBuild(container: Container): ContainerBuild;
}

/** The Images view, the HEAD status bar item and their commands. No network until the view is shown. */
export function activateImages(context: vscode.ExtensionContext, services: ImagesServices): ImagesFeature {
  const { session, registry, logger } = services;
  const cache = new LabelCache(path.join(context.globalStorageUri.fsPath, 'image-labels.json'), logger);
  const loader = new LabelLoader(() => session.ecr(), cache);
  const tree = new ImageTreeProvider(session, loader, logger);
  const view = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: tree, showCollapseAll: true });
  const statusBar = new HeadStatusBar(loader, logger);
  context.subscriptions.push(tree, view, statusBar, vscode.workspace.registerTextDocumentContentProvider(GIT_SCHEME, new CommitDocuments()));

  const deps: ImagesDeps = { session, tree, view, loader, statusBar, logger };
  const handlers = {
    [COMMANDS.refresh]: refresh,
    [COMMANDS.loadMore]: loadMore,
    [COMMANDS.retry]: retry,
    [COMMANDS.openCommit]: openCommit,
    [COMMANDS.compareWithHead]: compareWithHead,
    [COMMANDS.fetchCommits]: fetchCommits,
    [COMMANDS.startScan]: startScan,
    [COMMANDS.copyImageUri]: copyImageUri,
    [COMMANDS.pullImage]: pullImage,
    [COMMANDS.revealDeployed]: revealDeployed,
  };
  registry.registerAll(handlers, deps);

  // Deployment markers and the status bar are computed the first time the view is shown.
  let shown = false;
  const firstShow = () => {
    if (shown || !view.visible) return;
    shown = true;
    void vscode.commands.executeCommand(COMMANDS.refresh);
  };
  context.subscriptions.push(
    view.onDidChangeVisibility(firstShow),
    // Another profile or region: repositories, markers and the HEAD answer all come again.
    session.onDidChange(() => (shown ? void vscode.commands.executeCommand(COMMANDS.refresh) : tree.refresh())),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(`${SECTION}.images`)) tree.refresh();
    }),
  );
  firstShow();

  return {
    tree,
    statusBar,
    imageBuild: (container) => ({ tag: tagOf(container.image), ...tree.buildOf(container.imageDigest) }),
  };
}
