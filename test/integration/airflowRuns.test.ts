// Runs, task instances and task logs against a real Airflow 3 (`airflow standalone`), seeded with
// the sample DAGs and the test-only slow_log_test.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AirflowClient, AirflowProblem } from '../../src/core/airflow/client';
import {
  checkConf, clearTaskInstances, dagParams, defaultConfText, followRun, getTaskInstance, listRuns, listTaskInstances, markRun, setPaused, triggerRun, type DagRun, type TaskInstance,
} from '../../src/core/airflow/runs';
import { TaskLogSource } from '../../src/core/airflow/taskLogs';
import { LogTail } from '../../src/core/logs/logTail';
import { seededDagsFolder, startAirflow, type TestAirflow } from '../support/airflow';
import { repoRoot } from '../support/codeServer';
import { seedFromFolder, startFakeAirflow, type FakeAirflow } from '../support/fakeAirflow';

describe('Airflow runs and task logs against a real Airflow 3', function () {
  this.timeout(300_000);
  let airflow: TestAirflow;
  let client: AirflowClient;
  let dags: string;

  before(async function () {
    this.timeout(400_000);
    dags = seededDagsFolder(repoRoot);
    airflow = await startAirflow({ dagsFolder: dags });
    client = await AirflowClient.connect({ baseUrl: airflow.url, credentials: { kind: 'password', username: airflow.username, password: airflow.password } });
    await airflow.waitFor<{ dags: unknown[] }>('/dags', (b) => b.dags.length >= 6, 180_000);
  });
  after(async () => {
    await airflow?.stop();
    if (dags) fs.rmSync(dags, { recursive: true, force: true });
  });

  /** Follows a run to its end as the extension does, collecting what each change showed. */
  const finish = async (run: DagRun): Promise<{ run: DagRun; seen: TaskInstance[][] }> => {
    const seen: TaskInstance[][] = [];
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 240_000);
    try {
      const end = await followRun(client, run.dagId, run.runId, { intervalMs: 1000, signal: controller.signal, changed: (_r, tis) => seen.push(tis), failed: () => true });
      assert.ok(end, `${run.runId} did not end in time`);
      return { run: end, seen };
    } finally {
      clearTimeout(timer);
    }
  };

  /** The try's end, or the reason the tail stopped before it. */
  const ended = (source: TaskLogSource, tail: LogTail): Promise<string> => Promise.race([
    source.finished,
    tail.done.then(() => { throw new Error(`the tail stopped (${tail.mode}): ${String(tail.failure)}`); }),
  ]);

  it('pauses and unpauses a DAG', async () => {
    await setPaused(client, 'etl_taskflow', false);
    assert.equal((await airflow.get<{ is_paused: boolean }>('/dags/etl_taskflow')).is_paused, false);
    await setPaused(client, 'etl_taskflow', true);
    assert.equal((await airflow.get<{ is_paused: boolean }>('/dags/etl_taskflow')).is_paused, true);
  });

  it('triggers etl_taskflow with its defaults and follows the run to success, every task green', async () => {
    await setPaused(client, 'etl_taskflow', false);
    const params = await dagParams(client, 'etl_taskflow');
    const conf = checkConf(defaultConfText(params), params);
    assert.ok(conf.ok);
    const run = await triggerRun(client, 'etl_taskflow', conf.conf);
    assert.equal(run.logicalDate, undefined, 'Airflow 3: a run triggered with logical_date null has none');
    const { run: end, seen } = await finish(run);
    assert.equal(end.state, 'success');
    const last = seen[seen.length - 1];
    assert.deepEqual(last.map((t) => [t.taskId, t.state, t.tryNumber]), [['extract', 'success', 1], ['load', 'success', 1], ['transform', 'success', 1]]);
    assert.ok(last.every((t) => typeof t.duration === 'number'));
    const { runs } = await listRuns(client, 'etl_taskflow', 10);
    assert.equal(runs[0].runId, run.runId, 'newest first');
  });

  it('follows a running task log live: every line once, in order, then the end', async () => {
    await setPaused(client, 'slow_log_test', false);
    const run = await triggerRun(client, 'slow_log_test', { lines: 16 });
    const source = new TaskLogSource(client, { dagId: 'slow_log_test', runId: run.runId, taskId: 'count_slowly', mapIndex: -1, tryNumber: 1 });
    const shown: string[] = [];
    const tail = new LogTail(source, { deliver: (events) => shown.push(...events.map((e) => e.message)), notice: () => undefined }, { since: 0, pollMs: 500 });
    // Some moment shows part of the count: the lines arrive while the task writes them.
    let partial = 0;
    const watcher = setInterval(() => {
      const n = shown.filter((l) => / line \d+ of 16/.test(l)).length;
      if (n > 0 && n < 16) partial = n;
    }, 100);
    const note = await ended(source, tail);
    clearInterval(watcher);
    tail.stop();
    await tail.done;
    assert.equal(note, 'The task ended: success. The log above is complete.');
    const counted = shown.filter((l) => / - line \d+ of 16/.test(l)).map((l) => Number(/line (\d+) of/.exec(l)?.[1]));
    assert.deepEqual(counted, Array.from({ length: 16 }, (_, i) => i + 1), shown.join('\n'));
    assert.ok(partial > 0, 'lines arrived while the task ran, not all at its end');
    assert.ok(shown.some((l) => /^\[[^\]]+\] WARNING - done counting/.test(l)), 'the level in capitals');
    assert.equal(new Set(shown.filter((l) => l.startsWith('[')).map((l) => l)).size, shown.filter((l) => l.startsWith('[')).length, 'no line repeated');
  });

  it('the failing task fails, its log shows the error, a conf the params reject never leaves the editor, and clear runs it again', async () => {
    await setPaused(client, 'failing_task_example', false);
    const params = await dagParams(client, 'failing_task_example');
    assert.deepEqual(params.map((p) => [p.name, p.hasDefault, p.default]), [['expected_orders', true, 5]]);
    const rejected = checkConf('{"expected_orders": "five"}', params);
    assert.deepEqual(rejected, { ok: false, message: '"expected_orders" must be integer, not string (How many orders the export must have).' });
    // Airflow says the same when asked anyway.
    await assert.rejects(triggerRun(client, 'failing_task_example', { expected_orders: 'five' }), (err: unknown) => err instanceof AirflowProblem && err.status === 400 && /expected_orders/.test(err.message));

    const run = await triggerRun(client, 'failing_task_example', {});
    const { run: end } = await finish(run);
    assert.equal(end.state, 'failed');
    const tis = await listTaskInstances(client, run.dagId, run.runId);
    assert.deepEqual(tis.map((t) => [t.taskId, t.state]), [['check_orders', 'failed'], ['count_orders', 'success']]);

    const source = new TaskLogSource(client, { dagId: run.dagId, runId: run.runId, taskId: 'check_orders', mapIndex: -1, tryNumber: 1 });
    const shown: string[] = [];
    const tail = new LogTail(source, { deliver: (events) => shown.push(...events.map((e) => e.message)), notice: () => undefined }, { since: 0, pollMs: 200 });
    assert.equal(await ended(source, tail), 'The task ended: failed. The log above is complete.');
    tail.stop();
    await tail.done;
    assert.ok(shown.some((l) => /ERROR - Task failed with exception/.test(l)), shown.join('\n'));
    assert.ok(shown.includes('ValueError: expected 5 orders, found 3: the upstream export is incomplete'), shown.join('\n'));

    assert.equal(await clearTaskInstances(client, run.dagId, run.runId, ['check_orders']), 1);
    const again = await airflow.waitFor<{ state: string; try_number: number }>(`/dags/failing_task_example/dagRuns/${encodeURIComponent(run.runId)}/taskInstances/check_orders`, (t) => t.try_number === 2 && t.state === 'failed', 180_000);
    assert.equal(again.state, 'failed');
    const second = await getTaskInstance(client, { dagId: run.dagId, runId: run.runId, taskId: 'check_orders', mapIndex: -1 });
    assert.equal(second.tryNumber, 2);
    await markRun(client, run.dagId, run.runId, 'success');
    assert.equal((await airflow.get<{ state: string }>(`/dags/failing_task_example/dagRuns/${encodeURIComponent(run.runId)}`)).state, 'success');
  });

  it('a DAG the deployment does not have and a run id that exists come back as typed problems with Airflow\'s detail', async () => {
    await assert.rejects(triggerRun(client, 'not_deployed_yet', {}), (err: unknown) => err instanceof AirflowProblem && err.kind === 'notFound' && /not_deployed_yet/.test(err.message));
    await triggerRun(client, 'bad_tempfile_example', {}, undefined, 'fixed_run_id');
    await assert.rejects(triggerRun(client, 'bad_tempfile_example', {}, undefined, 'fixed_run_id'), (err: unknown) => err instanceof AirflowProblem && err.status === 409);
  });
});

