import type { Logger } from '../../core/log';
import type { AwsSession } from '../../platform/aws';
import { COMMANDS, STATE_KEY } from './commandIds';
import { NodeTreeProvider } from './nodeTree';
import { ClusterNode, type ExplorerNode, type NodeContext } from './nodes';

/**
 * Clusters -> services -> tasks -> containers. `getChildren` never throws: a failure becomes
 * an error node that retries on click, or welcome content when the connection itself is wrong.
 */
export class ClusterTreeProvider extends NodeTreeProvider {
  readonly ctx: NodeContext;

  constructor(private readonly session: AwsSession, logger: Logger, imageBuild?: NodeContext['imageBuild']) {
    super(logger, 'Explorer', COMMANDS.retry, STATE_KEY);
    this.ctx = { ecs: () => session.ecs(), now: () => Date.now(), imageBuild };
  }

  protected async roots(): Promise<ExplorerNode[]> {
    const ecs = await this.session.ecs();
    const clusters = (await ecs.describeClusters(await ecs.listClusterArns()))
      .sort((a, b) => (a.clusterName ?? '').localeCompare(b.clusterName ?? ''));
    // `ok` also completes the walkthrough's "open your cluster" step.
    await this.setState(clusters.length ? 'ok' : 'noClusters');
    return clusters.map((c) => new ClusterNode(this.ctx, c));
  }
}
