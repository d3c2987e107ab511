import { createLogsApi, type LogsApi } from '../src/core/aws/logs';
import { resolveConnection } from '../src/core/aws/connection';
import { AwsProblem } from '../src/core/aws/errors';
import { CloudWatchLogSource, type StreamResolver } from '../src/core/logs/cloudWatchSource';
import { LogTail } from '../src/core/logs/logTail';
import { RateLimiter } from '../src/core/logs/rateLimiter';
import type { LogEvent } from '../src/core/logs/dedup';
import { silentLogger } from '../src/core/log';
import { startFakeAwsThread } from '../test/support/fakeAws/worker';
import { withAwsProfileFiles } from '../test/support/awsProfiles';

const GROUP = '/ecs/airflow-worker';
const STREAMS = Array.from({ length: 10 }, (_, i) => `ecs/worker/task${String(i).padStart(2, '0')}`);
const TOTAL = 100_000;
const BATCH = 250;
const BATCH_EVERY_MS = 100;
const LATE_SHARE = 0.05;
const WINDOW_MS = 120_000;
const DRAIN_MS = 15_000;

export interface LogsBenchRow {
  way: string;
  delivered: number;
  duplicates: number;
  lost: number;
  note: string;
}

/**
 * Counts FilterLogEvents starts per second for one consumer; `dropConnection()` makes its next
 * call that follows a nextToken fail as a dropped connection would (mid-walk, past the SDK's retries).
 */
function metered(api: LogsApi): { api: LogsApi; maxTps(): number; calls(): number; dropConnection(): void } {
  const starts: number[] = [];
  let armed = false;
  return {
    api: {
      ...api,
      filterLogEvents: (q, s) => {
        starts.push(Date.now());
        if (armed && q.nextToken) {
          armed = false;
          return Promise.reject(new AwsProblem('network', 'Could not reach the endpoint (ECONNRESET).'));
        }
        return api.filterLogEvents(q, s);
      },
    },
    calls: () => starts.length,
    dropConnection: () => { armed = true; },
    maxTps: () => {
      let max = 0;
      for (let i = 0, j = 0; i < starts.length; i++) {
        while (starts[i] - starts[j] >= 1000) j++;
        max = Math.max(max, i - j + 1);
      }
      return max;
    },
  };
}

class Tally {
  readonly seen = new Map<string, number>();
  deliveries = 0;
  readonly latencies: number[] = [];
  add(messages: string[], at = Date.now()): void {
    for (const m of messages) {
      const id = /id=(\d+)/.exec(m)?.[1] ?? m;
      this.seen.set(id, (this.seen.get(id) ?? 0) + 1);
      this.deliveries++;
      const put = Number(/put=(\d+)/.exec(m)?.[1]);
      if (put) this.latencies.push(at - put);
    }
  }
  row(way: string, note: string): LogsBenchRow {
    return { way, delivered: this.deliveries, duplicates: this.deliveries - this.seen.size, lost: TOTAL - this.seen.size, note };
  }
  percentile(p: number): number {
    const s = [...this.latencies].sort((a, b) => a - b);
    return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
  }
}

