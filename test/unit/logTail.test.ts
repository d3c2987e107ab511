import * as assert from 'node:assert/strict';
import { DedupWindow, LATENESS_MEMORY_MS, SPLIT_ABOVE, WINDOW_FLOOR_MS, type LogEvent } from '../../src/core/logs/dedup';
import { LIVE_SESSIONS_MAX, LiveTailSlots } from '../../src/core/logs/liveSlots';
import { CloudWatchLogSource } from '../../src/core/logs/cloudWatchSource';
import type { LogsApi } from '../../src/core/aws/logs';
import { RateLimiter } from '../../src/core/logs/rateLimiter';
import { awslogsContainers, streamLabel, streamName } from '../../src/core/logs/ecsStreams';
import { commonPrefix } from '../../src/core/logs/cloudWatchSource';
import { formatLine } from '../../src/core/logs/format';
import { LogTail, STUCK_AFTER, TransientSourceError, type LiveBatch, type LogSource } from '../../src/core/logs/logTail';
import { AwsProblem } from '../../src/core/aws/errors';
import { LiveTailEnded, LiveTailRefused } from '../../src/core/aws/logs';

const ev = (id: number, timestamp: number, stream = 's', message = `m${id}`): LogEvent => ({ eventId: String(id), stream, timestamp, message });

const live = (timestamp: number, message: string, stream = 's'): LogEvent => ({ stream, timestamp, message });

describe('DedupWindow', () => {
  it('drops what was delivered, orders by timestamp, and keeps late arrivals within the window', () => {
    const d = new DedupWindow(1000);
    assert.deepEqual(d.admit([ev(2, 200), ev(1, 100)]).map((e) => e.eventId), ['1', '2']);
    assert.deepEqual(d.admit([ev(1, 100), ev(2, 200), ev(3, 150)]).map((e) => e.eventId), ['3']);
    assert.equal(d.watermark, 200);
    assert.equal(d.plan(0).since, 0);
  });

  it('stays bounded: forgets ids older than watermark - window, one entry per line in the window', () => {
    const d = new DedupWindow(1000);
    for (let t = 0; t < 100_000; t += 10) d.admit([ev(t, t)]);
    assert.ok(d.size <= 101, `size ${d.size}`);
    assert.ok(d.peak <= 102, `peak ${d.peak}`);
    assert.equal(d.plan(0).since, 99_990 - 1000);
  });

  it('counts identical lines: two Live Tail copies are both delivered and their polled copies matched one for one', () => {
    const d = new DedupWindow(1000, true);
    assert.equal(d.admit([live(5, ''), live(5, '')]).length, 2, 'two blank lines in the same millisecond');
    assert.equal(d.admit([ev(9, 5, 's', '')]).length, 0, 'the first polled copy matches');
    assert.equal(d.admit([ev(9, 5, 's', ''), ev(10, 5, 's', '')]).length, 0, 'the second too; the first again is a repeat');
    assert.deepEqual(d.admit([ev(11, 5, 's', '')]).map((e) => e.eventId), ['11'], 'a third identical line Live Tail left out is new');
    assert.equal(d.admit([live(5, '')]).length, 0, 'a late Live Tail copy of the third is matched');
    assert.equal(d.size, 3);
  });

  it('matches polled lines first, then their Live Tail copies, one for one', () => {
    const d = new DedupWindow(1000, true);
    assert.equal(d.admit([ev(1, 5, 's', 'Heartbeat'), ev(2, 5, 's', 'Heartbeat')]).length, 2);
    assert.equal(d.admit([live(5, 'Heartbeat')]).length, 0);
    assert.equal(d.admit([live(5, 'Heartbeat')]).length, 0);
    assert.equal(d.admit([live(5, 'Heartbeat')]).length, 1, 'a third Heartbeat seen live only');
    assert.equal(d.admit([live(5, 'Heartbeat', 'other')]).length, 1, 'another stream is another line');
  });

  it('keeps a watermark per stream: a stream minutes behind the others is read from its own start', () => {
    const d = new DedupWindow(1000);
    d.admit([ev(1, 10_000, 'stuck'), ev(2, 10_000, 'busy')]);
    for (let t = 10_000; t <= 310_000; t += 100) d.admit([ev(t + 3, t, 'busy')]);
    const plan = d.plan(0);
    assert.equal(plan.since, 309_000);
    assert.deepEqual([...plan.behind], [['stuck', 9000]]);
    assert.equal(d.admit([ev(1, 10_000, 'stuck')]).length, 0, 'still remembered: a re-read of its window repeats nothing');
    assert.equal(d.admit([ev(50, 10_500, 'stuck'), ev(51, 11_000, 'stuck')]).length, 2, 'its agent catches up five minutes late: nothing lost');
    assert.ok(d.size <= 30, `size ${d.size}: busy keeps about a window, stuck its own`);
  });

  it('never repeats a polled line it forgot: lines below a stream\'s floor were delivered before', () => {
    const d = new DedupWindow(1000);
    for (let t = 0; t <= 5000; t += 100) d.admit([ev(t, t)]);
    assert.equal(d.admit([ev(0, 0), ev(100, 100)]).length, 0);
    assert.equal(d.admit([live(0, 'live, hours late')]).length, 1, 'Live Tail never repeats: a very late live line is shown');
  });
});

