import * as vscode from 'vscode';
import type { Logger } from '../../core/log';
import type { AwsSession } from '../../platform/aws';
import { VIEW_TITLE, type CommandRegistry } from '../../platform/commands';
import { reportError } from '../../platform/errors';
import { AirflowTreeProvider } from './airflowTree';
import { AIRFLOW_VIEW, COMMANDS, DEPLOYED_SCHEME } from './commandIds';
import { compareWithDeployed, DeployedSources } from './compare';
import { connectFlow } from './connect';
import { ImportErrorDiagnostics } from './diagnostics';
import { AirflowService } from './service';
import { DagFileStatusBar } from './statusBar';
import type { TailSessions } from '../../platform/tailSessions';
import { activateAirflowRuns, type AirflowRunsApi } from './runs/activation';

export interface AirflowServices {
  session: AwsSession;
  registry: CommandRegistry;
  logger: Logger;
  logTails: TailSessions;
}

/** What the tests (and the runs of part 2) use. */
export interface AirflowApi {
  service: AirflowService;
  tree: AirflowTreeProvider;
  diagnostics: ImportErrorDiagnostics;
  statusBar: DagFileStatusBar;
  runs: AirflowRunsApi;
}

/** The deployed Airflow: the Airflow view, import errors as diagnostics, Compare with Deployed, the DAG file's status. */
export function activateAirflow(context: vscode.ExtensionContext, { session, registry, logger, logTails }: AirflowServices): AirflowApi {
  const service = new AirflowService(context.secrets, context.workspaceState, logger);
  const tree = new AirflowTreeProvider(service, logger);
  const view = vscode.window.createTreeView(AIRFLOW_VIEW, { treeDataProvider: tree, showCollapseAll: true });
  tree.view = view;
  const diagnostics = new ImportErrorDiagnostics(service);
  const statusBar = new DagFileStatusBar(service, session, logger);
  const sources = new DeployedSources();
  context.subscriptions.push(service, tree, view, diagnostics, statusBar, vscode.workspace.registerTextDocumentContentProvider(DEPLOYED_SCHEME, sources));
  // A sign-out or another URL: no deployed source of the old one stays readable.
  context.subscriptions.push(service.onDidChange(() => { if (!service.snapshot) sources.clear(); }));

  const refresh = async () => {
    if (!(await service.signedIn())) return connectFlow(service, session, logger);
    await vscode.window.withProgress({ location: { viewId: AIRFLOW_VIEW } }, () => service.load());
    return true;
  };
  registry.register(COMMANDS.connect, (arg?: unknown) => connectFlow(service, session, logger, arg === VIEW_TITLE ? undefined : arg));
  registry.register(COMMANDS.signIn, () => connectFlow(service, session, logger, service.url ? { url: service.url } : undefined));
  registry.register(COMMANDS.signOut, async () => {
    await service.signOut();
    void vscode.window.showInformationMessage('Signed out of Airflow: the credentials are forgotten and nothing read with them is shown.');
  });
  registry.register(COMMANDS.refresh, async () => {
    try {
      return await refresh();
    } catch (err) {
      await reportError(err, logger, 'Airflow: refresh', () => vscode.commands.executeCommand(COMMANDS.refresh));
      return false;
    }
  });
  registry.register(COMMANDS.filter, async () => {
    const value = await vscode.window.showInputBox({ title: 'Filter DAGs', prompt: 'Part of a DAG id or a tag (empty shows all)', value: tree.filter });
    if (value !== undefined) await tree.setFilter(value);
  });
  registry.register(COMMANDS.clearFilter, () => tree.setFilter(''));
  registry.register(COMMANDS.compareWithDeployed, (arg?: unknown) => compareWithDeployed(service, sources, arg === VIEW_TITLE ? undefined : arg));

  const runs = activateAirflowRuns(context, {
    registry, logger, logTails,
    host: {
      client: () => service.client(),
      redraw: (node) => tree.redraw(node),
      // The DAG row's paused flag and last run come with the DAG list.
      dagChanged: () => void service.load().catch((err: unknown) => logger.warn(`Airflow: ${err instanceof Error ? err.message : String(err)}`)),
    },
  });
  tree.runs = runs.runs;
  // A reload (Refresh, another URL, a sign-out) reads the runs of expanded DAGs again too.
  context.subscriptions.push(service.onDidChange(() => runs.runs.resetAll()));

  void service.seedDemo().then(() => service.updateStateKey()).then(async () => {
    if (await service.signedIn()) await service.load().catch((err: unknown) => logger.warn(`Airflow: ${err instanceof Error ? err.message : String(err)}`));
  });
  return { service, tree, diagnostics, statusBar, runs };
}
