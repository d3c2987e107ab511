import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { startCodeServer, type CodeServer } from '../support/codeServer';
import { openWorkbench, payloadUrl, type Workbench } from '../support/workbench';
import { ensureDocker, writeTestProject, type TestProject } from '../support/docker';
import { packagedVsix } from './vsix';

describe('UI: the Local Stack view on a real Docker engine', function () {
  this.timeout(240_000);
  let project: TestProject;
  let server: CodeServer;
  let workbench: Workbench;

  before(async () => {
    await ensureDocker();
    project = writeTestProject('aetui');
    server = await startCodeServer({
      workspace: project.dir,
      installVsix: packagedVsix(),
      userSettings: { 'airflowEcs.explorer.refreshInterval': 0, 'airflowEcs.localStack.composeFile': project.file },
      machineSettings: {},
    });
    workbench = await openWorkbench(payloadUrl(server.url, server.port, { folder: project.dir }));
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await workbench?.screenshot(`ui-localstack-failed-${Date.now()}`);
  });

  after(async () => {
    await workbench?.close();
    await server?.stop();
    await project?.cleanup();
  });

  it('brings the stack up from the view, sees it healthy, follows worker logs, brings it down', async () => {
    await workbench.clickActivityBar('Airflow on ECS');
    const web = workbench.treeRow('webserver');
    await web.waitFor({ timeout: 60_000 });
    assert.match(await web.innerText(), /not created/);

    await workbench.runCommand('Airflow on ECS: Local Stack: Up');
    const quickInput = workbench.page.locator('.quick-input-widget input');
    await workbench.page.locator('.quick-input-widget .monaco-list-row', { hasText: 'scheduler' }).waitFor();
    await quickInput.press('Enter');
    await workbench.page.waitForFunction(() => [...document.querySelectorAll('.pane-body .monaco-list-row')].some((r) => /webserver.*healthy · 8080→\d+/s.test(r.textContent ?? '')), undefined, { timeout: 90_000 });
    assert.match(await workbench.treeRow('worker').first().innerText(), /2\/2 running/);
    await workbench.screenshot('localstack-healthy');

    await workbench.contextMenu(workbench.treeRow('worker').first(), 'Local Stack: Logs');
    await workbench.page.locator('.part.panel .view-lines', { hasText: /worker-\d\s\|\sworker\sline/ }).first().waitFor({ timeout: 30_000 });
    await workbench.screenshot('localstack-logs');

    // A typo while the stack runs: the Problems panel has the engine's own position and words,
    // the view keeps the running services under an error row, and Down still works.
    const good = fs.readFileSync(project.file, 'utf8');
    fs.writeFileSync(project.file, good.replace('    command: ["sh", "-c", "while true; do echo scheduler heartbeat', '   command: ["sh", "-c", "while true; do echo scheduler heartbeat'));
    await workbench.page.locator('.pane-body .monaco-list-row', { hasText: /column 4: .*Stop, Down and Logs still work/ }).first().waitFor({ timeout: 60_000 });
    assert.match(await workbench.treeRow('webserver').first().innerText(), /healthy/);
    await workbench.page.mouse.move(5, 5);
    await workbench.page.keyboard.press('Control+Shift+M');
    const problems = workbench.page.locator('.markers-panel');
    await problems.locator('.monaco-list-row', { hasText: "expected <block end>, but found '<block mapping start>'" }).first().waitFor({ timeout: 30_000 });
    assert.match(await problems.innerText(), /compose/);
    await workbench.screenshot('localstack-broken-file');

    await workbench.runCommand('Airflow on ECS: Local Stack: Down');
    const dialog = workbench.page.locator('.monaco-dialog-box');
    await dialog.waitFor();
    await workbench.click(dialog.locator('.monaco-button', { hasText: 'Down and Remove Volumes' }), { until: (timeout) => dialog.waitFor({ state: 'hidden', timeout }) });
    // Down by project name (the file still does not parse): the project row goes with its containers.
    await workbench.page.waitForFunction(() => ![...document.querySelectorAll('.pane-body .monaco-list-row')].some((r) => /webserver/.test(r.textContent ?? '')), undefined, { timeout: 90_000 });
    fs.writeFileSync(project.file, good);
    await workbench.page.waitForFunction(() => [...document.querySelectorAll('.pane-body .monaco-list-row')].some((r) => /webserver.*not created/s.test(r.textContent ?? '')), undefined, { timeout: 90_000 });
  });

  it('runs Up and Logs from the view title on the whole project after a click on a service row', async () => {
    const { page } = workbench;
    await workbench.treeRow('scheduler').first().click();
    await page.mouse.move(0, 0);
    await workbench.viewTitleAction('Local Stack', 'Local Stack: Up');
    // Every service comes up, not only the focused scheduler, and no picker asks which.
    await page.waitForFunction(() => [...document.querySelectorAll('.pane-body .monaco-list-row')].some((r) => /webserver.*healthy · 8080→\d+/s.test(r.textContent ?? '')), undefined, { timeout: 90_000 });
    assert.equal(await page.locator('.quick-input-widget').isVisible(), false);

    await workbench.treeRow('worker').first().click();
    await page.mouse.move(0, 0);
    await workbench.viewTitleAction('Local Stack', 'Local Stack: Logs');
    // The project's tail (every service), not the focused worker's.
    await page.locator('.part.panel .view-lines', { hasText: /scheduler-\d\s\|\sscheduler\sheartbeat/ }).first().waitFor({ timeout: 30_000 });
    await page.locator('.part.panel .view-lines', { hasText: /worker-\d\s\|\sworker\sline/ }).first().waitFor({ timeout: 30_000 });

    await workbench.runCommand('Airflow on ECS: Local Stack: Down');
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor();
    await dialog.locator('.monaco-button', { hasText: 'Down and Remove Volumes' }).click();
    await page.waitForFunction(() => [...document.querySelectorAll('.pane-body .monaco-list-row')].some((r) => /webserver.*not created/s.test(r.textContent ?? '')), undefined, { timeout: 90_000 });
  });
});
