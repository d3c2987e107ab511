import * as vscode from 'vscode';
import type { Build, BuildPhase } from '../../core/aws/codebuild';
import { builtCommit, buildView, phaseView } from '../../core/pipeline/buildModel';
import { commitInfo } from '../../core/git/git';
import type { Logger } from '../../core/log';
import type { AwsSession } from '../../platform/aws';
import { describeFailure } from '../../platform/errors';
import { readSettings } from '../../platform/settings';
import { viewItem } from '../../platform/treeItems';
import { PIPELINE_NAMES, type PipelineKind } from './commandIds';

const RECENT_BUILDS = 10;

export type PipelineNode =
  | { kind: 'project'; pipeline: PipelineKind; project: string }
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

  /** Reloads the builds from AWS. */
  refresh(): void {
    this.recent.clear();
    this.changed.fire(undefined);
  }

  /** Draws the rows again from what is held ("5 min ago" moves on); no AWS call. */
  redraw(): void {
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
        const ti = new vscode.TreeItem(PIPELINE_NAMES[node.pipeline], vscode.TreeItemCollapsibleState.Expanded);
        ti.id = `pipeline:${node.pipeline}`;
        ti.description = node.project;
        ti.contextValue = `airflowEcs.pipeline.${node.pipeline}`;
        ti.iconPath = new vscode.ThemeIcon(node.pipeline === 'dag' ? 'symbol-class' : 'package');
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
    if (!node) {
      const { dagProject, imageProject } = readSettings().pipeline;
      const roots: PipelineNode[] = [];
      if (dagProject) roots.push({ kind: 'project', pipeline: 'dag', project: dagProject });
      if (imageProject) roots.push({ kind: 'project', pipeline: 'image', project: imageProject });
      return roots;
    }
    if (node.kind === 'build') return (node.build.phases ?? []).filter((p) => p.phaseType !== 'COMPLETED').map((phase) => ({ kind: 'phase', build: node.build, phase }));
    if (node.kind !== 'project') return [];
    try {
      let builds = this.recent.get(node.project);
      if (!builds) {
        const api = await this.session.codebuild();
        builds = await api.getBuilds(await api.listBuildIds(node.project, RECENT_BUILDS));
        this.recent.set(node.project, builds);
        this.loaded.fire();
      }
      if (builds.length === 0) return [{ kind: 'message', id: `${node.project}#empty`, text: 'No builds yet' }];
      return await Promise.all(builds.map(async (build) => ({ kind: 'build' as const, build, subject: await this.subject(builtCommit(build)) })));
    } catch (err) {
      this.logger.warn(`Pipelines: could not load builds of ${node.project}: ${err instanceof Error ? err.message : String(err)}`);
      return [{ kind: 'message', id: `${node.project}#error`, text: describeFailure(err).message, error: true }];
    }
  }

  /** The commit's subject from the local clone, looked up once per commit. */
  private async subject(sha: string | undefined): Promise<string | undefined> {
    const root = this.workspaceRoot();
    // Only a commit id: a requested branch name would give the branch's tip today, not the build's commit.
    if (!sha || !root || !/^[0-9a-f]{7,40}$/i.test(sha)) return undefined;
    if (!this.subjects.has(sha)) this.subjects.set(sha, (await commitInfo(root, sha).catch(() => undefined))?.subject);
    return this.subjects.get(sha);
  }

  dispose(): void {
    this.changed.dispose();
    this.loaded.dispose();
  }
}
