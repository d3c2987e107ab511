import * as assert from 'node:assert/strict';
import { AirflowClient, type FetchLike } from '../../src/core/airflow/client';
import { dagSource, listDags, listImportErrors, recentRuns, toDag, toRun } from '../../src/core/airflow/dags';
import { demoAirflow } from '../../src/core/airflow/demoCredentials';
import { dagRelativePath, deployedRoots, exceptionLine, locateImportError, parseFrames, relativeToDagFolder, sameDagFile } from '../../src/core/airflow/importErrors';
import { dagFileStatusText, runWords } from '../../src/core/airflow/status';
import { publishedApiPort } from '../../src/core/airflow/urls';

const MODULE_TRACE = [
  'Traceback (most recent call last):',
  '  File "<frozen importlib._bootstrap>", line 488, in _call_with_frames_removed',
  '  File "/opt/airflow/dags/broken_import_example.py", line 14, in <module>',
  '    from airflow.providers.snowflake.operators.snowflake import SnowflakeSqlApiOperator',
  "ModuleNotFoundError: No module named 'airflow.providers.snowflake'",
  '',
].join('\n');

// A DAG file importing a helper of its own that fails: the last frame in the DAG file is the import line.
const NESTED_TRACE = [
  'Traceback (most recent call last):',
  '  File "/opt/airflow/dags/team/etl.py", line 3, in <module>',
  '    from team.helpers import build',
  '  File "/opt/airflow/dags/team/etl.py", line 9, in <module>',
  '    build()',
  '  File "/opt/airflow/dags/team/helpers.py", line 5, in build',
  '    raise ValueError("no connection")',
  'ValueError: no connection',
].join('\n');

const SYNTAX_TRACE = [
  'Traceback (most recent call last):',
  '  File "/usr/local/lib/python3.12/site-packages/airflow/models/dagbag.py", line 400, in parse',
  '    loader.exec_module(new_module)',
  '  File "<frozen importlib._bootstrap_external>", line 991, in exec_module',
  '  File "/opt/airflow/dags/bad_syntax.py", line 7',
  '    def broken(:',
  '               ^',
  "SyntaxError: invalid syntax",
].join('\n');

describe('Airflow import errors: stack frames to lines', () => {
  it('reads every frame with its line, function and code', () => {
    const frames = parseFrames(MODULE_TRACE);
    assert.equal(frames.length, 2);
    assert.deepEqual(frames[1], { file: '/opt/airflow/dags/broken_import_example.py', line: 14, where: '<module>', code: 'from airflow.providers.snowflake.operators.snowflake import SnowflakeSqlApiOperator' });
    assert.equal(frames[0].code, undefined);
  });

  it('takes the last frame in the DAG file and the exception line', () => {
    assert.deepEqual({ ...locateImportError({ stackTrace: MODULE_TRACE }, 'broken_import_example.py'), frames: undefined }, { line: 14, message: "ModuleNotFoundError: No module named 'airflow.providers.snowflake'", frames: undefined });
    const nested = locateImportError({ stackTrace: NESTED_TRACE }, 'team/etl.py');
    assert.equal(nested.line, 9);
    assert.equal(nested.message, 'ValueError: no connection');
    const syntax = locateImportError({ stackTrace: SYNTAX_TRACE }, 'bad_syntax.py');
    assert.equal(syntax.line, 7);
    assert.equal(syntax.message, 'SyntaxError: invalid syntax');
  });

  it('puts an error whose trace never names the file on line 1', () => {
    assert.equal(locateImportError({ stackTrace: 'airflow.exceptions.AirflowException: Cycle detected in DAG' }, 'x.py').line, 1);
    assert.equal(exceptionLine('  File "x", line 1\n'), 'File "x", line 1');
  });

  it('matches a frame to the DAG file by the path under the DAG folder, not by the base name alone', () => {
    assert.ok(sameDagFile('/opt/airflow/dags/team/etl.py', 'team/etl.py'));
    assert.ok(!sameDagFile('/opt/airflow/dags/other/etl.py', 'team/etl.py'));
    assert.ok(!sameDagFile('/opt/airflow/dags/myetl.py', 'etl.py'));
  });
});

