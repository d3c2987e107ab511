import * as vscode from 'vscode';
import { airflowRole, ROLE_LABELS, servesUi, type AirflowRole } from '../../core/airflow/roles';
import type { Cluster, Container, EcsApi, Service, Task } from '../../core/aws/ecs';
import { clusterView, containerView, recentlyStopped, serviceView, taskView, type ContainerBuild, } from '../../core/ecs/present';
import { loadServices, loadStandaloneTasks, TaskPager } from '../../core/ecs/taskPager';
import { viewItem } from '../../platform/treeItems';
import { COMMANDS } from './commandIds';

/** What every node can reach: the ECS API and the clock. */
export interface NodeContext {
  ecs(): Promise<EcsApi>;
  now(): number;
  /** Tag, build number and commit of a container's image, from labels already cached (never a network call). */
  imageBuild?(container: Container): ContainerBuild;
}

export abstract class ExplorerNode {
  abstract readonly id: string;
  abstract treeItem(): vscode.TreeItem;
  children(): Promise<ExplorerNode[]> {
    return Promise.resolve([]);
  }
  /** Forgets what was loaded, so the next expansion asks AWS again. */
  reset(): void {}
}

/** A node backed by one AWS resource: it has an ARN, a console page and a JSON view. */
export interface ResourceNode {
  readonly kind: 'cluster' | 'service' | 'task' | 'container';
  readonly arn: string;
  readonly clusterArn: string;
  readonly resource: Cluster | Service | Task | Container;
}

export class ClusterNode extends ExplorerNode implements ResourceNode {
  readonly kind = 'cluster';
  constructor(private readonly ctx: NodeContext, readonly resource: Cluster) {
    super();
  }
  get id() { return this.arn; }
  get arn() { return this.resource.clusterArn ?? ''; }
  get clusterArn() { return this.arn; }
  get name() { return this.resource.clusterName ?? ''; }

  treeItem() {
    return viewItem(this.id, clusterView(this.resource), vscode.TreeItemCollapsibleState.Collapsed, 'airflowEcs.cluster', 'server-environment');
  }

  async children(): Promise<ExplorerNode[]> {
    const services = await loadServices(await this.ctx.ecs(), this.arn);
    return [...services.map((s) => new ServiceNode(this.ctx, this.arn, s)), new TaskGroupNode(this.ctx, this.arn, 'standalone')];
  }
}

/** Holds a task list that loads 100 at a time behind a "Load more" node. */
abstract class PagedTasksNode extends ExplorerNode {
  private pager: TaskPager | undefined;
  private loaded: Task[] = [];

  constructor(protected readonly ctx: NodeContext, readonly clusterArn: string) {
    super();
  }

  protected abstract createPager(ecs: EcsApi): TaskPager;
  protected abstract trailing(): ExplorerNode[];
  protected abstract emptyMessage(): string;

  reset(): void {
    this.pager = undefined;
    this.loaded = [];
  }

  async loadMore(): Promise<void> {
    if (!this.pager) this.pager = this.createPager(await this.ctx.ecs());
    this.loaded = [...this.loaded, ...(await this.pager.nextPage())];
  }

  async children(): Promise<ExplorerNode[]> {
    if (!this.pager) await this.loadMore();
    const tasks = this.loaded.map((t) => new TaskNode(this.ctx, this.clusterArn, t));
    const more = this.pager && !this.pager.done ? [new LoadMoreNode(this)] : [];
    const empty = tasks.length === 0 ? [new MessageNode(`${this.id}#empty`, this.emptyMessage())] : [];
    return [...tasks, ...empty, ...more, ...this.trailing()];
  }
}

export class ServiceNode extends PagedTasksNode implements ResourceNode {
  readonly kind = 'service';
  constructor(ctx: NodeContext, clusterArn: string, readonly resource: Service) {
    super(ctx, clusterArn);
  }
  get id() { return this.arn; }
  get arn() { return this.resource.serviceArn ?? ''; }
  get name() { return this.resource.serviceName ?? ''; }

  /** The Airflow component this service runs (api-server, scheduler, worker...), if it is one. */
  get role(): AirflowRole | undefined {
    return airflowRole(this.name);
  }

  treeItem() {
    const role = this.role;
    // Services that serve the Airflow UI get `.ui`: Open Airflow UI is offered on them.
    const contextValue = servesUi(role) ? 'airflowEcs.service.ui' : 'airflowEcs.service';
    const ti = viewItem(this.id, serviceView(this.resource, this.ctx.now()), vscode.TreeItemCollapsibleState.Collapsed, contextValue, role ? ROLE_ICONS[role] : 'layers');
    if (role && ti.tooltip instanceof vscode.MarkdownString) ti.tooltip.appendMarkdown(`\n\nAirflow: ${ROLE_LABELS[role]}`);
    return ti;
  }

