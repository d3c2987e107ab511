import * as assert from 'node:assert/strict';
import { DedupWindow, type LogEvent } from '../../src/core/logs/dedup';
import { RateLimiter } from '../../src/core/logs/rateLimiter';
import { awslogsContainers, streamLabel, streamName } from '../../src/core/logs/ecsStreams';
import { commonPrefix } from '../../src/core/logs/cloudWatchSource';
import { formatLine } from '../../src/core/logs/format';
import { LogTail, TransientSourceError, type LiveBatch, type LogSource } from '../../src/core/logs/logTail';
import { LiveTailEnded, LiveTailRefused } from '../../src/core/aws/logs';

const ev = (id: number, timestamp: number, stream = 's', message = `m${id}`): LogEvent => ({ eventId: String(id), stream, timestamp, message });

describe('DedupWindow', () => {
  it('drops what was delivered, orders by timestamp, and keeps late arrivals within the window', () => {
    const d = new DedupWindow(1000);
    assert.deepEqual(d.admit([ev(2, 200), ev(1, 100)]).map((e) => e.eventId), ['1', '2']);
    assert.deepEqual(d.admit([ev(1, 100), ev(2, 200), ev(3, 150)]).map((e) => e.eventId), ['3']);
    assert.equal(d.watermark, 200);
    assert.equal(d.requeryFrom(0), 0);
  });

  it('stays bounded: forgets ids older than watermark - window', () => {
    const d = new DedupWindow(1000);
    for (let t = 0; t < 100_000; t += 10) d.admit([ev(t, t)]);
    assert.ok(d.size <= 101, `size ${d.size}`);
    assert.equal(d.requeryFrom(0), 99_990 - 1000);
  });

  it('matches a Live Tail event (no id) with the same polled event, but keeps identical polled lines with their own ids', () => {
    const d = new DedupWindow(1000, true);
    assert.equal(d.admit([{ stream: 's', timestamp: 5, message: 'x' }]).length, 1);
    assert.equal(d.admit([ev(9, 5, 's', 'x')]).length, 0);
    assert.equal(d.admit([{ stream: 's', timestamp: 5, message: 'x' }]).length, 0);
    const p = new DedupWindow(1000, true);
    assert.equal(p.admit([ev(1, 5, 's', 'same'), ev(2, 5, 's', 'same')]).length, 2);
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
function memorySource(options: { live?: 'refuse' | 'ok' } = {}) {
  const stored: LogEvent[] = [];
  const queue: (LiveBatch | Error)[] = [];
  let wake: (() => void) | undefined;
  let fetches = 0;
  const source: LogSource = {
    fetch: async (since) => {
      fetches++;
      return stored.filter((e) => e.timestamp >= since);
    },
  };
  if (options.live) {
    source.live = async (signal) => {
      if (options.live === 'refuse') throw new LiveTailRefused('too many sessions', 'LimitExceededException');
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
  return { source, stored, push: (b: LiveBatch | Error) => { queue.push(b); wake?.(); }, fetches: () => fetches };
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
    assert.deepEqual(got.map((e) => e.eventId), ['1', '2', '3', '4']);
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
    const resumed = notices.findIndex((n) => /^Resumed at \d{4}-/.test(n));
    assert.ok(retry >= 0 && resumed > retry, notices.join(' / '));
    assert.equal(notices.filter((n) => /Retrying/.test(n)).length, 1);
  });
});

describe('DedupWindow pins', () => {
  it('remembers what a slow query in flight can still return, then forgets it', () => {
    const d = new DedupWindow(1000, true);
    d.admit([{ stream: 's', timestamp: 100, message: 'live' }]);
    const release = d.pin(d.requeryFrom(0));
    d.admit([{ stream: 's', timestamp: 5000, message: 'later live' }]);
    assert.equal(d.admit([ev(7, 100, 's', 'live')]).length, 0, 'the polled copy of the live line is a duplicate');
    release();
    d.admit([{ stream: 's', timestamp: 5001, message: 'next' }]);
    assert.ok(d.size <= 4, `size ${d.size}`);
  });
});