describe('Airflow import errors: deployed paths to the DAG folder', () => {
  const dags = [
    { fileloc: '/opt/airflow/dags/etl_taskflow.py', relativeFileloc: 'etl_taskflow.py' },
    { fileloc: '/mnt/efs/airflow/dags/team/x.py', relativeFileloc: 'team/x.py' },
  ];

  it('learns the deployed DAG folders from DAGs reported both ways', () => {
    assert.deepEqual(deployedRoots(dags), ['/mnt/efs/airflow/dags', '/opt/airflow/dags']);
    assert.deepEqual(deployedRoots([{ fileloc: '/x/y.py' }]), []);
  });

  it('keeps Airflow 3 relative names, strips a known root, else cuts at the last dags/ folder', () => {
    assert.equal(relativeToDagFolder('broken_import_example.py', []), 'broken_import_example.py');
    assert.equal(relativeToDagFolder('team/./x.py', []), 'team/x.py');
    assert.equal(relativeToDagFolder('/mnt/efs/airflow/dags/team/x.py', deployedRoots(dags)), 'team/x.py');
    assert.equal(relativeToDagFolder('/usr/local/airflow/dags/y.py', []), 'y.py');
    assert.equal(relativeToDagFolder('/srv/pipelines/y.py', []), undefined);
    assert.equal(relativeToDagFolder('', []), undefined);
  });

  it('gives a DAG its path under the DAG folder on Airflow 2 too (fileloc only)', () => {
    assert.equal(dagRelativePath({ fileloc: '/opt/airflow/dags/etl.py' }, ['/opt/airflow/dags']), 'etl.py');
    assert.equal(dagRelativePath({ fileloc: '/x', relativeFileloc: 'a/b.py' }, []), 'a/b.py');
  });
});

describe('Airflow status bar words', () => {
  const now = Date.parse('2026-01-01T12:00:00Z');
  it('says the last run of each DAG of the file, an import error, or not deployed yet with the pipeline', () => {
    assert.equal(dagFileStatusText({ kind: 'dags', dags: [{ dagId: 'etl_taskflow', lastRun: { dagId: 'etl_taskflow', runId: 'r', state: 'success', when: '2026-01-01T11:55:00Z' } }] }, now), 'etl_taskflow: success 5 min ago');
    assert.equal(dagFileStatusText({ kind: 'dags', dags: [{ dagId: 'a' }, { dagId: 'b', lastRun: { dagId: 'b', runId: 'r', state: 'running' } }] }, now), 'a: no runs yet · b: running');
    assert.equal(dagFileStatusText({ kind: 'importError' }, now), 'import error');
    assert.equal(dagFileStatusText({ kind: 'notDeployed', pipeline: { buildNumber: 12, when: new Date(now - 3 * 60_000) } }, now), 'not deployed yet (last DAG pipeline: #12, 3 min ago)');
    assert.equal(dagFileStatusText({ kind: 'notDeployed' }, now), 'not deployed yet');
    assert.equal(runWords({ dagId: 'a', runId: 'r', state: 'failed', when: '2026-01-01T09:00:00Z' }, now), 'failed 3 h ago');
  });
});

describe('Airflow URLs found for the user', () => {
  it('reads the api-server port the Local Stack publishes', () => {
    assert.equal(publishedApiPort('services:\n  airflow-apiserver:\n    image: apache/airflow:3.0.2\n    command: api-server\n    ports:\n      - "8081:8080"\n'), 8081);
    assert.equal(publishedApiPort('services:\n  web:\n    command: ["airflow", "webserver"]\n    ports:\n      - target: 8080\n        published: 9090\n'), 9090);
    assert.equal(publishedApiPort('services:\n  airflow-apiserver:\n    ports: ["127.0.0.1:8082:8080"]\n'), 8082);
    assert.equal(publishedApiPort('services:\n  airflow-scheduler:\n    ports: ["8793:8793"]\n'), undefined);
    assert.equal(publishedApiPort('services:\n  airflow-apiserver:\n    ports: ["8080"]\n'), undefined);
    assert.equal(publishedApiPort(': not yaml ['), undefined);
  });

  it('takes the demo Airflow only on plain-http loopback', () => {
    const env = { AIRFLOW_ECS_DEMO_AIRFLOW_URL: 'http://127.0.0.1:5000/', AIRFLOW_ECS_DEMO_AIRFLOW_USER: 'admin', AIRFLOW_ECS_DEMO_AIRFLOW_PASSWORD: 'pw' };
    assert.deepEqual(demoAirflow(env), { url: 'http://127.0.0.1:5000', username: 'admin', password: 'pw' });
    assert.equal(demoAirflow({ ...env, AIRFLOW_ECS_DEMO_AIRFLOW_URL: 'http://airflow.example.com' }), undefined);
    assert.equal(demoAirflow({ ...env, AIRFLOW_ECS_DEMO_AIRFLOW_PASSWORD: '' }), undefined);
  });
});

