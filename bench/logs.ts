import { createLogsApi, type LogsApi } from '../src/core/aws/logs';
import { resolveConnection } from '../src/core/aws/connection';
import { AwsProblem } from '../src/core/aws/errors';
import { CloudWatchLogSource, type StreamResolver } from '../src/core/logs/cloudWatchSource';
import { LogTail, POLL_MS } from '../src/core/logs/logTail';
import { LiveTailSlots } from '../src/core/logs/liveSlots';
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
export function metered(api: LogsApi): { api: LogsApi; maxTps(): number; calls(): number; fetched(): number; dropConnection(): void } {
  const starts: number[] = [];
  let armed = false;
  let fetched = 0;
  return {
    api: {
      ...api,
      filterLogEvents: async (q, s) => {
        starts.push(Date.now());
        if (armed && q.nextToken) {
          armed = false;
          throw new AwsProblem('network', 'Could not reach the endpoint (ECONNRESET).');
        }
        const page = await api.filterLogEvents(q, s);
        fetched += page.events.length;
        return page;
      },
    },
    calls: () => starts.length,
    fetched: () => fetched,
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
  row(way: string, note: string, total = TOTAL): LogsBenchRow {
    return { way, delivered: this.deliveries, duplicates: this.deliveries - this.seen.size, lost: total - this.seen.size, note };
  }
  percentile(p: number): number {
    const s = [...this.latencies].sort((a, b) => a - b);
    return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
  }
}

/** The common approach: startTime = newest timestamp seen + 1, every page followed, no memory of ids. */
function watermarkPoller(api: LogsApi, since: number, tally: Tally, signal: AbortSignal, limiter: RateLimiter, group = GROUP): Promise<void> {
  let watermark = since - 1;
  return (async () => {
    while (!signal.aborted) {
      try {
        let token: string | undefined;
        let newest = watermark;
        do {
          await limiter.take(signal);
          const page = await api.filterLogEvents({ group, streamPrefix: 'ecs/worker/', startTime: watermark + 1, nextToken: token }, signal);
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

const streamsOf = (group: string): StreamResolver => ({ resolve: async () => ({ sets: [{ group, prefixes: ['ecs/worker/'], names: [] }], changes: [] }) });

interface TailOptionsForBench {
  live?: boolean;
  group?: string;
  limiter?: RateLimiter;
  slots?: LiveTailSlots;
  notices?: string[];
}

function ourTail(api: LogsApi, since: number, tally: Tally, dedupMax: { value: number }, bound = new WindowBound(), o: TailOptionsForBench = {}): LogTail {
  const source = new CloudWatchLogSource(api, streamsOf(o.group ?? GROUP), o.limiter ?? new RateLimiter(5), '', undefined, o.slots);
  const tail: LogTail = new LogTail(source, {
    deliver: (events: LogEvent[]) => {
      tally.add(events.map((e) => e.message));
      dedupMax.value = Math.max(dedupMax.value, tail.dedup.size);
      bound.add(events, tail.dedup.windowMs);
    },
    notice: (n) => o.notices?.push(n),
  }, { since, live: o.live ?? false, windowMs: WINDOW_MS, pollMs: POLL_MS });
  return tail;
}

interface Produce {
  group: string;
  streams: readonly string[];
  total: number;
  batch: number;
  everyMs: number;
  lateShare: number;
  /** Called once when half is produced (the forced reconnect). */
  halfway?: () => Promise<void>;
}

/**
 * Producer: `batch` events per `everyMs` over the streams, all of a batch in one millisecond
 * (so 10,000-event pages end mid-millisecond); `lateShare` of them arrive late, 10-110 s old.
 * Each message carries its id and put time. Returns the seconds it took.
 */
async function produce(aws: FakeThread, p: Produce): Promise<number> {
  // On the endpoint's thread and clock: the tails' work here cannot delay (or make late) a write.
  await aws.control('logs', 'startProducer', { group: p.group, streams: p.streams, total: p.total, batch: p.batch, everyMs: p.everyMs, lateShare: p.lateShare });
  let halfway = p.halfway;
  for (;;) {
    const state = (await aws.control('logs', 'producer', { group: p.group })) as { produced: number; done: boolean; seconds: number };
    if (halfway && state.produced >= p.total / 2) {
      await halfway();
      halfway = undefined;
    }
    if (state.done) return state.seconds;
    await new Promise((r) => setTimeout(r, 50));
  }
}

const ratio = (fetched: number, delivered: number) => (delivered ? (fetched / delivered).toFixed(2) : '—');

export interface LogsTable {
  title: string;
  figures: string[];
  head: string[];
  rows: (string | number)[][];
}

interface WayResult {
  way: string;
  tally: Tally;
  api: ReturnType<typeof metered>;
  dedupMax?: number;
  bound?: number;
  mode?: string;
  windowMs?: number;
}

type Conn = Awaited<ReturnType<typeof resolveConnection>>;

/** Ours polling, ours with Live Tail and the watermark poller, side by side on one group while `p` is produced. */
async function race(aws: FakeThread, conn: Conn, p: Produce, reconnect: boolean): Promise<{ ways: WayResult[]; seconds: number }> {
  await aws.control('logs', 'createGroup', { group: p.group });
  // As a tail started with logs.startMinutes = 5: late events (up to 110 s old) are inside it.
  const start = Date.now() - 5 * 60_000;
  const stop = new AbortController();
  const ways: WayResult[] = ['ours, polling', 'ours, Live Tail + catch-up', 'watermark-only poller (startTime = last + 1, every 1 s)']
    .map((way) => ({ way, tally: new Tally(), api: metered(createLogsApi(conn, silentLogger)) }));
  const [pollWay, liveWay, baseWay] = ways;
  const dedup = [{ value: 0 }, { value: 0 }];
  const bounds = [new WindowBound(), new WindowBound()];
  const tails = [
    ourTail(pollWay.api.api, start, pollWay.tally, dedup[0], bounds[0], { group: p.group }),
    ourTail(liveWay.api.api, start, liveWay.tally, dedup[1], bounds[1], { group: p.group, live: true }),
  ];
  const baseline = watermarkPoller(baseWay.api.api, start, baseWay.tally, stop.signal, new RateLimiter(5), p.group);
  const seconds = await produce(aws, {
    ...p,
    halfway: reconnect ? async () => {
      // A forced reconnect: live sessions drop; each consumer's connection drops in its next walk.
      await aws.control('logs', 'dropLiveSessions');
      for (const w of ways) w.api.dropConnection();
    } : undefined,
  });
  const until = Date.now() + DRAIN_MS;
  while (Date.now() < until && ways.slice(0, 2).some((w) => w.tally.seen.size < p.total)) await new Promise((r) => setTimeout(r, 100));
  await new Promise((r) => setTimeout(r, 2500)); // a repeat would show up here
  for (const t of tails) t.stop();
  stop.abort();
  await Promise.all([...tails.map((t) => t.done), baseline]);
  tails.forEach((t, i) => Object.assign(ways[i], { dedupMax: dedup[i].value, bound: bounds[i].max, mode: t.mode, windowMs: t.dedup.windowMs }));
  return { ways, seconds };
}

/** Ten services tailed at once under one FilterLogEvents budget of 5 calls a second (polling: Live Tail refused to all). */
async function quotas(aws: FakeThread, conn: Conn): Promise<LogsTable> {
  const services = Array.from({ length: 10 }, (_, i) => `/bench/quota/service-${i}`);
  for (const group of services) await aws.control('logs', 'createGroup', { group });
  const limiter = new RateLimiter(5);
  const start = Date.now() - 60_000;
  const ways = services.map((group) => {
    const w = { group, tally: new Tally(), api: metered(createLogsApi(conn, silentLogger)) };
    return { ...w, tail: ourTail(w.api.api, start, w.tally, { value: 0 }, undefined, { group, limiter }) };
  });
  const total = 6000;
  const from = Date.now();
  // 200 lines a second per service (2,000 in all), for 30 s.
  await Promise.all(services.map((group, i) => produce(aws, { group, streams: STREAMS.slice(0, 3).map((s) => `${s}-${i}`), total, batch: 20, everyMs: 100, lateShare: 0 })));
  const until = Date.now() + DRAIN_MS;
  while (Date.now() < until && ways.some((w) => w.tally.seen.size < total)) await new Promise((r) => setTimeout(r, 100));
  const seconds = (Date.now() - from) / 1000;
  for (const w of ways) w.tail.stop();
  await Promise.all(ways.map((w) => w.tail.done));

  // Live Tail: 16 tails against the account's 15 sessions.
  const slots = new LiveTailSlots();
  const group = '/bench/quota/live';
  await aws.control('logs', 'createGroup', { group });
  const liveNotices: string[][] = Array.from({ length: 16 }, () => []);
  const liveTails = liveNotices.map((notices) => ourTail(createLogsApi(conn, silentLogger), Date.now() - 60_000, new Tally(), { value: 0 }, undefined, { group, live: true, slots, notices, limiter }));
  const settle = Date.now() + 20_000;
  while (Date.now() < settle && liveTails.filter((t) => t.mode === 'live').length + liveTails.filter((t) => t.mode === 'polling').length < 16) await new Promise((r) => setTimeout(r, 100));
  const modes = liveTails.map((t) => t.mode);
  const said = liveNotices.flat().filter((n) => /session limit/.test(n));
  const inUse = slots.inUse;
  for (const t of liveTails) t.stop();
  await Promise.all(liveTails.map((t) => t.done));

  const calls = ways.reduce((n, w) => n + w.api.calls(), 0);
  return {
    title: 'Log tail quotas: 10 services tailed at once, one FilterLogEvents budget of 5 calls/s, 200 lines/s each',
    figures: [
      `all 10 tails together: ${calls} FilterLogEvents calls in ${seconds.toFixed(0)} s = ${(calls / seconds).toFixed(2)}/s (budget 5/s); fair turns: no tail waits behind another's whole walk`,
      `Live Tail: 16 tails, ${modes.filter((m) => m === 'live').length} in Live Tail (${inUse} of the account's 15 sessions), ${modes.filter((m) => m === 'polling').length} polling; the fallback said ${said.length}x: "${said[0] ?? 'never'}"`,
    ],
    head: ['tail', 'delivered', 'lost', 'duplicates', 'p50 ms', 'p95 ms', 'calls/s', 'fetched/delivered'],
    rows: ways.map((w) => {
      const r = w.tally.row(w.group, '', total);
      return [w.group, r.delivered, r.lost, r.duplicates, w.tally.percentile(50), w.tally.percentile(95), (w.api.calls() / seconds).toFixed(2), ratio(w.api.fetched(), r.delivered)];
    }),
  };
}

/** A stream with nothing new: what one poll costs. */
async function quiet(aws: FakeThread, conn: Conn): Promise<string> {
  const group = '/bench/quiet';
  await aws.control('logs', 'createGroup', { group });
  await aws.control('logs', 'addEvents', { group, stream: 'ecs/worker/quiet', events: Array.from({ length: 100 }, (_, i) => ({ timestamp: Date.now() - 100 + i, message: `line ${i}` })) });
  const api = metered(createLogsApi(conn, silentLogger));
  const tally = new Tally();
  const tail = ourTail(api.api, Date.now() - 60_000, tally, { value: 0 }, undefined, { group });
  while (tally.seen.size < 100) await new Promise((r) => setTimeout(r, 50));
  const calls = api.calls();
  const fetched = api.fetched();
  await new Promise((r) => setTimeout(r, 10_000));
  tail.stop();
  await tail.done;
  const polls = api.calls() - calls;
  return `a quiet stream (no line for 10 s): ${polls} FilterLogEvents calls in 10 s (${(polls / 10).toFixed(1)} per second: one query per poll), ${api.fetched() - fetched} events fetched; window ${tail.dedup.windowMs} ms`;
}

export async function benchLogs(): Promise<LogsTable[]> {
  const restore = withAwsProfileFiles();
  const aws = await startFakeAwsThread();
  try {
    const conn = await resolveConnection({ profile: 'test', region: 'us-east-1', endpoint: aws.url });
    await aws.control('logs', 'configure', { pageSize: 10_000, emptyPageEvery: 7, liveIntervalMs: 200 });
    const late = await race(aws, conn, { group: GROUP, streams: STREAMS, total: TOTAL, batch: BATCH, everyMs: BATCH_EVERY_MS, lateShare: LATE_SHARE }, true);
    const onTime = await race(aws, conn, { group: `${GROUP}-on-time`, streams: STREAMS, total: TOTAL / 2, batch: BATCH, everyMs: BATCH_EVERY_MS, lateShare: 0 }, false);
    const quietNote = await quiet(aws, conn);

    // Throughput: a fresh tail reads the whole 100,000-event backlog into a sink.
    const sinkTally = new Tally();
    const t0 = performance.now();
    const sink = ourTail(createLogsApi(conn, silentLogger), Date.now() - 10 * 60_000, sinkTally, { value: 0 });
    while (sinkTally.seen.size < TOTAL && performance.now() - t0 < 120_000) await new Promise((r) => setTimeout(r, 20));
    const sinkMs = performance.now() - t0;
    sink.stop();
    await sink.done;

    const quotaTable = await quotas(aws, conn);
    const edge = await edgeCases(aws, conn);
    const row = (w: WayResult, total: number) => {
      const r = w.tally.row(w.way, '', total);
      return [w.way, r.delivered, r.duplicates, r.lost, w.tally.percentile(50), w.tally.percentile(95), w.api.calls(), w.api.maxTps(), ratio(w.api.fetched(), r.delivered)];
    };
    const [lp, ll, lb] = late.ways;
    const latencyRatio = (a: WayResult, b: WayResult) => (a.tally.percentile(50) / b.tally.percentile(50)).toFixed(2);
    return [
      {
        title: 'Log tail latency: 10 streams, 100,000 events, 5% late by 10-110 s, mid-millisecond pages, an empty page every 7th response, one forced reconnect',
        figures: [
          `produced ${TOTAL} events over ${late.seconds.toFixed(0)} s (${BATCH * (1000 / BATCH_EVERY_MS)}/s); latency = PutLogEvents -> delivery; ours polls every ${POLL_MS} ms (head) with the rest of the window re-read beside it; Live Tail updates every 200 ms`,
          `polling p50 ours/watermark ${latencyRatio(lp, lb)}x (target <= 1); p95 ours ${lp.tally.percentile(95)} ms (target < 1,500); Live Tail p95 ${ll.tally.percentile(95)} ms (target < 1,500)`,
        ],
        head: ['way', 'delivered', 'duplicates', 'lost', 'p50 ms', 'p95 ms', 'FilterLogEvents calls', 'max calls/s', 'fetched/delivered'],
        rows: late.ways.map((w) => row(w, TOTAL)),
      },
      {
        title: 'Log tail cost: events fetched per event delivered',
        figures: [
          `no event late: ${TOTAL / 2} events over ${onTime.seconds.toFixed(0)} s, the same streams and pages (target < 1.5)`,
          quietNote,
          `with 5% late by 10-110 s (the latency run): the window follows the lateness up to its ${WINDOW_MS / 1000} s maximum, so ours re-reads it: ${ratio(lp.api.fetched(), lp.tally.deliveries)} polling, ${ratio(ll.api.fetched(), ll.tally.deliveries)} Live Tail`,
        ],
        head: ['way', 'delivered', 'duplicates', 'lost', 'p50 ms', 'p95 ms', 'FilterLogEvents calls', 'max calls/s', 'fetched/delivered'],
        rows: onTime.ways.map((w) => row(w, TOTAL / 2)),
      },
      {
        title: 'Log tail memory: de-duplication state (entries) against the lines inside the windows',
        figures: ['bound = the most lines the per-stream windows in force held at once (a query in flight keeps its start a little longer); `npm run soak` runs the hour at 1,000 lines/s'],
        head: ['run', 'way', 'state max', 'bound', 'window at the end'],
        rows: [
          ...[late, onTime].flatMap((r, i) => r.ways.slice(0, 2).map((w) => [i === 0 ? '5% late' : 'none late', w.way, w.dedupMax ?? 0, w.bound ?? 0, `${w.windowMs} ms`])),
        ],
      },
      quotaTable,
      {
        title: 'Log tail throughput (core, into a sink; the extension host figure is in the next table)',
        figures: [`a fresh tail reads a backlog of ${TOTAL}: ${sinkTally.seen.size} lines in ${sinkMs.toFixed(0)} ms = ${Math.round(sinkTally.seen.size / (sinkMs / 1000))} lines/s`],
        head: [],
        rows: [],
      },
      {
        title: 'Log tail edge cases: identical lines, one stream 5 min late, Live Tail failing with 5xx',
        figures: [],
        head: ['way', 'delivered', 'duplicates', 'lost', 'note'],
        rows: edge.map((r) => [r.way, r.delivered, r.duplicates, r.lost, r.note]),
      },
    ];
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
