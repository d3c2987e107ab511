import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { demoSonarToken, DEMO_SONAR_HOST_ENV, DEMO_SONAR_TOKEN_ENV } from '../../src/core/sonar/demoToken';
import {
  demoBuilds, demoCluster, demoRepository, demoSonarProject, deployedIndex, DEMO_SERVICES, FIRST_IMAGE_BUILD, workerLines,
} from '../support/demo/deployment';
import { FIRST_FAILING_COMMIT } from '../support/demo/workspace';

const commits = ['a', 'b', 'c', 'd'].map((c, i) => ({ sha: c.repeat(40), subject: `commit ${i}` }));

describe('demo: the Sonar token npm start passes', () => {
  const env = (host: string, token = 'squ_demo_1') => ({ [DEMO_SONAR_HOST_ENV]: host, [DEMO_SONAR_TOKEN_ENV]: token });

  it('is used for exactly the demo host when it is plain-http loopback', () => {
    assert.equal(demoSonarToken('http://127.0.0.1:4100', env('http://127.0.0.1:4100/')), 'squ_demo_1');
    assert.equal(demoSonarToken('http://localhost:4100', env('http://localhost:4100')), 'squ_demo_1');
    assert.equal(demoSonarToken('http://[::1]:4100', env('http://[::1]:4100')), 'squ_demo_1');
  });

  it('is never used for another host, a non-loopback host, https, or without both variables', () => {
    assert.equal(demoSonarToken('http://127.0.0.1:4101', env('http://127.0.0.1:4100')), undefined, 'another port');
    assert.equal(demoSonarToken('https://sonarcloud.io', env('https://sonarcloud.io')), undefined, 'a real server');
    assert.equal(demoSonarToken('http://10.0.0.5:9000', env('http://10.0.0.5:9000')), undefined, 'off the machine');
    assert.equal(demoSonarToken('http://127.0.0.1.evil.example:80', env('http://127.0.0.1.evil.example:80')), undefined);
    assert.equal(demoSonarToken('https://127.0.0.1:4100', env('https://127.0.0.1:4100')), undefined, 'only the demo\'s plain http');
    assert.equal(demoSonarToken('http://127.0.0.1:4100', {}), undefined);
    assert.equal(demoSonarToken('http://127.0.0.1:4100', { [DEMO_SONAR_HOST_ENV]: 'http://127.0.0.1:4100' }), undefined);
    assert.equal(demoSonarToken('http://127.0.0.1:4100', env('http://127.0.0.1:4100', '  ')), undefined);
    assert.equal(demoSonarToken('not a url', env('not a url')), undefined);
  });
});

