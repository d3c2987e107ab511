import { setMaxListeners } from 'node:events';
import { chunk, DESCRIBE_LIMITS, type ArnPage, type DescribeFailure, type EcsApi, type Service } from '../aws/ecs';
import { limiter } from '../concurrency';

/**
 * One service of a cluster as far as it is known: listed (name only, its description on the
 * way), described, reported by DescribeServices as a failure, or not described because the
 * call itself failed. Entries are replaced, never changed, so a holder can tell what moved.
 */
export type ServiceEntry =
  | { state: 'loading'; arn: string; name: string }
  | { state: 'described'; arn: string; name: string; service: Service }
  | { state: 'failed'; arn: string; name: string; failure: DescribeFailure }
  | { state: 'error'; arn: string; name: string; error: unknown };

/** Rows described before the first screen shows: a sidebar's worth, one round trip of describes. */
export const FIRST_SCREEN = 30;
/** DescribeServices calls in flight at once while the rest streams in (10 services each). */
export const BACKGROUND_DESCRIBES = 10;

/** The service name an ARN ends with (`arn:...:service/<cluster>/<name>`, or the old `service/<name>`). */
export function serviceNameOfArn(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}

const byName = (a: ServiceEntry, b: ServiceEntry) => a.name.localeCompare(b.name);

/**
 * The services of a cluster, shown while they load. `load` lists the first page, describes the
 * first screen of it (the next page is listed meanwhile) and returns: two round trips. The rest
 * streams in behind it: each page as it is listed (its rows say "loading…"), then described 10
 * a call with bounded parallelism while the next page is listed, so the whole list costs about
 * (pages + 1) round trips. `onChange` tells when rows changed after `load` returned.
 *
 * A reload (another `load`) keeps every entry on screen and replaces each as it is described
 * again; services no longer listed go once every page is read. A newer load or an aborted
 * signal stops the older one from writing anything.
 */
export class ServiceList {
  private entries = new Map<string, ServiceEntry>();
  private sortedCache: ServiceEntry[] | undefined;
  private loads = 0;
  /** Every page was listed by the latest load (false while pages are still coming). */
  listedAll = false;
  /** Rows are still streaming in behind the first screen. */
  streaming = false;
  /** Why listing stopped before the last page, if it did (the rows listed stay). */
  listError: unknown;
  /** Ends when the latest load has listed and described everything (or stopped). */
  settled: Promise<void> = Promise.resolve();

  constructor(
    private readonly api: EcsApi,
    private readonly cluster: string,
    private readonly onChange: () => void = () => undefined,
  ) {}

  /** Every known service, by name. */
  get services(): ServiceEntry[] {
    this.sortedCache ??= [...this.entries.values()].sort(byName);
    return this.sortedCache;
  }

  get size(): number {
    return this.entries.size;
  }

  /** A service described by someone else (after an action): it replaces the entry. */
  described(service: Service): void {
    const arn = service.serviceArn;
    if (arn && this.entries.has(arn)) this.set({ state: 'described', arn, name: service.serviceName ?? serviceNameOfArn(arn), service });
  }

  /** Resolves once the first screen is described; throws if that fails (nothing changes then). */
  async load(signal: AbortSignal): Promise<void> {
    const load = ++this.loads;
    // Every call in flight listens on the signal: a page listed and 10 describes are expected, not a leak.
    setMaxListeners(4 * BACKGROUND_DESCRIBES, signal);
    const current = () => load === this.loads && !signal.aborted;
    const first = await this.api.listServicePage(this.cluster, undefined, signal);
    // The next page is listed while the first screen is described.
    const next = this.prefetch(first.nextToken, signal);
    const page = first.arns.map((arn) => ({ arn, name: serviceNameOfArn(arn) })).sort((a, b) => a.name.localeCompare(b.name));
    const screen = page.slice(0, FIRST_SCREEN).map((s) => s.arn);
    let described;
    try {
      described = await this.api.describeServices(this.cluster, screen, signal);
    } catch (err) {
      next?.catch(() => undefined);
      throw err;
    }
    if (!current()) return;
    this.listedAll = false;
    this.listError = undefined;
    const seen = new Set(first.arns);
    for (const s of page) if (!this.entries.has(s.arn)) this.set({ state: 'loading', ...s });
    this.apply(screen, described.items, described.failures);
    this.streaming = true;
    this.settled = this.stream(page.slice(FIRST_SCREEN).map((s) => s.arn), next, seen, current, signal).finally(() => {
      // An aborted load leaves nothing claiming to load (a newer one says so itself).
      if (load === this.loads) this.streaming = false;
    });
  }

