import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startCodeServer, type CodeServer } from '../support/codeServer';
import { openWorkbench, payloadUrl, type Workbench } from '../support/workbench';
import { startFakeAws, type FakeAws } from '../support/fakeAws';
import type { FakeEcs } from '../support/fakeAws/ecs';
import type { FakeLogs } from '../support/fakeAws/logs';
import { writeAwsProfileFiles } from '../support/awsProfiles';
import { packagedVsix } from './vsix';

describe('UI: Tail Logs on a service shows coloured worker lines', () => {
  let workspace: string;
  let aws: FakeAws;
  let ecs: FakeEcs;
  let logs: FakeLogs;
  let server: CodeServer;
  let workbench: Workbench;

  before(async () => {
    ({ aws, ecs, logs } = await startFakeAws());
    ecs.seed([{ name: 'airflow-prod', services: [{ name: 'worker', desiredCount: 1 }] }]);
    const { taskArns } = ecs.operations.ListTasks({ cluster: 'airflow-prod', serviceName: 'worker' }) as { taskArns: string[] };
    const stream = `ecs/worker/${taskArns[0].split('/').pop()}`;
    const t = Date.now() - 60_000;
    logs.addEvents('/ecs/airflow-worker', stream, [
      { timestamp: t, message: '[2026-11-23 12:00:00,123] {taskinstance.py:1234} INFO - Marking task as SUCCESS. dag_id=etl, task_id=load' },
      { timestamp: t + 1, message: '[2026-11-23 12:00:01,456] {taskinstance.py:2345} ERROR - Task failed with exception' },
    ]);
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'airflow-ecs-ui-logs-'));
    server = await startCodeServer({
      workspace,
      installVsix: packagedVsix(),
      env: { ...writeAwsProfileFiles(), AWS_EC2_METADATA_DISABLED: 'true' },
      userSettings: { 'airflowEcs.aws.profile': 'test', 'airflowEcs.aws.region': 'us-east-1', 'airflowEcs.explorer.refreshInterval': 0 },
      machineSettings: { 'airflowEcs.aws.endpointUrl': aws.url },
    });
    workbench = await openWorkbench(payloadUrl(server.url, server.port, { folder: workspace }));
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await workbench?.screenshot(`ui-logs-failed-${Date.now()}`);
  });

  after(async () => {
    await workbench?.close();
    await server?.stop();
    await aws?.close();
    fs.rmSync(workspace, { recursive: true, force: true });
  });

  it('Log tail: context menu "Tail Logs" on the worker service opens a channel with level words coloured apart', async () => {
    await workbench.clickActivityBar('Airflow on ECS');
    const cluster = workbench.treeRow('airflow-prod');
    await cluster.waitFor({ timeout: 30_000 });
    await cluster.click();
    const worker = workbench.treeRow('worker');
    await worker.waitFor();
    await workbench.contextMenu(worker, 'Tail Logs');
    // The first click on a freshly opened menu sometimes only highlights the item.
    const menu = workbench.page.locator('.monaco-menu');
    await new Promise((r) => setTimeout(r, 500));
    if (await menu.isVisible()) await workbench.page.keyboard.press('Enter');

    const lines = workbench.page.locator('.part.panel .view-lines');
    await lines.filter({ hasText: 'Task failed with exception' }).waitFor({ timeout: 30_000 });
    // Tokenization catches up after the text is drawn: wait for the level words' own spans.
    await workbench.page.waitForFunction(
      () => [...document.querySelectorAll('.part.panel .view-lines .view-line span span')].some((s) => s.textContent === 'ERROR'),
      undefined,
      { timeout: 20_000 },
    );
    // Token spans of the rendered lines: [text, class] (Monaco renders spaces as U+00A0).
    const tokens = await workbench.page.evaluate(() =>
      [...document.querySelectorAll('.part.panel .view-lines .view-line span span')].map((s) => [(s.textContent ?? '').replace(/\u00a0/g, ' '), s.className]),
    );
    const classOf = (re: RegExp) => tokens.find(([text]) => re.test(text))?.[1];
    const info = classOf(/^INFO$/);
    const error = classOf(/^ERROR$/);
    const plain = classOf(/Task failed with exception/);
    assert.match(String(info), /mtk\d+/, JSON.stringify(tokens));
    assert.notEqual(info, error, 'INFO and ERROR have different colours');
    assert.notEqual(error, plain, 'a level word is coloured apart from the text');
    assert.match(await workbench.page.locator('.part.panel').innerText(), /Logs: worker \(airflow-prod\)/);
    assert.match(await workbench.page.locator('.statusbar').innerText(), /1 tail/);
    await workbench.screenshot('logs-tail-coloured');
  });
});
