import * as vscode from 'vscode';
import type { Build } from '../../core/aws/codebuild';
import {
  buildConsoleUrl, builtCommit, currentPhase, failureReason, formatEnvironment, isBuildOf, looksSecret, outcome, parseEnvironment, shortSha,
  type EnvironmentOverride,
} from '../../core/pipeline/buildModel';
import { BuildWatcher } from '../../core/pipeline/buildWatcher';
import { headCommit } from '../../core/git/git';
import { upstreamState } from '../../core/git/upstream';
import type { Logger } from '../../core/log';
import type { AwsSession } from '../../platform/aws';
import { reportError } from '../../platform/errors';
import { requireTrust } from '../../platform/processes';
import { readSettings } from '../../platform/settings';
import { PIPELINE_COMMANDS, PIPELINE_NAMES, PIPELINE_VIEW, type PipelineKind } from './commandIds';
import type { PipelineTreeProvider } from './pipelineTree';
import type { TailSession, TailSessions } from '../../platform/tailSessions';

const WATCHED_KEY = 'airflowEcs.pipeline.watched';
/** After a build ends, its log is read this long more: CloudWatch delivers the last lines late. */
const LOG_DRAIN_MS = 8000;
/** Builds whose log channel stays open (Show Log); older ones are closed and their lines released. */
export const BUILD_LOGS_KEPT = 5;
const OVERRIDES_KEY = 'airflowEcs.pipeline.overrides';

function cancelled(): never {
  throw new vscode.CancellationError();
}

/**
 * Starts pipeline builds and follows them to the end: one watcher for every build, a
 * progress notification per build started here, the tree, and the HEAD status bar item.
 * Watched builds are kept in workspace storage, so a reload picks them up again.
 */
