import * as vscode from 'vscode';
import { airflowRole, ROLE_LABELS, servesUi, type AirflowRole } from '../../core/airflow/roles';
import type { Cluster, Container, DescribeFailure, EcsApi, Service, Task } from '../../core/aws/ecs';
import { clusterView, containerView, failureText, loadingServiceView, recentlyStopped, serviceFilterText, serviceView, taskView, type ContainerBuild } from '../../core/ecs/present';
import { ServiceList, type ServiceEntry } from '../../core/ecs/serviceList';
import { belongsToService, PagedTaskList, SelectedTaskList } from '../../core/ecs/taskPager';
import { describeFailure } from '../../platform/errors';
import { viewItem } from '../../platform/treeItems';
import { ErrorNode, LoadMoreNode, MessageNode, TreeNode } from '../../platform/nodeTree';
import { COMMANDS } from './commandIds';

/** What every node can reach: the ECS API, the clock and the refresh in progress. */
export interface NodeContext {
  ecs(): Promise<EcsApi>;
  now(): number;
  /** Tag, build number and commit of a container's image, from labels already cached (never a network call). */
  imageBuild?(container: Container): ContainerBuild;
  /**
   * Bumped by every refresh of the view: children read in an older one are read again, in
   * place. Absent for nodes made outside the tree (quick picks): they read once.
   */
  generation?(): number;
  /** The signal of the refresh in progress; the next refresh aborts it. */
  signal?(): AbortSignal;
  /** The "Deployments" child of a service (deploymentNodes.ts; made here so nodes.ts needs no import of it). */
  deployments?(clusterArn: string, serviceArn: string): KeptNode;
  /** Draws a node and its children again from what it holds (rows that streamed in). */
  redraw?(node: TreeNode): void;
}

/** A node backed by one AWS resource: it has an ARN, a console page and a JSON view. */
export interface ResourceNode {
  readonly kind: 'cluster' | 'service' | 'task' | 'container';
  readonly arn: string;
  readonly clusterArn: string;
  readonly resource: Cluster | Service | Task | Container;
}

/**
 * A node that keeps what it loaded. The first expansion loads; after a refresh (a new
 * generation, or markStale) the next expansion reads again in place, keeping "Load more" pages
 * and the child nodes themselves, so expansion and scroll survive. One read per generation.
 */
export abstract class KeptNode extends TreeNode {
  private kept: TreeNode[] | undefined;
  private keptAt = -1;
  private reading: { generation: number; done: Promise<TreeNode[]> } | undefined;

  constructor(protected readonly ctx: NodeContext) {
    super();
  }

  /** Reads what the node shows: the first time, or again in place. Changes nothing when it fails. */
  protected abstract read(signal: AbortSignal): Promise<void>;
  /** The child nodes for what was read last. */
  protected abstract nodes(): TreeNode[];
  /** Drops what `read` kept (reset). */
  protected forget(): void {}

  /** A read is under way: its result will show what is held when it ends. */
  protected get busyReading(): boolean {
    return this.reading !== undefined;
  }

  /** What the node showed last, if anything (what a cancelled read leaves on screen). */
  get shown(): TreeNode[] | undefined {
    return this.kept;
  }

  children(): Promise<TreeNode[]> {
    const generation = this.ctx.generation?.() ?? 0;
    if (this.kept && this.keptAt === generation) return Promise.resolve(this.kept);
    if (this.reading?.generation === generation) return this.reading.done;
    const done: Promise<TreeNode[]> = this.read(this.ctx.signal?.() ?? new AbortController().signal)
      .then(() => {
        this.keptAt = generation;
        return this.keep();
      })
      .finally(() => {
        if (this.reading?.done === done) this.reading = undefined;
      });
    this.reading = { generation, done };
    return done;
  }

  /** Rebuilds the child nodes from what is held (after Load more). */
  protected keep(): TreeNode[] {
    this.kept = this.nodes();
    return this.kept;
  }

  /** The next expansion or redraw reads again, in place. */
  markStale(): void {
    this.keptAt = -1;
  }

  reset(): void {
    this.kept = undefined;
    this.keptAt = -1;
    this.reading = undefined;
    this.forget();
  }
}

