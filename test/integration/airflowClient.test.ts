import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AirflowClient, AirflowProblem, type FetchLike } from '../../src/core/airflow/client';
import { listDags, listImportErrors, dagSource, getDag, latestRunOf, recentRuns } from '../../src/core/airflow/dags';
import { deployedRoots, locateImportError, relativeToDagFolder } from '../../src/core/airflow/importErrors';
import { startAirflow, type TestAirflow } from '../support/airflow';
import { repoRoot } from '../support/codeServer';
import { generatedDags, seedFromFolder, startFakeAirflow, type FakeAirflow } from '../support/fakeAirflow';

const SAMPLE_DAGS = path.join(repoRoot, 'sample-dags', 'dags');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function problemOf(p: Promise<unknown>): Promise<AirflowProblem> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof AirflowProblem, `expected an AirflowProblem, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a failure');
}

/** Node's fetch, counting the sign-ins and keeping every token handed out. */
function countingFetch(): { fetch: FetchLike; tokens: string[] } {
  const tokens: string[] = [];
  return {
    tokens,
    fetch: async (url, init) => {
      const res = await fetch(url, init);
      if (url.endsWith('/auth/token') && res.ok) {
        const body = await res.clone().json() as { access_token: string };
        tokens.push(body.access_token);
      }
      return res;
    },
  };
}

describe('Airflow client against a real Airflow 3', function () {
  this.timeout(300_000);
  let airflow: TestAirflow;
  const credentials = () => ({ kind: 'password' as const, username: airflow.username, password: airflow.password });

  before(async () => {
    // Tokens that live 6 s with no leeway: renewal has to happen within the test.
    airflow = await startAirflow({ dagsFolder: SAMPLE_DAGS, env: { AIRFLOW__API_AUTH__JWT_EXPIRATION_TIME: '6', AIRFLOW__API_AUTH__JWT_LEEWAY: '0' } });
    await airflow.waitFor<{ total_entries: number }>('/importErrors', (b) => b.total_entries > 0, 120_000);
    await airflow.waitFor<{ total_entries: number }>('/dags', (b) => b.total_entries >= 5, 120_000);
  });
  after(async () => { await airflow?.stop(); });

  it('detects Airflow 3 from its version endpoint and lists every sample DAG with its fields', async () => {
    const client = await AirflowClient.connect({ baseUrl: airflow.url, credentials: credentials() });
    assert.equal(client.api, 'v2');
    assert.match(client.version.version, /^3\./);
    const dags = await listDags(client);
    assert.deepEqual(dags.map((d) => d.dagId), ['bad_tempfile_example', 'etl_taskflow', 'failing_task_example', 'orders_report', 'sensor_branching']);
    const etl = dags.find((d) => d.dagId === 'etl_taskflow')!;
    assert.equal(etl.schedule, '0 0 * * *');
    assert.deepEqual(etl.tags.sort(), ['example', 'taskflow']);
    assert.deepEqual(etl.owners, ['data-engineering']);
    assert.equal(etl.paused, true);
    assert.ok(etl.nextRun);
    assert.equal(etl.relativeFileloc, 'etl_taskflow.py');
    assert.deepEqual(deployedRoots(dags), [SAMPLE_DAGS]);
    assert.equal((await getDag(client, 'etl_taskflow')).dagId, 'etl_taskflow');
    assert.equal(await latestRunOf(client, 'etl_taskflow'), undefined);
    assert.equal((await recentRuns(client)).size, 0);
  });

  it('maps the import error of broken_import_example.py to the line of its import', async () => {
    const client = await AirflowClient.connect({ baseUrl: airflow.url, credentials: credentials() });
    const [error] = await listImportErrors(client);
    const relative = relativeToDagFolder(error.filename, [SAMPLE_DAGS])!;
    assert.equal(relative, 'broken_import_example.py');
    const located = locateImportError(error, relative);
    const source = fs.readFileSync(path.join(SAMPLE_DAGS, relative), 'utf8').split('\n');
    assert.match(source[located.line - 1], /^from airflow\.providers\.snowflake/);
    assert.equal(located.message, "ModuleNotFoundError: No module named 'airflow.providers.snowflake'");
  });

  it('reads the source Airflow has of a DAG, with its version', async () => {
    const client = await AirflowClient.connect({ baseUrl: airflow.url, credentials: credentials() });
    const source = await dagSource(client, { dagId: 'etl_taskflow' });
    assert.equal(source.content, fs.readFileSync(path.join(SAMPLE_DAGS, 'etl_taskflow.py'), 'utf8'));
    assert.equal(source.version, 1);
    assert.equal((await problemOf(dagSource(client, { dagId: 'not_deployed_yet' }))).kind, 'notFound');
  });

  it('renews the token before it expires, while the old one stops working', async () => {
    const counting = countingFetch();
    const client = await AirflowClient.connect({ baseUrl: airflow.url, credentials: credentials(), fetch: counting.fetch });
    const first = counting.tokens[0];
    const until = Date.now() + 30_000;
    // Every call succeeds across the token's expiry; the client signs in again on its own.
    while (counting.tokens.length < 2 || (await fetch(`${airflow.url}/api/v2/dags?limit=1`, { headers: { Authorization: `Bearer ${first}` } })).status !== 401) {
      assert.ok(Date.now() < until, `no renewal seen; tokens issued: ${counting.tokens.length}`);
      assert.ok((await client.get<{ total_entries: number }>('/dags', { limit: 1 })).total_entries >= 4);
      await sleep(500);
    }
    assert.ok((await client.get<{ total_entries: number }>('/dags', { limit: 1 })).total_entries >= 4, 'still works after the first token expired');
  });

  it('says the API detail for wrong credentials', async () => {
    const p = await problemOf(AirflowClient.connect({ baseUrl: airflow.url, credentials: { kind: 'password', username: airflow.username, password: 'wrong' } }));
    assert.equal(p.kind, 'auth');
    assert.equal(p.detail, 'Invalid credentials');
    assert.ok(!p.message.includes('wrong'));
  });

  it('says a DAG id the deployment does not have yet is not found', async () => {
    const client = await AirflowClient.connect({ baseUrl: airflow.url, credentials: credentials() });
    const p = await problemOf(getDag(client, 'not_deployed_yet'));
    assert.equal(p.kind, 'notFound');
    assert.match(p.message, /not_deployed_yet/);
  });
});

describe('Airflow client against a local fake for failures a real one does not stage', () => {
  let fake: FakeAirflow;
  const connect = (timeoutMs?: number) => AirflowClient.connect({ baseUrl: fake.url, credentials: { kind: 'password', username: fake.username, password: fake.password }, timeoutMs });

  before(async () => { fake = await startFakeAirflow(); });
  after(() => fake.close());
  beforeEach(() => {
    fake.reset();
    seedFromFolder(fake, SAMPLE_DAGS);
  });

  it('reads the sample DAGs and the import error the fake seeds like the real one', async () => {
    const client = await connect();
    assert.deepEqual((await listDags(client)).map((d) => d.dagId), ['bad_tempfile_example', 'etl_taskflow', 'failing_task_example', 'orders_report', 'sensor_branching']);
    const [error] = await listImportErrors(client);
    assert.equal(locateImportError(error, 'broken_import_example.py').line, 14);
  });

  it('pages 1,000 DAGs at the limit with bounded parallelism', async () => {
    fake.reset();
    fake.seed(generatedDags(1000));
    fake.latencyMs = 20;
    const client = await connect();
    const before = fake.count('/api/v2/dags');
    const dags = await listDags(client);
    assert.equal(dags.length, 1000);
    assert.equal(new Set(dags.map((d) => d.dagId)).size, 1000);
    assert.equal(fake.count('/api/v2/dags') - before, 10);
    assert.ok(fake.peakInFlight <= 4, `at most 4 pages in flight, saw ${fake.peakInFlight}`);
    assert.ok(fake.peakInFlight > 1, 'pages after the first go in parallel');
  });

  it('names a proxy HTML page, a 5xx, a missing token endpoint and a timeout in one sentence each', async () => {
    fake.faults.set('/api/v2/dags', { kind: 'html', status: 502 });
    let client = await connect();
    const html = await problemOf(listDags(client));
    assert.equal(html.kind, 'html');
    assert.ok(!html.message.includes('<'));

    fake.faults.set('/api/v2/dags', { kind: 'status', status: 503, detail: 'Scheduler is starting' });
    assert.match((await problemOf(listDags(client))).message, /HTTP 503: Scheduler is starting/);

    fake.faults.clear();
    fake.noTokenEndpoint = true;
    assert.equal((await problemOf(connect())).kind, 'noTokenEndpoint');

    fake.noTokenEndpoint = false;
    client = await connect(300);
    fake.faults.set('/api/v2/importErrors', { kind: 'slow', ms: 2000 });
    assert.equal((await problemOf(listImportErrors(client))).kind, 'timeout');
  });

  it('signs in again once when the server refuses a token it handed out', async () => {
    fake.tokenLifetimeSec = 1;
    const client = await connect();
    const issued = fake.tokensIssued;
    await sleep(1100);
    assert.equal((await listDags(client)).length, 5);
    assert.equal(fake.tokensIssued, issued + 1);
  });
});
