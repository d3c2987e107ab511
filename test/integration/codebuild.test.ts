import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createCodeBuildApi, type CodeBuildApi } from '../../src/core/aws/codebuild';
import { resolveConnection } from '../../src/core/aws/connection';
import { AwsProblem } from '../../src/core/aws/errors';
import { upstreamState } from '../../src/core/git/upstream';
import { failureReason, outcome, parseEnvironment, type EnvironmentOverride } from '../../src/core/pipeline/buildModel';
import { BuildWatcher, type WatcherTiming } from '../../src/core/pipeline/buildWatcher';
import { silentLogger } from '../../src/core/log';
import { startFakeAws, type FakeAws } from '../support/fakeAws';
import type { FakeCodeBuild } from '../support/fakeAws/codebuild';
import { withAwsProfileFiles } from '../support/awsProfiles';

const fastTiming: WatcherTiming = {
  minMs: 50, maxMs: 200,
  sleep: (ms, signal) => new Promise((resolve) => { const t = setTimeout(resolve, ms); signal.addEventListener('abort', () => { clearTimeout(t); resolve(); }); }),
};

describe('CodeBuild against the local AWS endpoint (real SDK)', () => {
  let aws: FakeAws;
  let codebuild: FakeCodeBuild;
  let api: CodeBuildApi;
  let restore: () => void;

  before(async () => {
    ({ aws, codebuild } = await startFakeAws());
    restore = withAwsProfileFiles();
    api = createCodeBuildApi(await resolveConnection({ profile: 'test', region: '', endpoint: aws.url }), silentLogger);
  });
  after(async () => {
    restore();
    aws.reset();
    await aws.close();
  });
  beforeEach(() => aws.reset());

  function watchToEnd(id: string): Promise<{ seen: string[]; build: import('../../src/core/aws/codebuild').Build }> {
    const seen: string[] = [];
    return new Promise((resolve) => {
      const watcher = new BuildWatcher(async () => api, (b) => seen.push(b.phases?.at(-1)?.phaseType ?? ''), (build) => resolve({ seen, build }), silentLogger, fastTiming);
      watcher.watch(id);
    });
  }

  it('starts a build for a commit and follows its phases to success', async () => {
    codebuild.seed([{ name: 'airflow-dags', phaseMs: 40 }]);
    const build = await api.startBuild({ project: 'airflow-dags', sourceVersion: 'abc123', environment: [{ name: 'DRY_RUN', value: '1' }] });
    assert.equal(build.buildNumber, 1);
    assert.equal(build.sourceVersion, 'abc123');
    const { seen, build: final } = await watchToEnd(build.id!);
    assert.equal(outcome(final), 'succeeded');
    assert.ok(seen.length >= 3, `saw ${seen.join(',')}`);
    assert.deepEqual(await api.listBuildIds('airflow-dags', 10), [build.id]);
  });

  it('sends ssm: and secret: overrides as PARAMETER_STORE and SECRETS_MANAGER, the rest as PLAINTEXT', async () => {
    codebuild.seed([{ name: 'airflow-dags', phaseMs: 10_000 }]);
    const environment = parseEnvironment('DB_PASSWORD=ssm:/airflow/db; SONAR_TOKEN=secret:sonar-token; DRY_RUN=1') as EnvironmentOverride[];
    const build = await api.startBuild({ project: 'airflow-dags', environment });
    assert.deepEqual(build.environment?.environmentVariables, [
      { name: 'DB_PASSWORD', value: '/airflow/db', type: 'PARAMETER_STORE' },
      { name: 'SONAR_TOKEN', value: 'sonar-token', type: 'SECRETS_MANAGER' },
      { name: 'DRY_RUN', value: '1', type: 'PLAINTEXT' },
    ]);
    await api.stopBuild(build.id!);
  });

  it('the fake refuses an override type outside the API enum, as CodeBuild does', async () => {
    codebuild.seed([{ name: 'airflow-dags' }]);
    await assert.rejects(api.startBuild({ project: 'airflow-dags', environment: [{ name: 'X', value: '1', type: 'SECRET' as 'PLAINTEXT' }] }),
      (err: unknown) => err instanceof AwsProblem && /environmentVariablesOverride\.1\.member\.type/.test(err.message));
  });

  it('reports the quality gate failure with its message', async () => {
    codebuild.seed([{ name: 'gate', phaseMs: 30, failAt: { phase: 'BUILD', message: 'Quality gate failed: new_security_rating E (threshold A)' } }]);
    const build = await api.startBuild({ project: 'gate' });
    const { build: final } = await watchToEnd(build.id!);
    assert.equal(outcome(final), 'failed');
    assert.equal(failureReason(final), 'BUILD failed: Quality gate failed: new_security_rating E (threshold A)');
  });

  it('stops and retries a build', async () => {
    codebuild.seed([{ name: 'p', phaseMs: 10_000 }]);
    const build = await api.startBuild({ project: 'p' });
    const stopped = await api.stopBuild(build.id!);
    assert.equal(stopped?.buildStatus, 'STOPPED');
    const retried = await api.retryBuild(build.id!);
    assert.equal(retried.buildNumber, 2);
    await api.stopBuild(retried.id!);
  });

  it('reads 150 builds in two BatchGetBuilds calls', async () => {
    codebuild.seed([{ name: 'p', phaseMs: 60_000 }]);
    codebuild.concurrentLimit = 200;
    const ids: string[] = [];
    for (let i = 0; i < 150; i++) ids.push((await api.startBuild({ project: 'p' })).id!);
    aws.calls.length = 0;
    const builds = await api.getBuilds(ids);
    assert.equal(builds.length, 150);
    assert.equal(aws.countCalls('BatchGetBuilds'), 2);
  });

  it('says clearly what went wrong on bad input', async () => {
    codebuild.seed([{ name: 'p', knownCommits: ['good'] }]);
    const problem = (kind: AwsProblem['kind'], message: RegExp) => (err: unknown) => {
      assert.ok(err instanceof AwsProblem, String(err));
      assert.equal(err.kind, kind);
      assert.match(err.message, message);
      return true;
    };
    await assert.rejects(api.startBuild({ project: 'missing' }), problem('notFound', /"missing" does not exist in us-east-1/));
    await assert.rejects(api.startBuild({ project: 'p', sourceVersion: 'nope' }), problem('other', /Invalid source version: nope/));
    codebuild.concurrentLimit = 0;
    await assert.rejects(api.startBuild({ project: 'p', sourceVersion: 'good' }), problem('throttled', /limit of concurrent builds/));
    aws.injectFault({ operation: 'StartBuild', kind: 'accessDenied', count: 1 });
    codebuild.concurrentLimit = 5;
    await assert.rejects(api.startBuild({ project: 'p', sourceVersion: 'good' }), problem('accessDenied', /codebuild:StartBuild/));
  });
});

describe('upstreamState (real git)', () => {
  let dir: string;
  const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e' } });

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'airflow-upstream-'));
    git(dir, 'init', '-q', '--bare', 'origin.git');
    git(dir, 'init', '-q', '-b', 'main', 'work');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('tells no upstream, pushed, and commits ahead apart', async () => {
    const work = path.join(dir, 'work');
    git(work, 'commit', '-q', '--allow-empty', '-m', 'first');
    assert.deepEqual(await upstreamState(work), { ahead: 0 });
    git(work, 'remote', 'add', 'origin', path.join(dir, 'origin.git'));
    git(work, 'push', '-q', '-u', 'origin', 'main');
    assert.deepEqual(await upstreamState(work), { upstream: 'origin/main', ahead: 0 });
    git(work, 'commit', '-q', '--allow-empty', '-m', 'second');
    assert.deepEqual(await upstreamState(work), { upstream: 'origin/main', ahead: 1 });
  });
});
