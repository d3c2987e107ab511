import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  checkConf, clearTaskInstances, dagParams, defaultConfText, isTransient, listTaskInstances, markRun, markTaskInstance, setPaused, triggerRun, type AirflowApi, type DagParam,
} from '../../src/core/airflow/runs';
import { renderLogAnswer, renderLogEntry, TaskLogSource, type LogAnswer, type StructuredLogLine } from '../../src/core/airflow/taskLogs';
import { LogTail } from '../../src/core/logs/logTail';
import { AirflowProblem } from '../../src/core/airflow/client';

const root = path.resolve(__dirname, '../../..');
const failedTry = JSON.parse(fs.readFileSync(path.join(root, 'test/fixtures/airflow-log-failed-try.json'), 'utf8')) as LogAnswer;
const grammar = JSON.parse(fs.readFileSync(path.join(root, 'media/airflow-ecs-log.tmLanguage.json'), 'utf8')) as { repository: Record<string, { match: string }> };
const rule = (name: string) => new RegExp(grammar.repository[name].match);

type Call = { method: string; path: string; query?: Record<string, unknown>; body?: unknown };

/** An API that records calls and answers from a handler; a handler that throws is the server failing. */
function recordingApi(api: 'v1' | 'v2', answer: (c: Call) => unknown = () => ({})): AirflowApi & { calls: Call[] } {
  const calls: Call[] = [];
  const run = async <T>(c: Call): Promise<T> => {
    calls.push(c);
    return await Promise.resolve(answer(c)) as T;
  };
  return {
    api, calls,
    get: (p, query) => run({ method: 'GET', path: p, query }),
    post: (p, body) => run({ method: 'POST', path: p, body }),
    patch: (p, body, query) => run({ method: 'PATCH', path: p, body, query }),
  };
}

describe('Airflow task logs: rendering', () => {
  it('renders Airflow 3 structured lines as text with capital levels, context and the traceback the grammar colours', () => {
    const lines = renderLogAnswer(failedTry).map((l) => l.text);
    const said = lines.find((l) => l.includes('checking 3 orders')) ?? '';
    assert.equal(said, '[2026-12-01T12:24:43.084454Z] INFO - checking 3 orders against the expected 5   logger=task.stdout');
    const error = lines.find((l) => l.includes('Task failed with exception')) ?? '';
    assert.ok(error.startsWith('[2026-12-01T12:24:43.084447Z] ERROR - Task failed with exception'), error);
    assert.ok(!error.includes('ti_id='), 'the task instance the whole log is about is not repeated on each line');
    assert.match(error, rule('level-error'));
    assert.match(error, rule('timestamp'));
    assert.match(error, rule('location'), '{task_runner.py:1676}');
    assert.match(said, rule('level-info'));
    const at = lines.indexOf(error);
    assert.equal(lines[at + 1], 'Traceback (most recent call last):');
    assert.match(lines[at + 2], rule('traceback'));
    const last = lines.find((l) => l.startsWith('ValueError: ')) ?? '';
    assert.equal(last, 'ValueError: expected 5 orders, found 3: the upstream export is incomplete');
    assert.match(last, rule('traceback'));
  });

  it('renders Airflow 2 text and bare string lines line by line, without a trailing empty line', () => {
    assert.deepEqual(renderLogEntry('[2024-05-01, 10:00:00 UTC] {taskinstance.py:1234} INFO - one\nsecond\n'), ['[2024-05-01, 10:00:00 UTC] {taskinstance.py:1234} INFO - one', 'second']);
    assert.deepEqual(renderLogAnswer({ content: 'a\n\nb', continuation_token: 't' }).map((l) => l.text), ['a', '', 'b']);
    assert.deepEqual(renderLogEntry({ event: 'multi\nline', level: 'warning' }), ['WARNING - multi', 'line']);
  });

  it('keeps extra context as key=value and JSON for structures', () => {
    const entry: StructuredLogLine = { timestamp: '2026-01-01T00:00:00Z', event: 'x', level: 'debug', rows: 3, where: { a: 1 }, dag_id: 'd' };
    assert.deepEqual(renderLogEntry(entry), ['[2026-01-01T00:00:00Z] DEBUG - x   rows=3 where={"a":1}']);
  });
});

