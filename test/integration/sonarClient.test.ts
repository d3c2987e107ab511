import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readGitState } from '../../src/core/git/git';
import type { SonarIssue } from '../../src/core/sonar/api';
import { SonarClient, SonarProblem } from '../../src/core/sonar/client';
import type { Logger } from '../../src/core/log';
import { FAKE_SONAR_TOKEN, sampleProject, SAMPLE_PROJECT_KEY, startFakeSonar, type FakeSonar } from '../support/fakeSonar';

function manyIssues(count: number): SonarIssue[] {
  return Array.from({ length: count }, (_, i) => ({
    key: `I${i}`, rule: 'python:S1', severity: 'MAJOR', component: `${SAMPLE_PROJECT_KEY}:dags/f${i % 50}.py`, line: 1 + (i % 40), message: `m${i}`, type: 'CODE_SMELL',
  }));
}

describe('Sonar client against a local Sonar Web API', () => {
  let sonar: FakeSonar;
  const lines: string[] = [];
  const logger: Logger = { debug: (m) => lines.push(m), info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) };
  const client = (token: string | undefined = FAKE_SONAR_TOKEN) => new SonarClient(sonar.url, token, logger);

  before(async () => { sonar = await startFakeSonar(); });
  after(() => sonar.close());
  beforeEach(() => {
    sonar.reset();
    sonar.seed(sampleProject());
    lines.length = 0;
  });

  it('validates a token, and says when it is not valid', async () => {
    assert.equal(await client().validate(), true);
    assert.equal(await client('wrong').validate(), false);
  });

  it('sends the token only as a Bearer header, never in the URL or the log', async () => {
    await client().issues(SAMPLE_PROJECT_KEY, { branch: 'main' });
    assert.ok(sonar.requests.every((r) => r.authorized));
    assert.ok(sonar.requests.every((r) => !JSON.stringify(r.query).includes(FAKE_SONAR_TOKEN)));
    assert.ok(lines.length > 0);
    assert.ok(lines.every((l) => !l.includes(FAKE_SONAR_TOKEN)));
  });

  it('reads unresolved issues with their components, hotspots to review, the gate and the analysis revision', async () => {
    const c = client();
    const issues = await c.issues(SAMPLE_PROJECT_KEY, { branch: 'main' });
    assert.equal(issues.issues.length, 4);
    assert.equal(issues.total, 4);
    assert.ok(issues.components.some((k) => k.path === 'dags/bad_tempfile_example.py'));
    const search = sonar.requests.find((r) => r.path === 'api/issues/search')!;
    assert.deepEqual(search.query, { resolved: 'false', ps: '500', p: '1', branch: 'main', components: SAMPLE_PROJECT_KEY }, 'components, not the deprecated componentKeys; no additionalFields=_all');
    assert.equal((await c.hotspots(SAMPLE_PROJECT_KEY, { branch: 'main' })).items[0].ruleKey, 'python:S5443');
    assert.equal(sonar.requests.find((r) => r.path === 'api/hotspots/search')!.query.status, 'TO_REVIEW');
    assert.equal((await c.gate(SAMPLE_PROJECT_KEY, { branch: 'main' })).conditions?.[0].metricKey, 'new_security_rating');
    assert.match((await c.lastAnalysisRevision(SAMPLE_PROJECT_KEY, 'main'))!, /abc$/);
    assert.deepEqual(await c.branches(SAMPLE_PROJECT_KEY), [{ name: 'main', isMain: true, type: 'BRANCH' }]);
    assert.equal((await c.rule('python:S5445', 'airflow-ecs')).name, 'Insecure temporary file creation methods should not be used');
  });

  it('pages through 7,200 issues: page 1, then 2..15 with at most 4 in flight', async () => {
    sonar.seed({ ...sampleProject(), issues: { main: manyIssues(7200) } });
    sonar.latencyMs = 20;
    const result = await client().issues(SAMPLE_PROJECT_KEY, { branch: 'main' });
    assert.equal(result.issues.length, 7200);
    assert.equal(result.pages, 15);
    assert.deepEqual(result.issues.slice(0, 3).map((i) => i.key), ['I0', 'I1', 'I2']);
    assert.equal(result.issues.at(-1)!.key, 'I7199');
    const pages = sonar.requests.filter((r) => r.path === 'api/issues/search').map((r) => Number(r.query.p));
    assert.equal(pages[0], 1);
    assert.equal(sonar.peakInFlight, 4);
    assert.deepEqual([...pages].sort((a, b) => a - b), Array.from({ length: 15 }, (_, i) => i + 1));
  });

  it('stops at the 10,000 cap and reports the real total', async () => {
    sonar.seed({ ...sampleProject(), issues: { main: manyIssues(10_600) } });
    const result = await client().issues(SAMPLE_PROJECT_KEY, { branch: 'main' });
    assert.equal(result.issues.length, 10_000);
    assert.equal(result.total, 10_600);
    assert.equal(sonar.count('api/issues/search'), 20);
  });

  it('turns 401, 403 and 404 into typed problems that name the project or branch', async () => {
    await assert.rejects(client('expired').issues(SAMPLE_PROJECT_KEY, { branch: 'main' }), (e: SonarProblem) => e.kind === 'unauthorized' && /did not accept the Sonar token/.test(e.message));
    sonar.seed({ ...sampleProject(), key: 'secret_project', forbidden: true });
    await assert.rejects(client().gate('secret_project', {}), (e: SonarProblem) => e.kind === 'forbidden' && /Insufficient privileges/.test(e.message));
    await assert.rejects(client().branches('nope_project'), (e: SonarProblem) => e.kind === 'notFound' && /Project "nope_project" was not found/.test(e.message));
    await assert.rejects(client().issues(SAMPLE_PROJECT_KEY, { branch: 'feature/x' }), (e: SonarProblem) => e.kind === 'notFound' && /on branch "feature\/x" was not found/.test(e.message));
  });

  it('says so when the answer is not JSON, when the server is gone, and when cancelled', async () => {
    sonar.broken.add('api/qualitygates/project_status');
    await assert.rejects(client().gate(SAMPLE_PROJECT_KEY, { branch: 'main' }), (e: SonarProblem) => e.kind === 'malformed' && /api\/qualitygates\/project_status with something that is not JSON/.test(e.message));
    sonar.faults.set('api/project_branches/list', { kind: 'missing' });
    await assert.rejects(client().branches(SAMPLE_PROJECT_KEY), (e: SonarProblem) => e.kind === 'unsupported' && /has no api\/project_branches\/list \(HTTP 404/.test(e.message) && !/projectKey/.test(e.message));
    const controller = new AbortController();
    sonar.latencyMs = 500;
    const pending = client().gate(SAMPLE_PROJECT_KEY, { branch: 'main' }, controller.signal);
    controller.abort();
    await assert.rejects(pending, (e: SonarProblem) => e.kind === 'aborted');
    await assert.rejects(new SonarClient('http://127.0.0.1:1', 't', logger).validate(), (e: SonarProblem) => e.kind === 'network' && /Could not reach http:\/\/127\.0\.0\.1:1/.test(e.message));
  });

  it('reads branch, HEAD and the HEAD file with git', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'airflow-ecs-git-'));
    try {
      const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } }).toString().trim();
      git('init', '-q', '-b', 'feature/dags');
      fs.writeFileSync(path.join(dir, 'a.py'), 'x = 1\n');
      git('add', '.');
      git('commit', '-q', '-m', 'one');
      const state = await readGitState(dir);
      assert.equal(state?.branch, 'feature/dags');
      assert.equal(state?.head, git('rev-parse', 'HEAD'));
      assert.equal(fs.realpathSync(state!.headFile), fs.realpathSync(path.join(dir, '.git', 'HEAD')));
      git('checkout', '-q', '--detach');
      assert.equal((await readGitState(dir))?.branch, undefined);
      assert.equal(await readGitState(os.tmpdir()), undefined);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