describe('demo: the seeded deployment', () => {
  it('labels one image per commit with its build number and commit, newest first, latest on HEAD', () => {
    const repo = demoRepository(commits);
    assert.deepEqual(repo.images.map((i) => i.tags), [['build-44', 'latest'], ['build-43'], ['build-42'], ['build-41']]);
    assert.deepEqual(repo.images.map((i) => i.labels?.SOURCE_VERSION), [...commits].reverse().map((c) => c.sha));
    assert.deepEqual(repo.images.map((i) => i.labels?.BUILD_NUMBER), ['44', '43', '42', '41']);
    assert.ok(repo.images.every((i) => i.scan === 'COMPLETE' && (i.findings?.length ?? 0) > 0));
    const pushed = repo.images.map((i) => i.pushedMinutesAgo!);
    assert.deepEqual(pushed, [...pushed].sort((a, b) => a - b), 'newer images were pushed later');
  });

  it('deploys the image before HEAD\'s, and HEAD\'s when there is only one commit', () => {
    assert.equal(deployedIndex(commits), 2);
    assert.equal(deployedIndex(commits.slice(0, 1)), 0);
  });

  it('runs every Airflow service on the deployed image, logging to one group with the service as prefix', () => {
    const cluster = demoCluster(FIRST_IMAGE_BUILD + 2, 'sha256:deployed');
    assert.deepEqual(cluster.services!.map((s) => s.name), DEMO_SERVICES.map((s) => s.name));
    assert.equal(cluster.services!.find((s) => s.name === 'worker')!.desiredCount, 3);
    for (const s of cluster.services!) {
      assert.equal(s.containers![0].imageDigest, 'sha256:deployed');
      assert.match(s.containers![0].image!, /:build-43$/);
      assert.deepEqual(s.logConfiguration!.options, { 'awslogs-group': '/ecs/airflow-ecs', 'awslogs-region': 'us-east-1', 'awslogs-stream-prefix': s.name });
    }
    const [migrate] = cluster.standaloneTasks!;
    assert.equal(migrate.lastStatus, 'STOPPED');
    assert.equal(migrate.containers![0].exitCode, 0);
  });

  it('records a deployment per earlier image, revisions before the running one; the workers\' last one rolled back', () => {
    const earlier = [{ build: FIRST_IMAGE_BUILD, digest: 'sha256:a' }, { build: FIRST_IMAGE_BUILD + 1, digest: 'sha256:b' }];
    const cluster = demoCluster(FIRST_IMAGE_BUILD + 2, 'sha256:deployed', earlier);
    const worker = cluster.services!.find((s) => s.name === 'worker')!;
    assert.deepEqual(worker.history!.map((h) => [h.revision, h.containers![0].imageDigest, h.status ?? 'SUCCESSFUL']), [
      [5, 'sha256:a', 'SUCCESSFUL'], [6, 'sha256:b', 'ROLLBACK_SUCCESSFUL'],
    ]);
    assert.equal(worker.history![1].failedTasks, 2);
    assert.ok(cluster.services!.filter((s) => s.name !== 'worker').every((s) => s.history!.every((h) => h.status === undefined)));
    assert.deepEqual(worker.containers![0].secrets, ['AIRFLOW__CELERY__BROKER_URL', 'AIRFLOW__DATABASE__SQL_ALCHEMY_CONN']);
  });

  it('numbers past image builds like the image labels, and fails DAG builds from the commit with the insecure DAG', () => {
    const { dag, image } = demoBuilds(commits, FIRST_FAILING_COMMIT);
    assert.deepEqual(image.map((b) => [b.buildNumber, b.sourceVersion, b.status]), commits.map((c, i) => [FIRST_IMAGE_BUILD + i, c.sha, 'SUCCEEDED']));
    assert.deepEqual(dag.map((b) => b.status), ['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED', 'FAILED']);
    assert.ok(dag.every((b, i) => i === 0 || b.startedMinutesAgo < dag[i - 1].startedMinutesAgo), 'oldest first');
  });

  it('keeps only Sonar findings on lines of files the workspace has, analysed at HEAD', () => {
    const lines: Record<string, number> = { 'dags/bad_tempfile_example.py': 53, 'dags/etl_taskflow.py': 51, 'dags/sensor_branching.py': 48 };
    const project = demoSonarProject('f'.repeat(40), (p) => lines[p]);
    const files = project.issues.main.map((i) => `${i.component.split(':')[1]}:${i.line}`);
    assert.deepEqual(files, ['dags/bad_tempfile_example.py:43', 'dags/etl_taskflow.py:9'], 'not line 400 of a 48-line file, not a removed file');
    assert.equal(project.hotspots.main.length, 1);
    assert.equal(project.gate.main.status, 'ERROR');
    assert.equal(project.revision.main, 'f'.repeat(40));
  });

  it('writes worker lines as Airflow does, every seventh task instance failing and retried', () => {
    const at = Date.UTC(2026, 11, 1, 9, 30, 5, 123);
    const ok = workerLines(0, at);
    assert.match(ok[0], /^\[2026-12-01T09:30:05\.123\+0000\] \{celery_executor_utils\.py:139\} INFO - \[[0-9a-f]{8}\] Executing command in Celery: \['airflow', 'tasks', 'run', 'etl_taskflow', 'extract', 'scheduled__2026-12-01T09:00:00\+00:00'/);
    assert.match(ok.at(-1)!, /INFO - Marking task as SUCCESS\. dag_id=etl_taskflow, task_id=extract/);
    const failed = workerLines(6, at);
    assert.match(failed.join('\n'), /ERROR - Task failed with exception/);
    assert.match(failed.at(-1)!, /WARNING - Marking task as UP_FOR_RETRY/);
    assert.notEqual(workerLines(1, at)[0], ok[0], 'each task instance has its own id');
  });
});

describe('install-code-server: what it needs from the system', () => {
  // A plain ES module; Node 20.19+ loads it with require().
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { planSystemPackages } = require(path.resolve(__dirname, '..', '..', '..', 'scripts', 'install-code-server.mjs')) as {
    planSystemPackages(missing: string[], how: { isRoot: boolean; hasAptGet: boolean }, neededBy?: string): { action: string; packages?: string[]; sentence?: string };
  };

  it('does nothing when nothing is missing', () => {
    assert.deepEqual(planSystemPackages([], { isRoot: false, hasAptGet: false }), { action: 'none' });
  });

  it('installs with apt-get as root', () => {
    assert.deepEqual(planSystemPackages(['ripgrep'], { isRoot: true, hasAptGet: true }), { action: 'apt-get', packages: ['ripgrep'] });
  });

  it('otherwise names the packages and the command in one sentence', () => {
    const notRoot = planSystemPackages(['ripgrep', 'libkrb5-dev'], { isRoot: false, hasAptGet: true });
    assert.equal(notRoot.action, 'tell');
    assert.equal(notRoot.sentence, 'code-server needs the system packages ripgrep libkrb5-dev: install them (on Debian or Ubuntu: sudo apt-get install -y ripgrep libkrb5-dev) and run npm start again.');
    const noApt = planSystemPackages(['ripgrep'], { isRoot: true, hasAptGet: false });
    assert.match(noApt.sentence!, /^code-server needs the system package ripgrep: install it \(/);
    assert.match(planSystemPackages(['git'], { isRoot: false, hasAptGet: true }, 'The demo workspace').sentence!, /^The demo workspace needs the system package git: /);
  });
});