/**
 * A task writing its log as Airflow 3 serves it: before the try starts the answer is the source
 * note without a token; while it runs, lines after the token's position and a new token; at the
 * end everything after the token and no token, again and again.
 */
class SimulatedTask {
  state = 'queued';
  tryNumber = 1;
  written: StructuredLogLine[] = [];
  failNext = 0;
  /** Reads of the task instance that find none yet (the scheduler has not created it). */
  missing = 2;
  readonly header: StructuredLogLine[] = [{ event: '::group::Log message source details' }, { event: '/logs/attempt=1.log' }, { event: '::endgroup::' }];
  private t = Date.parse('2026-12-01T12:00:00Z');

  write(n: number): void {
    for (let i = 0; i < n; i++) {
      this.t += 100;
      this.written.push({ timestamp: new Date(this.t).toISOString(), event: `line ${this.written.length + 1}`, level: 'info', logger: 'task' });
    }
  }

  api(): AirflowApi & { calls: Call[] } {
    return recordingApi('v2', (c) => {
      if (this.failNext > 0) {
        this.failNext--;
        throw new AirflowProblem('http', 'Airflow at http://x answered GET with HTTP 502.', 502);
      }
      if (!c.path.includes('/logs/') && this.missing > 0) {
        this.missing--;
        throw new AirflowProblem('notFound', 'Airflow at http://x says: TaskInstance not found', 404, 'TaskInstance not found');
      }
      if (!c.path.includes('/logs/')) return { dag_id: 'd', task_id: 't', state: this.state, try_number: this.tryNumber, map_index: -1 };
      if (this.state === 'queued') return { content: this.header, continuation_token: null };
      const pos = typeof c.query?.token === 'string' ? Number(c.query.token.slice(4)) : 0;
      const content = [...(pos === 0 ? this.header : []), ...this.written.slice(pos)];
      return { content, continuation_token: this.state === 'running' ? `pos=${this.written.length}` : null };
    });
  }
}

const until = async (what: string, check: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('Airflow task logs: following a try', () => {
  it('delivers every line once, in order, through a task instance not created yet, queued, running, a failing read and the end, then says the try ended', async () => {
    const task = new SimulatedTask();
    const api = task.api();
    const source = new TaskLogSource(api, { dagId: 'd', runId: 'r', taskId: 't', mapIndex: -1, tryNumber: 1 });
    const shown: string[] = [];
    const notices: string[] = [];
    const tail = new LogTail(source, { deliver: (events) => shown.push(...events.map((e) => e.message)), notice: (n) => notices.push(n) }, { since: 0, pollMs: 10 });
    let ended: string | undefined;
    void source.finished.then((n) => { ended = n; });
    await until('the source note', () => shown.length === 3);
    task.state = 'running';
    task.write(5);
    await until('five lines', () => shown.length === 8);
    task.failNext = 2;
    task.write(3);
    await until('lines after the failure', () => shown.length === 11);
    assert.ok(notices.some((n) => n.startsWith('Reading again at ')), notices.join('\n'));
    task.write(2);
    task.state = 'failed';
    await until('the end', () => ended !== undefined);
    tail.stop();
    await tail.done;
    assert.deepEqual(shown.slice(3).map((l) => l.replace(/^\[[^\]]+\] INFO - /, '').replace(/ +logger=task$/, '')), Array.from({ length: 10 }, (_, i) => `line ${i + 1}`));
    assert.deepEqual(shown.slice(0, 3), ['::group::Log message source details', '/logs/attempt=1.log', '::endgroup::'], 'the source note once, though read three ways');
    assert.equal(ended, 'The task ended: failed. The log above is complete.');
    const logReads = api.calls.filter((c) => c.path.endsWith('/logs/1'));
    assert.ok(logReads.every((c) => c.query?.full_content === false && c.query.map_index === -1));
  });

  it('ends a try that the task moved past (a retry) and says which try runs now', async () => {
    const task = new SimulatedTask();
    task.state = 'running';
    task.write(2);
    const source = new TaskLogSource(task.api(), { dagId: 'd', runId: 'r', taskId: 't', mapIndex: -1, tryNumber: 1 });
    const tail = new LogTail(source, { deliver: () => undefined, notice: () => undefined }, { since: 0, pollMs: 10 });
    task.tryNumber = 2;
    const note = await source.finished;
    tail.stop();
    await tail.done;
    assert.match(note, /^Try 1 ended; the task is on try 2 now \(running\)/);
  });

  it('a mapped task instance is read at its map index', async () => {
    const api = recordingApi('v2', (c) => (c.path.includes('/logs/') ? { content: [], continuation_token: null } : { dag_id: 'd', task_id: 't', state: 'success', try_number: 1, map_index: 4 }));
    const source = new TaskLogSource(api, { dagId: 'd', runId: 'manual__2026-01-01T00:00:00+00:00', taskId: 't', mapIndex: 4, tryNumber: 1 });
    await source.fetch({ since: 0, behind: new Map() }, new AbortController().signal);
    assert.deepEqual(api.calls.map((c) => c.path), ['/dags/d/dagRuns/manual__2026-01-01T00%3A00%3A00%2B00%3A00/taskInstances/t/4', '/dags/d/dagRuns/manual__2026-01-01T00%3A00%3A00%2B00%3A00/taskInstances/t/logs/1']);
    assert.equal(api.calls[1].query?.map_index, 4);
  });

  it('an auth failure is not retried: the tail stops with the sentence the client gave', async () => {
    const api = recordingApi('v2', () => {
      throw new AirflowProblem('auth', 'Airflow at http://x did not accept the credentials: Invalid token', 401);
    });
    const notices: string[] = [];
    const tail = new LogTail(new TaskLogSource(api, { dagId: 'd', runId: 'r', taskId: 't', mapIndex: -1, tryNumber: 1 }), { deliver: () => undefined, notice: (n) => notices.push(n) }, { since: 0, pollMs: 10 });
    await tail.done;
    assert.equal(tail.mode, 'failed');
    assert.deepEqual(notices, ['Stopped: Airflow at http://x did not accept the credentials: Invalid token']);
  });
});