/** The common approach: startTime = newest timestamp seen + 1, every page followed, no memory of ids. */
function watermarkPoller(api: LogsApi, since: number, tally: Tally, signal: AbortSignal, limiter: RateLimiter): Promise<void> {
  let watermark = since - 1;
  return (async () => {
    while (!signal.aborted) {
      try {
        let token: string | undefined;
        let newest = watermark;
        do {
          await limiter.take(signal);
          const page = await api.filterLogEvents({ group: GROUP, streamPrefix: 'ecs/worker/', startTime: watermark + 1, nextToken: token }, signal);
          tally.add(page.events.map((e) => e.message));
          for (const e of page.events) newest = Math.max(newest, e.timestamp);
          token = page.nextToken;
        } while (token);
        watermark = newest;
      } catch {
        if (signal.aborted) return;
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  })();
}

const fixedStreams: StreamResolver = { resolve: async () => ({ sets: [{ group: GROUP, prefixes: ['ecs/worker/'], names: [] }], changes: [] }) };

function ourTail(api: LogsApi, since: number, live: boolean, tally: Tally, dedupMax: { value: number }, bound = new WindowBound()): LogTail {
  const source = new CloudWatchLogSource(api, fixedStreams, new RateLimiter(5));
  const tail: LogTail = new LogTail(source, {
    deliver: (events: LogEvent[]) => {
      tally.add(events.map((e) => e.message));
      dedupMax.value = Math.max(dedupMax.value, tail.dedup.size);
      bound.add(events, WINDOW_MS);
    },
    notice: () => undefined,
  }, { since, live, windowMs: WINDOW_MS, pollMs: 1000 });
  return tail;
}

export async function benchLogs(): Promise<{ rows: LogsBenchRow[]; figures: string[] }> {
  const restore = withAwsProfileFiles();
  const aws = await startFakeAwsThread();
  try {
    const conn = await resolveConnection({ profile: 'test', region: 'us-east-1', endpoint: aws.url });
    await aws.control('logs', 'createGroup', { group: GROUP });
    await aws.control('logs', 'configure', { pageSize: 10_000, emptyPageEvery: 7, liveIntervalMs: 200 });
    // As a tail started with logs.startMinutes = 5: late events (up to 110 s old) are inside it.
    const start = Date.now() - 5 * 60_000;
    const stop = new AbortController();

    const pollApi = metered(createLogsApi(conn, silentLogger));
    const liveApi = metered(createLogsApi(conn, silentLogger));
    const baseApi = metered(createLogsApi(conn, silentLogger));
    const poll = new Tally();
    const live = new Tally();
    const base = new Tally();
    const pollDedup = { value: 0 };
    const liveDedup = { value: 0 };
    const pollBound = new WindowBound();
    const liveBound = new WindowBound();
    const pollTail = ourTail(pollApi.api, start, false, poll, pollDedup, pollBound);
    const liveTail = ourTail(liveApi.api, start, true, live, liveDedup, liveBound);
    const baseline = watermarkPoller(baseApi.api, start, base, stop.signal, new RateLimiter(5));

    // Producer: 250 events per 100 ms over 10 streams, all of a batch in one millisecond
    // (so 10,000-event pages end mid-millisecond); 5% arrive late, 10-110 s old.
    let produced = 0;
    const producingFrom = Date.now();
    let reconnected = false;
    while (produced < TOTAL) {
      const now = Date.now();
      const byStream = new Map<string, { timestamp: number; message: string }[]>();
      for (let i = 0; i < BATCH && produced < TOTAL; i++, produced++) {
        const late = Math.random() < LATE_SHARE;
        const timestamp = late ? now - 10_000 - Math.floor(Math.random() * 100_000) : now;
        const stream = STREAMS[produced % STREAMS.length];
        const list = byStream.get(stream) ?? [];
        list.push({ timestamp, message: `[2026-11-23 12:00:00,123] {taskinstance.py:1234} INFO - id=${produced} put=${now}${late ? ' late' : ''}` });
        byStream.set(stream, list);
      }
      await Promise.all([...byStream].map(([stream, events]) => aws.control('logs', 'addEvents', { group: GROUP, stream, events })));
      if (!reconnected && produced >= TOTAL / 2) {
        // A forced reconnect: live sessions drop; each consumer's connection drops in its next walk.
        reconnected = true;
        await aws.control('logs', 'dropLiveSessions');
        for (const a of [pollApi, liveApi, baseApi]) a.dropConnection();
      }
      const wait = BATCH_EVERY_MS - (Date.now() - now);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    const producedAt = Date.now();
    await new Promise((r) => setTimeout(r, DRAIN_MS));
    pollTail.stop();
    liveTail.stop();
    stop.abort();
    await Promise.all([pollTail.done, liveTail.done, baseline]);
    const seconds = (producedAt - producingFrom) / 1000;

    // Throughput: a fresh tail reads the whole 100,000-event backlog into a sink.
    const sinkTally = new Tally();
    const sinkApi = createLogsApi(conn, silentLogger);
    const t0 = performance.now();
    const sink = ourTail(sinkApi, start, false, sinkTally, { value: 0 });
    while (sinkTally.seen.size < TOTAL && performance.now() - t0 < 120_000) await new Promise((r) => setTimeout(r, 20));
    const sinkMs = performance.now() - t0;
    sink.stop();
    await sink.done;

    const rows = [
      poll.row('ours, polling', `dedup state max ${pollDedup.value} entries, bound ${pollBound.max} (lines inside the per-stream ${WINDOW_MS / 1000} s windows at most; a query in flight keeps its start a little longer); FilterLogEvents ${pollApi.calls()} calls, max ${pollApi.maxTps()}/s`),
      live.row('ours, Live Tail + catch-up', `dedup state max ${liveDedup.value} entries, bound ${liveBound.max}; FilterLogEvents ${liveApi.calls()} calls, max ${liveApi.maxTps()}/s; ended in mode ${liveTail.mode}`),
      base.row('watermark-only poller (startTime = last + 1)', `no dedup state; FilterLogEvents ${baseApi.calls()} calls, max ${baseApi.maxTps()}/s`),
    ];
    const figures = [
      `produced ${TOTAL} events over ${seconds.toFixed(0)} s into ${STREAMS.length} streams (${Math.round(TOTAL * LATE_SHARE)} late by 10-110 s), pages of 10,000 ending mid-millisecond, an empty page every 7th response, one forced reconnect`,
      `poll-mode latency PutLogEvents -> delivery: ours p50 ${poll.percentile(50)} ms, p95 ${poll.percentile(95)} ms; watermark-only p50 ${base.percentile(50)} ms, p95 ${base.percentile(95)} ms`,
      `Live Tail latency: p50 ${live.percentile(50)} ms, p95 ${live.percentile(95)} ms`,
      `throughput into a sink (backlog of ${TOTAL}): ${sinkTally.seen.size} lines in ${sinkMs.toFixed(0)} ms = ${Math.round(sinkTally.seen.size / (sinkMs / 1000))} lines/s`,
    ];
    for (const c of await edgeCases(aws, conn)) rows.push(c);
    return { rows, figures };
  } finally {
    await aws.close();
    restore();
  }
}

type FakeThread = Awaited<ReturnType<typeof startFakeAwsThread>>;
type Put = (stream: string, events: { timestamp: number; message: string }[]) => Promise<void>;

/** The most lines the per-stream windows held at any moment: what the dedup state may remember. */
class WindowBound {
  private readonly streams = new Map<string, number[]>();
  max = 0;
  add(events: LogEvent[], windowMs: number): void {
    for (const e of events) {
      const list = this.streams.get(e.stream) ?? [];
      list.push(e.timestamp);
      this.streams.set(e.stream, list);
    }
    let held = 0;
    for (const list of this.streams.values()) {
      list.sort((a, b) => a - b);
      const floor = list[list.length - 1] - windowMs;
      let lo = 0;
      let hi = list.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (list[mid] < floor) lo = mid + 1;
        else hi = mid;
      }
      held += list.length - lo;
    }
    this.max = Math.max(this.max, held);
  }
}

/**
 * One edge case against its own log group: what was put (a multiset: identical lines count)
 * against what the tail delivered, and the dedup state's maximum against what the windows held.
 */
async function edgeCase(
  aws: FakeThread,
  conn: Awaited<ReturnType<typeof resolveConnection>>,
  way: string,
  options: { live: boolean; liveRetryMs?: number; windowMs?: number },
  run: (put: Put, tail: LogTail) => Promise<void>,
  describe: (tail: LogTail, notices: string[]) => Promise<string>,
): Promise<LogsBenchRow> {
  const group = `/bench/${way.replace(/\W+/g, '-')}`;
  await aws.control('logs', 'createGroup', { group });
  const key = (stream: string, timestamp: number, message: string) => `${stream}|${timestamp}|${message}`;
  const expected = new Map<string, number>();
  const got = new Map<string, number>();
  const bound = new WindowBound();
  const notices: string[] = [];
  const windowMs = options.windowMs ?? WINDOW_MS;
  const resolver: StreamResolver = { resolve: async () => ({ sets: [{ group, prefixes: ['ecs/worker/'], names: [] }], changes: [] }) };
  const source = new CloudWatchLogSource(createLogsApi(conn, silentLogger), resolver, new RateLimiter(5));
  const tail = new LogTail(source, {
    deliver: (events) => {
      for (const e of events) got.set(key(e.stream, e.timestamp, e.message), (got.get(key(e.stream, e.timestamp, e.message)) ?? 0) + 1);
      bound.add(events, windowMs);
    },
    notice: (n) => notices.push(n),
  }, { since: Date.now() - 10 * 60_000, live: options.live, liveRetryMs: options.liveRetryMs, windowMs, pollMs: 1000 });
  const put: Put = async (stream, events) => {
    for (const e of events) expected.set(key(stream, e.timestamp, e.message), (expected.get(key(stream, e.timestamp, e.message)) ?? 0) + 1);
    await aws.control('logs', 'addEvents', { group, stream, events });
  };
  await run(put, tail);
  const total = [...expected.values()].reduce((a, b) => a + b, 0);
  const delivered = () => [...got.values()].reduce((a, b) => a + b, 0);
  const until = Date.now() + 20_000;
  while (delivered() < total && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, 2500)); // a repeat would show up here
  const note = await describe(tail, notices);
  tail.stop();
  await tail.done;
  let lost = 0;
  let duplicates = 0;
  for (const [k, n] of expected) lost += Math.max(0, n - (got.get(k) ?? 0));
  for (const [k, n] of got) duplicates += Math.max(0, n - (expected.get(k) ?? 0));
  return { way, delivered: delivered(), duplicates, lost, note: `${total} put; dedup state max ${tail.dedup.peak} entries, bound ${bound.max} (lines inside the per-stream windows at most); ${note}` };
}

export async function edgeCases(aws: FakeThread, conn: Awaited<ReturnType<typeof resolveConnection>>): Promise<LogsBenchRow[]> {
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const rows: LogsBenchRow[] = [];
  await aws.control('logs', 'configure', { pageSize: 10_000, emptyPageEvery: 0, liveIntervalMs: 200 });

  // Identical lines: blank lines, traceback separators and heartbeats, same stream and millisecond, with a reconnect.
  const same = ['', '', 'Traceback (most recent call last):', '-----', '-----', 'Heartbeat', 'Heartbeat', 'Heartbeat'];
  rows.push(await edgeCase(aws, conn, 'identical lines, Live Tail', { live: true }, async (put, tail) => {
    while (tail.mode !== 'live') await sleep(20);
    for (let i = 0; i < 50; i++) {
      const timestamp = Date.now();
      await Promise.all([0, 1, 2].map((s) => put(`ecs/worker/task${s}`, same.map((message) => ({ timestamp, message })))));
      if (i === 25) await aws.control('logs', 'dropLiveSessions');
      await sleep(100);
    }
  }, async (tail) => `ended in mode ${tail.mode}`));

  // One stream 5 minutes late: its agent was stuck, then sends 5 minutes of lines at once (window 2 min).
  for (const live of [false, true]) {
    rows.push(await edgeCase(aws, conn, `one stream 5 min late, ${live ? 'Live Tail' : 'polling'}`, { live }, async (put, tail) => {
      const start = Date.now();
      await put('ecs/worker/stuck', [{ timestamp: start - 6 * 60_000, message: 'stuck: last line before the agent hung' }]);
      while (tail.mode !== (live ? 'live' : 'polling')) await sleep(20);
      for (let i = 0; i < 50; i++) {
        const timestamp = Date.now();
        await Promise.all([0, 1, 2, 3].map((s) => put(`ecs/worker/busy${s}`, Array.from({ length: 20 }, (_, j) => ({ timestamp, message: `busy ${i}.${j}` })))));
        if (i === 25) await put('ecs/worker/stuck', Array.from({ length: 300 }, (_, j) => ({ timestamp: timestamp - 5 * 60_000 + j * 1000, message: `stuck ${j}` })));
        await sleep(100);
      }
    }, async () => 'the stuck stream sent 300 lines 1-5 min old at once, 180 of them older than the 2 min window'));
  }

  // Live Tail answering HTTP 503 for 6 s: polling at once, Live Tail again when it answers.
  await aws.control('fake', 'resetCalls');
  await aws.control('logs', 'configure', { liveFailures: 1_000_000, liveFailure: 'server' });
  rows.push(await edgeCase(aws, conn, 'Live Tail failing with 5xx', { live: true, liveRetryMs: 3000 }, async (put) => {
    for (let i = 0; i < 100; i++) {
      const timestamp = Date.now();
      await Promise.all([0, 1].map((s) => put(`ecs/worker/task${s}`, Array.from({ length: 25 }, (_, j) => ({ timestamp, message: `line ${i}.${j}` })))));
      if (i === 60) await aws.control('logs', 'configure', { liveFailures: 0 });
      await sleep(100);
    }
  }, async (tail, notices) => {
    const { calls } = (await aws.control('fake', 'calls')) as { calls: { operation: string }[] };
    const starts = calls.filter((c) => c.operation === 'StartLiveTail').length;
    return `fallback said ${notices.filter((n) => n.startsWith('Live Tail failed again')).length}x; StartLiveTail ${starts} calls (retried every 3 s); ended in mode ${tail.mode}`;
  }));
  return rows;
}
