import * as assert from 'node:assert/strict';
import { AirflowClient } from '../../src/core/airflow/client';
import { listDags, listImportErrors, recentRuns } from '../../src/core/airflow/dags';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BatchGetBuildsCommand, CodeBuildClient, ListBuildsForProjectCommand } from '@aws-sdk/client-codebuild';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeImagesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { DescribeTasksCommand, ECSClient, ListTasksCommand } from '@aws-sdk/client-ecs';
import { createEcrApi } from '../../src/core/aws/ecr';
import { clientOptions } from '../../src/core/aws/clients';
import { resolveConnection, type AwsConnection } from '../../src/core/aws/connection';
import { readImageLabels } from '../../src/core/ecr/labels';
import { silentLogger } from '../../src/core/log';
import { repoRoot } from '../support/codeServer';
import { DEMO_CLUSTER, DEMO_DAG_PROJECT, DEMO_LOG_GROUP, DEMO_REPOSITORY } from '../support/demo/deployment';
import { startDemo, type Demo } from '../support/demo/server';

describe('demo: the environment npm start seeds, read with the real SDK', () => {
  let dir: string;
  let demo: Demo;
  let conn: AwsConnection;
  let saved: Record<string, string | undefined>;
  const git = (...args: string[]) => execFileSync('git', args, { cwd: demo.workspace, encoding: 'utf8' }).trim();

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'airflow-ecs-demo-'));
    demo = await startDemo({ repoRoot, dir, workerLogEveryMs: 300 });
    // What the VS Code server gets, so the SDK resolves credentials and region as the extension's would.
    saved = Object.fromEntries(Object.keys(demo.env).map((k) => [k, process.env[k]]));
    Object.assign(process.env, demo.env);
    conn = await resolveConnection({ profile: '', region: '', endpoint: demo.awsUrl });
  });

  after(async () => {
    for (const [k, v] of Object.entries(saved ?? {})) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await demo?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('signs with the demo\'s own credentials in us-east-1, never ~/.aws', () => {
    // No profile is chosen: the SDK's default chain takes the demo's environment keys first.
    assert.equal(conn.profile, undefined);
    assert.equal(conn.source, 'env');
    assert.equal(conn.region, 'us-east-1');
    assert.ok(process.env.AWS_CONFIG_FILE!.startsWith(dir) && process.env.AWS_SHARED_CREDENTIALS_FILE!.startsWith(dir));
  });

  it('makes the workspace a pushed git repository of four commits', () => {
    assert.equal(git('rev-list', '--count', 'HEAD'), '4');
    assert.equal(git('status', '--porcelain'), '');
    assert.equal(git('rev-parse', '@{upstream}'), git('rev-parse', 'HEAD'));
    assert.ok(fs.existsSync(path.join(demo.workspace, 'infra', 'compose', 'docker-compose.yml')));
  });

  it('labels every image with its build number and a commit of the workspace, and runs the one before HEAD\'s', async () => {
    const commits = git('rev-list', '--reverse', 'HEAD').split('\n');
    const ecr = createEcrApi(conn, silentLogger);
    const { imageDetails = [] } = await new ECRClient(clientOptions(conn)).send(new DescribeImagesCommand({ repositoryName: DEMO_REPOSITORY }));
    const labelled = await Promise.all(imageDetails.map(async (d) => ({ tags: d.imageTags, digest: d.imageDigest, labels: await readImageLabels(ecr, DEMO_REPOSITORY, d.imageDigest!, undefined, 5000) })));
    const byCommit = labelled.map((l) => {
      assert.equal(l.labels.state, 'labels');
      const labels = (l.labels as { labels: Record<string, string> }).labels;
      return [l.tags?.[0], labels.BUILD_NUMBER, labels.SOURCE_VERSION];
    });
    assert.deepEqual(byCommit, commits.map((sha, i) => [`build-${41 + i}`, String(41 + i), sha]).reverse());

    const ecs = new ECSClient(clientOptions(conn));
    const { taskArns = [] } = await ecs.send(new ListTasksCommand({ cluster: DEMO_CLUSTER }));
    assert.equal(taskArns.length, 8);
    const { tasks = [] } = await ecs.send(new DescribeTasksCommand({ cluster: DEMO_CLUSTER, tasks: taskArns }));
    const deployed = labelled.find((l) => l.tags?.includes('build-43'))!.digest;
    assert.ok(tasks.every((t) => t.containers?.[0].imageDigest === deployed));
  });

  it('has past builds of both pipelines, the DAG pipeline failing on HEAD', async () => {
    const codebuild = new CodeBuildClient(clientOptions(conn));
    const { ids = [] } = await codebuild.send(new ListBuildsForProjectCommand({ projectName: DEMO_DAG_PROJECT }));
    const { builds = [] } = await codebuild.send(new BatchGetBuildsCommand({ ids }));
    assert.deepEqual(builds.map((b) => [b.buildNumber, b.buildStatus]), [[20, 'FAILED'], [19, 'SUCCEEDED'], [18, 'SUCCEEDED'], [17, 'SUCCEEDED']]);
    assert.equal(builds[0].resolvedSourceVersion, git('rev-parse', 'HEAD'));
    assert.equal(builds[0].phases?.find((p) => p.phaseStatus === 'FAILED')?.phaseType, 'BUILD');
    const logs = new CloudWatchLogsClient(clientOptions(conn));
    const { events = [] } = await logs.send(new FilterLogEventsCommand({ logGroupName: builds[0].logs!.groupName, logStreamNames: [builds[0].logs!.streamName!] }));
    assert.match(events.map((e) => e.message).join('\n'), /Quality gate ERROR: new_security_rating/);
    assert.ok(events.every((e) => e.timestamp! < Date.now() - 60 * 60_000), 'a past build logged at its own time');
  });

  it('keeps the workers logging', async () => {
    const logs = new CloudWatchLogsClient(clientOptions(conn));
    const count = async () => {
      let total = 0;
      let nextToken: string | undefined;
      do {
        const page = await logs.send(new FilterLogEventsCommand({ logGroupName: DEMO_LOG_GROUP, logStreamNamePrefix: 'worker/', nextToken }));
        total += page.events?.length ?? 0;
        nextToken = page.nextToken;
      } while (nextToken);
      return total;
    };
    const before = await count();
    assert.ok(before > 100, `fifteen minutes of history (${before} events)`);
    const deadline = Date.now() + 10_000;
    while ((await count()) === before) {
      assert.ok(Date.now() < deadline, 'no new worker line within 10 s');
      await new Promise((r) => setTimeout(r, 100));
    }
  });

  it('answers SonarCloud requests with its token only, with the failing gate', async () => {
    const get = (p: string, token?: string) => fetch(`${demo.sonarUrl}/${p}`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
    assert.deepEqual(await (await get('api/authentication/validate', demo.sonarToken)).json(), { valid: true });
    assert.deepEqual(await (await get('api/authentication/validate', 'squ_fake_token_0123456789')).json(), { valid: false });
    const gate = await (await get('api/qualitygates/project_status?projectKey=airflow-ecs_dags&branch=main', demo.sonarToken)).json() as { projectStatus: { status: string; conditions: { metricKey: string; status: string }[] } };
    assert.equal(gate.projectStatus.status, 'ERROR');
    assert.equal(gate.projectStatus.conditions.find((c) => c.status === 'ERROR')?.metricKey, 'new_security_rating');
  });
  it('answers the Airflow 3 API with its password only: the workspace DAGs with runs, the import error', async () => {
    const client = await AirflowClient.connect({ baseUrl: demo.airflowUrl, credentials: { kind: 'password', username: demo.airflowUser, password: demo.airflowPassword } });
    const dags = await listDags(client);
    assert.deepEqual(dags.map((d) => d.dagId), ['bad_tempfile_example', 'etl_taskflow', 'failing_task_example', 'orders_report', 'sensor_branching']);
    assert.equal((await recentRuns(client)).get('sensor_branching')?.state, 'failed');
    const [error] = await listImportErrors(client);
    assert.equal(error.filename, 'broken_import_example.py');
    await assert.rejects(AirflowClient.connect({ baseUrl: demo.airflowUrl, credentials: { kind: 'password', username: demo.airflowUser, password: 'guess' } }), /Invalid credentials/);
  });
});
