import * as vscode from 'vscode';
import type { Logger } from '../../core/log';
import type { AwsSession } from '../../platform/aws';
import type { CommandRegistry } from '../../platform/commands';
import type { TailSessions } from '../../platform/tailSessions';
import { readSettings, SECTION } from '../../platform/settings';
import { MINUTE_MS, whileVisible } from '../../platform/visibleTimer';
import { ClusterTreeProvider } from './clusterTree';
import { COMMANDS, VIEW_ID } from './commandIds';
import { ResourceDocuments, RESOURCE_SCHEME } from './resourceDocuments';
import type { ExplorerDeps } from './commands/deps';
import type { NodeContext } from './nodes';
import { refresh } from './commands/refresh';
import { loadMore } from './commands/loadMore';
import { retry } from './commands/retry';
import { filterServices } from './commands/filterServices';
import { copyArn } from './commands/copyArn';
import { openInConsole } from './commands/openInConsole';
import { openAirflowUi } from './commands/openAirflowUi';
import { stopTask } from './commands/stopTask';
import { forceNewDeployment } from './commands/forceNewDeployment';
import { scaleService } from './commands/scaleService';
import { showResourceJson } from './commands/showResourceJson';
import { tailLogs } from './commands/tailLogs';
import { selectProfile } from './commands/selectProfile';
import { selectRegion } from './commands/selectRegion';
import { ssoLogin } from './commands/ssoLogin';
import { useDefaultCredentials } from './commands/useDefaultCredentials';
import { openEndpointSettings } from './commands/openEndpointSettings';
import { showLog } from './commands/showLog';
import { openShell } from './commands/openShell';
import { forwardPort } from './commands/forwardPort';
import { stopPortForward } from './commands/stopPortForward';
import { PortForwards } from './portForwards';
import { compareRevisions } from './commands/compareRevisions';
import { rollBackService } from './commands/rollBackService';
import { stopDeployment } from './commands/stopDeployment';

export interface ExplorerServices {
  session: AwsSession;
  registry: CommandRegistry;
  logger: Logger;
  channel: vscode.LogOutputChannel;
  /** Where Tail Logs on a service, task or container opens its channel. */
  tails: TailSessions;
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

  const forwards = new PortForwards(services.logger);
  context.subscriptions.push(forwards);
  const deps: ExplorerDeps = { ...services, tree, documents, forwards };
  const handlers = {
    [COMMANDS.refresh]: refresh,
    [COMMANDS.loadMore]: loadMore,
    [COMMANDS.retry]: retry,
    [COMMANDS.filterServices]: filterServices,
    [COMMANDS.copyArn]: copyArn,
    [COMMANDS.openInConsole]: openInConsole,
    [COMMANDS.openAirflowUi]: openAirflowUi,
    [COMMANDS.stopTask]: stopTask,
    [COMMANDS.forceNewDeployment]: forceNewDeployment,
    [COMMANDS.scaleService]: scaleService,
    [COMMANDS.showResourceJson]: showResourceJson,
    [COMMANDS.tailLogs]: tailLogs,
    [COMMANDS.selectProfile]: selectProfile,
    [COMMANDS.selectRegion]: selectRegion,
    [COMMANDS.ssoLogin]: ssoLogin,
    [COMMANDS.useDefaultCredentials]: useDefaultCredentials,
    [COMMANDS.openEndpointSettings]: openEndpointSettings,
    [COMMANDS.showLog]: showLog,
    [COMMANDS.openShell]: openShell,
    [COMMANDS.forwardPort]: forwardPort,
    [COMMANDS.stopPortForward]: stopPortForward,
    [COMMANDS.compareRevisions]: compareRevisions,
    [COMMANDS.rollBackService]: rollBackService,
    [COMMANDS.stopDeployment]: stopDeployment,
  };
  registry.registerAll(handlers, deps);

  context.subscriptions.push(session.onDidChange(() => {
    describe();
    tree.reset();
  }));
  context.subscriptions.push(...autoRefresh(view, tree));
  return tree;
}

/**
 * Refreshes in place on a timer while the view is visible (nothing polls while it is hidden),
 * at once when it shows again after being hidden, and redraws every minute so ages move on.
 */
function autoRefresh(view: vscode.TreeView<unknown>, tree: ClusterTreeProvider): vscode.Disposable[] {
  const refresh = whileVisible(view, () => tree.loaded && tree.refresh(), { everyMs: () => readSettings().refreshIntervalSeconds * 1000, onShown: true });
  const redraw = whileVisible(view, () => tree.redrawAll(), { everyMs: () => MINUTE_MS });
  return [
    refresh,
    redraw,
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration(`${SECTION}.explorer.refreshInterval`) && refresh.restart()),
  ];
}
