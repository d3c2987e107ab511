import * as vscode from 'vscode';
import type { Logger } from '../../core/log';
import type { AwsSession } from '../../platform/aws';
import type { CommandRegistry } from '../../platform/commands';
import { readSettings, SECTION } from '../../platform/settings';
import { ClusterTreeProvider } from './clusterTree';
import { COMMANDS, VIEW_ID } from './commandIds';
import { ResourceDocuments, RESOURCE_SCHEME } from './resourceDocuments';
import type { ExplorerDeps } from './commands/deps';
import type { NodeContext } from './nodes';
import { refresh } from './commands/refresh';
import { loadMore } from './commands/loadMore';
import { retry } from './commands/retry';
import { copyArn } from './commands/copyArn';
import { openInConsole } from './commands/openInConsole';
import { openAirflowUi } from './commands/openAirflowUi';
import { stopTask } from './commands/stopTask';
import { forceNewDeployment } from './commands/forceNewDeployment';
import { scaleService } from './commands/scaleService';
import { showResourceJson } from './commands/showResourceJson';
import { selectProfile } from './commands/selectProfile';
import { selectRegion } from './commands/selectRegion';
import { ssoLogin } from './commands/ssoLogin';
import { useDefaultCredentials } from './commands/useDefaultCredentials';
import { openEndpointSettings } from './commands/openEndpointSettings';
import { showLog } from './commands/showLog';

export interface ExplorerServices {
  session: AwsSession;
  registry: CommandRegistry;
  logger: Logger;
  channel: vscode.LogOutputChannel;
  /** Build labels of a container's image, when the Images feature has them cached. */
  imageBuild?: NodeContext['imageBuild'];
}

/** The Clusters view and its commands. Nothing here touches the network until the view asks. */
export function activateExplorer(context: vscode.ExtensionContext, services: ExplorerServices): ClusterTreeProvider {
  const { session, registry } = services;
  const tree = new ClusterTreeProvider(session, services.logger, services.imageBuild);
  const view = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: tree, showCollapseAll: true, canSelectMany: true });
  const describe = () => void session.label().then((label) => { view.description = label; });
  describe();
  const documents = new ResourceDocuments();
  context.subscriptions.push(tree, view, documents, vscode.workspace.registerTextDocumentContentProvider(RESOURCE_SCHEME, documents));

  const deps: ExplorerDeps = { ...services, tree, documents };
  const handlers = {
    [COMMANDS.refresh]: refresh,
    [COMMANDS.loadMore]: loadMore,
    [COMMANDS.retry]: retry,
    [COMMANDS.copyArn]: copyArn,
    [COMMANDS.openInConsole]: openInConsole,
    [COMMANDS.openAirflowUi]: openAirflowUi,
    [COMMANDS.stopTask]: stopTask,
    [COMMANDS.forceNewDeployment]: forceNewDeployment,
    [COMMANDS.scaleService]: scaleService,
    [COMMANDS.showResourceJson]: showResourceJson,
    [COMMANDS.selectProfile]: selectProfile,
    [COMMANDS.selectRegion]: selectRegion,
    [COMMANDS.ssoLogin]: ssoLogin,
    [COMMANDS.useDefaultCredentials]: useDefaultCredentials,
    [COMMANDS.openEndpointSettings]: openEndpointSettings,
    [COMMANDS.showLog]: showLog,
  };
  registry.registerAll(handlers, deps);

  context.subscriptions.push(session.onDidChange(() => {
    describe();
    tree.refresh();
  }));
  context.subscriptions.push(autoRefresh(view, tree));
  return tree;
}

/** Refreshes on a timer while the view is visible; nothing polls while it is hidden. */
function autoRefresh(view: vscode.TreeView<unknown>, tree: ClusterTreeProvider): vscode.Disposable {
  let timer: NodeJS.Timeout | undefined;
  const update = () => {
    if (timer) clearInterval(timer);
    timer = undefined;
    const seconds = readSettings().refreshIntervalSeconds;
    if (view.visible && seconds > 0) timer = setInterval(() => tree.refresh(), seconds * 1000);
  };
  update();
  const subscriptions = [
    view.onDidChangeVisibility(update),
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration(`${SECTION}.explorer.refreshInterval`) && update()),
  ];
  return { dispose: () => { if (timer) clearInterval(timer); subscriptions.forEach((s) => s.dispose()); } };
}
