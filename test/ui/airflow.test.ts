// A person with a real Airflow 3: opens the Airflow view, triggers a DAG, watches its tasks go
// green and opens a task's log. Airflow's scheduler takes its time on a busy machine: every step
// waits for the state it needs, with generous bounds.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Locator } from 'playwright-core';
import { DEMO_AIRFLOW_PASSWORD_ENV, DEMO_AIRFLOW_URL_ENV, DEMO_AIRFLOW_USER_ENV } from '../../src/core/airflow/demoCredentials';
import { startAirflow, type TestAirflow } from '../support/airflow';
import { repoRoot, startCodeServer, type CodeServer } from '../support/codeServer';
import { openWorkbench, payloadUrl, type Workbench } from '../support/workbench';
import { packagedVsix } from './vsix';

const VIEWS = ['Clusters', 'Quality', 'Images', 'Pipelines', 'Local Stack', 'Airflow'];

describe('UI: Airflow runs and task logs against a real Airflow', function () {
  this.timeout(600_000);
  let airflow: TestAirflow;
  let server: CodeServer;
  let workbench: Workbench;
  let workspace: string;

  before(async function () {
    this.timeout(600_000);
    airflow = await startAirflow({ dagsFolder: path.join(repoRoot, 'sample-dags', 'dags') });
    await airflow.waitFor<{ total_entries: number }>('/dags', (b) => b.total_entries >= 5, 180_000);
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'airflow-ecs-ui-airflow-'));
    fs.cpSync(path.join(repoRoot, 'sample-dags', 'dags'), path.join(workspace, 'dags'), { recursive: true });
    // Signed in the way `npm start` signs its demo in: the server's environment, loopback only.
    server = await startCodeServer({
      workspace, installVsix: packagedVsix(),
      env: { [DEMO_AIRFLOW_URL_ENV]: airflow.url, [DEMO_AIRFLOW_USER_ENV]: airflow.username, [DEMO_AIRFLOW_PASSWORD_ENV]: airflow.password },
    });
    workbench = await openWorkbench(payloadUrl(server.url, server.port, { folder: workspace }));
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await workbench?.screenshot(`ui-airflow-failed-${Date.now()}`);
  });

  after(async () => {
    await workbench?.close();
    await server?.stop();
    await airflow?.stop();
    if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
  });

  /** Gives the Airflow view the side bar: the other views collapse (a virtual tree draws only rows in sight). */
  async function openAirflowView(): Promise<Locator> {
    await workbench.clickActivityBar('Airflow on ECS');
    for (const title of VIEWS) {
      const header = workbench.page.locator(`.pane-header[aria-label^="${title}"]`);
      await header.waitFor({ timeout: 60_000 });
      const expanded = title === 'Airflow';
      if (((await header.getAttribute('aria-expanded')) === 'true') !== expanded) await workbench.click(header);
      await workbench.page.locator(`.pane-header[aria-label^="${title}"][aria-expanded="${expanded}"]`).waitFor();
    }
    return workbench.page.locator('.pane-header[aria-label^="Airflow"]');
  }

  it('triggers etl_taskflow from its row, watches its tasks go green and opens the load task\'s log', async () => {
    const { page } = workbench;
    await openAirflowView();
    const dag = workbench.treeRow('etl_taskflow').first();
    await dag.waitFor({ timeout: 120_000 });
    await workbench.widenSideBar(650);

    // Trigger DAG… from the row's menu: etl_taskflow is paused, so it asks first; the conf box comes prefilled.
    await workbench.contextMenu(dag, 'Trigger DAG…');
    const unpause = page.locator('.monaco-dialog-box .monaco-button', { hasText: 'Unpause and Trigger' });
    await unpause.waitFor({ timeout: 30_000 });
    await workbench.click(unpause, { until: (timeout) => page.locator('.quick-input-widget input').waitFor({ timeout }) });
    const input = page.locator('.quick-input-widget input');
    await page.locator('.quick-input-widget', { hasText: 'Conf as a JSON object' }).waitFor();
    await input.press('Enter');

    // The run row shows under the DAG at once, then its tasks as the scheduler runs them.
    const run = page.locator('.pane-body .monaco-list-row[aria-level="2"]').first();
    await workbench.expand(dag, run);
    const load = page.locator('.pane-body .monaco-list-row[aria-level="3"]', { hasText: 'load' });
    await workbench.expand(run, page.locator('.pane-body .monaco-list-row[aria-level="3"]').first());
    await workbench.screenshot('airflow-run-started');
    await page.locator('.pane-body .monaco-list-row[aria-level="2"]', { hasText: 'success' }).first().waitFor({ timeout: 240_000 });
    for (const task of ['extract', 'transform', 'load']) {
      await page.locator('.pane-body .monaco-list-row[aria-level="3"]', { hasText: task }).filter({ hasText: 'success · try 1' }).first().waitFor({ timeout: 30_000 });
    }
    await workbench.screenshot('airflow-run-green');

    // A click on the task row opens its log, followed to the end of the try.
    await workbench.click(load.first(), { until: (timeout) => page.locator('.part.panel .view-lines', { hasText: 'The task ended: success' }).waitFor({ timeout }) });
    await page.locator('.part.panel .view-lines', { hasText: 'INFO - customer=a total=14.00' }).waitFor({ timeout: 30_000 });
    await workbench.screenshot('airflow-task-log');
  });
});
