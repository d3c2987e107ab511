import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { createSessionPluginStandIn, type SessionPluginStandIn } from '../support/sessionPlugin';
import { useAwsWorkbench } from './awsWorkbench';

// The Session Manager plugin cannot be installed here: a recording stand-in is first on the
// server's PATH (test/support/sessionPlugin.ts). Not run against the real plugin.
describe('UI: a way into a running task (Open Shell in Container, Forward Port)', () => {
  let plugin: SessionPluginStandIn;
  let upstream: http.Server;
  let upstreamPort = 0;

  const ui = useAwsWorkbench('exec', async ({ ecs }) => {
    ecs.seed([{
      name: 'airflow-prod',
      services: [{ name: 'airflow-apiserver', desiredCount: 1, enableExecuteCommand: true, containers: [{ name: 'api-server' }] }],
    }]);
    plugin = createSessionPluginStandIn();
    upstream = http.createServer((req, res) => res.end(`api-server answered ${req.url}`));
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    upstreamPort = (upstream.address() as AddressInfo).port;
    const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'airflow-ecs-ui-exec-'));
    return {
      workspace,
      // The server's extension host takes PATH from a login shell unless VSCODE_CLI is set, which skips that.
      env: { PATH: `${plugin.dir}${path.delimiter}${process.env.PATH ?? ''}`, VSCODE_CLI: '1' },
      cleanup: () => {
        upstream.close();
        plugin.remove();
        fs.rmSync(workspace, { recursive: true, force: true });
      },
    };
  });

  const taskId = () => {
    const { taskArns } = ui.fakes.ecs.operations.ListTasks({ cluster: 'airflow-prod', serviceName: 'airflow-apiserver' }) as { taskArns: string[] };
    return taskArns[0].split('/').pop()!.slice(0, 8);
  };

  it('opens a shell from a container row: a terminal runs the plugin', async () => {
    const wb = ui.workbench;
    await wb.clickActivityBar('Airflow on ECS');
    const cluster = wb.treeRow('airflow-prod');
    await cluster.waitFor({ timeout: 30_000 });
    const service = wb.treeRow('airflow-apiserver');
    await wb.expand(cluster, service);
    const task = wb.treeRow(taskId());
    await wb.expand(service, task);
    const container = wb.treeRow('airflow:build-42');
    await wb.expand(task, container);
    await wb.contextMenu(container.first(), 'Open Shell in Container');
    await wb.page.locator('.part.panel .terminal-wrapper').first().waitFor({ timeout: 30_000 });
    const deadline = Date.now() + 30_000;
    while (!plugin.calls().some((c) => c.args[2] === 'StartSession')) {
      assert.ok(Date.now() < deadline, 'the terminal started the plugin');
      await new Promise((r) => setTimeout(r, 100));
    }
    const call = plugin.calls().find((c) => c.args[2] === 'StartSession')!;
    assert.match(call.args[4], new RegExp(`^\\{"Target":"ecs:airflow-prod_${taskId()}[0-9a-f]{24}_`));
    await wb.screenshot('exec-shell-terminal');
  });

  it('forwards a port from a service row: the status bar shows it, the URL works, a click stops it', async () => {
    const wb = ui.workbench;
    await wb.contextMenu(wb.treeRow('airflow-apiserver').first(), 'Forward Port');
    const input = wb.page.locator('.quick-input-widget input');
    await input.waitFor({ timeout: 30_000 });
    assert.equal(await input.inputValue(), '8080', 'the api-server port is offered');
    await input.fill(String(upstreamPort));
    await input.press('Enter');

    const toast = await wb.waitForNotification('now reaches api-server');
    const url = /http:\/\/localhost:\d+/.exec(await toast.innerText())?.[0];
    assert.ok(url);
    const item = wb.page.locator('.part.statusbar .statusbar-item', { hasText: `Forwarding localhost:${url.split(':').pop()} → api-server:${upstreamPort}` }).first();
    await item.waitFor({ timeout: 30_000 });
    assert.equal(await (await fetch(`${url}/api/v2/version`)).text(), 'api-server answered /api/v2/version');
    await wb.screenshot('exec-port-forward-status-bar');

    await wb.click(item, { until: (timeout) => item.waitFor({ state: 'detached', timeout }) });
    await assert.rejects(fetch(`${url}/`), 'nothing listens once stopped');
  });
});