function failureNodes(parent: TreeNode, kind: 'service' | 'task', failures: DescribeFailure[]): TreeNode[] {
  return failures.map((f) => new ErrorNode(`${parent.id}#failed:${f.arn}`, failureText(kind, f), parent, COMMANDS.retry));
}

export class ClusterNode extends KeptNode implements ResourceNode {
  readonly kind = 'cluster';
  private list: ServiceList | undefined;
  /** The node of each service row, kept across redraws and refreshes (expansion survives). */
  private services = new Map<string, { entry: ServiceEntry; node: ServiceNode }>();
  /** The part of a service name the rows are narrowed to ('' shows every service); kept across refreshes. */
  private nameFilter = '';
  readonly standalone: TaskGroupNode;

  constructor(ctx: NodeContext, public resource: Cluster) {
    super(ctx);
    this.standalone = new TaskGroupNode(ctx, this.arn, 'standalone');
  }
  get id() { return this.arn; }
  get arn() { return this.resource.clusterArn ?? ''; }
  get clusterArn() { return this.arn; }
  get name() { return this.resource.clusterName ?? ''; }
  get filter() { return this.nameFilter; }

  /** The service node of this cluster named `name`, if its services were read. */
  service(name: string): ServiceNode | undefined {
    return [...this.services.values()].find((s) => s.node.name === name)?.node;
  }

  /** Narrows the rows to services whose name contains `text` ('' clears), from what is loaded: no AWS call. */
  setFilter(text: string): void {
    this.nameFilter = text.trim();
    if (this.list) this.keep();
  }

  treeItem() {
    const view = clusterView(this.resource);
    const list = this.list;
    const loading = list?.streaming ? ` · loading ${list.size.toLocaleString('en-US')} of ${(this.resource.activeServicesCount ?? list.size).toLocaleString('en-US')}…` : '';
    const description = this.nameFilter
      ? serviceFilterText(this.nameFilter, list && { shown: this.matching(list).length, loaded: list.size, complete: !list.streaming })
      : `${view.description}${loading}`;
    return viewItem(this.id, { ...view, description }, vscode.TreeItemCollapsibleState.Collapsed, 'airflowEcs.cluster', 'server-environment');
  }

  protected async read(signal: AbortSignal): Promise<void> {
    const list = this.list ?? new ServiceList(await this.ctx.ecs(), this.arn, () => {
      // Rows streamed in behind the first screen: redraw from what is held (a reset list is
      // ignored). While the read is still handing the tree its rows, those rows include this.
      if (list !== this.list || this.busyReading) return;
      this.keep();
      this.ctx.redraw?.(this);
    });
    this.list = list;
    await list.load(signal);
  }

  private matching(list: ServiceList): ServiceEntry[] {
    const needle = this.nameFilter.toLowerCase();
    return needle ? list.services.filter((e) => e.name.toLowerCase().includes(needle)) : list.services;
  }

  protected nodes(): TreeNode[] {
    const list = this.list;
    if (!list) return [this.standalone];
    const next = new Map<string, { entry: ServiceEntry; node: ServiceNode }>();
    const rows: TreeNode[] = [];
    for (const entry of list.services) {
      if (entry.state === 'failed' || entry.state === 'error') continue;
      const kept = this.services.get(entry.arn);
      const node = kept?.node ?? new ServiceNode(this.ctx, this.arn, { serviceArn: entry.arn, serviceName: entry.name });
      // Only a changed entry replaces what the node shows (an action may have described it since).
      if (entry.state === 'described' && kept?.entry !== entry) node.resource = entry.service;
      node.loading = entry.state === 'loading' && !kept?.node.resource.status;
      next.set(entry.arn, { entry, node });
    }
    this.services = next;
    for (const entry of this.matching(list)) {
      if (entry.state === 'failed') rows.push(new ErrorNode(`${this.id}#failed:${entry.arn}`, failureText('service', entry.failure), this, COMMANDS.retry));
      else if (entry.state === 'error') rows.push(new ErrorNode(`${this.id}#failed:${entry.arn}`, `Could not describe service ${entry.name}: ${describeFailure(entry.error).message}`, this, COMMANDS.retry));
      else rows.push(next.get(entry.arn)!.node);
    }
    if (this.nameFilter && rows.length === 0) rows.push(new MessageNode(`${this.id}#nomatch`, `No service name contains "${this.nameFilter}"${list.streaming ? ' so far' : ''}`));
    if (list.listError) rows.push(new ErrorNode(`${this.id}#listError`, `Listed ${list.size.toLocaleString('en-US')} services, then could not list the rest: ${describeFailure(list.listError).message}`, this, COMMANDS.retry));
    return [...rows, this.standalone];
  }

