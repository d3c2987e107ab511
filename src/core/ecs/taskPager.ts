import { chunk, DESCRIBE_SERVICES_MAX, type ArnPage, type EcsApi, type Service, type Task, type TaskFilter } from '../aws/ecs';

/**
 * Pages through a task list: each page is one ListTasks (100 ARNs) and one DescribeTasks.
 * The next ListTasks is requested while the current page is being described, so walking
 * N pages costs about N+1 round trips instead of 2N.
 */
export class TaskPager {
  private pending: Promise<ArnPage> | undefined;
  private started = false;

  constructor(
    private readonly api: EcsApi,
    private readonly cluster: string,
    private readonly filter: TaskFilter,
  ) {}

  get done(): boolean {
    return this.started && !this.pending;
  }

  async nextPage(signal?: AbortSignal): Promise<Task[]> {
    let page = await (this.pending ?? this.list(undefined, signal));
    this.started = true;
    this.pending = undefined;
    // An empty page can still carry a token; keep going until ARNs or the end.
    while (page.arns.length === 0 && page.nextToken) page = await this.list(page.nextToken, signal);
    if (page.nextToken) this.prefetch(page.nextToken, signal);
    return page.arns.length ? this.api.describeTasks(this.cluster, page.arns, signal) : [];
  }

  private list(token: string | undefined, signal?: AbortSignal): Promise<ArnPage> {
    return this.api.listTaskArns(this.cluster, this.filter, token, signal);
  }

  private prefetch(token: string, signal?: AbortSignal): void {
    const next = this.list(token, signal);
    // The error surfaces when the page is asked for; until then it must not count as unhandled.
    next.catch(() => undefined);
    this.pending = next;
  }
}

/** Runs `work` over items with at most `limit` in flight, keeping the order of results. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]);
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** All services of a cluster: one ListServices walk, DescribeServices 10 at a time, 4 in flight. */
export async function loadServices(api: EcsApi, cluster: string, signal?: AbortSignal): Promise<Service[]> {
  const arns = await api.listServiceArns(cluster, signal);
  const groups = await mapLimit(chunk(arns, DESCRIBE_SERVICES_MAX), 4, (group) => api.describeServices(cluster, group, signal));
  return groups.flat().sort((a, b) => (a.serviceName ?? '').localeCompare(b.serviceName ?? ''));
}

/** True for tasks started by a service scheduler (their group is `service:<name>`). */
export function belongsToService(task: Task): boolean {
  return task.group?.startsWith('service:') ?? false;
}

/** Tasks that belong to no service (one-off migrations, backfills), walking every page. */
export async function loadStandaloneTasks(api: EcsApi, cluster: string, desiredStatus: TaskFilter['desiredStatus'], signal?: AbortSignal): Promise<Task[]> {
  const pager = new TaskPager(api, cluster, { desiredStatus });
  const found: Task[] = [];
  do {
    const page = await pager.nextPage(signal);
    found.push(...page.filter((t) => !belongsToService(t)));
  } while (!pager.done);
  return found;
}
