import * as vscode from 'vscode';
import { DESCRIBE_IMAGES_PAGE, type EcrApi, type ImageDetail, type Repository } from '../../core/aws/ecr';
import { AwsProblem } from '../../core/aws/errors';
import { buildInfo, type LabelNames, type LabelOutcome } from '../../core/ecr/labels';
import { byPushedDesc, findingView, normalizeFindings, shortSha, type Placement } from '../../core/ecr/present';
import { imageView } from '../../core/ecr/present';
import type { CommitInfo } from '../../core/git/git';
import { TreeNode, LoadMoreNode, MessageNode } from '../../platform/nodeTree';
import { viewItem } from '../../platform/treeItems';
import { COMMANDS } from './commandIds';

/** What every Images node can reach. */
export interface ImagesContext {
  ecr(): Promise<EcrApi>;
  now(): number;
  names(): LabelNames;
  labels(digest: string | undefined): LabelOutcome | undefined;
  commit(sha: string | undefined): CommitInfo | 'unknown' | undefined;
  places(digest: string | undefined): Placement[];
  /** The platform of an index child (`linux/arm64`), once the index was read. */
  platform(digest: string | undefined): string | undefined;
  /** Asks for labels (and commits) of images now on screen; nodes redraw as they arrive. */
  wantLabels(repository: string, nodes: ImageNode[]): void;
}

export class RepositoryNode extends TreeNode {
  private loaded: ImageDetail[] = [];
  private nextToken: string | undefined;
  private started = false;
  private nodes = new Map<string, ImageNode>();
  private untagged: UntaggedNode | undefined;

  constructor(private readonly ctx: ImagesContext, readonly resource: Repository) {
    super();
  }
  get id() { return this.resource.repositoryArn ?? this.name; }
  get name() { return this.resource.repositoryName ?? ''; }
  get done() { return this.started && !this.nextToken; }

  treeItem() {
    const ti = new vscode.TreeItem(this.name, vscode.TreeItemCollapsibleState.Collapsed);
    ti.id = this.id;
    ti.iconPath = new vscode.ThemeIcon('repo');
    ti.contextValue = 'airflowEcs.repository';
    const scanning = this.resource.imageScanningConfiguration?.scanOnPush ? 'scan on push' : 'no scan on push';
    ti.description = this.started
      ? `${this.loaded.length}${this.done ? '' : '+'} images · ${scanning}${this.done ? '' : ' · newest first within loaded pages'}`
      : scanning;
    ti.tooltip = `${this.resource.repositoryUri ?? this.name}\n\nDescribeImages returns images in no particular order: until every page is loaded, "newest first" holds within the loaded pages.`;
    return ti;
  }

  reset(): void {
    this.loaded = [];
    this.nextToken = undefined;
    this.started = false;
    this.nodes.clear();
    this.untagged = undefined;
  }

  async loadMore(): Promise<void> {
    if (this.done) return;
    const page = await (await this.ctx.ecr()).describeImages(this.name, this.nextToken, DESCRIBE_IMAGES_PAGE);
    this.started = true;
    this.nextToken = page.nextToken;
    this.loaded = [...this.loaded, ...page.images].sort(byPushedDesc);
  }

  private node(image: ImageDetail): ImageNode {
    const digest = image.imageDigest ?? '';
    let n = this.nodes.get(digest);
    if (!n) {
      n = new ImageNode(this.ctx, this, image);
      this.nodes.set(digest, n);
    }
    return n;
  }

  /** The node of a digest, loading more pages until it shows up (reveal from the status bar). */
  async find(digest: string): Promise<{ node: ImageNode; untagged?: UntaggedNode } | undefined> {
    if (!this.started) await this.loadMore();
    for (;;) {
      const image = this.loaded.find((i) => i.imageDigest === digest);
      if (image) {
        const node = this.node(image);
        return image.imageTags?.length ? { node } : { node, untagged: this.untaggedNode() };
      }
      if (this.done) return undefined;
      await this.loadMore();
    }
  }

