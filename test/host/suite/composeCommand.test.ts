import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../../src/extension';

/** Waits until `probe` answers something truthy (the configuration event reaches the extension asynchronously). */
async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('Local Stack compose command setting in a real extension host', () => {
  const cfg = () => vscode.workspace.getConfiguration('airflowEcs');
  let api: ExtensionApi;

  before(async () => {
    api = await vscode.extensions.getExtension<ExtensionApi>('airflow-ecs.airflow-on-ecs')!.activate();
  });
  after(() => cfg().update('localStack.composeCommand', undefined, vscode.ConfigurationTarget.Global));

  it('applies a changed compose command at the next command, without a reload', async () => {
    const stack = api.localStack.stack;
    // This machine has compose v1 only: `auto` finds docker-compose, an explicit `docker compose` is not there.
    assert.equal((await stack.engine()).label, 'docker-compose');
    await cfg().update('localStack.composeCommand', 'docker compose', vscode.ConfigurationTarget.Global);
    const refused = await until('the new setting to be used', () => stack.engine().then(() => undefined, (err: unknown) => err as Error));
    assert.match(refused.message, /docker compose/);
    await cfg().update('localStack.composeCommand', 'docker-compose', vscode.ConfigurationTarget.Global);
    assert.equal((await until('docker-compose again', () => stack.engine().then((e) => e, () => undefined))).label, 'docker-compose');
  });
});
