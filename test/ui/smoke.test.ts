import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startCodeServer, type CodeServer } from '../support/codeServer';
import { openWorkbench, payloadUrl, type Workbench } from '../support/workbench';
import { packagedVsix } from './vsix';

describe('UI smoke: the packaged extension in code-server', () => {
  let workspace: string;
  let server: CodeServer;
  let workbench: Workbench;

  before(async () => {
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'airflow-ecs-ui-'));
    server = await startCodeServer({ workspace, installVsix: packagedVsix() });
    workbench = await openWorkbench(payloadUrl(server.url, server.port, { folder: workspace }));
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      await workbench?.screenshot('ui-smoke-failed');
    }
  });

  after(async () => {
    await workbench?.close();
    await server?.stop();
    fs.rmSync(workspace, { recursive: true, force: true });
  });

  it('lists its commands in the palette and shows its log in the Output panel', async () => {
    const row = await workbench.findCommand('Airflow on ECS: Show Log');
    assert.match(await row.innerText(), /^Airflow on ECS: Show Log/);
    await workbench.page.keyboard.press('Escape');

    await workbench.runCommand('Airflow on ECS: Show Log');
    const selected = await workbench.page.waitForFunction(() => {
      const boxes = Array.from(document.querySelectorAll<HTMLSelectElement>('.part.panel select.monaco-select-box'));
      return boxes.map((box) => box.selectedOptions[0]?.textContent).find((text) => text === 'Airflow on ECS');
    }, undefined, { timeout: 30_000 });
    assert.equal(await selected.jsonValue(), 'Airflow on ECS');
    await workbench.page.locator('.part.panel .view-lines').filter({ hasText: 'Airflow on ECS 0.1.0 activated' }).waitFor({ timeout: 30_000 });
    await workbench.screenshot('ui-smoke-show-log');
  });
});