  private prefetch(token: string | undefined, signal: AbortSignal): Promise<ArnPage> | undefined {
    if (!token) return undefined;
    const next = this.api.listServicePage(this.cluster, token, signal);
    // Its error is read when the page is awaited; until then it must not count as unhandled.
    next.catch(() => undefined);
    return next;
  }

  /**
   * The rest of the list: pages listed one after another; each page's describes queue behind
   * those before it as soon as it is listed, BACKGROUND_DESCRIBES calls in flight at most.
   */
  private async stream(rest: string[], pending: Promise<ArnPage> | undefined, seen: Set<string>, current: () => boolean, signal: AbortSignal): Promise<void> {
    const gate = limiter(BACKGROUND_DESCRIBES);
    const describing = [this.describeAll(rest, gate, current, signal)];
    let next = pending;
    try {
      while (next) {
        const page = await next;
        if (!current()) return;
        next = this.prefetch(page.nextToken, signal);
        for (const arn of page.arns) {
          seen.add(arn);
          if (!this.entries.has(arn)) this.set({ state: 'loading', arn, name: serviceNameOfArn(arn) });
        }
        this.onChange();
        describing.push(this.describeAll(page.arns, gate, current, signal));
      }
    } catch (err) {
      if (!current()) return;
      this.listError = err;
    }
    await Promise.all(describing);
    if (!current()) return;
    const streamed = rest.length > 0 || pending !== undefined;
    this.streaming = false;
    if (!this.listError) {
      this.listedAll = true;
      for (const arn of [...this.entries.keys()]) if (!seen.has(arn)) this.entries.delete(arn);
      this.sortedCache = undefined;
    }
    // A list that fit the first screen changed nothing after load returned.
    if (streamed) this.onChange();
  }

  /** Describes `arns` 10 a call through the gate; never rejects (a failed call marks its rows). */
  private async describeAll(arns: string[], gate: ReturnType<typeof limiter>, current: () => boolean, signal: AbortSignal): Promise<void> {
    await Promise.all(chunk(arns, DESCRIBE_LIMITS.services).map((group) => gate(async () => {
      if (!current()) return;
      try {
        const { items, failures } = await this.api.describeServices(this.cluster, group, signal);
        if (current()) this.apply(group, items, failures);
      } catch (err) {
        // Only these rows failed: they say so, the others keep loading.
        if (current()) for (const arn of group) this.set({ state: 'error', arn, name: serviceNameOfArn(arn), error: err });
      }
    })));
    if (current()) this.onChange();
  }

  private apply(arns: string[], items: Service[], failures: DescribeFailure[]): void {
    const answered = new Set<string>();
    for (const service of items) {
      const arn = service.serviceArn ?? '';
      answered.add(arn);
      this.set({ state: 'described', arn, name: service.serviceName ?? serviceNameOfArn(arn), service });
    }
    for (const failure of failures) {
      const arn = arns.find((a) => a === failure.arn || serviceNameOfArn(a) === serviceNameOfArn(failure.arn)) ?? failure.arn;
      answered.add(arn);
      this.set({ state: 'failed', arn, name: serviceNameOfArn(arn), failure });
    }
    // An ARN the answer left out is as good as missing: never a row that loads forever.
    for (const arn of arns) if (!answered.has(arn)) this.set({ state: 'failed', arn, name: serviceNameOfArn(arn), failure: { arn, reason: 'MISSING' } });
  }

  private set(entry: ServiceEntry): void {
    if (!this.entries.has(entry.arn)) this.sortedCache = undefined;
    this.entries.set(entry.arn, entry);
    if (this.sortedCache) {
      const i = this.sortedCache.findIndex((e) => e.arn === entry.arn);
      if (i >= 0) this.sortedCache[i] = entry;
    }
  }
}