describe('Airflow runs against the demo\'s fake Airflow (its simulated runs)', () => {
  let fake: FakeAirflow;
  let client: AirflowClient;
  before(async () => {
    fake = await startFakeAirflow();
    seedFromFolder(fake, path.join(repoRoot, 'sample-dags', 'dags'));
    Object.assign(fake.sim, { queueMs: 100, taskMs: 800, lineMs: 100 });
    client = await AirflowClient.connect({ baseUrl: fake.url, credentials: { kind: 'password', username: fake.username, password: fake.password } });
  });
  after(() => fake.close());

  it('a triggered run goes green task by task and each task log is followed to its end with every line once', async () => {
    const run = await triggerRun(client, 'etl_taskflow', {});
    const source = new TaskLogSource(client, { dagId: 'etl_taskflow', runId: run.runId, taskId: 'transform', mapIndex: -1, tryNumber: 1 });
    const shown: string[] = [];
    const tail = new LogTail(source, { deliver: (events) => shown.push(...events.map((e) => e.message)), notice: () => undefined }, { since: 0, pollMs: 150 });
    assert.equal(await source.finished, 'The task ended: success. The log above is complete.');
    tail.stop();
    await tail.done;
    const steps = shown.filter((l) => /transform: step \d+ of 7/.test(l)).map((l) => Number(/step (\d+)/.exec(l)?.[1]));
    assert.deepEqual(steps, [1, 2, 3, 4, 5, 6, 7], shown.join('\n'));
    const end = await followRun(client, 'etl_taskflow', run.runId, { intervalMs: 100, signal: AbortSignal.timeout(20_000), changed: () => undefined, failed: () => false });
    assert.equal(end?.state, 'success');
  });

  it('the failing sample task fails with its exception; clear gives it a second try; the params come from its source; a taken run id is a 409', async () => {
    assert.deepEqual((await dagParams(client, 'failing_task_example')).map((p) => [p.name, p.default, p.schema]), [['expected_orders', 5, { type: 'integer', minimum: 1 }]]);
    const run = await triggerRun(client, 'failing_task_example', {}, undefined, 'demo_run');
    await assert.rejects(triggerRun(client, 'failing_task_example', {}, undefined, 'demo_run'), (err: unknown) => err instanceof AirflowProblem && err.status === 409);
    const end = await followRun(client, run.dagId, run.runId, { intervalMs: 100, signal: AbortSignal.timeout(20_000), changed: () => undefined, failed: () => false });
    assert.equal(end?.state, 'failed');
    const source = new TaskLogSource(client, { dagId: run.dagId, runId: run.runId, taskId: 'check_orders', mapIndex: -1, tryNumber: 1 });
    const shown: string[] = [];
    const tail = new LogTail(source, { deliver: (events) => shown.push(...events.map((e) => e.message)), notice: () => undefined }, { since: 0, pollMs: 100 });
    await source.finished;
    tail.stop();
    assert.ok(shown.some((l) => l.startsWith('ValueError: expected … orders, found …')), shown.join('\n'));
    await clearTaskInstances(client, run.dagId, run.runId, ['check_orders']);
    assert.equal((await getTaskInstance(client, { dagId: run.dagId, runId: run.runId, taskId: 'check_orders', mapIndex: -1 })).tryNumber, 2);
  });
});
