import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startCodeServer, type CodeServer } from '../support/codeServer';
import { openWorkbench, payloadUrl, type Workbench } from '../support/workbench';
import { startFakeAws, type FakeAws } from '../support/fakeAws';
import type { FakeEcs } from '../support/fakeAws/ecs';
import { writeAwsProfileFiles } from '../support/awsProfiles';
import { packagedVsix } from './vsix';

describe('UI: the Clusters view as a person uses it', () => {
  let workspace: string;
  let aws: FakeAws;
  let ecs: FakeEcs;
  let server: CodeServer;
  let workbench: Workbench;

  before(async () => {
    ({ aws, ecs } = await startFakeAws());
    ecs.seed([{
      name: 'airflow-prod',
      services: [{ name: 'scheduler', desiredCount: 1 }, { name: 'worker', desiredCount: 2 }],
      standaloneTasks: [{ family: 'airflow-db-migrate' }],
    }]);
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'airflow-ecs-ui-explorer-'));
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
    if (this.currentTest?.state === 'failed') await workbench?.screenshot(`ui-explorer-failed-${Date.now()}`);
  });

  after(async () => {
    await workbench?.close();
    await server?.stop();
    await aws?.close();
    fs.rmSync(workspace, { recursive: true, force: true });
  });

  it('opens the container and browses cluster -> service -> task -> container', async () => {
    await workbench.clickActivityBar('Airflow on ECS');
    const cluster = workbench.treeRow('airflow-prod');
    await cluster.waitFor({ timeout: 30_000 });
    assert.match(await cluster.innerText(), /3 services|2 services/);
    // The view's description names the connection (the header is hidden while it is the only view).
    await workbench.page.locator('.pane-header[aria-label*="Clusters - test @ us-east-1"]').waitFor({ state: 'attached', timeout: 10_000 });
    await cluster.click();
    const worker = workbench.treeRow('worker');
    await worker.waitFor();
    assert.match(await worker.innerText(), /2\/2 running/);
    await worker.click();
    const { taskArns } = ecs.operations.ListTasks({ cluster: 'airflow-prod', serviceName: 'worker' }) as { taskArns: string[] };
    const taskId = taskArns[0].split('/').pop()!.slice(0, 8);
    const task = workbench.treeRow(taskId);
    await task.waitFor();
    assert.match(await task.innerText(), /RUNNING/);
    await task.click();
    await workbench.treeRow('airflow:build-42').first().waitFor();
    await workbench.widenSideBar(720);
    await workbench.screenshot('explorer-tree');
  });

  it('stops a task from its context menu and sees it under Stopped tasks', async () => {
    const { taskArns } = ecs.operations.ListTasks({ cluster: 'airflow-prod', serviceName: 'worker' }) as { taskArns: string[] };
    const taskId = taskArns[0].split('/').pop()!.slice(0, 8);
    await workbench.contextMenu(workbench.treeRow(taskId).first(), 'Stop Task');
    const dialog = workbench.page.locator('.monaco-dialog-box');
    await dialog.waitFor();
    assert.match(await dialog.innerText(), new RegExp(`Stop task ${taskId}\\?`));
    await dialog.locator('.monaco-button', { hasText: 'Stop Task' }).click();

    const stopped = workbench.treeRow('Stopped tasks').first();
    await stopped.waitFor();
    await workbench.page.waitForFunction(
      (id: string) => [...document.querySelectorAll('.pane-body .monaco-list-row')].filter((r) => r.textContent?.includes(id)).length === 0,
      taskId,
      { timeout: 15_000 },
    );
    await stopped.click();
    const row = workbench.treeRow(taskId);
    await row.waitFor();
    assert.match(await row.innerText(), /STOPPED.*UserInitiated/s);
    await workbench.screenshot('explorer-stopped-task');
  });
});
