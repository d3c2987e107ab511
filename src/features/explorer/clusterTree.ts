import type { Service } from '../../core/aws/ecs';
import { failureText } from '../../core/ecs/present';
import type { Logger } from '../../core/log';
import type { AwsSession } from '../../platform/aws';
import { isCancellation } from '../../platform/errors';
import { COMMANDS, STATE_KEY } from './commandIds';
import { NodeTreeProvider } from '../../platform/nodeTree';
import { ErrorNode, type TreeNode } from '../../platform/nodeTree';
import { ClusterNode, KeptNode, ServiceNode, type NodeContext } from './nodes';
import { DeploymentsNode } from './deploymentNodes';

/** How an action waits for ECS to show its effect (a scale-out starts tasks seconds later). */
export interface FollowTiming {
  everyMs: number;
  tries: number;
}

const FOLLOW: FollowTiming = { everyMs: 2000, tries: 15 };

/**
 * Clusters -> services -> tasks -> containers. `getChildren` never throws: a failure becomes
 * an error node that retries on click, or welcome content when the connection itself is wrong.
 *
 * Each read of the root is a refresh: it aborts the refresh before it, re-describes the
 * clusters and starts a new generation, in which every expanded node reads again in place
 * (services re-described, loaded task pages re-read, no page walk for what is not on screen).
 */
export class ClusterTreeProvider extends NodeTreeProvider {
  readonly ctx: NodeContext;
  private generation = 0;
  private controller = new AbortController();
  private clusters = new Map<string, ClusterNode>();
  private shown: TreeNode[] | undefined;
  private redrawOnly = false;

  constructor(private readonly session: AwsSession, logger: Logger, imageBuild?: NodeContext['imageBuild']) {
    super(logger, 'Explorer', COMMANDS.retry, STATE_KEY);
    this.ctx = {
      ecs: () => session.ecs(),
      now: () => Date.now(),
      imageBuild,
      generation: () => this.generation,
      signal: () => this.controller.signal,
      deployments: (clusterArn, serviceArn) => new DeploymentsNode(this.ctx, clusterArn, serviceArn),
      redraw: (node) => this.changed.fire(node),
    };
  }

  /** The root was read at least once (the view has shown something). */
  get loaded(): boolean {
    return this.shown !== undefined;
  }

  /** The cluster row for `arn`, if the view shows it. */
  cluster(arn: string): ClusterNode | undefined {
    return this.clusters.get(arn);
  }

  /** A node: read again from scratch. No node: everything on screen, in place. */
  refresh(node?: TreeNode): void {
    this.redrawOnly = false;
    super.refresh(node);
  }

  /** Draws every row again from what is held (ages such as "5 min ago" move on); no AWS call. */
  redrawAll(): void {
    if (!this.shown) return;
    this.redrawOnly = true;
    this.changed.fire(undefined);
  }

  /** Forgets everything (another profile or region): the next read starts over. */
  reset(): void {
    this.controller.abort();
    this.clusters.clear();
    this.shown = undefined;
    this.refresh();
  }

  protected kept(err: unknown, node: TreeNode | undefined): TreeNode[] | undefined {
    // A newer refresh took over: keep what is on screen, the newer one redraws it.
    return isCancellation(err) ? (node instanceof KeptNode ? node.shown : this.shown) ?? [] : undefined;
  }

  protected async roots(): Promise<TreeNode[]> {
    if (this.redrawOnly && this.shown) {
      this.redrawOnly = false;
      return this.shown;
    }
    this.controller.abort();
    this.controller = new AbortController();
    this.generation++;
    const signal = this.controller.signal;
    const ecs = await this.session.ecs();
    const { items, failures } = await ecs.describeClusters(await ecs.listClusterArns(signal), signal);
    const next = new Map<string, ClusterNode>();
    for (const c of items.sort((a, b) => (a.clusterName ?? '').localeCompare(b.clusterName ?? ''))) {
      const arn = c.clusterArn ?? '';
      const kept = this.clusters.get(arn);
      if (kept) kept.resource = c;
      next.set(arn, kept ?? new ClusterNode(this.ctx, c));
    }
    this.clusters = next;
    // `ok` also completes the walkthrough's "open your cluster" step.
    await this.setState(items.length || failures.length ? 'ok' : 'noClusters');
    this.shown = [...next.values(), ...failures.map((f) => new ErrorNode(`root#failed:${f.arn}`, failureText('cluster', f), undefined, COMMANDS.retry))];
    return this.shown;
  }

  /**
   * After an action on a service or a task: re-describes the service and its cluster and
   * redraws their rows at once; the tasks under them are read again in place.
   * Returns the service as ECS describes it now.
   */
  async refreshUp(clusterArn: string, serviceName?: string): Promise<Service | undefined> {
    const cluster = this.clusters.get(clusterArn);
    let service: Service | undefined;
    try {
      const ecs = await this.session.ecs();
      const [services, clusters] = await Promise.all([
        serviceName ? ecs.describeServices(clusterArn, [serviceName]) : undefined,
        ecs.describeClusters([clusterArn]),
      ]);
      service = services?.items[0];
      if (cluster && clusters.items[0]) cluster.resource = clusters.items[0];
    } catch (err) {
      // The action itself worked; the rows below read again and show any failure where it belongs.
      this.logger.warn(`Explorer: could not describe ${serviceName ?? 'the cluster'} again after the change: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (cluster) {
      const node = serviceName ? cluster.service(serviceName) : cluster.standalone;
      if (node instanceof ServiceNode && service) node.resource = service;
      node?.markStale();
      cluster.markStale();
      this.changed.fire(cluster);
    }
    return service;
  }

  /**
   * Shows an action's effect now, then reads again every few seconds until `settled` says ECS
   * has caught up (tasks started or stopped), or a while has passed.
   */
  async follow(clusterArn: string, serviceName: string, settled: (service: Service) => boolean, timing: FollowTiming = FOLLOW): Promise<void> {
    let service = await this.refreshUp(clusterArn, serviceName);
    for (let i = 0; i < timing.tries && service && !settled(service); i++) {
      await new Promise((r) => setTimeout(r, timing.everyMs));
      service = await this.refreshUp(clusterArn, serviceName);
    }
  }
}
