import * as assert from 'node:assert/strict';
import { SonarClient } from '../../src/core/sonar/client';
import { failureSentence, loadAnalysis, type Loaded } from '../../src/core/sonar/load';
import { silentLogger } from '../../src/core/log';
import { FAKE_SONAR_TOKEN, largeProject, sampleIssues, sampleProject, SAMPLE_PROJECT_KEY, SAMPLE_REVISION, startFakeSonar, type FakeSonar } from '../support/fakeSonar';

/** Each part of a load against the local Sonar, with one endpoint failing at a time. */
describe('Sonar load: issues, hotspots, gate, branches and analyses load independently', () => {
  let sonar: FakeSonar;
  const load = (req: Partial<Parameters<typeof loadAnalysis>[1]> = {}, token = FAKE_SONAR_TOKEN) =>
    loadAnalysis(new SonarClient(sonar.url, token, silentLogger), { projectKey: SAMPLE_PROJECT_KEY, localBranch: 'main', ...req });
  const sentences = (l: Loaded) => l.failures.map((f) => failureSentence(f));

  before(async () => { sonar = await startFakeSonar(); });
  after(() => sonar.close());
  beforeEach(() => {
    sonar.reset();
    sonar.seed(sampleProject());
  });

  it('loads everything when the server answers everything', async () => {
    const l = await load();
    assert.deepEqual(l.failures, []);
    assert.deepEqual(l.target, { branch: 'main' });
    assert.equal(l.issues?.issues.length, 4);
    assert.equal(l.hotspots?.items.length, 1);
    assert.equal(l.gate?.status, 'ERROR');
    assert.equal(l.revision, SAMPLE_REVISION);
  });

  it('hotspots answering 500: issues, gate and the analysis still load; one sentence names endpoint and page', async () => {
    sonar.faults.set('api/hotspots/search', { kind: 'status', status: 500 });
    const l = await load();
    assert.equal(l.issues?.issues.length, 4);
    assert.equal(l.gate?.status, 'ERROR');
    assert.equal(l.hotspots, undefined);
    assert.deepEqual(sentences(l), [`Hotspots not loaded: ${sonar.url} answered HTTP 500 for api/hotspots/search page 1 (An error has occurred. Please contact your administrator).`]);
  });

  it('issues page 2 cut off (not JSON): pages that loaded are kept, the gate loads, the sentence names page 2', async () => {
    sonar.seed(largeProject());
    sonar.faults.set('api/issues/search', { kind: 'truncated', page: 2 });
    const l = await load();
    assert.equal(l.gate?.status, 'ERROR');
    assert.ok(l.issues && l.issues.issues.length >= 500 && l.issues.issues.length < 10_000, String(l.issues?.issues.length));
    assert.deepEqual(l.failures.map((f) => [f.part, f.kept?.total]), [['issues', 10_000]]);
    assert.equal(sentences(l)[0], `Issues incomplete: ${sonar.url} answered api/issues/search page 2 with something that is not JSON; showing the ${l.issues.issues.length.toLocaleString('en-US')} of 10,000 from the pages that loaded.`);
  });

  it('no api/project_branches/list: the branch from git is used, and a sentence says so without blaming sonar.projectKey', async () => {
    sonar.faults.set('api/project_branches/list', { kind: 'missing' });
    const l = await load({ localBranch: 'main' });
    assert.deepEqual(l.target, { branch: 'main' });
    assert.equal(l.fallback, 'The branch list could not be read: showing branch main from git.');
    assert.equal(l.issues?.issues.length, 4);
    assert.deepEqual(sentences(l), [`Branch list not loaded: ${sonar.url} has no api/project_branches/list (HTTP 404 for api/project_branches/list).`]);
    assert.ok(!sentences(l).join(' ').includes('projectKey'));
  });

  it('the branch list failing with 500 and the git branch never analysed: the main branch, said so', async () => {
    sonar.faults.set('api/project_branches/list', { kind: 'status', status: 500 });
    const l = await load({ localBranch: 'feature/x' });
    assert.deepEqual(l.target, {});
    assert.equal(l.fallback, 'The branch list could not be read and branch feature/x has no analysis: showing the main branch.');
    assert.deepEqual(l.failures.map((f) => f.part), ['branches']);
    assert.match(sentences(l)[0], /^Branch list not loaded: .* answered HTTP 500 for api\/project_branches\/list \(/);
    assert.equal(l.issues?.issues.length, 4);
  });

  it('analyses failing only loses the commit check', async () => {
    sonar.faults.set('api/project_analyses/search', { kind: 'status', status: 502 });
    const l = await load();
    assert.equal(l.revision, undefined);
    assert.equal(l.issues?.issues.length, 4);
    assert.deepEqual(l.failures.map((f) => f.part), ['analyses']);
  });

  it('a 401 fails every part with the same sentence about the token', async () => {
    const l = await load({}, 'revoked');
    assert.equal(l.issues, undefined);
    assert.equal(l.gate, undefined);
    assert.ok(l.failures.every((f) => f.error.kind === 'unauthorized'), l.failures.map((f) => f.error.kind).join());
  });

  it('offers an analysed pull request of the local branch, shows it when the branch was never analysed, and keeps the branch when picked', async () => {
    sonar.seed({
      ...sampleProject(),
      pullRequests: [{ key: '42', title: 'Safer temp files', branch: 'feature/tmp', base: 'main', commit: { sha: 'abc123' } }, { key: '7', branch: 'other' }],
      issues: { main: sampleIssues(), 'pr:42': sampleIssues().slice(0, 1) },
      gate: { main: sampleProject().gate.main, 'pr:42': { status: 'OK', conditions: [] } },
      hotspots: { main: [] },
    });
    const l = await load({ localBranch: 'feature/tmp' });
    assert.deepEqual(l.target, { pullRequest: '42' });
    assert.deepEqual(l.branchPullRequests.map((p) => p.key), ['42']);
    assert.equal(l.issues?.issues.length, 1);
    assert.equal(l.gate?.status, 'OK');
    assert.equal(l.revision, 'abc123', 'the pull request carries its commit');
    assert.equal(sonar.requests.find((r) => r.path === 'api/issues/search')?.query.pullRequest, '42');
    const branch = await load({ localBranch: 'feature/tmp', preferBranch: true });
    assert.deepEqual(branch.target, { branch: 'main' });
    assert.equal(branch.fallback, 'Branch feature/tmp was never analysed: showing main.');
  });

  it('a server without pull requests (404 Unknown url) is not a failure', async () => {
    sonar.faults.set('api/project_pull_requests/list', { kind: 'missing' });
    const l = await load();
    assert.deepEqual(l.failures, []);
  });
});