  private untaggedNode(): UntaggedNode {
    const images = this.loaded.filter((i) => !i.imageTags?.length).map((i) => this.node(i));
    if (!this.untagged) this.untagged = new UntaggedNode(this.ctx, this);
    this.untagged.images = images;
    return this.untagged;
  }

  async children(): Promise<TreeNode[]> {
    if (!this.started) await this.loadMore();
    const tagged = this.loaded.filter((i) => i.imageTags?.length).map((i) => this.node(i));
    this.ctx.wantLabels(this.name, tagged);
    const untagged = this.untaggedNode();
    const nodes: TreeNode[] = [...tagged];
    if (untagged.images.length) nodes.push(untagged);
    if (!this.loaded.length) nodes.push(new MessageNode(`${this.id}#empty`, 'No images in this repository'));
    if (!this.done) nodes.push(new LoadMoreNode(this, COMMANDS.loadMore, 'Load more images…'));
    return nodes;
  }
}

/** Untagged images (old pushes, index children) folded under one node. */
export class UntaggedNode extends TreeNode {
  images: ImageNode[] = [];
  constructor(private readonly ctx: ImagesContext, readonly repository: RepositoryNode) {
    super();
  }
  get id() { return `${this.repository.id}#untagged`; }
  treeItem() {
    const ti = new vscode.TreeItem(`Untagged (${this.images.length})`, vscode.TreeItemCollapsibleState.Collapsed);
    ti.id = this.id;
    ti.iconPath = new vscode.ThemeIcon('circle-outline');
    ti.contextValue = 'airflowEcs.untagged';
    return ti;
  }
  children(): Promise<TreeNode[]> {
    this.ctx.wantLabels(this.repository.name, this.images);
    return Promise.resolve(this.images);
  }
}

export class ImageNode extends TreeNode {
  /** One Scan findings row per image node, so its findings are read once per refresh however often the row redraws. */
  private readonly scan: ScanNode;

  constructor(private readonly ctx: ImagesContext, readonly repository: RepositoryNode, readonly image: ImageDetail) {
    super();
    this.scan = new ScanNode(ctx, this);
  }
  get id() { return `${this.repository.id}@${this.digest}`; }
  get digest() { return this.image.imageDigest ?? ''; }
  get tag() { return this.image.imageTags?.[0]; }
  get registryId() { return this.image.registryId ?? this.repository.resource.registryId ?? ''; }

  /** The commit the labels name, if any. */
  get commitSha(): string | undefined {
    const labels = this.ctx.labels(this.digest);
    return labels?.state === 'labels' ? buildInfo(labels.labels, this.ctx.names()).commit : undefined;
  }

  treeItem() {
    const sha = this.commitSha;
    const places = this.ctx.places(this.digest);
    const view = imageView(this.image, { labels: this.ctx.labels(this.digest), commit: this.ctx.commit(sha), places, platform: this.ctx.platform(this.digest) }, this.ctx.names(), this.ctx.now());
    const state = `${this.image.imageTags?.length ? 'tagged' : 'untagged'}${places.length ? '.deployed' : ''}${sha ? '.commit' : ''}`;
    return viewItem(this.id, view, vscode.TreeItemCollapsibleState.Collapsed, `airflowEcs.image.${state}`, places.length ? 'rocket' : 'tag');
  }

  children(): Promise<TreeNode[]> {
    const labels = this.ctx.labels(this.digest);
    const nodes: TreeNode[] = [];
    const sha = this.commitSha;
    if (sha) nodes.push(new CommitNode(this, sha, this.ctx.commit(sha)));
    else if (labels?.state === 'error') nodes.push(new MessageNode(`${this.id}#labels`, `Labels unavailable: ${labels.message}`));
    else if (labels?.state === 'unsupported') nodes.push(new MessageNode(`${this.id}#labels`, `No labels: ${labels.reason}`));
    else if (labels) nodes.push(new MessageNode(`${this.id}#labels`, 'No build labels on this image'));
    for (const p of this.ctx.places(this.digest)) nodes.push(new MessageNode(`${this.id}#run#${p.cluster}/${p.service}`, `Running in ${p.cluster}/${p.service}`));
    nodes.push(this.scan);
    return Promise.resolve(nodes);
  }
}

