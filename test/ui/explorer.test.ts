import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { useAwsWorkbench } from './awsWorkbench';

describe('UI: the Clusters view as a person uses it', () => {
  const ui = useAwsWorkbench('explorer', async ({ ecs }) => {
    ecs.seed([{
      name: 'airflow-prod',
      services: [{ name: 'scheduler', desiredCount: 1 }, { name: 'worker', desiredCount: 2 }],
      standaloneTasks: [{ family: 'airflow-db-migrate' }],
    }]);
    const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'airflow-ecs-ui-explorer-'));
    return { workspace, cleanup: () => fs.rmSync(workspace, { recursive: true, force: true }) };
  });

  it('opens the container and browses cluster -> service -> task -> container', async () => {
    await ui.workbench.clickActivityBar('Airflow on ECS');
    await ui.workbench.focusView('Clusters');
    const cluster = ui.workbench.treeRow('airflow-prod');
    await cluster.waitFor({ timeout: 30_000 });
    assert.match(await cluster.innerText(), /2 services · 4 running/);
    // The view's description names the connection.
    await ui.workbench.page.locator('.pane-header[aria-label*="Clusters - test @ us-east-1"]').waitFor({ state: 'attached', timeout: 10_000 });
    const worker = ui.workbench.treeRow('worker');
    await ui.workbench.expand(cluster, worker);
    assert.match(await worker.innerText(), /2\/2 running/);
    const { taskArns } = ui.fakes.ecs.operations.ListTasks({ cluster: 'airflow-prod', serviceName: 'worker' }) as { taskArns: string[] };
    const taskId = taskArns[0].split('/').pop()!.slice(0, 8);
    const task = ui.workbench.treeRow(taskId);
    await ui.workbench.expand(worker, task);
    assert.match(await task.innerText(), /RUNNING/);
    await ui.workbench.expand(task, ui.workbench.treeRow('airflow:build-42'));
    await ui.workbench.widenSideBar(720);
    await ui.workbench.screenshot('explorer-tree');
  });

  it('stops a task from its context menu and sees it under Stopped tasks', async () => {
    const { taskArns } = ui.fakes.ecs.operations.ListTasks({ cluster: 'airflow-prod', serviceName: 'worker' }) as { taskArns: string[] };
    const taskId = taskArns[0].split('/').pop()!.slice(0, 8);
    await ui.workbench.contextMenu(ui.workbench.treeRow(taskId).first(), 'Stop Task');
    const dialog = ui.workbench.page.locator('.monaco-dialog-box');
    await dialog.waitFor();
    assert.match(await dialog.innerText(), new RegExp(`Stop task ${taskId}\\?`));
    await ui.workbench.click(dialog.locator('.monaco-button', { hasText: 'Stop Task' }), { until: (timeout) => dialog.waitFor({ state: 'hidden', timeout }) });

    const stopped = ui.workbench.treeRow('Stopped tasks').first();
    await stopped.waitFor();
    await ui.workbench.page.waitForFunction(
      (id: string) => [...document.querySelectorAll('.pane-body .monaco-list-row')].filter((r) => r.textContent?.includes(id)).length === 0,
      taskId,
      { timeout: 15_000 },
    );
    const row = ui.workbench.treeRow(taskId);
    await ui.workbench.expand(stopped, row);
    assert.match(await row.innerText(), /STOPPED.*UserInitiated/s);
    await ui.workbench.screenshot('explorer-stopped-task');
  });

  it('scales a service from its context menu and the cluster row counts the new tasks without a refresh', async () => {
    const { page } = ui.workbench;
    // ECS starts the tasks a moment after it accepts the new desired count; auto-refresh is off here.
    ui.fakes.ecs.control.schedulerDelay({ ms: 2000 });
    const cluster = ui.workbench.treeRow('airflow-prod').first();
    const worker = ui.workbench.treeRow('worker').first();
    const before = /(\d+) running/.exec(await cluster.innerText())!;
    const workerRunning = Number(/(\d+)\/\d+ running/.exec(await worker.innerText())![1]);
    const expected = Number(before[1]) - workerRunning + 4;
    await page.mouse.move(0, 0);
    await ui.workbench.contextMenu(worker, 'Scale Service');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill('4');
    await input.press('Enter');
    await page.waitForFunction(
      (want: string) => [...document.querySelectorAll('.pane-body .monaco-list-row')].some((r) => r.textContent?.includes('airflow-prod') && r.textContent.includes(want)),
      `${expected} running`,
      { timeout: 30_000 },
    );
    await page.waitForFunction(
      () => [...document.querySelectorAll('.pane-body .monaco-list-row')].some((r) => /worker.*4\/4 running/.test(r.textContent ?? '')),
      undefined,
      { timeout: 30_000 },
    );
    assert.equal(ui.fakes.aws.countCalls('UpdateService'), 1);
    await ui.workbench.screenshot('explorer-scaled-service');
  });

  it('refreshes the whole view from the title after a click on a row', async () => {
    const { workbench, fakes } = ui;
    await workbench.treeRow('worker').first().click();
    const before = fakes.aws.countCalls('ListClusters');
    fakes.ecs.seed([{ name: 'airflow-staging', services: [{ name: 'scheduler', desiredCount: 1 }] }]);
    await workbench.page.mouse.move(0, 0);
    await workbench.viewTitleAction('Clusters', 'Refresh');
    await workbench.treeRow('airflow-staging').first().waitFor({ timeout: 30_000 });
    assert.equal(fakes.aws.countCalls('ListClusters'), before + 1, 'the title action listed the clusters again, not only the focused service');
  });
});
