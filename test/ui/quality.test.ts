import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot, startCodeServer, type CodeServer } from '../support/codeServer';
import { openWorkbench, payloadUrl, type Workbench } from '../support/workbench';
import { FAKE_SONAR_TOKEN, sampleProject, startFakeSonar, type FakeSonar } from '../support/fakeSonar';
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
    const input = page.locator('.quick-input-widget input[type="password"]');
    await input.waitFor({ timeout: 15_000 });
    await input.fill(FAKE_SONAR_TOKEN);
    await input.press('Enter');
    const gate = page.locator('.statusbar-item', { hasText: 'Quality gate: Failed' });
    await gate.waitFor({ timeout: 30_000 });
    assert.ok(sonar.requests.every((r) => r.path === 'api/authentication/validate' || r.authorized));
    await workbench.screenshot('quality-status-bar');
  });

  it('underlines the finding in the editor, lists it in Problems and offers the code actions', async () => {
    const { page } = workbench;
    await page.keyboard.press('Control+P');
    const quickOpen = page.locator('.quick-input-widget input');
    await quickOpen.waitFor();
    await quickOpen.fill('bad_tempfile_example.py');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'bad_tempfile_example.py' }).first().waitFor();
    await quickOpen.press('Enter');
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
