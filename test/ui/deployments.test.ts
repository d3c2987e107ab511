import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { useAwsWorkbench } from './awsWorkbench';

const IMAGE = (build: number) => `123456789012.dkr.ecr.us-east-1.amazonaws.com/airflow:build-${build}`;

describe('UI: a service\'s deployments as a person uses them', () => {
  const ui = useAwsWorkbench('deployments', async ({ ecs }) => {
    ecs.seed([{
      name: 'airflow-deploy',
      services: [{
        name: 'worker', desiredCount: 1, family: 'airflow-worker', revision: 9, strategy: 'ROLLING',
        containers: [{ name: 'worker', image: IMAGE(49), environment: { AIRFLOW__CELERY__WORKER_CONCURRENCY: '16' } }],
        history: [
          { revision: 7, containers: [{ name: 'worker', image: IMAGE(47), environment: { AIRFLOW__CELERY__WORKER_CONCURRENCY: '8' } }] },
          { revision: 8, containers: [{ name: 'worker', image: IMAGE(48) }], status: 'ROLLBACK_SUCCESSFUL', failedTasks: 2 },
        ],
      }],
    }]);
    const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'airflow-ecs-ui-deployments-'));
    return { workspace, cleanup: () => fs.rmSync(workspace, { recursive: true, force: true }) };
  });

  it('expands Deployments under a service and compares a deployment\'s revisions from its context menu', async () => {
    const { workbench } = ui;
    await workbench.clickActivityBar('Airflow on ECS');
    const cluster = workbench.treeRow('airflow-deploy');
    await cluster.waitFor({ timeout: 30_000 });
    const worker = workbench.treeRow('worker').first();
    await workbench.expand(cluster, worker);
    const deployments = workbench.treeRow('Deployments').first();
    await workbench.expand(worker, deployments);
    const rolledBack = workbench.treeRow('airflow-worker:8').filter({ hasText: 'rolled back' }).first();
    await workbench.expand(deployments, rolledBack);
    assert.match(await rolledBack.innerText(), /rolled back · rolling · .*2\/3 failed tasks/s);
    // The service row names its revision too: the deployment row is the one with a status.
    const newest = workbench.treeRow('airflow-worker:9').filter({ hasText: 'successful' }).first();
    assert.match(await newest.innerText(), /successful · rolling · .*from airflow-worker:7/s);
    await workbench.widenSideBar(720);
    await workbench.screenshot('explorer-deployments');

    await workbench.contextMenu(newest, 'Compare Revisions');
    const tab = workbench.page.locator('.tabs-container .tab', { hasText: 'airflow-worker:7 ↔ airflow-worker:9' });
    await tab.waitFor({ timeout: 20_000 });
    const editor = workbench.page.locator('.monaco-diff-editor');
    await editor.waitFor();
    await workbench.page.waitForFunction(
      () => document.querySelector('.monaco-diff-editor')?.textContent?.includes('AIRFLOW__CELERY__WORKER_CONCURRENCY=16') ?? false,
      undefined,
      { timeout: 20_000 },
    );
    await workbench.screenshot('explorer-compare-revisions');
  });
});