  protected forget(): void {
    this.list = undefined;
    this.services.clear();
    this.standalone.reset();
  }
}

export class ServiceNode extends KeptNode implements ResourceNode {
  readonly kind = 'service';
  private list: PagedTaskList | undefined;
  /** Listed, its description still on the way: the row says so and offers no action that needs it. */
  loading = false;
  readonly stopped: TaskGroupNode;
  readonly deployments: KeptNode | undefined;

  constructor(ctx: NodeContext, readonly clusterArn: string, public resource: Service) {
    super(ctx);
    this.stopped = new TaskGroupNode(ctx, clusterArn, 'stopped', this.name);
    this.deployments = ctx.deployments?.(clusterArn, this.arn);
  }
  get id() { return this.arn; }
  get arn() { return this.resource.serviceArn ?? ''; }
  get name() { return this.resource.serviceName ?? ''; }

  /** The Airflow component this service runs (api-server, scheduler, worker...), if it is one. */
  get role(): AirflowRole | undefined {
    return airflowRole(this.name);
  }

  treeItem() {
    if (this.loading) return viewItem(this.id, loadingServiceView(this.name), vscode.TreeItemCollapsibleState.Collapsed, 'airflowEcs.service.loading');
    const role = this.role;
    // Services that serve the Airflow UI get `.ui`: Open Airflow UI is offered on them.
    const contextValue = servesUi(role) ? 'airflowEcs.service.ui' : 'airflowEcs.service';
    const ti = viewItem(this.id, serviceView(this.resource, this.ctx.now()), vscode.TreeItemCollapsibleState.Collapsed, contextValue, role ? ROLE_ICONS[role] : 'layers');
    if (role && ti.tooltip instanceof vscode.MarkdownString) ti.tooltip.appendMarkdown(`\n\nAirflow: ${ROLE_LABELS[role]}`);
    return ti;
  }

  private async tasks(): Promise<PagedTaskList> {
    this.list ??= new PagedTaskList(await this.ctx.ecs(), this.clusterArn, { serviceName: this.name, desiredStatus: 'RUNNING' });
    return this.list;
  }

  protected async read(signal: AbortSignal): Promise<void> {
    const list = await this.tasks();
    await (list.loaded ? list.reload(signal) : list.loadMore(signal));
  }

  /** The next 100 tasks, behind the ones shown. */
  async loadMore(): Promise<void> {
    await (await this.tasks()).loadMore();
    this.keep();
  }

  protected nodes(): TreeNode[] {
    const list = this.list;
    if (!list) return [];
    const tasks = list.tasks.map((t) => new TaskNode(this.ctx, this.clusterArn, t));
    const empty = tasks.length === 0 ? [new MessageNode(`${this.id}#empty`, 'No running tasks')] : [];
    const more = list.more ? [new LoadMoreNode(this, COMMANDS.loadMore)] : [];
    return [...tasks, ...failureNodes(this, 'task', list.failures), ...empty, ...more, ...(this.deployments ? [this.deployments] : []), this.stopped];
  }

  markStale(): void {
    super.markStale();
    this.stopped.markStale();
    this.deployments?.markStale();
  }

  protected forget(): void {
    this.list = undefined;
    this.stopped.reset();
    this.deployments?.reset();
  }
}

const ROLE_ICONS: Record<AirflowRole, string> = {
  'api-server': 'globe', webserver: 'globe', scheduler: 'watch', 'dag-processor': 'file-code',
  triggerer: 'zap', worker: 'server-process', flower: 'graph', init: 'database',
};

export function isResource(node: unknown): node is TreeNode & ResourceNode {
  return node instanceof ClusterNode || node instanceof ServiceNode || node instanceof TaskNode || node instanceof ContainerNode;
}

