import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot, startCodeServer, type CodeServer } from '../support/codeServer';
import { openWorkbench, payloadUrl, type Workbench } from '../support/workbench';
import { FAKE_SONAR_TOKEN, LARGE_ISSUES, largeProject, sampleProject, startFakeSonar, writeLargeWorkspace, type FakeSonar } from '../support/fakeSonar';
import { packagedVsix } from './vsix';

describe('UI: SonarCloud findings and the quality gate as a person sees them', () => {
  let workspace: string;
  let sonar: FakeSonar;
  let server: CodeServer;
  let workbench: Workbench;

  before(async () => {
    sonar = await startFakeSonar();
    sonar.seed(sampleProject());
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'airflow-ecs-ui-quality-'));
    fs.cpSync(path.join(repoRoot, 'sample-dags'), workspace, { recursive: true });
    server = await startCodeServer({ workspace, installVsix: packagedVsix(), machineSettings: { 'airflowEcs.sonar.hostUrl': sonar.url } });
    workbench = await openWorkbench(payloadUrl(server.url, server.port, { folder: workspace }));
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await workbench?.screenshot(`ui-quality-failed-${Date.now()}`);
  });

  after(async () => {
    await workbench?.close();
    await server?.stop();
    await sonar?.close();
    fs.rmSync(workspace, { recursive: true, force: true });
  });

  it('signs in through a password box and shows the failing gate in the status bar', async () => {
    const { page } = workbench;
    await workbench.runCommand('Airflow on ECS: Sign in to SonarCloud');
    await workbench.enterPassword(FAKE_SONAR_TOKEN);
    const gate = page.locator('.statusbar-item', { hasText: 'Quality gate: Failed' });
    await gate.waitFor({ timeout: 30_000 });
    assert.ok(sonar.requests.every((r) => r.path === 'api/authentication/validate' || r.authorized));
    await workbench.screenshot('quality-status-bar');
  });

  it('underlines the finding in the editor, lists it in Problems and offers the code actions', async () => {
    const { page } = workbench;
    await workbench.openFileAt('bad_tempfile_example.py', 43); // The finding's line.
    await page.locator('.monaco-editor .squiggly-error').first().waitFor({ timeout: 30_000 });

    await page.keyboard.press('Control+Shift+M');
    const problems = page.locator('.markers-panel');
    await problems.locator('.monaco-list-row', { hasText: "Use 'NamedTemporaryFile' instead of 'mktemp'." }).first().waitFor({ timeout: 15_000 });
    assert.match(await problems.innerText(), /SonarCloud/);
    await workbench.screenshot('quality-problems');

    await page.locator('.monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+Home');
    await page.keyboard.press('F8');
    await page.locator('.marker-widget').first().waitFor({ timeout: 15_000 });
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+.');
    const menu = page.locator('.action-widget');
    await menu.locator('.action-label, .title', { hasText: 'Open on SonarCloud' }).first().waitFor({ timeout: 15_000 });
    assert.match(await menu.innerText(), /Show rule description/);
    await workbench.screenshot('quality-code-actions');
    await page.keyboard.press('Escape');
  });

  it('lists the gate conditions and finding counts in the Quality view', async () => {
    await workbench.clickActivityBar('Airflow on ECS');
    const gate = workbench.treeRow('Quality gate: Failed');
    await gate.waitFor({ timeout: 15_000 });
    const condition = workbench.treeRow('new_security_rating');
    await condition.waitFor();
    assert.match(await condition.innerText(), /ERROR · E, threshold A/);
    assert.match(await workbench.treeRow('Errors').first().innerText(), /1/);
    await workbench.screenshot('quality-view');
  });

  it('refreshes the findings from the title after a click on a row', async () => {
    await workbench.treeRow('new_security_rating').first().click();
    const before = sonar.count('api/issues/search');
    await workbench.page.mouse.move(0, 0);
    await workbench.viewTitleAction('Quality', 'Refresh SonarCloud Findings');
    for (let i = 0; sonar.count('api/issues/search') === before; i++) {
      assert.ok(i < 300, 'the title action made no api/issues/search request');
      await new Promise((r) => setTimeout(r, 100));
    }
    await workbench.treeRow('Quality gate: Failed').first().waitFor();
  });
});