describe('RateLimiter', () => {
  it('lets at most N calls start in any second', async function () {
    this.timeout(5000);
    const limiter = new RateLimiter(5);
    const starts: number[] = [];
    await Promise.all(Array.from({ length: 7 }, async () => {
      await limiter.take();
      starts.push(Date.now());
    }));
    for (const t of starts) assert.ok(starts.filter((u) => u >= t && u < t + 1000).length <= 5);
    assert.ok(starts[6] - starts[0] >= 1000);
  });
});

describe('awslogs streams', () => {
  it('derives stream names and labels from the task definition, and says which driver cannot be tailed', () => {
    const { tailable, skipped } = awslogsContainers({
      containerDefinitions: [
        { name: 'worker', logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/w', 'awslogs-stream-prefix': 'ecs' } } },
        { name: 'router', logConfiguration: { logDriver: 'awsfirelens' } },
        { name: 'sidecar' },
      ],
    });
    assert.deepEqual(tailable, [{ container: 'worker', group: '/ecs/w', prefix: 'ecs' }]);
    assert.match(skipped[0], /router logs with the awsfirelens driver/);
    assert.match(skipped[1], /sidecar logs with the default \(json-file\) driver/);
    const name = streamName('ecs', 'worker', 'arn:aws:ecs:us-east-1:1:task/c/0123456789abcdef');
    assert.equal(name, 'ecs/worker/0123456789abcdef');
    assert.equal(streamLabel(name), '01234567 worker');
    assert.equal(formatLine({ stream: name, timestamp: 1, message: 'INFO hi\n' }), '01234567 worker | INFO hi');
    assert.equal(commonPrefix(['ecs/worker/', 'ecs/flower/']), 'ecs/');
  });
});

/** A source in memory: `stored` is what a query sees; live batches are pushed by the test. */
function memorySource(options: { live?: 'refuse' | 'ok'; startFailure?: (session: number) => Error | undefined; fetchFailure?: (fetch: number) => Error | undefined } = {}) {
  const stored: LogEvent[] = [];
  const queue: (LiveBatch | Error)[] = [];
  let wake: (() => void) | undefined;
  let fetches = 0;
  let sessions = 0;
  const source: LogSource = {
    fetch: async (since) => {
      fetches++;
      const failure = options.fetchFailure?.(fetches);
      if (failure) throw failure;
      return stored.filter((e) => e.timestamp >= (since.behind.get(e.stream) ?? since.since));
    },
  };
  if (options.live) {
    source.live = async (signal) => {
      if (options.live === 'refuse') throw new LiveTailRefused('too many sessions', 'LimitExceededException');
      sessions++;
      const failure = options.startFailure?.(sessions);
      if (failure) throw failure;
      return (async function* () {
        while (!signal.aborted) {
          const next = queue.shift();
          if (next instanceof Error) throw next;
          if (next) yield next;
          else await new Promise<void>((r) => { wake = r; setTimeout(r, 20); });
        }
      })();
    };
  }
  return { source, stored, push: (b: LiveBatch | Error) => { queue.push(b); wake?.(); }, fetches: () => fetches, sessions: () => sessions };
}

async function until(check: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('LogTail', () => {
  it('says once that Live Tail was refused, then polls every line once including late ones', async () => {
    const m = memorySource({ live: 'refuse' });
    const got: LogEvent[] = [];
    const notices: string[] = [];
    m.stored.push(ev(1, 1000), ev(2, 2000));
    const tail = new LogTail(m.source, { deliver: (e) => got.push(...e), notice: (n) => notices.push(n) }, { since: 0, pollMs: 10, live: true, windowMs: 5000 });
    await until(() => got.length === 2);
    m.stored.push(ev(3, 1500), ev(4, 3000));
    await until(() => got.length === 4);
    await until(() => m.fetches() > 5);
    tail.stop();
    await tail.done;
    // The late line 3 comes from the deep part of the window, read beside the head: it may follow line 4.
    assert.deepEqual(got.map((e) => e.eventId).sort(), ['1', '2', '3', '4']);
    assert.equal(notices.filter((n) => /Live Tail is not available/.test(n)).length, 1);
  });

  it('resumes after a live session ends: the gap is re-queried and nothing repeats', async () => {
    const m = memorySource({ live: 'ok' });
    const got: LogEvent[] = [];
    const notices: string[] = [];
    const tail = new LogTail(m.source, { deliver: (e) => got.push(...e), notice: (n) => notices.push(n) }, { since: 0, live: true, pollMs: 10 });
    await until(() => tail.mode === 'live');
    m.stored.push(ev(1, 10, 's', 'a'));
    m.push({ events: [{ stream: 's', timestamp: 10, message: 'a' }] });
    await until(() => got.length === 1);
    m.stored.push(ev(2, 20, 's', 'b')); // ingested while the session is down
    m.push(new LiveTailEnded('session timed out'));
    await until(() => got.length === 2);
    m.push({ events: [{ stream: 's', timestamp: 20, message: 'b' }] });
    await new Promise((r) => setTimeout(r, 50));
    tail.stop();
    await tail.done;
    assert.deepEqual(got.map((e) => e.message), ['a', 'b']);
    assert.ok(notices.some((n) => /Live Tail session ended \(session timed out\)/.test(n)));
  });
  it('a source without a live mode (a local container) polls without saying so, and says when it resumed after an outage', async () => {
    const stored = [ev(1, 1000)];
    let down = false;
    const source: LogSource = {
      fetch: async () => {
        if (down) throw new TransientSourceError('Docker did not answer (connect ECONNREFUSED); is the engine running?');
        return [...stored];
      },
    };
    const got: LogEvent[] = [];
    const notices: string[] = [];
    const tail = new LogTail(source, { deliver: (e) => got.push(...e), notice: (n) => notices.push(n) }, { since: 0, pollMs: 10, windowMs: 5000 });
    await until(() => got.length === 1);
    down = true;
    await until(() => notices.some((n) => /Retrying/.test(n)));
    stored.push(ev(2, 2000));
    down = false;
    await until(() => got.length === 2);
    tail.stop();
    await tail.done;
    assert.ok(!notices.some((n) => /Polling/.test(n)), notices.join(' / '));
    const retry = notices.findIndex((n) => /Retrying/.test(n));
    const resumed = notices.findIndex((n) => /^Reading again at \d{4}-.*none lost or repeated\.$/.test(n));
    assert.ok(retry >= 0 && resumed > retry, notices.join(' / '));
    assert.equal(notices.filter((n) => /Retrying/.test(n)).length, 1);
  });
});

describe('LogTail falls back from a failing Live Tail and comes back', () => {
  const serverError = () => new AwsProblem('other', 'logs:StartLiveTail failed: Service unavailable (HTTP 503).');

  it('one failure: reconnects at once, no fallback', async () => {
    const m = memorySource({ live: 'ok', startFailure: (n) => (n === 1 ? serverError() : undefined) });
    const notices: string[] = [];
    const tail = new LogTail(m.source, { deliver: () => undefined, notice: (n) => notices.push(n) }, { since: 0, live: true, pollMs: 10 });
    await until(() => tail.mode === 'live');
    tail.stop();
    await tail.done;
    assert.equal(m.sessions(), 2);
    assert.deepEqual(notices, ['Live Tail failed (logs:StartLiveTail failed: Service unavailable (HTTP 503)); trying once more.', 'Live Tail connected.']);
  });

  it('a failure that repeats: polls at once, says so once, tries Live Tail again later, and no line is lost or repeated at either seam', async () => {
    // Sessions 1-2 fail (fallback), 3 fails (the first retry, quietly), 4 works.
    const m = memorySource({ live: 'ok', startFailure: (n) => (n <= 3 ? serverError() : undefined) });
    const got: LogEvent[] = [];
    const notices: string[] = [];
    m.stored.push(ev(1, 10, 's', 'backlog'));
    const tail = new LogTail(m.source, { deliver: (e) => got.push(...e), notice: (n) => notices.push(n) }, { since: 0, live: true, pollMs: 10, liveRetryMs: 150 });
    await until(() => tail.mode === 'polling');
    m.stored.push(ev(2, 20, 's', 'polled'));
    await until(() => got.length === 2);
    await until(() => tail.mode === 'live');
    assert.equal(m.sessions(), 4);
    // The seam back to Live Tail: a line both in a live update and in the next query is shown once.
    m.stored.push(ev(3, 30, 's', 'both'));
    m.push({ events: [live(30, 'both'), live(30, 'both')] });
    m.stored.push(ev(4, 30, 's', 'both'));
    await until(() => got.length === 4);
    await new Promise((r) => setTimeout(r, 50));
    tail.stop();
    await tail.done;
    assert.deepEqual(got.map((e) => e.message), ['backlog', 'polled', 'both', 'both']);
    const fallbacks = notices.filter((n) => n.startsWith('Live Tail failed again'));
    assert.deepEqual(fallbacks, ['Live Tail failed again (logs:StartLiveTail failed: Service unavailable (HTTP 503)); polling FilterLogEvents every 0.01 s instead, and trying Live Tail again every 0.15 s.']);
    assert.ok(notices.includes('Live Tail connected again.'), notices.join('\n'));
  });

  it('a broken event stream twice in a row falls back; a session ending at its time limit does not count', async () => {
    const m = memorySource({ live: 'ok' });
    const notices: string[] = [];
    const tail = new LogTail(m.source, { deliver: () => undefined, notice: (n) => notices.push(n) }, { since: 0, live: true, pollMs: 10, liveRetryMs: 60_000 });
    await until(() => tail.mode === 'live');
    for (let i = 0; i < 3; i++) {
      m.push(new LiveTailEnded('Session timed out after 3 hours.', true));
      await until(() => m.sessions() === i + 2);
    }
    assert.equal(tail.mode, 'live');
    m.push(new LiveTailEnded('Deserialization error: unexpected frame'));
    await until(() => m.sessions() === 5);
    m.push(new LiveTailEnded('Deserialization error: unexpected frame'));
    await until(() => tail.mode === 'polling');
    tail.stop();
    await tail.done;
    assert.equal(notices.filter((n) => n.startsWith('Live Tail failed again (Deserialization error')).length, 1, notices.join('\n'));
  });

  it('a tail that cannot read says so once beyond its channel, with the failure, and says when it reads again', async function () {
    this.timeout(15_000);
    const m = memorySource({ fetchFailure: (n) => (n <= STUCK_AFTER ? new AwsProblem('other', 'logs:FilterLogEvents failed: <html>502 Bad Gateway</html>') : undefined) });
    const notices: string[] = [];
    const troubles: unknown[] = [];
    m.stored.push(ev(1, 10));
    const got: LogEvent[] = [];
    const tail = new LogTail(m.source, { deliver: (e) => got.push(...e), notice: (n) => notices.push(n), trouble: (e) => troubles.push(e) }, { since: 0, pollMs: 10 });
    await until(() => tail.mode === 'retrying');
    await until(() => got.length === 1, 10_000);
    tail.stop();
    await tail.done;
    assert.equal(troubles.length, 2);
    assert.match(String((troubles[0] as Error).message), /502 Bad Gateway/);
    assert.equal(troubles[1], undefined);
    assert.equal(notices.filter((n) => /Retrying every 1 s\.$/.test(n)).length, 1, 'the same failure is said once');
    assert.ok(notices.some((n) => /No line could be read 5 times in a row; the tail keeps trying\. Check the network/.test(n)), notices.join('\n'));
    assert.ok(notices.some((n) => /^Reading again at /.test(n)), notices.join(' / '));
  });
});

describe('DedupWindow pins', () => {
  it('remembers what a slow query in flight can still return, then forgets it', () => {
    const d = new DedupWindow(1000, true);
    d.admit([{ stream: 's', timestamp: 100, message: 'live' }]);
    const release = d.pin(d.plan(0));
    d.admit([{ stream: 's', timestamp: 5000, message: 'later live' }]);
    assert.equal(d.admit([ev(7, 100, 's', 'live')]).length, 0, 'the polled copy of the live line is a duplicate');
    release();
    d.admit([{ stream: 's', timestamp: 5001, message: 'next' }]);
    assert.ok(d.size <= 4, `size ${d.size}`);
  });
});

describe('RateLimiter shared by tails', () => {
  it('takes turns round the tails that wait, one call each, so a deep walk cannot starve another tail', async function () {
    this.timeout(8000);
    const limiter = new RateLimiter(2);
    const a = {};
    const b = {};
    const order: string[] = [];
    const calls = [
      ...Array.from({ length: 6 }, (_, i) => limiter.take(undefined, a).then(() => order.push(`a${i + 1}`))),
      ...Array.from({ length: 2 }, (_, i) => limiter.take(undefined, b).then(() => order.push(`b${i + 1}`))),
    ];
    await Promise.all(calls);
    assert.deepEqual(order, ['a1', 'a2', 'a3', 'b1', 'a4', 'b2', 'a5', 'a6']);
  });

  it('lets a tail\'s urgent call (its newest lines) go before its own deep reads, and an aborted wait leaves its turn', async function () {
    this.timeout(5000);
    const limiter = new RateLimiter(1);
    const a = {};
    const order: string[] = [];
    await limiter.take(undefined, a);
    const aborted = new AbortController();
    const gone = limiter.take(aborted.signal, a).then(() => order.push('aborted'), () => order.push('left'));
    const deep = [1, 2].map((i) => limiter.take(undefined, a).then(() => order.push(`deep${i}`)));
    const head = limiter.take(undefined, a, true).then(() => order.push('head'));
    aborted.abort();
    await gone;
    await Promise.all([...deep, head]);
    assert.deepEqual(order, ['left', 'head', 'deep1', 'deep2']);
  });
});

describe('Live Tail sessions across tails', () => {
  it('gives out the account\'s 15 sessions, refuses the 16th in words, and takes a slot back once', () => {
    const slots = new LiveTailSlots();
    const releases = Array.from({ length: LIVE_SESSIONS_MAX }, () => slots.acquire());
    assert.equal(slots.inUse, 15);
    assert.throws(() => slots.acquire(), (err: unknown) => err instanceof LiveTailRefused && err.reason === 'session limit' && /all 15 Live Tail sessions/.test(err.message));
    releases[0]();
    releases[0]();
    assert.equal(slots.inUse, 14, 'a second release of the same slot frees nothing more');
    slots.acquire();
    assert.throws(() => slots.acquire(), LiveTailRefused);
  });

  it('a CloudWatch source holds its slot while its session runs and gives it back when the session ends', async () => {
    const slots = new LiveTailSlots(1);
    let started = 0;
    const logs = {
      logGroupArn: async (group: string) => `arn:aws:logs:us-east-1:1:log-group:${group}`,
      startLiveTail: async (_q: unknown, signal: AbortSignal) => {
        started++;
        return (async function* () {
          while (!signal.aborted) await new Promise((r) => setTimeout(r, 5));
          yield* [];
        })();
      },
    } as unknown as LogsApi;
    const resolver = { resolve: async () => ({ sets: [{ group: '/g', prefixes: ['ecs/worker/'], names: [] }], changes: [] }) };
    const one = new CloudWatchLogSource(logs, resolver, new RateLimiter(5), '', undefined, slots);
    const two = new CloudWatchLogSource(logs, resolver, new RateLimiter(5), '', undefined, slots);
    const first = new AbortController();
    await one.live(first.signal);
    await assert.rejects(two.live(new AbortController().signal), (err: unknown) => err instanceof LiveTailRefused && err.reason === 'session limit');
    assert.equal(started, 1, 'the 16th never reaches StartLiveTail');
    first.abort();
    await two.live(new AbortController().signal);
    assert.equal(started, 2);
  });
});

describe('DedupWindow follows the lateness it sees', () => {
  const at = (id: number, timestamp: number, ingestionTime: number, stream = 's'): LogEvent => ({ eventId: String(id), stream, timestamp, ingestionTime, message: `m${id}` });

  it('keeps the maximum until it knows, then reads twice the lateness seen, at least the floor, at most the maximum', () => {
    const d = new DedupWindow(120_000);
    assert.equal(d.windowMs, 120_000, 'no ingestion time seen: the configured maximum');
    d.admit([at(1, 1_000_000, 1_000_050)]);
    assert.equal(d.windowMs, WINDOW_FLOOR_MS, '50 ms late: the floor');
    d.admit([at(2, 1_000_100, 1_010_100)]);
    assert.equal(d.windowMs, 20_000, '10 s late: 20 s');
    d.admit([at(3, 1_000_200, 1_100_200)]);
    assert.equal(d.windowMs, 120_000, '100 s late: capped at the maximum');
    // Five minutes of ingestion later with nothing late, the window is back at the floor.
    d.admit([at(4, 1_100_300 + LATENESS_MEMORY_MS, 1_100_310 + LATENESS_MEMORY_MS)]);
    assert.equal(d.windowMs, WINDOW_FLOOR_MS);
  });

  it('remembers only the lines inside the window in force: a stream in order at 1,000 lines/s holds a floor of them', () => {
    const d = new DedupWindow(120_000);
    for (let t = 0; t < 60_000; t += 1) d.admit([at(t, t, t + 5)]);
    assert.ok(d.size <= WINDOW_FLOOR_MS + 1, `size ${d.size}`);
    assert.equal(d.admit([at(59_990, 59_990, 60_000)]).length, 0, 'a re-read inside the window repeats nothing');
  });

  it('reads a window of a page or less in one query, and a wider one as head plus the deep rest', () => {
    const d = new DedupWindow(120_000);
    for (let t = 0; t < 5000; t++) d.admit([at(t, t, t + 10_000)]);
    const small = d.plans(0);
    assert.equal(small.deep, undefined);
    assert.equal(small.head.since, 4999 - 20_000 < 0 ? 0 : 4999 - 20_000);
    for (let t = 5000; t < 30_000; t++) d.admit([at(t, t, t + 10_000)]);
    assert.ok(d.size > SPLIT_ABOVE);
    const { head, deep } = d.plans(0);
    assert.equal(head.since, 29_999 - WINDOW_FLOOR_MS);
    assert.deepEqual(deep && { since: deep.since, until: deep.until }, { since: 29_999 - 20_000, until: head.since - 1 });
  });

  it('a sampled Live Tail update widens the window over the span it left out', () => {
    const d = new DedupWindow(120_000, true);
    d.admit([{ stream: 's', timestamp: 1000, ingestionTime: 1010, message: 'a' }]);
    assert.equal(d.windowMs, WINDOW_FLOOR_MS);
    d.observeLateness(1500, 1010);
    assert.equal(d.windowMs, 3000);
  });
});
