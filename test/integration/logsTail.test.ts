import * as assert from 'node:assert/strict';
import { createEcsApi } from '../../src/core/aws/ecs';
import { createLogsApi, LiveTailEnded, LiveTailRefused, LogQueryRejected, type LiveUpdate, type LogsApi } from '../../src/core/aws/logs';
import { AwsProblem } from '../../src/core/aws/errors';
import { resolveConnection } from '../../src/core/aws/connection';
import { CloudWatchLogSource } from '../../src/core/logs/cloudWatchSource';
import { EcsStreamResolver, NotTailable } from '../../src/core/logs/ecsStreams';
import { LogTail, type TailOptions } from '../../src/core/logs/logTail';
import { RateLimiter } from '../../src/core/logs/rateLimiter';
import type { LogEvent } from '../../src/core/logs/dedup';
import { silentLogger } from '../../src/core/log';
import { startFakeAws, type FakeAws } from '../support/fakeAws';
import type { FakeEcs } from '../support/fakeAws/ecs';
import type { FakeLogs } from '../support/fakeAws/logs';
import { withAwsProfileFiles } from '../support/awsProfiles';

const GROUP = '/ecs/airflow-worker';

async function until(check: () => boolean, what: string, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('CloudWatch Logs against the local AWS endpoint (real SDK)', () => {
  let aws: FakeAws;
  let ecs: FakeEcs;
  let logs: FakeLogs;
  let restoreEnv: () => void;
  const tails: LogTail[] = [];

  before(async () => {
    ({ aws, ecs, logs } = await startFakeAws());
    restoreEnv = withAwsProfileFiles();
  });
  after(async () => {
    restoreEnv();
    await aws.close();
  });
  beforeEach(() => aws.reset());
  afterEach(async () => {
    for (const t of tails.splice(0)) {
      t.stop();
      await t.done;
    }
  });

  async function apis(): Promise<{ logsApi: LogsApi; ecsApi: ReturnType<typeof createEcsApi> }> {
    const conn = await resolveConnection({ profile: 'test', region: 'us-east-1', endpoint: aws.url });
    return { logsApi: createLogsApi(conn, silentLogger), ecsApi: createEcsApi(conn, silentLogger) };
  }

  function taskStreams(): string[] {
    return (ecs.control.tasks({ cluster: 'airflow-prod' }).tasks as { taskArn: string }[]).map((t) => `ecs/worker/${t.taskArn.split('/').pop()}`);
  }

  async function startTail(options: Partial<TailOptions> = {}, pattern = '') {
    const { logsApi, ecsApi } = await apis();
    const resolver = new EcsStreamResolver(ecsApi, { kind: 'service', cluster: 'airflow-prod', serviceName: 'worker' });
    const source = new CloudWatchLogSource(logsApi, resolver, new RateLimiter(5), pattern);
    const lines: LogEvent[] = [];
    const notices: string[] = [];
    const tail = new LogTail(source, { deliver: (e) => lines.push(...e), notice: (n) => notices.push(n) }, { since: Date.now() - 600_000, pollMs: 100, live: false, ...options });
    tails.push(tail);
    return { tail, lines, notices };
  }

  it('pages FilterLogEvents through empty pages and mid-millisecond boundaries, interleaved', async () => {
    const { logsApi } = await apis();
    const t = Date.now() - 1000;
    for (const s of ['a', 'b']) logs.addEvents(GROUP, `ecs/worker/${s}`, Array.from({ length: 5 }, (_, i) => ({ timestamp: t, message: `${s}${i}` })));
    logs.options.pageSize = 3;
    logs.options.emptyPageEvery = 2;
    const seen: string[] = [];
    let token: string | undefined;
    let empties = 0;
    do {
      const page = await logsApi.filterLogEvents({ group: GROUP, streamPrefix: 'ecs/worker/', startTime: t, nextToken: token });
      if (page.events.length === 0 && page.nextToken) empties++;
      seen.push(...page.events.map((e) => e.message));
      token = page.nextToken;
    } while (token);
    assert.equal(seen.length, 10);
    assert.equal(new Set(seen).size, 10);
    assert.ok(empties > 0, 'an empty page with a token was returned');
  });

  it('reports a rejected filter pattern verbatim and a denied FilterLogEvents by its action', async () => {
    const { logsApi } = await apis();
    logs.createGroup(GROUP);
    await assert.rejects(logsApi.filterLogEvents({ group: GROUP, startTime: 0, filterPattern: '{ $.level = ' }), (e: unknown) => e instanceof LogQueryRejected && e.message === 'Invalid filter pattern: { $.level = ');
    aws.injectFault({ operation: 'FilterLogEvents', kind: 'accessDenied', count: 1 });
    await assert.rejects(logsApi.filterLogEvents({ group: GROUP, startTime: 0 }), (e: unknown) => e instanceof AwsProblem && e.action === 'logs:FilterLogEvents');
  });

  it('streams Live Tail updates through the real SDK event stream, and says when it is refused or times out', async () => {
    const { logsApi } = await apis();
    logs.createGroup(GROUP);
    const arn = await logsApi.logGroupArn(GROUP);
    assert.equal(arn, 'arn:aws:logs:us-east-1:123456789012:log-group:/ecs/airflow-worker');
    const controller = new AbortController();
    logs.options.liveTimeoutMs = 600;
    const updates = await logsApi.startLiveTail({ groupArns: [arn!], streamPrefixes: ['ecs/worker/'] }, controller.signal);
    logs.addEvents(GROUP, 'ecs/worker/abc', [{ timestamp: Date.now(), message: 'hello live' }]);
    logs.addEvents(GROUP, 'ecs/other/abc', [{ timestamp: Date.now(), message: 'not mine' }]);
    const got: LiveUpdate[] = [];
    await assert.rejects(
      (async () => { for await (const u of updates) got.push(u); })(),
      (e: unknown) => e instanceof LiveTailEnded && /timed out/.test(e.message),
    );
    assert.deepEqual(got.flatMap((u) => u.events.map((e) => e.message)), ['hello live']);

    logs.options.liveRefusals = 10; // the SDK retries LimitExceededException (a throttling code) before giving up
    await assert.rejects(logsApi.startLiveTail({ groupArns: [arn!] }, controller.signal), (e: unknown) => e instanceof LiveTailRefused && e.reason === 'LimitExceededException');
  });

  it('says which driver a container uses when it cannot be tailed', async () => {
    ecs.seed([{ name: 'airflow-prod', services: [{ name: 'worker', desiredCount: 1, logConfiguration: { logDriver: 'json-file' } }] }]);
    const { ecsApi } = await apis();
    const resolver = new EcsStreamResolver(ecsApi, { kind: 'service', cluster: 'airflow-prod', serviceName: 'worker' });
    await assert.rejects(resolver.resolve(), (e: unknown) => e instanceof NotTailable && /json-file driver/.test(e.message));
  });

  it('polls a service with late arrivals and scale-out: every line once', async () => {
    ecs.seed([{ name: 'airflow-prod', services: [{ name: 'worker', desiredCount: 2 }] }]);
    logs.options.pageSize = 7;
    logs.options.emptyPageEvery = 3;
    const { tail, lines } = await startTail({ refreshMs: 200 });
    const now = Date.now();
    const sent: string[] = [];
    const put = (stream: string, ts: number, n: number) => {
      const events = Array.from({ length: n }, (_, i) => ({ timestamp: ts, message: `${stream}#${sent.length + i}` }));
      sent.push(...events.map((e) => e.message));
      logs.addEvents(GROUP, stream, events);
    };
    const [s1, s2] = taskStreams();
    put(s1, now - 40_000, 10);
    put(s2, now - 40_000, 10);
    await until(() => lines.length === 20, 'first 20 lines');
    put(s1, now - 60_000, 3); // late: older than what was delivered, within the window (twice the 40 s lateness seen)
    ecs.addTasks('airflow-prod', 'worker', 1);
    const s3 = taskStreams()[2];
    put(s3, now, 5);
    await until(() => lines.length === sent.length, `all ${sent.length} lines`);
    await new Promise((r) => setTimeout(r, 400));
    assert.deepEqual(lines.map((l) => l.message).sort(), [...sent].sort());
    assert.ok(tail.dedup.size <= sent.length);
  });

  it('switches to polling when Live Tail is refused, says so once, and misses nothing', async () => {
    ecs.seed([{ name: 'airflow-prod', services: [{ name: 'worker', desiredCount: 1 }] }]);
    logs.options.liveRefusals = 10; // the SDK retries LimitExceededException (a throttling code) before giving up
    const [s1] = taskStreams();
    logs.addEvents(GROUP, s1, [{ timestamp: Date.now() - 1000, message: 'backlog' }]);
    const { tail, lines, notices } = await startTail({ live: true });
    await until(() => tail.mode === 'polling', 'polling');
    logs.addEvents(GROUP, s1, [{ timestamp: Date.now(), message: 'after' }]);
    await until(() => lines.length === 2, 'two lines');
    assert.equal(notices.filter((n) => /Live Tail is not available \(LimitExceededException/.test(n)).length, 1);
  });

  it('follows Live Tail after the backlog and resumes across a timeout and a dropped connection without gap or repeat', async () => {
    ecs.seed([{ name: 'airflow-prod', services: [{ name: 'worker', desiredCount: 1 }] }]);
    const [s1] = taskStreams();
    logs.addEvents(GROUP, s1, [{ timestamp: Date.now() - 2000, message: 'backlog' }]);
    logs.options.liveTimeoutMs = 700;
    logs.options.liveIntervalMs = 50;
    const { tail, lines, notices } = await startTail({ live: true });
    await until(() => tail.mode === 'live', 'live mode');
    const sent = ['backlog'];
    for (let i = 0; i < 30; i++) {
      logs.addEvents(GROUP, s1, [{ timestamp: Date.now(), message: `live ${i}` }]);
      sent.push(`live ${i}`);
      if (i === 15) logs.control.dropLiveSessions();
      await new Promise((r) => setTimeout(r, 60));
    }
    await until(() => lines.length >= sent.length, 'all lines');
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(lines.map((l) => l.message).sort(), [...sent].sort());
    assert.ok(notices.some((n) => /Live Tail session ended/.test(n)), notices.join('\n'));
  });

  for (const failure of ['server', 'html', 'brokenStream'] as const) {
    it(`Live Tail failing with ${failure === 'server' ? 'HTTP 503' : failure === 'html' ? 'an HTML page' : 'a broken event stream'}: polls at once, says so once, comes back to Live Tail later; 0 lost, 0 repeated`, async () => {
      ecs.seed([{ name: 'airflow-prod', services: [{ name: 'worker', desiredCount: 1 }] }]);
      const [s1] = taskStreams();
      logs.options.liveIntervalMs = 50;
      logs.options.liveFailure = failure;
      logs.options.liveFailures = 3; // two to fall back, one for the first retry
      const sent: string[] = [];
      const put = (message: string) => {
        logs.addEvents(GROUP, s1, [{ timestamp: Date.now(), message }]);
        sent.push(message);
      };
      put('backlog');
      const { tail, lines, notices } = await startTail({ live: true, liveRetryMs: 700 });
      await until(() => tail.mode === 'polling', 'polling');
      for (let i = 0; i < 20; i++) {
        put(`line ${i}`);
        put(''); // blank lines in the same millisecond: both kept
        put('');
        await new Promise((r) => setTimeout(r, 50));
      }
      await until(() => tail.mode === 'live', 'Live Tail again');
      for (let i = 0; i < 10; i++) {
        put(`live ${i}`);
        put('Heartbeat');
        put('Heartbeat');
        await new Promise((r) => setTimeout(r, 60));
      }
      await until(() => lines.length >= sent.length, `all ${sent.length} lines`);
      await new Promise((r) => setTimeout(r, 400));
      assert.deepEqual(lines.map((l) => l.message).sort(), [...sent].sort(), 'no line lost, none repeated');
      const fallbacks = notices.filter((n) => /^Live Tail failed again \(.*\); polling FilterLogEvents every 0\.1 s instead, and trying Live Tail again every 0\.7 s\.$/.test(n));
      assert.equal(fallbacks.length, 1, notices.join('\n'));
      assert.match(fallbacks[0], failure === 'server' ? /the endpoint answered HTTP 503 \(ServiceUnavailableException\)\);/ : failure === 'html' ? /answered logs:StartLiveTail with an HTML page \(HTTP 502\), not an AWS response/ : /^Live Tail failed again \(its event stream could not be read\);/);
      assert.ok(!/<html|\{|Deserializ|JSON/i.test(fallbacks[0]), `one plain sentence: ${fallbacks[0]}`);
      assert.ok(aws.countCalls('StartLiveTail') >= 4, 'Live Tail tried again');
      assert.ok(notices.includes('Live Tail connected again.'), notices.join('\n'));
    });
  }

  it('identical Live Tail lines (same stream, millisecond and text) are all delivered once', async () => {
    ecs.seed([{ name: 'airflow-prod', services: [{ name: 'worker', desiredCount: 1 }] }]);
    const [s1] = taskStreams();
    logs.createGroup(GROUP);
    logs.options.liveIntervalMs = 50;
    const { tail, lines } = await startTail({ live: true });
    await until(() => tail.mode === 'live', 'live mode');
    const t = Date.now();
    const traceback = ['Traceback (most recent call last):', '', '-----', '', '-----', 'Heartbeat', 'Heartbeat', 'Heartbeat'];
    logs.addEvents(GROUP, s1, traceback.map((message) => ({ timestamp: t, message })));
    await until(() => lines.length === traceback.length, 'all identical lines');
    // A catch-up query that reads the same millisecond again (a sampled update, a reconnect) repeats none.
    logs.control.dropLiveSessions();
    await until(() => aws.countCalls('StartLiveTail') >= 2, 'a new session');
    await until(() => tail.mode === 'live', 'live again');
    await new Promise((r) => setTimeout(r, 400));
    assert.deepEqual(lines.map((l) => l.message).sort(), [...traceback].sort());
  });

  for (const live of [false, true]) {
    it(`a stream whose lines arrive 5 minutes late relative to the others loses nothing (${live ? 'Live Tail' : 'polling'})`, async () => {
      ecs.seed([{ name: 'airflow-prod', services: [{ name: 'worker', desiredCount: 2 }] }]);
      const [busy, stuck] = taskStreams();
      logs.options.liveIntervalMs = 50;
      const t0 = Date.now() - 6 * 60_000;
      const sent: string[] = [];
      const put = (stream: string, timestamp: number, message: string) => {
        logs.addEvents(GROUP, stream, [{ timestamp, message }]);
        sent.push(message);
      };
      put(stuck, t0, 'stuck before');
      put(busy, t0, 'busy before');
      const { lines } = await startTail({ live, windowMs: 60_000, since: t0 - 1000 });
      await until(() => lines.length === 2, 'the backlog');
      // The busy task logs on; the stuck task's agent delivers nothing for 5 minutes, then all of it.
      for (let i = 1; i <= 10; i++) put(busy, t0 + 5 * 60_000 + i, `busy ${i}`);
      await until(() => lines.length === sent.length, 'the busy lines');
      for (let i = 1; i <= 10; i++) put(stuck, t0 + i * 1000, `stuck ${i}`);
      await until(() => lines.length === sent.length, 'the late lines');
      await new Promise((r) => setTimeout(r, 400));
      assert.deepEqual(lines.map((l) => l.message).sort(), [...sent].sort());
    });
  }

  it('waits for a log group that does not exist yet, then tails it', async () => {
    ecs.seed([{ name: 'airflow-prod', services: [{ name: 'worker', desiredCount: 1 }] }]);
    const { lines, notices, tail } = await startTail();
    await until(() => tail.mode === 'waiting', 'waiting');
    assert.ok(notices.some((n) => /Log group \/ecs\/airflow-worker does not exist yet/.test(n)), notices.join('\n'));
    logs.addEvents(GROUP, taskStreams()[0], [{ timestamp: Date.now(), message: 'finally' }]);
    await until(() => lines.length === 1, 'the line');
  });

  it('stops with CloudWatch\'s words when the filter pattern is rejected', async () => {
    ecs.seed([{ name: 'airflow-prod', services: [{ name: 'worker', desiredCount: 1 }] }]);
    logs.createGroup(GROUP);
    const { tail, notices } = await startTail({}, '"unbalanced');
    await tail.done;
    assert.equal(tail.mode, 'failed');
    assert.ok(notices.includes('Stopped: Invalid filter pattern: "unbalanced'), notices.join('\n'));
  });

  it('waits on a task whose stream was deleted, saying which stream', async () => {
    ecs.seed([{ name: 'airflow-prod', services: [{ name: 'worker', desiredCount: 1 }] }]);
    const [s1] = taskStreams();
    logs.addEvents(GROUP, s1, [{ timestamp: Date.now(), message: 'before' }]);
    logs.control.deleteStream({ group: GROUP, stream: s1 });
    const { logsApi, ecsApi } = await apis();
    const task = (ecs.control.tasks({ cluster: 'airflow-prod' }).tasks as never[])[0];
    const resolver = new EcsStreamResolver(ecsApi, { kind: 'task', cluster: 'airflow-prod', task });
    const notices: string[] = [];
    const tail = new LogTail(new CloudWatchLogSource(logsApi, resolver, new RateLimiter(5)), { deliver: () => undefined, notice: (n) => notices.push(n) }, { since: 0, pollMs: 100 });
    tails.push(tail);
    await until(() => tail.mode === 'waiting', 'waiting');
    assert.ok(notices.some((n) => n.includes(`Log stream ${s1} in ${GROUP} does not exist (deleted, or the container has not logged yet).`)), notices.join('\n'));
  });
});