describe('UI: 10,000 SonarCloud findings on 500 files, and each partial failure, as a person sees them', () => {
  let workspace: string;
  let sonar: FakeSonar;
  let server: CodeServer;
  let workbench: Workbench;
  const problemsPanel = () => workbench.page.locator('.markers-panel');
  /** What the Problems panel says it shows ("Showing 10000 problems"), read from its own label. */
  const problemsShown = () => workbench.page.locator('#markers-panel-arialabel').getAttribute('aria-label');
  const gateItem = () => workbench.page.locator('.statusbar-item', { hasText: /Quality gate|No quality gate/ }).first();

  /** Refreshes from the palette and shows the Quality view (clicking its activity bar item when it is active would hide it). */
  async function refreshFindings(): Promise<void> {
    await workbench.page.mouse.move(5, 5);
    await workbench.runCommand('Airflow on ECS: Refresh SonarCloud Findings');
    if (!(await workbench.page.locator('.part.sidebar .pane-header', { hasText: 'Quality' }).first().isVisible())) await workbench.clickActivityBar('Airflow on ECS');
  }

  before(async () => {
    sonar = await startFakeSonar();
    sonar.seed(largeProject(LARGE_ISSUES));
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'airflow-ecs-ui-quality-large-'));
    writeLargeWorkspace(workspace);
    server = await startCodeServer({ workspace, installVsix: packagedVsix(), machineSettings: { 'airflowEcs.sonar.hostUrl': sonar.url } });
    workbench = await openWorkbench(payloadUrl(server.url, server.port, { folder: workspace }));
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await workbench?.screenshot(`ui-quality-large-failed-${Date.now()}`);
  });

  after(async () => {
    await workbench?.close();
    await server?.stop();
    await sonar?.close();
    fs.rmSync(workspace, { recursive: true, force: true });
  });

  it('shows every one of the 10,000 findings the API returns in the Problems panel, with counts per severity', async () => {
    const { page } = workbench;
    await workbench.runCommand('Airflow on ECS: Sign in to SonarCloud');
    await workbench.enterPassword(FAKE_SONAR_TOKEN);
    await gateItem().waitFor({ timeout: 60_000 });
    assert.equal(sonar.count('api/issues/search'), 20, 'the first 10,000 of 10,500, 500 a page');

    await page.keyboard.press('Control+Shift+M');
    await problemsPanel().waitFor({ timeout: 15_000 });
    await page.waitForFunction(() => document.querySelector('#markers-panel-arialabel')?.getAttribute('aria-label') === 'Showing 10000 problems', undefined, { timeout: 60_000 })
      .catch(async (err) => { throw new Error(`the Problems panel says "${await problemsShown()}": ${err}`); });
    // BLOCKER and CRITICAL are errors, MAJOR warnings, MINOR and INFO information: 2 : 1 : 2 of 10,000.
    const stats = await page.locator('[id="status.problems"]').first().evaluate((el) => el.getAttribute('aria-label') ?? el.querySelector('[aria-label]')?.getAttribute('aria-label'));
    assert.equal(stats, 'Errors: 4000, Warnings: 2000, Infos: 4000');
    assert.equal(await problemsPanel().getByText(/Not showing \d+ further/).count(), 0);
    await workbench.screenshot('quality-large-problems');

    await workbench.clickActivityBar('Airflow on ECS');
    await workbench.focusView('Quality');
    await workbench.treeRow('Errors').first().waitFor({ timeout: 15_000 });
    assert.match(await workbench.treeRow('Errors').first().innerText(), /4,000/);
    assert.match(await workbench.treeRow('Information').first().innerText(), /4,000/, 'INFO findings are information, listed and counted');
  });

  it('underlines dags/generated/dag_0100.py, lists its row in Problems, and sums it up in the status bar', async () => {
    const { page } = workbench;
    await workbench.openFileAt('dag_0100.py', 1);
    await page.locator('.monaco-editor .squiggly-error').first().waitFor({ timeout: 30_000 });

    const filter = page.locator('.part.panel input[placeholder^="Filter"]').first();
    await filter.click();
    await filter.fill('dag_0100');
    const row = problemsPanel().locator('.monaco-list-row', { hasText: 'dag_0100.py' }).first();
    await row.waitFor({ timeout: 15_000 });
    assert.match(await row.innerText(), /20/, 'all 20 findings of the file');
    await problemsPanel().locator('.monaco-list-row', { hasText: 'Code Smell: Large finding 100.' }).first().waitFor({ timeout: 15_000 });
    await workbench.screenshot('quality-large-dag_0100');
    await filter.fill('');

    // The status bar's accessible label: the active file's findings in words, no Markdown, no codicons.
    await page.waitForFunction(() => [...document.querySelectorAll('.statusbar-item [aria-label], .statusbar-item[aria-label]')]
      .some((el) => (el.getAttribute('aria-label') ?? '').includes('20 findings in this file, 20 blocker.')), undefined, { timeout: 15_000 });
    const label = await gateItem().evaluate((el) => el.getAttribute('aria-label') ?? el.querySelector('[aria-label]')?.getAttribute('aria-label') ?? '');
    assert.match(label, /^SonarCloud, airflow-ecs_dags, branch main: Quality gate: Failed\. 20 findings in this file, 20 blocker\./);
    assert.ok(!/\*\*|\$\(/.test(label), label);
  });

  it('hotspots answering 500: one sentence names the endpoint and page; the findings stay', async () => {
    sonar.faults.set('api/hotspots/search', { kind: 'status', status: 500 });
    try {
      await refreshFindings();
      const row = workbench.treeRow('api/hotspots/search page 1').first();
      await row.waitFor({ timeout: 30_000 });
      assert.match(await row.innerText(), /^Hotspots (not loaded|as of \d\d:\d\d, the last refresh failed): .* answered HTTP 500 for api\/hotspots\/search page 1/);
      assert.equal(await problemsShown(), 'Showing 10000 problems');
      await workbench.screenshot('quality-partial-hotspots');
    } finally {
      sonar.faults.clear();
    }
  });

  it('issues page 2 cut off: says which page and what was kept; the gate still shows', async () => {
    sonar.faults.set('api/issues/search', { kind: 'truncated', page: 2 });
    try {
      await refreshFindings();
      const row = workbench.treeRow('api/issues/search page 2').first();
      await row.waitFor({ timeout: 30_000 });
      assert.match(await row.innerText(), /^Issues incomplete: .* answered api\/issues\/search page 2 with something that is not JSON; showing the [\d,]+ of 10,000 from the pages that loaded\./);
      await workbench.treeRow('Quality gate: Failed').first().waitFor();
    } finally {
      sonar.faults.clear();
    }
  });

  it('no api/project_branches/list: says so without blaming sonar.projectKey, and shows the branch anyway', async () => {
    sonar.faults.set('api/project_branches/list', { kind: 'missing' });
    try {
      await refreshFindings();
      const row = workbench.treeRow('Branch list not loaded').first();
      await row.waitFor({ timeout: 30_000 });
      const text = await row.innerText();
      assert.match(text, /has no api\/project_branches\/list \(HTTP 404/);
      assert.ok(!text.includes('projectKey'), text);
      await page().waitForFunction(() => document.querySelector('#markers-panel-arialabel')?.getAttribute('aria-label') === 'Showing 10000 problems', undefined, { timeout: 30_000 });
    } finally {
      sonar.faults.clear();
    }
  });

  it('a revoked token (401): a Sign In button, and the last good findings marked "as of HH:MM"', async () => {
    sonar.token = 'rotated';
    try {
      await refreshFindings();
      const toast = await workbench.waitForNotification('did not accept the Sonar token');
      assert.match(await toast.innerText(), /Sign in with a new token/);
      await toast.locator('.monaco-button', { hasText: 'Sign In' }).first().waitFor();
      const row = workbench.treeRow('the last refresh failed').first();
      await row.waitFor({ timeout: 30_000 });
      assert.match(await row.innerText(), /^Findings and gate as of \d\d:\d\d, the last refresh failed: .*did not accept the Sonar token/);
      assert.equal(await problemsShown(), 'Showing 10000 problems', 'the last good findings stay');
      await workbench.screenshot('quality-partial-401');
    } finally {
      sonar.token = FAKE_SONAR_TOKEN;
    }
  });

  const page = () => workbench.page;
});
