import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { useAwsWorkbench } from './awsWorkbench';

describe('UI: Tail Logs on a service shows coloured worker lines', () => {
  const ui = useAwsWorkbench('logs', async ({ ecs, logs }) => {
    ecs.seed([{ name: 'airflow-prod', services: [{ name: 'worker', desiredCount: 1 }] }]);
    const { taskArns } = ecs.operations.ListTasks({ cluster: 'airflow-prod', serviceName: 'worker' }) as { taskArns: string[] };
    const stream = `ecs/worker/${taskArns[0].split('/').pop()}`;
    const t = Date.now() - 60_000;
    logs.addEvents('/ecs/airflow-worker', stream, [
      { timestamp: t, message: '[2026-11-23 12:00:00,123] {taskinstance.py:1234} INFO - Marking task as SUCCESS. dag_id=etl, task_id=load' },
      { timestamp: t + 1, message: '[2026-11-23 12:00:01,456] {taskinstance.py:2345} ERROR - Task failed with exception' },
    ]);
    const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'airflow-ecs-ui-logs-'));
    return { workspace, cleanup: () => fs.rmSync(workspace, { recursive: true, force: true }) };
  });

  it('Log tail: context menu "Tail Logs" on the worker service opens a channel with level words coloured apart', async () => {
    await ui.workbench.clickActivityBar('Airflow on ECS');
    const cluster = ui.workbench.treeRow('airflow-prod');
    await cluster.waitFor({ timeout: 30_000 });
    const worker = ui.workbench.treeRow('worker');
    await ui.workbench.expand(cluster, worker);
    await ui.workbench.contextMenu(worker, 'Tail Logs');
    // The first click on a freshly opened menu sometimes only highlights the item.
    const menu = ui.workbench.page.locator('.monaco-menu');
    await new Promise((r) => setTimeout(r, 500));
    if (await menu.isVisible()) await ui.workbench.page.keyboard.press('Enter');

    const lines = ui.workbench.page.locator('.part.panel .view-lines');
    await lines.filter({ hasText: 'Task failed with exception' }).waitFor({ timeout: 30_000 });
    // Tokenization catches up after the text is drawn: wait for the level words' own spans.
    await ui.workbench.page.waitForFunction(
      () => [...document.querySelectorAll('.part.panel .view-lines .view-line span span')].some((s) => s.textContent === 'ERROR'),
      undefined,
      { timeout: 20_000 },
    );
    // Token spans of the rendered lines: [text, class] (Monaco renders spaces as U+00A0).
    const tokens = await ui.workbench.page.evaluate(() =>
      [...document.querySelectorAll('.part.panel .view-lines .view-line span span')].map((s) => [(s.textContent ?? '').replace(/\u00a0/g, ' '), s.className]),
    );
    const classOf = (re: RegExp) => tokens.find(([text]) => re.test(text))?.[1];
    const info = classOf(/^INFO$/);
    const error = classOf(/^ERROR$/);
    const plain = classOf(/Task failed with exception/);
    assert.match(String(info), /mtk\d+/, JSON.stringify(tokens));
    assert.notEqual(info, error, 'INFO and ERROR have different colours');
    assert.notEqual(error, plain, 'a level word is coloured apart from the text');
    assert.match(await ui.workbench.page.locator('.part.panel').innerText(), /Logs: worker \(airflow-prod\)/);
    assert.match(await ui.workbench.page.locator('.statusbar').innerText(), /1 tail/);
    await ui.workbench.screenshot('logs-tail-coloured');
  });

  it('Log tail: a failed tail restarts fresh from Tail Logs; Live Tail answering 503 still shows the lines, said once; Stop closes the channel', async () => {
    const { page } = ui.workbench;
    const status = page.locator('.statusbar');
    const panel = page.locator('.part.panel');
    const worker = ui.workbench.treeRow('worker');
    const tailLogs = async () => {
      await page.mouse.move(0, 0);
      await ui.workbench.contextMenu(worker, 'Tail Logs');
      const menu = page.locator('.monaco-menu');
      if (await menu.isVisible()) await page.keyboard.press('Enter');
    };
    await ui.workbench.runCommand('Airflow on ECS: Stop All Log Tails');
    await page.waitForFunction(() => !/\d+ tails? ·/.test(document.querySelector('.statusbar')?.textContent ?? ''), undefined, { timeout: 20_000 });

    ui.fakes.aws.injectFault({ operation: 'FilterLogEvents', kind: 'accessDenied', count: 1 });
    ui.fakes.logs.options.liveFailures = 1000;
    ui.fakes.logs.options.liveFailure = 'server';
    await tailLogs();
    await ui.workbench.waitForNotification('The log tail of worker (airflow-prod) stopped: Access denied');
    assert.doesNotMatch(await status.innerText(), /\d+ tails? ·/, 'a failed tail is not counted as running');
    await ui.workbench.runCommand('Notifications: Clear All Notifications');

    await tailLogs();
    await panel.locator('.view-lines').filter({ hasText: 'Task failed with exception' }).waitFor({ timeout: 30_000 });
    await panel.locator('.view-lines').filter({ hasText: 'Live Tail failed again' }).waitFor({ timeout: 30_000 });
    // Long lines wrap in the panel: compare with the wraps undone.
    const text = (await panel.locator('.view-lines').innerText()).replace(/\u00a0/g, ' ').replace(/\s+/g, ' ');
    assert.equal(text.match(/Live Tail failed again/g)?.length, 1, text);
    assert.match(text, /the endpoint answered HTTP 503 \(ServiceUnavailableException\)\); polling FilterLogEvents every 0.5 s instead, and trying Live Tail again every 5 min\./);
    assert.doesNotMatch(text, /Access denied/, 'a fresh channel, not the dead one');
    await page.waitForFunction(() => /1 tail ·/.test(document.querySelector('.statusbar')?.textContent ?? ''), undefined, { timeout: 20_000 });
    await ui.workbench.screenshot('logs-tail-live-tail-503');

    await ui.workbench.runCommand('Airflow on ECS: Stop Tailing');
    await page.waitForFunction(() => !/\d+ tails? ·/.test(document.querySelector('.statusbar')?.textContent ?? ''), undefined, { timeout: 20_000 });
    // The Output panel moves off the closed channel (it names the channel it shows), and its list no longer has it.
    await page.waitForFunction(() => !(document.querySelector('.part.panel')?.textContent ?? '').includes('Logs: worker (airflow-prod)'), undefined, { timeout: 20_000 });
    const channels = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
    await ui.workbench.runCommand('Output: Show Output Channels');
    await channels.filter({ hasText: 'Airflow on ECS' }).first().waitFor({ timeout: 20_000 });
    const names = await channels.allInnerTexts();
    await page.keyboard.press('Escape');
    assert.ok(!names.some((n) => n.includes('Logs: worker (airflow-prod)')), names.join(' | '));
  });
});