  protected createPager(ecs: EcsApi) {
    return new TaskPager(ecs, this.clusterArn, { serviceName: this.name, desiredStatus: 'RUNNING' });
  }
  protected trailing() {
    return [new TaskGroupNode(this.ctx, this.clusterArn, 'stopped', this.name)];
  }
  protected emptyMessage() {
    return 'No running tasks';
  }
}

const ROLE_ICONS: Record<AirflowRole, string> = {
  'api-server': 'globe', webserver: 'globe', scheduler: 'watch', 'dag-processor': 'file-code',
  triggerer: 'zap', worker: 'server-process', flower: 'graph', init: 'database',
};

export function isResource(node: unknown): node is ExplorerNode & ResourceNode {
  return node instanceof ClusterNode || node instanceof ServiceNode || node instanceof TaskNode || node instanceof ContainerNode;
}

/** "Standalone tasks" (no service) and "Stopped tasks" (last hour). */
export class TaskGroupNode extends ExplorerNode {
  constructor(
    private readonly ctx: NodeContext,
    readonly clusterArn: string,
    readonly group: 'standalone' | 'stopped' | 'standaloneStopped',
    readonly serviceName?: string,
  ) {
    super();
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

  async children(): Promise<ExplorerNode[]> {
    const ecs = await this.ctx.ecs();
    let tasks: Task[];
    if (this.group === 'standalone') {
      tasks = await loadStandaloneTasks(ecs, this.clusterArn, 'RUNNING');
    } else if (this.group === 'standaloneStopped') {
      tasks = recentlyStopped(await loadStandaloneTasks(ecs, this.clusterArn, 'STOPPED'), this.ctx.now());
    } else {
      const pager = new TaskPager(ecs, this.clusterArn, { serviceName: this.serviceName, desiredStatus: 'STOPPED' });
      const all: Task[] = [];
      do all.push(...(await pager.nextPage())); while (!pager.done);
      tasks = recentlyStopped(all, this.ctx.now());
    }
    const nodes: ExplorerNode[] = tasks.map((t) => new TaskNode(this.ctx, this.clusterArn, t));
    if (nodes.length === 0) nodes.push(new MessageNode(`${this.id}#empty`, this.group === 'standalone' ? 'No standalone tasks running' : 'No tasks stopped in the last hour'));
    if (this.group === 'standalone') nodes.push(new TaskGroupNode(this.ctx, this.clusterArn, 'standaloneStopped'));
    return nodes;
  }
}

export class TaskNode extends ExplorerNode implements ResourceNode {
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

  children(): Promise<ExplorerNode[]> {
    return Promise.resolve((this.resource.containers ?? []).map((c) => new ContainerNode(this.ctx, this.clusterArn, this.resource, c)));
  }
}

export class ContainerNode extends ExplorerNode implements ResourceNode {
  readonly kind = 'container';
  constructor(private readonly ctx: NodeContext, readonly clusterArn: string, readonly task: Task, readonly resource: Container) {
    super();
  }
  get id() { return this.resource.containerArn ?? `${this.task.taskArn}/${this.resource.name}`; }
  get arn() { return this.resource.containerArn ?? ''; }

  treeItem() {
    return viewItem(this.id, containerView(this.resource, this.ctx.imageBuild?.(this.resource)), vscode.TreeItemCollapsibleState.None, 'airflowEcs.container', 'package');
  }
}

/** A node that loads its children a page at a time. */
export type PagedNode = ExplorerNode & { loadMore(): Promise<void> };

export class LoadMoreNode extends ExplorerNode {
  constructor(readonly parent: PagedNode, private readonly command: string = COMMANDS.loadMore, private readonly label = 'Load more…') {
    super();
  }
  get id() { return `${this.parent.id}#more`; }
  treeItem() {
    const ti = new vscode.TreeItem(this.label, vscode.TreeItemCollapsibleState.None);
    ti.id = this.id;
    ti.iconPath = new vscode.ThemeIcon('ellipsis');
    ti.contextValue = 'airflowEcs.loadMore';
    ti.command = { command: this.command, title: 'Load more', arguments: [this] };
    return ti;
  }
}

export class MessageNode extends ExplorerNode {
  constructor(readonly id: string, private readonly message: string) {
    super();
  }
  treeItem() {
    const ti = new vscode.TreeItem(this.message, vscode.TreeItemCollapsibleState.None);
    ti.id = this.id;
    ti.contextValue = 'airflowEcs.message';
    return ti;
  }
}

/** What a failed expansion shows instead of throwing: the sentence, and a click to retry. */
export class ErrorNode extends ExplorerNode {
  constructor(readonly id: string, readonly message: string, readonly retryTarget: ExplorerNode | undefined, private readonly retryCommand: string = COMMANDS.retry) {
    super();
  }
  treeItem() {
    const ti = new vscode.TreeItem(this.message, vscode.TreeItemCollapsibleState.None);
    ti.id = this.id;
    ti.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'));
    ti.tooltip = `${this.message}\n\nClick to retry.`;
    ti.contextValue = 'airflowEcs.error';
    ti.command = { command: this.retryCommand, title: 'Retry', arguments: [this] };
    return ti;
  }
}
