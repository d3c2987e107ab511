import * as vscode from 'vscode';
import { findDeployments, type DeployedImage } from '../../core/ecr/deployments';
import { buildInfo, Limiter, type LabelLoader } from '../../core/ecr/labels';
import type { Placement } from '../../core/ecr/present';
import { commitInfo, type CommitInfo } from '../../core/git/git';
import type { Logger } from '../../core/log';
import type { AwsSession } from '../../platform/aws';
import { workspaceTrusted } from '../../platform/processes';
import { readSettings } from '../../platform/settings';
import { NodeTreeProvider } from '../../platform/nodeTree';
import type { TreeNode } from '../../platform/nodeTree';
import { COMMANDS, STATE_KEY } from './commandIds';
import { ImageNode, RepositoryNode, type ImagesContext } from './nodes';

/**
 * The folder whose git repository traces commits: the first workspace folder. Not in an
 * untrusted workspace: a repository's config (core.fsmonitor, hooks) can make git run code.
 */
export function workspaceRepo(): string | undefined {
  return workspaceTrusted() ? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath : undefined;
}

/**
 * ECR repositories -> images (newest first) -> commit, scan findings. Labels are read for the
 * loaded page of an expanded repository (untagged ones once their folder is expanded); deployment markers come from running ECS tasks. getChildren never throws.
 */
export class ImageTreeProvider extends NodeTreeProvider {
  private repositories: RepositoryNode[] | undefined;
  private readonly commits = new Map<string, CommitInfo | 'unknown'>();
  private readonly gitLimiter = new Limiter(4);
  private deployed = new Map<string, DeployedImage>();
  readonly ctx: ImagesContext;

  constructor(private readonly session: AwsSession, readonly loader: LabelLoader, logger: Logger) {
    super(logger, 'Images', COMMANDS.retry, STATE_KEY);
    this.ctx = {
      ecr: () => session.ecr(),
      now: () => Date.now(),
      names: () => readSettings().images.labelNames,
      labels: (digest) => loader.cached(digest) ?? this.failures.get(digest ?? ''),
      commit: (sha) => (sha ? this.commits.get(sha) : undefined),
      places: (digest): Placement[] => (digest ? this.deployed.get(digest)?.places ?? [] : []),
      platform: (digest) => loader.cache.platformOf(digest),
      wantLabels: (repository, nodes) => {
        this.loadLabels(repository, nodes).catch((err) => this.logger.warn(`Images: labels of ${repository}: ${String(err)}`));
      },
    };
  }

  /** Label failures of this session (not cached on disk: they may pass on retry). */
  private readonly failures = new Map<string, { state: 'error'; message: string }>();

  /** Each row redraws as soon as its own labels (and commit) are in: a hung download holds back only its row. */
  private async loadLabels(repository: string, nodes: ImageNode[]): Promise<void> {
    const byDigest = new Map(nodes.map((n) => [n.digest, n]));
    const redraw = async (node: ImageNode | undefined) => {
      if (!node) return;
      await this.resolveCommit(node.commitSha);
      this.changed.fire(node);
    };
    // A lookup that failed is tried again on Refresh, not each time VS Code asks for the rows.
    const missing = nodes.filter((n) => n.digest && !this.loader.cached(n.digest) && !this.failures.has(n.digest));
    const cachedRows = Promise.all(nodes.filter((n) => !missing.includes(n)).map(redraw));
    const pending: Promise<void>[] = [];
    if (missing.length) {
      await this.loader.loadAll(repository, missing.map((n) => n.digest), undefined, (digest, outcome) => {
        if (outcome.state === 'error') this.failures.set(digest, outcome);
        else this.failures.delete(digest);
        pending.push(redraw(byDigest.get(digest)));
      });
    }
    await Promise.all([cachedRows, ...pending]);
  }

  /** Subject and author of a commit from the workspace's repository, once per sha. */
  async resolveCommit(sha: string | undefined, force = false): Promise<CommitInfo | 'unknown' | undefined> {
    const cwd = workspaceRepo();
    if (!sha || !cwd) return undefined;
    if (!force && this.commits.has(sha)) return this.commits.get(sha);
    const info = await this.gitLimiter.run(() => commitInfo(cwd, sha)).catch((err: unknown) => {
      this.logger.warn(`Images: git log ${sha}: ${String(err)}`);
      return undefined;
    });
    if (info !== undefined || !this.commits.has(sha)) this.commits.set(sha, info ?? 'unknown');
    return this.commits.get(sha);
  }

  /** Forgets what git said (after a fetch) and redraws. */
  forgetCommits(): void {
    this.commits.clear();
    for (const r of this.repositories ?? []) this.changed.fire(r);
  }

  /** Reloads a node (or everything) from AWS; failed label lookups (403, timeout) are tried again. */
  refresh(node?: TreeNode): void {
    this.failures.clear();
    if (!node) this.repositories = undefined;
    super.refresh(node);
  }

  protected async roots(): Promise<TreeNode[]> {
    if (!this.repositories) {
      const wanted = readSettings().images.repositories;
      const repos = (await (await this.session.ecr()).listRepositories())
        .filter((r) => !wanted.length || wanted.includes(r.repositoryName ?? ''))
        .sort((a, b) => (a.repositoryName ?? '').localeCompare(b.repositoryName ?? ''));
      this.repositories = repos.map((r) => new RepositoryNode(this.ctx, r));
    }
    const wanted = readSettings().images.repositories;
    await this.setState(this.repositories.length ? 'ok' : wanted.length ? 'noneOfRepositories' : 'noRepositories');
    return this.repositories;
  }

  /** The node of an image, loading repositories and pages as needed, with parents known for reveal. */
  async findImage(repository: string, digest: string): Promise<ImageNode | undefined> {
    await this.getChildren();
    const repo = this.repositories?.find((r) => r.name === repository);
    if (!repo) return undefined;
    const found = await repo.find(digest);
    if (!found) return undefined;
    if (found.untagged) {
      this.parents.set(found.untagged, repo);
      this.parents.set(found.node, found.untagged);
    } else {
      this.parents.set(found.node, repo);
    }
    return found.node;
  }

  /**
   * Running ECS tasks' image digests -> where they run; redraws the loaded images. When ECS
   * cannot be read the markers are cleared and the failure is thrown: "not deployed" would be
   * a wrong answer, not an unknown one.
   */
  async refreshDeployments(signal?: AbortSignal): Promise<Map<string, DeployedImage>> {
    try {
      this.deployed = await findDeployments(await this.session.ecs(), signal);
      return this.deployed;
    } catch (err) {
      this.deployed = new Map();
      throw err;
    } finally {
      for (const r of this.repositories ?? []) this.changed.fire(r);
    }
  }

  /** Build info of a digest from cached labels only (the Clusters view asks this). */
  buildOf(digest: string | undefined) {
    const labels = this.loader.cached(digest);
    return labels?.state === 'labels' ? buildInfo(labels.labels, this.ctx.names()) : {};
  }

  dispose(): void {
    super.dispose();
  }
}
