import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Logger } from '../../core/log';
import type { CommandRegistry } from '../../platform/commands';
import { toAbortSignal } from '../../platform/commands';
import { SECTION } from '../../platform/settings';
import { SonarCodeActions } from './codeActions';
import { COMMANDS, QUALITY_VIEW, RULE_SCHEME } from './commandIds';
import { QualityService } from './qualityService';
import { QualityTreeProvider, notes } from './qualityTree';
import { RuleDocuments } from './ruleDocuments';
import { createGateStatusBar } from './statusBar';
import type { QualityDeps } from './commands/deps';
import { signIn } from './commands/signIn';
import { signOut } from './commands/signOut';
import { refresh } from './commands/refresh';
import { importFindings } from './commands/importFindings';
import { openFinding } from './commands/openFinding';
import { showRule } from './commands/showRule';

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

  async function refreshInBackground(): Promise<void> {
    const project = await service.findProject();
    if (!project || !(await service.token(project))) return;
    try {
      await service.refresh();
      afterRefresh();
    } catch (err) {
      logger.warn(`Sonar: background refresh failed: ${err instanceof Error ? err.message : String(err)}`);
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
      const said = notes(s).filter((n) => !n.startsWith('Findings are for commit'));
      if (said.length) void vscode.window.showInformationMessage(said.join(' '));
    },
  };
  const handlers = {
    [COMMANDS.signIn]: signIn,
    [COMMANDS.signOut]: signOut,
    [COMMANDS.refresh]: refresh,
    [COMMANDS.importFindings]: importFindings,
    [COMMANDS.openFinding]: openFinding,
    [COMMANDS.showRule]: showRule,
  };
  registry.registerAll(handlers, deps);

  context.subscriptions.push(
    context.secrets.onDidChange(() => void service.updateStateKey()),
    vscode.workspace.onDidGrantWorkspaceTrust(() => void service.updateStateKey().then(refreshInBackground)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(`${SECTION}.sonar`)) void service.updateStateKey().then(refreshInBackground);
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
