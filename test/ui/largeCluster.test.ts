import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { useAwsWorkbench } from './awsWorkbench';

describe('UI: a cluster of 2,000 services and its filter box', () => {
  const ui = useAwsWorkbench('large-cluster', async ({ ecs }) => {
    ecs.seed([{ name: 'airflow-huge', generatedServices: 2000 }]);
    const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'airflow-ecs-ui-large-cluster-'));
    return { workspace, cleanup: () => fs.rmSync(workspace, { recursive: true, force: true }) };
  });

  it('opens the cluster, filters its services from the filter icon on its row, and clears the filter', async () => {
    const { workbench } = ui;
    const { page } = workbench;
    await workbench.clickActivityBar('Airflow on ECS');
    await workbench.focusView('Clusters');
    const cluster = workbench.treeRow('airflow-huge').first();
    await cluster.waitFor({ timeout: 30_000 });
    await workbench.expand(cluster, page.locator('.pane-body .monaco-list-row').filter({ hasText: /team\d{4}-/ }));
    // Every row drawn is a service by name, none left loading once the list is in.
    await page.waitForFunction(
      () => {
        const rows = [...document.querySelectorAll('.pane-body .monaco-list-row')].map((r) => r.textContent ?? '');
        const huge = rows.find((r) => r.includes('airflow-huge')) ?? '';
        return !huge.includes('loading') && rows.some((r) => /team\d{4}-.*1\/1 running/.test(r)) && !rows.some((r) => r.includes('loading…'));
      },
      undefined,
      { timeout: 60_000 },
    );
    const listed = ui.fakes.aws.countCalls('ListServices');

    const filterButton = cluster.locator('.actions .action-label[aria-label^="Filter Services"]');
    const input = page.locator('.quick-input-widget input');
    await workbench.click(filterButton, { hover: cluster, until: (timeout) => input.waitFor({ state: 'visible', timeout }) });
    await input.fill('team0042-');
    await input.press('Enter');
    await page.waitForFunction(
      () => [...document.querySelectorAll('.pane-body .monaco-list-row')].some((r) => r.textContent?.includes('filter: team0042- · 5 of 2,000')),
      undefined,
      { timeout: 30_000 },
    );
    const shown = await page.locator('.pane-body .monaco-list-row').allInnerTexts();
    // Service rows only (the cluster row names the filter, "team0042-", too).
    const services = shown.map((t) => /team\d{4}-[a-z][a-z-]*/.exec(t)?.[0]).filter((name) => name !== undefined);
    assert.deepEqual(services, ['team0042-api-server', 'team0042-dag-processor', 'team0042-scheduler', 'team0042-triggerer', 'team0042-worker']);
    await workbench.widenSideBar(640);
    await workbench.screenshot('explorer-filter-services');

    // The box opens with the filter in force; emptying it shows every service again.
    await workbench.click(filterButton, { hover: cluster, until: (timeout) => input.waitFor({ state: 'visible', timeout }) });
    assert.equal(await input.inputValue(), 'team0042-');
    await input.fill('');
    await input.press('Enter');
    await page.waitForFunction(
      () => {
        const rows = [...document.querySelectorAll('.pane-body .monaco-list-row')].map((r) => r.textContent ?? '');
        return !rows.some((r) => r.includes('filter:')) && rows.filter((r) => /team\d{4}-/.test(r)).length > 5;
      },
      undefined,
      { timeout: 30_000 },
    );
    assert.equal(ui.fakes.aws.countCalls('ListServices'), listed, 'the filter answered from what was loaded');
  });
});