/** "Standalone tasks" (no service) and "Stopped tasks" (last hour). */
export class TaskGroupNode extends KeptNode {
  private list: SelectedTaskList | undefined;
  /** Under "Standalone tasks": the standalone tasks stopped in the last hour. */
  private readonly stoppedStandalone: TaskGroupNode | undefined;

  constructor(
    ctx: NodeContext,
    readonly clusterArn: string,
    readonly group: 'standalone' | 'stopped' | 'standaloneStopped',
    readonly serviceName?: string,
  ) {
    super(ctx);
    if (group === 'standalone') this.stoppedStandalone = new TaskGroupNode(ctx, clusterArn, 'standaloneStopped');
  }

  get id() { return `${this.clusterArn}#${this.serviceName ?? ''}#${this.group}`; }

  treeItem() {
    const label = this.group === 'standalone' ? 'Standalone tasks' : 'Stopped tasks';
    const ti = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Collapsed);
    ti.id = this.id;
    ti.contextValue = `airflowEcs.group.${this.group}`;
    ti.iconPath = new vscode.ThemeIcon(this.group === 'standalone' ? 'run-all' : 'history');
    ti.tooltip = this.group === 'standalone'
      ? 'Tasks that belong to no service: one-off `airflow db migrate`, backfills, run-task jobs.'
      : 'Tasks stopped in the last hour, with their stop code and reason.';
    return ti;
  }

  private select(tasks: Task[]): Task[] {
    const own = this.group === 'stopped' ? tasks : tasks.filter((t) => !belongsToService(t));
    return this.group === 'standalone' ? own : recentlyStopped(own, this.ctx.now());
  }

  protected async read(signal: AbortSignal): Promise<void> {
    this.list ??= new SelectedTaskList(await this.ctx.ecs(), this.clusterArn, {
      serviceName: this.serviceName,
      desiredStatus: this.group === 'standalone' ? 'RUNNING' : 'STOPPED',
    }, (tasks) => this.select(tasks));
    await this.list.load(signal);
  }

  protected nodes(): TreeNode[] {
    const list = this.list;
    if (!list) return [];
    const nodes: TreeNode[] = [...list.tasks.map((t) => new TaskNode(this.ctx, this.clusterArn, t)), ...failureNodes(this, 'task', list.failures)];
    if (nodes.length === 0) nodes.push(new MessageNode(`${this.id}#empty`, this.group === 'standalone' ? 'No standalone tasks running' : 'No tasks stopped in the last hour'));
    if (this.stoppedStandalone) nodes.push(this.stoppedStandalone);
    return nodes;
  }

  markStale(): void {
    super.markStale();
    this.stoppedStandalone?.markStale();
  }

  protected forget(): void {
    this.list = undefined;
    this.stoppedStandalone?.reset();
  }
}

export class TaskNode extends TreeNode implements ResourceNode {
  readonly kind = 'task';
  constructor(private readonly ctx: NodeContext, readonly clusterArn: string, readonly resource: Task) {
    super();
  }
  get id() { return this.arn; }
  get arn() { return this.resource.taskArn ?? ''; }

  treeItem() {
    const status = (this.resource.lastStatus ?? 'unknown').toLowerCase();
    return viewItem(this.id, taskView(this.resource, this.ctx.now()), vscode.TreeItemCollapsibleState.Collapsed, `airflowEcs.task.${status}`, 'vm');
  }

  children(): Promise<TreeNode[]> {
    return Promise.resolve((this.resource.containers ?? []).map((c) => new ContainerNode(this.ctx, this.clusterArn, this.resource, c)));
  }
}

export class ContainerNode extends TreeNode implements ResourceNode {
  readonly kind = 'container';
  constructor(private readonly ctx: NodeContext, readonly clusterArn: string, readonly task: Task, readonly resource: Container) {
    super();
  }
  get id() { return this.resource.containerArn ?? `${this.task.taskArn}/${this.resource.name}`; }
  get arn() { return this.resource.containerArn ?? ''; }

  treeItem() {
    // `.running` etc.: Open Shell in Container is offered on running containers.
    const status = (this.resource.lastStatus ?? 'unknown').toLowerCase();
    return viewItem(this.id, containerView(this.resource, this.ctx.imageBuild?.(this.resource)), vscode.TreeItemCollapsibleState.None, `airflowEcs.container.${status}`, 'package');
  }
}