export class CommitNode extends TreeNode {
  constructor(readonly image: ImageNode, readonly sha: string, private readonly info: CommitInfo | 'unknown' | undefined) {
    super();
  }
  get id() { return `${this.image.id}#commit`; }
  treeItem() {
    const known = this.info && this.info !== 'unknown' ? this.info : undefined;
    const ti = new vscode.TreeItem(known ? `${shortSha(known.sha)} ${known.subject}` : `Commit ${shortSha(this.sha)}`, vscode.TreeItemCollapsibleState.None);
    ti.id = this.id;
    ti.description = known ? `${known.author} · ${known.date.slice(0, 10)}` : this.info === 'unknown' ? 'not in this clone: fetch?' : '';
    ti.tooltip = known ? `${known.sha}\n${known.subject}\n${known.author}, ${known.date}` : `${this.sha} is not in this workspace's git repository. Fetch, then look again.`;
    ti.iconPath = new vscode.ThemeIcon('git-commit');
    ti.contextValue = `airflowEcs.commit.${this.info === 'unknown' ? 'unknown' : 'known'}`;
    ti.command = this.info === 'unknown'
      ? { command: COMMANDS.fetchCommits, title: 'Fetch', arguments: [this] }
      : { command: COMMANDS.openCommit, title: 'Open Commit', arguments: [this] };
    return ti;
  }
}

/** Scan status and, once expanded, the findings (basic and enhanced scanning alike). */
export class ScanNode extends TreeNode {
  constructor(private readonly ctx: ImagesContext, readonly image: ImageNode) {
    super();
  }
  get id() { return `${this.image.id}#scan`; }
  treeItem() {
    const status = this.image.image.imageScanStatus?.status;
    const ti = new vscode.TreeItem('Scan findings', status === 'COMPLETE' || status === 'ACTIVE' ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    ti.id = this.id;
    ti.description = status ? status.toLowerCase().replace(/_/g, ' ') : 'not scanned';
    ti.tooltip = this.image.image.imageScanStatus?.description ?? (status ? '' : 'This image has no scan. Start one from the context menu of the image.');
    ti.iconPath = new vscode.ThemeIcon('shield');
    ti.contextValue = `airflowEcs.scan.${(status ?? 'none').toLowerCase()}`;
    return ti;
  }

  private findings: Promise<TreeNode[]> | undefined;

  reset(): void {
    this.findings = undefined;
  }

  children(): Promise<TreeNode[]> {
    this.findings ??= this.readFindings();
    // A failure is not kept: the error row's retry reads again.
    this.findings.catch(() => (this.findings = undefined));
    return this.findings;
  }

  private async readFindings(): Promise<TreeNode[]> {
    const ecr = await this.ctx.ecr();
    try {
      const findings = [];
      let token: string | undefined;
      do {
        const page = await ecr.scanFindings(this.image.repository.name, this.image.digest, token);
        findings.push(...normalizeFindings(page.findings));
        token = page.nextToken;
      } while (token);
      if (!findings.length) return [new MessageNode(`${this.id}#none`, 'No findings')];
      return findings.map((f, i) => new FindingNode(`${this.id}#${i}`, f));
    } catch (err) {
      if (err instanceof AwsProblem && err.kind === 'notFound') return [new MessageNode(`${this.id}#none`, 'Not scanned: start a scan from the image\'s context menu')];
      throw err;
    }
  }
}

export class FindingNode extends TreeNode {
  constructor(readonly id: string, private readonly finding: ReturnType<typeof normalizeFindings>[number]) {
    super();
  }
  treeItem() {
    const ti = viewItem(this.id, findingView(this.finding), vscode.TreeItemCollapsibleState.None, 'airflowEcs.finding', 'bug');
    if (this.finding.uri) ti.command = { command: 'vscode.open', title: 'Open Advisory', arguments: [vscode.Uri.parse(this.finding.uri)] };
    return ti;
  }
}