export class PipelineRuns implements vscode.Disposable {
  readonly watcher: BuildWatcher;
  readonly statusBar = vscode.window.createStatusBarItem('airflowEcs.pipeline.head', vscode.StatusBarAlignment.Left, 50);
  private readonly followers = new Map<string, (build: Build) => void>();
  /** The log tail of the last BUILD_LOGS_KEPT builds followed in this window, by build id, oldest first. */
  readonly buildLogs = new Map<string, TailSession>();
  private readonly finished = new vscode.EventEmitter<Build>();
  /** Fires once per build that ends while watched; the quality feature refreshes on it. */
  readonly onDidFinish = this.finished.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly session: AwsSession,
    readonly tree: PipelineTreeProvider,
    private readonly logger: Logger,
    private readonly logTails: TailSessions,
  ) {
    this.statusBar.name = 'Airflow on ECS: DAG pipeline for HEAD';
    this.statusBar.command = `${PIPELINE_VIEW}.focus`;
    this.watcher = new BuildWatcher(
      () => session.codebuild(),
      (build) => this.changed(build),
      (build) => void this.done(build),
      logger,
      undefined,
      (ids) => void context.workspaceState.update(WATCHED_KEY, ids),
      (id) => this.gone(id),
    );
  }

  /** Watches again the builds that were running when the window closed. */
  resume(): void {
    for (const id of this.context.workspaceState.get<string[]>(WATCHED_KEY, [])) this.watcher.watch(id);
  }

  workspaceRoot(): string | undefined {
    return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  }

  async start(kind: PipelineKind): Promise<Build | undefined> {
    requireTrust(kind === 'dag' ? 'Run DAG Pipeline' : 'Build Image');
    const project = readSettings().pipeline[kind === 'dag' ? 'dagProject' : 'imageProject']
      || (await vscode.commands.executeCommand<string | undefined>(PIPELINE_COMMANDS.selectProjects, kind));
    if (!project) return undefined;

    const sourceVersion = await this.sourceVersion();
    const previous = this.rememberable(this.context.workspaceState.get<string>(OVERRIDES_KEY, '')).text;
    const overrides = await vscode.window.showInputBox({
      title: `${PIPELINE_NAMES[kind]}: environment overrides (optional)`,
      prompt: 'NAME=value pairs separated by ";" (NAME=ssm:/parameter or NAME=secret:arn for secrets) — leave empty to use the project\'s environment. Press Enter to start.',
      value: previous,
      validateInput: (text) => {
        const parsed = parseEnvironment(text);
        return typeof parsed === 'string' ? parsed : undefined;
      },
    });
    if (overrides === undefined) cancelled();
    const { text, withheld } = this.rememberable(overrides);
    await this.context.workspaceState.update(OVERRIDES_KEY, text);
    if (withheld.length) {
      void vscode.window.showWarningMessage(`${withheld.join(', ')} ${withheld.length > 1 ? 'are' : 'is'} not remembered because ${withheld.length > 1 ? 'they look' : 'it looks'} like a secret: use NAME=ssm:/parameter or NAME=secret:arn to have CodeBuild read it from Parameter Store or Secrets Manager.`);
    }
    const environment = parseEnvironment(overrides) as EnvironmentOverride[];

    const build = await (await this.session.codebuild()).startBuild({ project, sourceVersion, environment });
    this.logger.info(`Pipeline: started ${build.id} for ${sourceVersion ?? 'the default branch'}`);
    this.changed(build);
    this.follow(build, kind);
    this.watcher.watch(build.id ?? '');
    return build;
  }

  /** Overrides without the PLAINTEXT values that look like secrets: workspace state is not secret storage. */
  private rememberable(text: string): { text: string; withheld: string[] } {
    const parsed = parseEnvironment(text);
    if (typeof parsed === 'string') return { text: '', withheld: [] };
    return { text: formatEnvironment(parsed.filter((e) => !looksSecret(e))), withheld: parsed.filter(looksSecret).map((e) => e.name) };
  }

  /** HEAD, after making sure CodeBuild can fetch it; undefined builds the project's default. */
  private async sourceVersion(): Promise<string | undefined> {
    const root = this.workspaceRoot();
    const head = root ? await headCommit(root) : undefined;
    if (!root || !head) {
      const go = await vscode.window.showWarningMessage(
        'This workspace is not a git repository, so the build cannot be tied to your commit. Build the project\'s default source version?',
        { modal: true }, 'Build Default Version');
      return go ? undefined : cancelled();
    }
    const { upstream, ahead } = await upstreamState(root);
    if (!upstream || ahead > 0) {
      const why = upstream
        ? `HEAD ${shortSha(head)} is ${ahead} commit(s) ahead of ${upstream}: CodeBuild cannot fetch a commit that is not pushed.`
        : `HEAD ${shortSha(head)} is on a branch with no upstream: CodeBuild cannot fetch a commit that is not pushed.`;
      const go = await vscode.window.showWarningMessage(why, { modal: true, detail: 'Push first (git push), or run anyway and let CodeBuild report that it cannot find the commit.' }, 'Run Anyway');
      if (!go) cancelled();
    }
    return head;
  }

  /** A cancellable notification naming the current phase; cancelling stops the build. */
  private follow(build: Build, kind: PipelineKind): void {
    const title = `${PIPELINE_NAMES[kind]} #${build.buildNumber}`;
    void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) =>
      new Promise<void>((resolve) => {
        const id = build.id ?? '';
        this.followers.set(id, (b) => {
          if (outcome(b) !== 'running') {
            this.followers.delete(id);
            resolve();
          } else {
            progress.report({ message: currentPhase(b)?.phaseType ?? 'SUBMITTED' });
          }
        });
        token.onCancellationRequested(() => {
          this.followers.delete(id);
          resolve();
          void this.stop(build);
        });
      }));
  }

  async stop(build: Build): Promise<void> {
    try {
      await (await this.session.codebuild()).stopBuild(build.id ?? '');
      this.watcher.poke();
    } catch (err) {
      await reportError(err, this.logger, 'Stop build');
    }
  }

  private changed(build: Build): void {
    this.tree.update(build);
    this.followers.get(build.id ?? '')?.(build);
    void this.updateStatusBar();
    void this.followLog(build);
  }

  /** The build's log, from its start, in "DAG pipeline #N" (once CodeBuild names the stream). */
  private async followLog(build: Build): Promise<void> {
    const id = build.id ?? '';
    const { groupName, streamName } = build.logs ?? {};
    // Called for watched builds only, including the last change of one that ended since a reload.
    if (this.buildLogs.has(id) || !groupName || !streamName) return;
    const kind: PipelineKind = build.projectName === readSettings().pipeline.imageProject ? 'image' : 'dag';
    const title = `${PIPELINE_NAMES[kind]} #${build.buildNumber}`;
    try {
      const tail = await this.logTails.startStreams(`build:${id}`, title, [{ group: groupName, prefixes: [], names: [streamName] }], build.startTime?.getTime() ?? Date.now(), title);
      this.buildLogs.set(id, tail);
      for (const [old, oldTail] of this.buildLogs) {
        if (this.buildLogs.size <= BUILD_LOGS_KEPT) break;
        this.buildLogs.delete(old);
        void this.logTails.stop(oldTail);
      }
    } catch (err) {
      await reportError(err, this.logger, `Follow the log of ${title}`);
    }
  }

  showLog(build: Build): void {
    const tail = this.buildLogs.get(build.id ?? '');
    if (tail) tail.channel.show(true);
    else void vscode.window.showInformationMessage(`The log of ${build.projectName} #${build.buildNumber} is not kept in this window (only the last ${BUILD_LOGS_KEPT} builds' logs are); open it in the console.`);
  }

  private async done(build: Build): Promise<void> {
    this.finished.fire(build);
    const tail = this.buildLogs.get(build.id ?? '');
    // Stops following, keeps the channel for Show Log until newer builds push it out.
    if (tail) setTimeout(() => void this.logTails.release(tail), LOG_DRAIN_MS);
    const kind: PipelineKind = build.projectName === readSettings().pipeline.imageProject ? 'image' : 'dag';
    const name = `${PIPELINE_NAMES[kind]} #${build.buildNumber}`;
    const sha = shortSha(builtCommit(build));
    const { region } = await this.session.connection();
    const openConsole = { title: 'Open in Console', run: () => vscode.env.openExternal(vscode.Uri.parse(buildConsoleUrl(region, build), true)) };
    const result = outcome(build);
    const message = result === 'succeeded'
      ? `${name} passed${sha ? ` for ${sha}` : ''}.`
      : result === 'stopped'
        ? `${name} was stopped.`
        : `${name} failed${sha ? ` for ${sha}` : ''}: ${failureReason(build) ?? build.buildStatus}.`;
    // A failed DAG build is usually the quality gate: its findings refresh into the Problems panel.
    const findings = { title: 'Show Findings', run: () => vscode.commands.executeCommand('workbench.actions.view.problems') };
    const showLog = { title: 'Show Log', run: () => this.showLog(build) };
    const actions = result === 'failed' && kind === 'dag' ? [showLog, findings, openConsole] : [showLog, openConsole];
    const show = result === 'failed' ? vscode.window.showErrorMessage : vscode.window.showInformationMessage;
    const picked = await show(message, ...actions.map((a) => a.title));
    await actions.find((a) => a.title === picked)?.run();
  }

  /** A watched build CodeBuild no longer knows (deleted, or another account or region): say so once. */
  private gone(id: string): void {
    const follower = this.followers.get(id);
    follower?.({ id, buildStatus: 'STOPPED' });
    this.logger.warn(`Pipeline: CodeBuild no longer knows build ${id}; it is no longer watched.`);
    void vscode.window.showWarningMessage(
      `Build ${id.split(':').pop() ?? id} is gone: CodeBuild no longer knows it (deleted, or in another account or region). It is no longer watched.`,
      'Refresh Pipelines',
    ).then((a) => a && this.tree.refresh());
  }

  /** "What did the DAG pipeline say about my HEAD commit?" */
  async updateStatusBar(): Promise<void> {
    const { dagProject } = readSettings().pipeline;
    const root = this.workspaceRoot();
    const head = root ? await headCommit(root).catch(() => undefined) : undefined;
    const builds = this.tree.recent.get(dagProject);
    if (!dagProject || !head || !builds) {
      this.statusBar.hide();
      return;
    }
    const build = builds.find((b) => isBuildOf(b, head));
    const sha = shortSha(head);
    const state = build ? outcome(build) : undefined;
    this.statusBar.text = state === 'running'
      ? `$(sync~spin) DAG pipeline: ${currentPhase(build!)?.phaseType ?? 'SUBMITTED'}`
      : state === 'succeeded'
        ? '$(pass) DAG pipeline passed'
        : state === 'failed'
          ? '$(error) DAG pipeline failed'
          : state === 'stopped'
            ? '$(circle-slash) DAG pipeline stopped'
            : '$(circle-outline) DAG pipeline: HEAD not built';
    this.statusBar.tooltip = build
      ? `HEAD ${sha}: ${dagProject} build #${build.buildNumber} ${build.buildStatus}${failureReason(build) ? ` — ${failureReason(build)}` : ''}`
      : `No recent ${dagProject} build for HEAD ${sha}. Run the DAG pipeline to test and ship it.`;
    this.statusBar.backgroundColor = state === 'failed' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    this.statusBar.show();
  }

  dispose(): void {
    for (const tail of this.buildLogs.values()) tail.dispose();
    this.buildLogs.clear();
    this.watcher.dispose();
    this.statusBar.dispose();
    this.finished.dispose();
  }
}