describe('Airflow runs: conf and params', () => {
  const params: DagParam[] = [
    { name: 'expected_orders', hasDefault: true, default: 5, schema: { type: 'integer', minimum: 1 }, description: 'How many orders' },
    { name: 'region', hasDefault: false, schema: { type: 'string', enum: ['eu', 'us'] } },
  ];

  it('reads params from the details endpoint: serialized Params, bare values, no default', async () => {
    const api = recordingApi('v2', () => ({
      params: {
        expected_orders: { value: 5, schema: { type: 'integer', minimum: 1 }, description: 'How many', source: null },
        region: { __class: 'airflow.sdk.definitions.param.Param', value: null, description: null, schema: { type: 'string' }, source: null },
        maybe: { __class: 'airflow.sdk.definitions.param.Param', value: null, description: null, schema: { type: ['null', 'string'] } },
        legacy: 'plain',
      },
    }));
    const got = await dagParams(api, 'etl');
    assert.deepEqual(got.map((p) => [p.name, p.hasDefault]), [['expected_orders', true], ['region', false], ['maybe', true], ['legacy', true]]);
    assert.equal(api.calls[0].path, '/dags/etl/details');
    assert.deepEqual(await dagParams(recordingApi('v2', () => ({ params: null })), 'x'), []);
  });

  it('says what is wrong with the conf in one sentence', () => {
    const bad = (text: string) => {
      const r = checkConf(text, params);
      assert.equal(r.ok, false, text);
      return r.ok ? '' : r.message;
    };
    assert.match(bad('{"region": "eu",}'), /^The conf is not JSON \(.+\)\. Write an object such as \{"key": "value"\}\.$/);
    assert.equal(bad('[1]'), 'The conf must be a JSON object such as {"key": "value"}, not array.');
    assert.equal(bad('{}'), 'The DAG needs "region" in the conf: that param has no default.');
    assert.equal(bad('{"region": "asia"}'), '"region" must be one of "eu", "us".');
    assert.equal(bad('{"region": "eu", "expected_orders": "five"}'), '"expected_orders" must be integer, not string (How many orders).');
    assert.equal(bad('{"region": "eu", "expected_orders": 0}'), '"expected_orders" must be at least 1 (How many orders).');
    assert.deepEqual(checkConf('{"region": "eu", "extra": true}', params), { ok: true, conf: { region: 'eu', extra: true } });
    assert.deepEqual(checkConf('  ', []), { ok: true, conf: {} });
    assert.deepEqual(checkConf('{"n": 2}', [{ name: 'n', hasDefault: true, default: 1.5, schema: { type: 'number' } }]), { ok: true, conf: { n: 2 } }, 'an integer is a number');
  });

  it('the "with defaults" conf is every default and nothing for params without one', () => {
    assert.equal(defaultConfText(params), '{"expected_orders":5}');
  });
});