// Airflow 2.10's /api/v1 shapes, from its published OpenAPI (airflow/api_connexion/openapi/v1.yaml).
describe('Airflow 2 REST API v1: contract shapes', () => {
  const V1_DAG = {
    dag_id: 'etl_taskflow', dag_display_name: 'etl_taskflow', root_dag_id: null, is_paused: false, is_active: true, is_subdag: false,
    last_parsed_time: '2025-01-01T00:00:00+00:00', last_pickled: null, last_expired: null, scheduler_lock: null, pickle_id: null,
    default_view: 'grid', fileloc: '/opt/airflow/dags/etl_taskflow.py',
    file_token: 'Ii9vcHQvYWlyZmxvdy9kYWdzL2V0bF90YXNrZmxvdy5weSI.abc', owners: ['data-engineering'], description: 'ETL',
    schedule_interval: { __type: 'CronExpression', value: '0 0 * * *' }, timetable_description: 'At 00:00',
    tags: [{ name: 'example' }, { name: 'taskflow' }], max_active_tasks: 16, max_active_runs: 16, has_task_concurrency_limits: false,
    has_import_errors: false, next_dagrun: '2025-01-02T00:00:00+00:00', next_dagrun_data_interval_start: '2025-01-02T00:00:00+00:00',
    next_dagrun_data_interval_end: '2025-01-03T00:00:00+00:00', next_dagrun_create_after: '2025-01-03T00:00:00+00:00',
  };
  const V1_RUN = {
    dag_run_id: 'scheduled__2025-01-01T00:00:00+00:00', dag_id: 'etl_taskflow', logical_date: '2025-01-01T00:00:00+00:00',
    execution_date: '2025-01-01T00:00:00+00:00', start_date: '2025-01-02T00:00:01+00:00', end_date: '2025-01-02T00:01:00+00:00',
    data_interval_start: '2025-01-01T00:00:00+00:00', data_interval_end: '2025-01-02T00:00:00+00:00', last_scheduling_decision: null,
    run_type: 'scheduled', state: 'success', external_trigger: false, conf: {}, note: null,
  };
  const V1_IMPORT_ERROR = { import_error_id: 3, timestamp: '2025-01-01T00:00:00+00:00', filename: '/opt/airflow/dags/broken_import_example.py', stack_trace: MODULE_TRACE };

  function v1Server(): { fetch: FetchLike; urls: string[] } {
    const urls: string[] = [];
    const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
    return {
      urls,
      fetch: async (url) => {
        urls.push(url);
        const p = new URL(url).pathname;
        if (p === '/api/v2/version') return new Response('<html>Not Found</html>', { status: 404, headers: { 'content-type': 'text/html' } });
        if (p === '/api/v1/version') return json({ version: '2.10.5', git_version: null });
        if (p === '/api/v1/dags') return json({ dags: [V1_DAG], total_entries: 1 });
        if (p === '/api/v1/dags/~/dagRuns') return json({ dag_runs: [V1_RUN], total_entries: 1 });
        if (p === '/api/v1/importErrors') return json({ import_errors: [V1_IMPORT_ERROR], total_entries: 1 });
        if (p.startsWith('/api/v1/dagSources/')) return json({ content: 'print(1)\n' });
        return new Response(JSON.stringify({ detail: 'not found', status: 404, title: 'Not Found', type: 'about:blank' }), { status: 404, headers: { 'content-type': 'application/problem+json' } });
      },
    };
  }

  it('maps a v1 DAG: schedule_interval, next_dagrun, fileloc only', () => {
    const dag = toDag(V1_DAG);
    assert.equal(dag.schedule, '0 0 * * *');
    assert.equal(dag.nextRun, '2025-01-02T00:00:00+00:00');
    assert.deepEqual(dag.tags, ['example', 'taskflow']);
    assert.equal(dag.relativeFileloc, undefined);
    assert.equal(toRun(V1_RUN).when, '2025-01-02T00:01:00+00:00');
  });

  it('reads DAGs, recent runs, import errors and sources through /api/v1 with one path per call', async () => {
    const s = v1Server();
    const client = await AirflowClient.connect({ baseUrl: 'https://airflow.example.com', credentials: { kind: 'password', username: 'admin', password: 'pw' }, fetch: s.fetch });
    assert.equal(client.api, 'v1');
    assert.equal((await listDags(client))[0].dagId, 'etl_taskflow');
    assert.equal((await recentRuns(client)).get('etl_taskflow')?.state, 'success');
    assert.ok(s.urls.some((u) => u.includes('/api/v1/dags/~/dagRuns?order_by=-execution_date')));
    const [error] = await listImportErrors(client);
    assert.equal(locateImportError(error, relativeToDagFolder(error.filename, [])!).line, 14);
    assert.equal((await dagSource(client, toDag(V1_DAG))).content, 'print(1)\n');
    assert.ok(s.urls.at(-1)!.includes(`/api/v1/dagSources/${encodeURIComponent(V1_DAG.file_token)}`));
  });
});
