import * as assert from 'node:assert/strict';
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

    await workbench.runCommand('Airflow on ECS: Local Stack: Down');
    const dialog = workbench.page.locator('.monaco-dialog-box');
    await dialog.waitFor();
    await workbench.click(dialog.locator('.monaco-button', { hasText: 'Down and Remove Volumes' }), { until: (timeout) => dialog.waitFor({ state: 'hidden', timeout }) });
    await workbench.page.waitForFunction(() => [...document.querySelectorAll('.pane-body .monaco-list-row')].some((r) => /webserver.*not created/s.test(r.textContent ?? '')), undefined, { timeout: 90_000 });
  });
});
