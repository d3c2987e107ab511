import * as vscode from 'vscode';
import type { Build, BuildPhase } from '../../core/aws/codebuild';
import { buildView, phaseView } from '../../core/pipeline/buildModel';
import { commitInfo } from '../../core/git/git';
import type { Logger } from '../../core/log';
import { connectionProblem, setViewState, type AwsSession } from '../../platform/aws';
import { describeFailure } from '../../platform/errors';
import { readSettings } from '../../platform/settings';
import { viewItem } from '../../platform/treeItems';
import { PIPELINE_NAMES, PIPELINE_STATE_KEY, type PipelineKind } from './commandIds';

const RECENT_BUILDS = 10;

export type PipelineNode =
  /** One node per CodeBuild project: both roles on one node when both settings name the same project. */
  | { kind: 'project'; pipelines: PipelineKind[]; project: string }
  | { kind: 'build'; build: Build; subject?: string }
  | { kind: 'phase'; build: Build; phase: BuildPhase }
  | { kind: 'message'; id: string; text: string; error?: boolean };

/** Pipelines -> recent builds -> phases. Never throws: failures become a message node. */
export class PipelineTreeProvider implements vscode.TreeDataProvider<PipelineNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<PipelineNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  /** Builds seen last, by project, for the status bar and for updates from the watcher. */
  readonly recent = new Map<string, Build[]>();
  private readonly loaded = new vscode.EventEmitter<void>();
  readonly onDidLoad = this.loaded.event;

  constructor(private readonly session: AwsSession, private readonly logger: Logger, private readonly workspaceRoot: () => string | undefined) {}

  private readonly subjects = new Map<string, string | undefined>();
  /** Why a project's builds could not be loaded, shown under it. */
  private readonly failures = new Map<string, unknown>();

  /** Reloads the builds from AWS. */
  refresh(): void {
    this.recent.clear();
    this.failures.clear();
    this.changed.fire(undefined);
  }

  /** Puts a fresher copy of a build in place without asking AWS again. */
  update(build: Build): void {
    const list = this.recent.get(build.projectName ?? '') ?? [];
    const i = list.findIndex((b) => b.id === build.id);
    if (i >= 0) list[i] = build;
    else list.unshift(build);
    this.recent.set(build.projectName ?? '', list);
    this.changed.fire(undefined);
  }

  getTreeItem(node: PipelineNode): vscode.TreeItem {
    const now = Date.now();
    switch (node.kind) {
      case 'project': {
        const label = node.pipelines.length > 1 ? 'DAG and image pipeline' : PIPELINE_NAMES[node.pipelines[0]];
        const ti = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Expanded);
        ti.id = `pipeline:${node.pipelines.join('+')}`;
        ti.description = node.project;
        ti.contextValue = `airflowEcs.pipeline.${node.pipelines.join('.')}`;
        ti.iconPath = new vscode.ThemeIcon(node.pipelines[0] === 'dag' ? 'symbol-class' : 'package');
        return ti;
      }
      case 'build': {
        const done = node.build.buildComplete ? 'done' : 'running';
        return viewItem(node.build.id ?? '', buildView(node.build, now, node.subject), vscode.TreeItemCollapsibleState.Collapsed, `airflowEcs.build.${done}`);
      }
      case 'phase':
        return viewItem(`${node.build.id}#${node.phase.phaseType}`, phaseView(node.phase, now), vscode.TreeItemCollapsibleState.None, 'airflowEcs.phase');
      case 'message': {
        const ti = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
        ti.id = node.id;
        if (node.error) ti.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'));
        return ti;
      }
    }
  }

  async getChildren(node?: PipelineNode): Promise<PipelineNode[]> {
    if (!node) return this.roots();
    if (node.kind === 'build') return (node.build.phases ?? []).filter((p) => p.phaseType !== 'COMPLETED').map((phase) => ({ kind: 'phase', build: node.build, phase }));
    if (node.kind !== 'project') return [];
    const failure = this.failures.get(node.project);
    if (failure) return [{ kind: 'message', id: `${node.project}#error`, text: describeFailure(failure).message, error: true }];
    const builds = this.recent.get(node.project) ?? [];
    if (builds.length === 0) return [{ kind: 'message', id: `${node.project}#empty`, text: 'No builds yet' }];
    return Promise.all(builds.map(async (build) => ({ kind: 'build' as const, build, subject: await this.subject(build.resolvedSourceVersion) })));
  }

  /**
   * The chosen projects, their builds loaded here (the nodes open expanded, so this costs no
   * extra call): a wrong connection then empties the view for its welcome content instead of
   * putting the same error under each project.
   */
  private async roots(): Promise<PipelineNode[]> {
    const { dagProject, imageProject } = readSettings().pipeline;
    const roots: PipelineNode[] = [];
    if (dagProject) roots.push({ kind: 'project', pipelines: dagProject === imageProject ? ['dag', 'image'] : ['dag'], project: dagProject });
    if (imageProject && imageProject !== dagProject) roots.push({ kind: 'project', pipelines: ['image'], project: imageProject });
    if (!roots.length) {
      await setViewState(PIPELINE_STATE_KEY, 'noProjects');
      return [];
    }
    let loadedAny = false;
    for (const root of roots) {
      if (root.kind !== 'project' || this.recent.has(root.project) || this.failures.has(root.project)) continue;
      try {
        const api = await this.session.codebuild();
        this.recent.set(root.project, await api.getBuilds(await api.listBuildIds(root.project, RECENT_BUILDS)));
        loadedAny = true;
      } catch (err) {
        this.logger.warn(`Pipelines: could not load builds of ${root.project}: ${err instanceof Error ? err.message : String(err)}`);
        const problem = connectionProblem(err);
        if (problem) {
          await setViewState(PIPELINE_STATE_KEY, problem);
          return [];
        }
        this.failures.set(root.project, err);
      }
    }
    if (loadedAny) this.loaded.fire();
    await setViewState(PIPELINE_STATE_KEY, 'ok');
    return roots;
  }

  /** The commit's subject from the local clone, looked up once per commit. */
  private async subject(sha: string | undefined): Promise<string | undefined> {
    const root = this.workspaceRoot();
    if (!sha || !root) return undefined;
    if (!this.subjects.has(sha)) this.subjects.set(sha, (await commitInfo(root, sha).catch(() => undefined))?.subject);
    return this.subjects.get(sha);
  }

  dispose(): void {
    this.changed.dispose();
    this.loaded.dispose();
  }
}
