import * as vscode from 'vscode';
import type { ServiceDeployment } from '../../core/aws/ecs';
import { DeploymentHistory } from '../../core/ecs/deploymentHistory';
import { canStopDeployment, deploymentView, revisionView } from '../../core/ecs/deployments';
import { arnName } from '../../core/ecs/present';
import { ErrorNode, LoadMoreNode, MessageNode, TreeNode } from '../../platform/nodeTree';
import { viewItem } from '../../platform/treeItems';
import { COMMANDS } from './commandIds';
import { KeptNode, type NodeContext, type ServiceNode } from './nodes';

/** "Deployments" under a service: its deployments newest first, 20 at a time, each with its revisions. */
export class DeploymentsNode extends KeptNode {
  private history: DeploymentHistory | undefined;

  constructor(ctx: NodeContext, readonly clusterArn: string, readonly serviceArn: string) {
    super(ctx);
  }

  get id() { return `${this.serviceArn}#deployments`; }
  get serviceName() { return arnName(this.serviceArn); }

  treeItem() {
    const ti = new vscode.TreeItem('Deployments', vscode.TreeItemCollapsibleState.Collapsed);
    ti.id = this.id;
    ti.contextValue = 'airflowEcs.group.deployments';
    ti.iconPath = new vscode.ThemeIcon('versions');
    ti.tooltip = 'The service\'s deployments, newest first: status, strategy, times, circuit-breaker failures, alarms, and the revisions each went from and to.';
    return ti;
  }

  private async list(): Promise<DeploymentHistory> {
    this.history ??= new DeploymentHistory(await this.ctx.ecs(), this.clusterArn, this.serviceArn);
    return this.history;
  }

  /** What was read last (Compare Revisions finds the images ECS resolved here). */
  get loadedHistory(): DeploymentHistory | undefined {
    return this.history;
  }

  protected async read(signal: AbortSignal): Promise<void> {
    await (await this.list()).reload(signal);
  }

  async loadMore(): Promise<void> {
    await (await this.list()).loadMore(this.ctx.signal?.());
    this.keep();
  }

  protected nodes(): TreeNode[] {
    const h = this.history;
    if (!h) return [];
    if (h.unsupported) {
      return [new MessageNode(`${this.id}#unsupported`, 'This AWS endpoint does not list service deployments; Compare Revisions and Roll Back Service still work on the service.')];
    }
    const nodes: TreeNode[] = h.deployments.map((d) => new DeploymentNode(this.ctx, this, d));
    nodes.push(...h.failures.map((f) => new ErrorNode(`${this.id}#failed:${f.arn}`, `Could not describe deployment ${arnName(f.arn)}: ${f.reason}`, this, COMMANDS.retry)));
    if (h.revisionProblem) nodes.push(new ErrorNode(`${this.id}#revisions`, `Revisions not shown: ${h.revisionProblem}`, this, COMMANDS.retry));
    if (nodes.length === 0) nodes.push(new MessageNode(`${this.id}#empty`, 'No deployments recorded'));
    if (h.more) nodes.push(new LoadMoreNode(this, COMMANDS.loadMore));
    return nodes;
  }

  protected forget(): void {
    this.history = undefined;
  }
}

/**
 * The deployments of a service as its Deployments node holds them (read now if they were not):
 * what Compare Revisions and Roll Back learn the previous revision and the image digests from.
 * Undefined, or empty, when the endpoint has no such operations or they fail: callers fall back.
 */
export async function deploymentsOf(service: ServiceNode): Promise<DeploymentHistory | undefined> {
  const node = service.deployments instanceof DeploymentsNode ? service.deployments : undefined;
  await node?.children().catch(() => undefined);
  return node?.loadedHistory;
}

export class DeploymentNode extends TreeNode {
  constructor(private readonly ctx: NodeContext, readonly parent: DeploymentsNode, readonly deployment: ServiceDeployment) {
    super();
  }

  get id() { return this.deployment.serviceDeploymentArn ?? ''; }
  get clusterArn() { return this.parent.clusterArn; }
  get serviceName() { return this.parent.serviceName; }
  get revisions() { return this.parent.loadedHistory?.revisions ?? new Map(); }

  treeItem() {
    const stoppable = canStopDeployment(this.deployment);
    const ti = viewItem(this.id, deploymentView(this.deployment, this.revisions, this.ctx.now()), vscode.TreeItemCollapsibleState.Collapsed,
      stoppable ? 'airflowEcs.deployment.stoppable' : 'airflowEcs.deployment', 'rocket');
    return ti;
  }

  children(): Promise<TreeNode[]> {
    const build = (c: Parameters<NonNullable<NodeContext['imageBuild']>>[0]) => this.ctx.imageBuild?.(c) ?? {};
    const target = this.deployment.targetServiceRevision;
    const rows: TreeNode[] = target ? [new RevisionNode(`${this.id}#target`, revisionView('target', target, this.revisions.get(target.arn ?? ''), build))] : [];
    for (const source of this.deployment.sourceServiceRevisions ?? []) {
      rows.push(new RevisionNode(`${this.id}#source:${source.arn}`, revisionView('source', source, this.revisions.get(source.arn ?? ''), build)));
    }
    return Promise.resolve(rows);
  }
}

class RevisionNode extends TreeNode {
  constructor(readonly id: string, private readonly view: ReturnType<typeof revisionView>) {
    super();
  }

  treeItem() {
    return viewItem(this.id, this.view, vscode.TreeItemCollapsibleState.None, 'airflowEcs.revision', 'file-code');
  }
}
