import * as vscode from 'vscode';
import { AwsProblem, type AwsProblemKind } from '../../core/aws/errors';
import type { Logger } from '../../core/log';
import type { AwsSession } from '../../platform/aws';
import { COMMANDS, STATE_KEY } from './commandIds';
import { NodeTreeProvider } from './nodeTree';
import { ClusterNode, type ExplorerNode, type NodeContext } from './nodes';

/** Failures the view explains with welcome content instead of an error node. */
const WELCOME_STATES: ReadonlySet<AwsProblemKind> = new Set(['noCredentials', 'ssoExpired', 'unknownProfile', 'invalidEndpoint']);

/**
 * Clusters -> services -> tasks -> containers. `getChildren` never throws: a failure becomes
 * an error node that retries on click, or welcome content when the connection itself is wrong.
 */
export class ClusterTreeProvider extends NodeTreeProvider {
  readonly ctx: NodeContext;

  constructor(
    private readonly session: AwsSession,
    logger: Logger,
    private readonly onConnected: (label: string) => void,
    imageBuild?: NodeContext['imageBuild'],
  ) {
    super(logger, 'Explorer', COMMANDS.retry);
    this.ctx = { ecs: () => session.ecs(), now: () => Date.now(), imageBuild };
  }

  protected async failed(err: unknown, node: ExplorerNode | undefined): Promise<ExplorerNode[] | undefined> {
    if (!node && err instanceof AwsProblem && WELCOME_STATES.has(err.kind)) {
      await this.setState(err.kind);
      return [];
    }
    return undefined;
  }

  protected async roots(): Promise<ExplorerNode[]> {
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
}