describe('Airflow runs: the requests', () => {
  it('triggers with logical_date null on Airflow 3 and without it on Airflow 2', async () => {
    const run = { dag_id: 'etl', dag_run_id: 'manual__1', state: 'queued', logical_date: null, run_after: '2026-01-01T00:00:00Z' };
    const v2 = recordingApi('v2', () => run);
    const got = await triggerRun(v2, 'etl', { a: 1 });
    assert.deepEqual(v2.calls[0], { method: 'POST', path: '/dags/etl/dagRuns', body: { logical_date: null, conf: { a: 1 } } });
    assert.equal(got.logicalDate, undefined);
    assert.equal(got.runAfter, '2026-01-01T00:00:00Z');
    const v1 = recordingApi('v1', () => ({ ...run, execution_date: '2026-01-01T00:00:00Z', run_after: undefined }));
    assert.equal((await triggerRun(v1, 'etl', {})).logicalDate, '2026-01-01T00:00:00Z');
    assert.deepEqual(v1.calls[0].body, { conf: {} });
  });

  it('clears, marks and pauses with the bodies each API version takes', async () => {
    const v2 = recordingApi('v2', (c) => (c.path.endsWith('clearTaskInstances') ? { task_instances: [{}, {}] } : { dag_id: 'd', dag_run_id: 'r', state: 'success' }));
    assert.equal(await clearTaskInstances(v2, 'd', 'r', ['t']), 2);
    assert.deepEqual(v2.calls[0].body, { dry_run: false, dag_run_id: 'r', task_ids: ['t'], only_failed: false, reset_dag_runs: true, include_downstream: false, include_upstream: false });
    await markRun(v2, 'd', 'r', 'success');
    assert.deepEqual(v2.calls[1], { method: 'PATCH', path: '/dags/d/dagRuns/r', body: { state: 'success' }, query: undefined });
    await markTaskInstance(v2, { dagId: 'd', runId: 'r', taskId: 't', mapIndex: 2 }, 'failed');
    assert.deepEqual(v2.calls[2], { method: 'PATCH', path: '/dags/d/dagRuns/r/taskInstances/t/2', body: { new_state: 'failed' }, query: undefined });
    await setPaused(v2, 'd', true);
    assert.deepEqual(v2.calls[3], { method: 'PATCH', path: '/dags/d', body: { is_paused: true }, query: { update_mask: 'is_paused' } });
    const v1 = recordingApi('v1', () => ({}));
    await markTaskInstance(v1, { dagId: 'd', runId: 'r', taskId: 't', mapIndex: -1 }, 'success');
    assert.deepEqual(v1.calls[0].body, { dry_run: false, new_state: 'success' });
  });

  it('lists every task instance of a big run page by page, sorted by task and map index', async () => {
    const api = recordingApi('v2', (c) => {
      const offset = Number(c.query?.offset);
      const all = Array.from({ length: 230 }, (_, i) => ({ dag_id: 'd', task_id: 'mapped', map_index: 229 - i, state: 'success', try_number: 1 }));
      return { task_instances: all.slice(offset, offset + 100), total_entries: 230 };
    });
    const tis = await listTaskInstances(api, 'd', 'r');
    assert.equal(tis.length, 230);
    assert.deepEqual(tis.slice(0, 3).map((t) => t.mapIndex), [0, 1, 2]);
    assert.deepEqual(api.calls.map((c) => c.query?.offset), [0, 100, 200]);
  });

  it('knows which failures pass by themselves', () => {
    assert.equal(isTransient(new AirflowProblem('network', 'x')), true);
    assert.equal(isTransient(new AirflowProblem('http', 'x', 503)), true);
    assert.equal(isTransient(new AirflowProblem('html', 'x', 502)), true);
    assert.equal(isTransient(new AirflowProblem('http', 'x', 409)), false);
    assert.equal(isTransient(new AirflowProblem('auth', 'x', 401)), false);
    assert.equal(isTransient(new Error('x')), false);
  });
});
