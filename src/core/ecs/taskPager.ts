import type { ArnPage, Described, DescribeFailure, EcsApi, Service, Task, TaskFilter } from '../aws/ecs';

/**
 * Pages through a task list: each page is one ListTasks (100 ARNs) and one DescribeTasks.
 * The next ListTasks is requested while the current page is being described, so walking
 * N pages costs about N+1 round trips instead of 2N.
 */
export class TaskPager {
  private pending: Promise<ArnPage> | undefined;
  private started = false;
  /** Tasks that ListTasks named and DescribeTasks could not describe, over every page read. */
  readonly failures: DescribeFailure[] = [];

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
    if (page.nextToken) this.prefetch(page.nextToken);
    if (page.arns.length === 0) return [];
    const { items, failures } = await this.api.describeTasks(this.cluster, page.arns, signal);
    this.failures.push(...failures);
    return items;
  }

  private list(token: string | undefined, signal?: AbortSignal): Promise<ArnPage> {
    return this.api.listTaskArns(this.cluster, this.filter, token, signal);
  }

  /** The prefetch outlives the call that started it (a later "Load more" takes it), so it carries no signal. */
  private prefetch(token: string): void {
    const next = this.list(token);
    // The error surfaces when the page is asked for; until then it must not count as unhandled.
    next.catch(() => undefined);
    this.pending = next;
  }
}

/** Runs one operation at a time, in call order: a refresh and a "Load more" never interleave. */
class Serial {
  private last: Promise<unknown> = Promise.resolve();
  run<T>(op: () => Promise<T>): Promise<T> {
    const next = this.last.then(op, op);
    this.last = next.catch(() => undefined);
    return next;
  }
}

/**
 * A task list shown 100 at a time behind "Load more". A reload reads again as many pages as
 * are loaded, so new tasks show, stopped ones go, and "Load more" progress stays.
 */
export class PagedTaskList {
  tasks: Task[] = [];
  failures: DescribeFailure[] = [];
  private pager: TaskPager | undefined;
  private pages = 0;
  private readonly serial = new Serial();

  constructor(private readonly api: EcsApi, private readonly cluster: string, private readonly filter: TaskFilter) {}

  get loaded(): boolean {
    return this.pager !== undefined;
  }

  /** More pages are left to load. */
  get more(): boolean {
    return this.pager !== undefined && !this.pager.done;
  }

  loadMore(signal?: AbortSignal): Promise<void> {
    return this.serial.run(async () => {
      const pager = this.pager ?? new TaskPager(this.api, this.cluster, this.filter);
      const page = await pager.nextPage(signal);
      this.pager = pager;
      this.tasks = [...this.tasks, ...page];
      this.failures = [...pager.failures];
      this.pages++;
    });
  }

  reload(signal?: AbortSignal): Promise<void> {
    return this.serial.run(async () => {
      const pager = new TaskPager(this.api, this.cluster, this.filter);
      const tasks: Task[] = [];
      let pages = 0;
      do {
        tasks.push(...(await pager.nextPage(signal)));
        pages++;
      } while (pages < Math.max(1, this.pages) && !pager.done);
      // Nothing changes until every page is in: an aborted reload leaves the list as it was.
      this.pager = pager;
      this.tasks = tasks;
      this.failures = [...pager.failures];
      this.pages = pages;
    });
  }
}

/** Every ARN of a task list, page after page (ARNs only: 100 a call). */
export async function allTaskArns(api: EcsApi, cluster: string, filter: TaskFilter, signal?: AbortSignal): Promise<string[]> {
  const arns: string[] = [];
  let token: string | undefined;
  do {
    const page = await api.listTaskArns(cluster, filter, token, signal);
    arns.push(...page.arns);
    token = page.nextToken;
  } while (token);
  return arns;
}

/**
 * A task list filtered by what ListTasks cannot filter (tasks of no service, tasks stopped in
 * the last hour). Each load lists the ARNs and describes only those not already known to fall
 * outside the selection: a refresh re-describes what is shown and what is new, not every task.
 */
export class SelectedTaskList {
  tasks: Task[] = [];
  failures: DescribeFailure[] = [];
  /** Tasks described once and left out for good (they belong to a service, or stopped over an hour ago). */
  private readonly outside = new Set<string>();
  private readonly serial = new Serial();

  constructor(
    private readonly api: EcsApi,
    private readonly cluster: string,
    private readonly filter: TaskFilter,
    /** The tasks to show, in order, from those described; it must not let back a task it left out. */
    private readonly select: (tasks: Task[]) => Task[],
  ) {}

  load(signal?: AbortSignal): Promise<void> {
    return this.serial.run(async () => {
      const listed = await allTaskArns(this.api, this.cluster, this.filter, signal);
      const { items, failures } = await this.api.describeTasks(this.cluster, listed.filter((a) => !this.outside.has(a)), signal);
      const shown = this.select(items);
      const kept = new Set(shown.map((t) => t.taskArn));
      // What ListTasks no longer names is forgotten, so the set stays the size of the list.
      const stillListed = new Set(listed);
      for (const a of this.outside) if (!stillListed.has(a)) this.outside.delete(a);
      for (const t of items) if (t.taskArn && !kept.has(t.taskArn)) this.outside.add(t.taskArn);
      this.tasks = shown;
      this.failures = failures;
    });
  }
}

/** All services of a cluster, by name: one ListServices walk, DescribeServices 10 at a time. */
export async function loadServices(api: EcsApi, cluster: string, signal?: AbortSignal): Promise<Described<Service>> {
  const { items, failures } = await api.describeServices(cluster, await api.listServiceArns(cluster, signal), signal);
  return { items: items.sort((a, b) => (a.serviceName ?? '').localeCompare(b.serviceName ?? '')), failures };
}

/** True for tasks started by a service scheduler (their group is `service:<name>`). */
export function belongsToService(task: Task): boolean {
  return task.group?.startsWith('service:') ?? false;
}

/** The name of the service that started the task, if one did. */
export function serviceNameOf(task: Task): string | undefined {
  return belongsToService(task) ? task.group!.slice('service:'.length) : undefined;
}
