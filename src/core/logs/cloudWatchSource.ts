import { AwsProblem } from '../aws/errors';
import { FILTER_STREAM_NAMES_MAX, LiveTailRefused, type CloudWatchEvent, type FilterQuery, type LiveUpdate, type LogsApi } from '../aws/logs';
import { chunk } from '../aws/ecs';
import type { FetchPlan, LogEvent } from './dedup';
import type { LiveBatch, LogSource } from './logTail';
import type { RateLimiter } from './rateLimiter';
import { LiveTailSlots } from './liveSlots';
import type { StreamSet } from './ecsStreams';

/** Live Tail takes at most 10 log groups per session. */
const LIVE_GROUPS_MAX = 10;

export interface StreamResolver {
  /** The stream sets to read now, and one sentence per change since the last call. */
  resolve(signal: AbortSignal): Promise<{ sets: StreamSet[]; changes: string[] }>;
}

export function commonPrefix(values: readonly string[]): string {
  if (values.length === 0) return '';
  let p = values[0];
  for (const v of values) while (!v.startsWith(p)) p = p.slice(0, -1);
  return p;
}

function wanted(set: StreamSet): (stream: string) => boolean {
  const names = new Set(set.names);
  return (s) => names.has(s) || set.prefixes.some((p) => s.startsWith(p));
}

function toLogEvent(e: CloudWatchEvent): LogEvent {
  return { eventId: e.eventId, stream: e.logStreamName, timestamp: e.timestamp, ingestionTime: e.ingestionTime, message: e.message };
}

/**
 * CloudWatch Logs as a LogSource. A poll is one FilterLogEvents walk per log group (all the
 * service's streams at once, interleaved), following every nextToken, empty pages included;
 * every call waits its turn on the shared rate limiter.
 */
export class CloudWatchLogSource implements LogSource {
  constructor(
    private readonly logs: LogsApi,
    private readonly resolver: StreamResolver,
    private readonly limiter: RateLimiter,
    readonly filterPattern = '',
    /** Stream sets already resolved (by the command that started the tail). */
    private sets?: StreamSet[],
    /** Live Tail sessions of every tail (the account's concurrent quota). */
    private readonly slots = new LiveTailSlots(),
  ) {}

  private async streamSets(signal: AbortSignal): Promise<StreamSet[]> {
    if (!this.sets) this.sets = (await this.resolver.resolve(signal)).sets;
    return this.sets;
  }

  async refresh(signal: AbortSignal): Promise<string[]> {
    const { sets, changes } = await this.resolver.resolve(signal);
    this.sets = sets;
    return changes;
  }

  async fetch(plan: FetchPlan, signal: AbortSignal): Promise<LogEvent[]> {
    const out: LogEvent[] = [];
    for (const set of await this.streamSets(signal)) {
      const keep = wanted(set);
      const queries: (Pick<FilterQuery, 'streamPrefix' | 'streamNames'> & { startTime: number })[] = set.prefixes.length
        ? [{ streamPrefix: commonPrefix([...set.prefixes, ...set.names]), startTime: plan.since }]
        : chunk(set.names, FILTER_STREAM_NAMES_MAX).map((streamNames) => ({ streamNames, startTime: plan.since }));
      // Streams far behind the others (a stuck awslogs agent) are read from their own watermark.
      const behind = [...plan.behind].filter(([name, from]) => keep(name) && from < plan.since).sort((a, b) => a[1] - b[1]);
      for (const names of chunk(behind, FILTER_STREAM_NAMES_MAX)) queries.push({ streamNames: names.map(([n]) => n), startTime: names[0][1] });
      for (const q of queries) {
        let nextToken: string | undefined;
        do {
          // A read up to now (the newest lines) goes before this tail's read of the deep window.
          await this.limiter.take(signal, this, plan.until === undefined);
          const page = await this.logs
            .filterLogEvents({ group: set.group, ...q, endTime: plan.until, filterPattern: this.filterPattern, nextToken }, signal)
            .catch((err: unknown) => { throw explainNotFound(err, set); });
          for (const e of page.events) if (keep(e.logStreamName)) out.push(toLogEvent(e));
          nextToken = page.nextToken;
        } while (nextToken);
      }
    }
    return out;
  }

  async live(signal: AbortSignal): Promise<AsyncIterable<LiveBatch>> {
    const sets = await this.streamSets(signal);
    if (sets.length > LIVE_GROUPS_MAX) throw new LiveTailRefused(`${sets.length} log groups, more than one session takes`, 'tooManyGroups');
    const arns: string[] = [];
    for (const set of sets) {
      const arn = await this.logs.logGroupArn(set.group, signal);
      if (!arn) throw new AwsProblem('notFound', `Log group ${set.group} does not exist yet.`);
      arns.push(arn);
    }
    // Stream filters are allowed with one group only; otherwise filter here.
    const only = sets.length === 1 ? sets[0] : undefined;
    const release = this.slots.acquire();
    let batches: AsyncIterable<LiveUpdate>;
    try {
      batches = await this.logs.startLiveTail(
        {
          groupArns: arns,
          streamPrefixes: only && only.names.length === 0 ? only.prefixes : undefined,
          streamNames: only && only.prefixes.length === 0 ? only.names : undefined,
          filterPattern: this.filterPattern,
        },
        signal,
      );
    } catch (err) {
      release();
      throw err;
    }
    // The slot is given back when the session ends, however it ends (the tail aborts it on stop).
    signal.addEventListener('abort', release, { once: true });
    const keeps = sets.map(wanted);
    return (async function* () {
      try {
        for await (const b of batches) yield { sampled: b.sampled, events: b.events.filter((e) => keeps.some((k) => k(e.logStreamName))).map(toLogEvent) };
      } finally {
        release();
      }
    })();
  }
}

function explainNotFound(err: unknown, set: StreamSet): unknown {
  if (!(err instanceof AwsProblem) || err.kind !== 'notFound') return err;
  if (/stream/i.test(err.message)) {
    return new AwsProblem('notFound', `Log stream ${set.names.join(', ')} in ${set.group} does not exist (deleted, or the container has not logged yet).`);
  }
  return new AwsProblem('notFound', `Log group ${set.group} does not exist yet (ResourceNotFoundException).`);
}
