import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Logger } from '../../core/log';
import type { CommandRegistry } from '../../platform/commands';
import { toAbortSignal } from '../../platform/commands';
import { CONNECTION_COMMANDS, isCancellation } from '../../platform/errors';
import { SECTION } from '../../platform/settings';
import { SonarCodeActions } from './codeActions';
import { COMMANDS, QUALITY_PR_KEY, QUALITY_VIEW, RULE_SCHEME } from './commandIds';
import { QualityService } from './qualityService';
import { QualityTreeProvider, notes, warnings } from './qualityTree';
import { RuleDocuments } from './ruleDocuments';
import { createGateStatusBar } from './statusBar';
import type { QualityDeps } from './commands/deps';
import { signIn } from './commands/signIn';
import { signOut } from './commands/signOut';
import { refresh } from './commands/refresh';
import { importFindings } from './commands/importFindings';
import { openFinding } from './commands/openFinding';
import { showRule } from './commands/showRule';
import { nextFinding } from './commands/nextFinding';
import { chooseAnalysis } from './commands/chooseAnalysis';

export interface QualityServices {
  registry: CommandRegistry;
  logger: Logger;
}

/** What other features (the pipeline, after a DAG build) and the tests use. */
export interface QualityApi {
  service: QualityService;
  tree: QualityTreeProvider;
  /** Reads findings and the gate again without popping messages; failures show in the Quality view. */
  refreshInBackground(): Promise<void>;
}

/** SonarCloud findings as diagnostics, the gate in the status bar and the Quality view. */
export function activateQuality(context: vscode.ExtensionContext, services: QualityServices): QualityApi {
  const { registry, logger } = services;
  const service = new QualityService(context.secrets, logger, context.globalState);
  const tree = new QualityTreeProvider(service);
  const documents = new RuleDocuments();
  context.subscriptions.push(
    service, tree,
    vscode.window.createTreeView(QUALITY_VIEW, { treeDataProvider: tree }),
    createGateStatusBar(service),
    vscode.workspace.registerTextDocumentContentProvider(RULE_SCHEME, documents),
    vscode.languages.registerCodeActionsProvider({ scheme: 'file' }, new SonarCodeActions(service), { providedCodeActionKinds: SonarCodeActions.kinds }),
  );

  const headWatch = new HeadWatcher(() => void refreshInBackground());
  context.subscriptions.push(headWatch);
  const afterRefresh = () => headWatch.watch(service.gitState?.headFile);
  context.subscriptions.push(service.onDidChange(() => {
    const s = service.snapshot;
    void vscode.commands.executeCommand('setContext', QUALITY_PR_KEY, Boolean(s?.origin.kind === 'server' && s.origin.branchPullRequests.length));
  }));
  // Findings on a file that is deleted go with it.
  const deletions = vscode.workspace.createFileSystemWatcher('**/*', true, true, false);
  let deletionTimer: NodeJS.Timeout | undefined;
  context.subscriptions.push(deletions, deletions.onDidDelete(() => {
    if (deletionTimer) clearTimeout(deletionTimer);
    deletionTimer = setTimeout(() => void service.dropMissing(), 300);
  }), { dispose: () => deletionTimer && clearTimeout(deletionTimer) });
  /** Notes already told in a notification: a refresh tells only what changed (not "500 left out" each time). */
  let told = new Set<string>();

  async function refreshInBackground(): Promise<void> {
    const project = await service.findProject();
    if (!project || !(await service.token(project))) return;
    try {
      await service.refresh();
      afterRefresh();
    } catch (err) {
      if (!isCancellation(err)) logger.warn(`Sonar: background refresh failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  const deps: QualityDeps = {
    service, documents, logger,
    refresh: async () => {
      const s = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'Reading SonarCloud findings…', cancellable: true },
        (_p, cancel) => service.refresh(toAbortSignal(cancel)),
      );
      afterRefresh();
      // A part that failed is said on every refresh that fails it, with the next steps.
      const failed = warnings(s);
      if (failed.length) {
        void vscode.window.showWarningMessage(failed.join(' '), 'Retry', 'Show Log').then((choice) => {
          if (choice) void vscode.commands.executeCommand(choice === 'Retry' ? COMMANDS.refresh : CONNECTION_COMMANDS.showLog);
        });
      }
      const current = notes(s).filter((n) => !n.startsWith('Findings are for commit'));
      const news = current.filter((n) => !told.has(n));
      told = new Set(current);
      if (news.length) void vscode.window.showInformationMessage(news.join(' '));
    },
  };
  const handlers = {
    [COMMANDS.signIn]: signIn,
    [COMMANDS.signOut]: signOut,
    [COMMANDS.refresh]: refresh,
    [COMMANDS.importFindings]: importFindings,
    [COMMANDS.openFinding]: openFinding,
    [COMMANDS.showRule]: showRule,
    [COMMANDS.nextFinding]: nextFinding,
    [COMMANDS.chooseAnalysis]: chooseAnalysis,
  };
  registry.registerAll(handlers, deps);

  context.subscriptions.push(
    context.secrets.onDidChange(() => void service.updateStateKey()),
    vscode.workspace.onDidGrantWorkspaceTrust(() => void service.updateStateKey().then(refreshInBackground)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      // Another host or project key: what is shown is not this project's any more.
      if (e.affectsConfiguration(`${SECTION}.sonar`)) void service.checkProjectChanged().then(() => service.updateStateKey()).then(refreshInBackground);
    }),
  );
  void service.seedDemoToken().then(() => service.updateStateKey()).then(refreshInBackground);
  return { service, tree, refreshInBackground };
}

/** Refreshes when git rewrites HEAD (a checkout), with a short debounce. */
class HeadWatcher implements vscode.Disposable {
  private watcher: vscode.FileSystemWatcher | undefined;
  private file: string | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly onChange: () => void) {}

  watch(headFile: string | undefined): void {
    if (headFile === this.file) return;
    this.watcher?.dispose();
    this.file = headFile;
    if (!headFile) return;
    this.watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(path.dirname(headFile)), path.basename(headFile)));
    const fire = () => {
      if (this.timer) clearTimeout(this.timer);
      this.timer = setTimeout(this.onChange, 500);
    };
    this.watcher.onDidChange(fire);
    this.watcher.onDidCreate(fire);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.watcher?.dispose();
  }
}
