import * as vscode from 'vscode';
import { AwsProblem, type AwsProblemKind } from '../../core/aws/errors';
import type { Logger } from '../../core/log';
import type { AwsSession } from '../../platform/aws';
import { describeFailure } from '../../platform/errors';
import { STATE_KEY } from './commandIds';
import { ClusterNode, ErrorNode, type ExplorerNode, type NodeContext } from './nodes';

/** Failures the view explains with welcome content instead of an error node. */
const WELCOME_STATES: ReadonlySet<AwsProblemKind> = new Set(['noCredentials', 'ssoExpired', 'unknownProfile', 'invalidEndpoint']);

/**
 * Clusters -> services -> tasks -> containers. `getChildren` never throws: a failure becomes
 * an error node that retries on click, or welcome content when the connection itself is wrong.
 */
export class ClusterTreeProvider implements vscode.TreeDataProvider<ExplorerNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ExplorerNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly parents = new WeakMap<ExplorerNode, ExplorerNode | undefined>();
  readonly ctx: NodeContext;

  constructor(
    private readonly session: AwsSession,
    private readonly logger: Logger,
    private readonly onConnected: (label: string) => void,
    imageBuild?: NodeContext['imageBuild'],
  ) {
    this.ctx = { ecs: () => session.ecs(), now: () => Date.now(), imageBuild };
  }

  /** Reloads a node (or everything) from AWS. */
  refresh(node?: ExplorerNode): void {
    node?.reset();
    this.changed.fire(node);
  }

  /** Redraws a node from what it already holds (after Load more). */
  redraw(node: ExplorerNode): void {
    this.changed.fire(node);
  }

  getTreeItem(node: ExplorerNode): vscode.TreeItem {
    return node.treeItem();
  }

  getParent(node: ExplorerNode): ExplorerNode | undefined {
    return this.parents.get(node);
  }

  async getChildren(node?: ExplorerNode): Promise<ExplorerNode[]> {
    try {
      const children = node ? await node.children() : await this.roots();
      for (const c of children) this.parents.set(c, node);
      return children;
    } catch (err) {
      if (!node && err instanceof AwsProblem && WELCOME_STATES.has(err.kind)) {
        await this.setState(err.kind);
        return [];
      }
      this.logger.warn(`Explorer: could not load ${node ? node.id : 'clusters'}: ${err instanceof Error ? err.message : String(err)}`);
      const error = new ErrorNode(`${node?.id ?? 'root'}#error`, describeFailure(err).message, node);
      this.parents.set(error, node);
      return [error];
    }
  }

  private async roots(): Promise<ExplorerNode[]> {
    const conn = await this.session.connection();
    this.onConnected(`${conn.profile} @ ${conn.region}`);
    const ecs = await this.session.ecs();
    const clusters = (await ecs.describeClusters(await ecs.listClusterArns()))
      .sort((a, b) => (a.clusterName ?? '').localeCompare(b.clusterName ?? ''));
    await this.setState(clusters.length ? 'ok' : 'noClusters');
    return clusters.map((c) => new ClusterNode(this.ctx, c));
  }

  private async setState(state: AwsProblemKind | 'ok' | 'noClusters'): Promise<void> {
    await vscode.commands.executeCommand('setContext', STATE_KEY, state);
  }

  dispose(): void {
    this.changed.dispose();
  }
}
