import { AwsProblem } from '../aws/errors';
import type { DescribeFailure, EcsApi, ServiceDeployment, ServiceRevision } from '../aws/ecs';
import { newestFirst } from './deployments';

/** Deployments per page: the API's default page, and what one DescribeServiceDeployments takes. */
export const DEPLOYMENT_PAGE = 20;

/**
 * A service's deployments, newest first, a page at a time, each described with its source and
 * target revisions. A reload reads again as many pages as are loaded. An endpoint that does not
 * know the operations (older than late 2024, or an emulator) sets `unsupported`; revisions that
 * cannot be read (access denied on DescribeServiceRevisions only) leave the deployments listed
 * and say why in `revisionProblem`.
 */
export class DeploymentHistory {
  deployments: ServiceDeployment[] = [];
  revisions = new Map<string, ServiceRevision>();
  failures: DescribeFailure[] = [];
  unsupported: string | undefined;
  revisionProblem: string | undefined;
  private nextToken: string | undefined;
  private pages = 0;

  constructor(private readonly api: EcsApi, private readonly cluster: string, private readonly service: string) {}

  get loaded(): boolean {
    return this.pages > 0 || this.unsupported !== undefined;
  }

  get more(): boolean {
    return this.nextToken !== undefined;
  }

  /** The first page, or again as many pages as were loaded. Changes nothing when it fails. */
  async reload(signal?: AbortSignal): Promise<void> {
    const read = await this.read(undefined, Math.max(1, this.pages), signal);
    if (!read) return;
    Object.assign(this, read, { pages: Math.max(1, this.pages), unsupported: undefined });
  }

  async loadMore(signal?: AbortSignal): Promise<void> {
    if (!this.nextToken) return;
    const read = await this.read(this.nextToken, 1, signal);
    if (!read) return;
    this.deployments = [...this.deployments, ...read.deployments];
    this.failures = [...this.failures, ...read.failures];
    for (const [k, v] of read.revisions) this.revisions.set(k, v);
    this.revisionProblem = read.revisionProblem;
    this.nextToken = read.nextToken;
    this.pages++;
  }

  /** The newest revision that runs `taskDefinition`, among those read. */
  revisionOf(taskDefinition: string | undefined): ServiceRevision | undefined {
    return newestFirst([...this.revisions.values()]).find((r) => r.taskDefinition === taskDefinition);
  }

  private async read(token: string | undefined, pages: number, signal?: AbortSignal) {
    const arns: string[] = [];
    let nextToken = token;
    try {
      for (let i = 0; i < pages && (i === 0 || nextToken); i++) {
        const page = await this.api.listServiceDeployments(this.cluster, this.service, DEPLOYMENT_PAGE, nextToken, signal);
        arns.push(...page.deployments.map((d) => d.serviceDeploymentArn ?? '').filter(Boolean));
        nextToken = page.nextToken;
      }
    } catch (err) {
      if (err instanceof AwsProblem && err.kind === 'unsupported') {
        // Nothing read before stays: an endpoint switched to one without the operations shows none.
        Object.assign(this, { unsupported: err.message, deployments: [], revisions: new Map(), failures: [], revisionProblem: undefined, nextToken: undefined, pages: 0 });
        return undefined;
      }
      throw err;
    }
    const described = arns.length ? await this.api.describeServiceDeployments(arns, signal) : { items: [], failures: [] };
    const deployments = newestFirst(described.items);
    const revisionArns = [...new Set(deployments.flatMap((d) => [d.targetServiceRevision?.arn, ...(d.sourceServiceRevisions ?? []).map((r) => r.arn)]))]
      .filter((a): a is string => !!a);
    const revisions = new Map<string, ServiceRevision>();
    let revisionProblem: string | undefined;
    try {
      const read = revisionArns.length ? await this.api.describeServiceRevisions(revisionArns, signal) : { items: [], failures: [] };
      for (const r of read.items) if (r.serviceRevisionArn) revisions.set(r.serviceRevisionArn, r);
    } catch (err) {
      if (err instanceof AwsProblem && err.kind === 'aborted') throw err;
      revisionProblem = err instanceof Error ? err.message : String(err);
    }
    return { deployments, failures: described.failures, revisions, revisionProblem, nextToken };
  }
}
