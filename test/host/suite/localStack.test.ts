import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../../src/extension';
import type { StackNode } from '../../../src/features/localStack/stackTree';
import { writeTestProject, type TestProject } from '../../support/docker';

let api: ExtensionApi;
let project: TestProject;

/** Stands in for a person answering `target[key]` during `run`; returns what was asked. */
async function withAnswers(target: object, key: string, values: unknown[], run: () => Thenable<unknown>): Promise<{ calls: unknown[][]; result: unknown }> {
  const t = target as Record<string, unknown>;
  const original = t[key];
  const calls: unknown[][] = [];
  t[key] = (...args: unknown[]) => Promise.resolve(values[Math.min(calls.push(args) - 1, values.length - 1)]);
  try {
    return { calls, result: await run() };
  } finally {
    t[key] = original;
  }
}

async function rows(node?: StackNode): Promise<{ node: StackNode; label: string; description: string; contextValue: string }[]> {
  return (await api.localStack.tree.getChildren(node)).map((n) => {
    const item = api.localStack.tree.getTreeItem(n);
    return { node: n, label: String(item.label), description: String(item.description ?? ''), contextValue: item.contextValue ?? '' };
  });
}

async function services() {
  const [root] = (await rows()).filter((r) => r.contextValue.startsWith('airflowEcs.localStack.project.'));
  assert.ok(root, `no project row: ${(await rows()).map((r) => r.label).join(', ')}`);
  return { root, services: await rows(root.node) };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const service = async (name: string) => (await services()).services.find((s) => s.label === name)!;

describe('Local Stack in a real extension host', function () {
  this.timeout(180_000);

  before(async () => {
    api = await vscode.extensions.getExtension<ExtensionApi>('airflow-ecs.airflow-on-ecs')!.activate();
    project = writeTestProject('aethost');
    await vscode.workspace.getConfiguration('airflowEcs').update('localStack.composeFile', project.file, vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    await vscode.workspace.getConfiguration('airflowEcs').update('localStack.composeFile', undefined, vscode.ConfigurationTarget.Global);
    await project?.cleanup();
  });

  it('shows the project from the compose file, every service not created yet', async () => {
    const { root, services: list } = await until('the project row', async () => ((await rows()).some((r) => r.contextValue.startsWith('airflowEcs.localStack.project.')) ? services() : undefined));
    assert.equal(root.label, project.name);
    assert.match(root.description, /^0\/4 services running · /);
    assert.deepEqual(list.map((s) => [s.label, s.description]), [
      ['webserver', 'not created · busybox:1'], ['scheduler', 'not created · busybox:1'], ['worker', 'not created · busybox:1'], ['redis', 'not created · busybox:1'],
    ]);
  });

  it('Up from the project node starts every service; the webserver turns healthy with its port', async () => {
    const { root } = await services();
    await vscode.commands.executeCommand('airflowEcs.localStack.up', root.node);
    const web = await until('webserver healthy', async () => { const w = await service('webserver'); return /^healthy · 8080→\d+ · busybox:1 · Up/.test(w.description) ? w : undefined; });
    assert.equal(web.contextValue, 'airflowEcs.localStack.service.running.web');
    const worker = await service('worker');
    assert.match(worker.description, /^2\/2 running/);
    assert.deepEqual((await rows(worker.node)).map((r) => r.label).length, 2);
  });

  it('Open in Browser opens the published webserver port, which serves HTTP', async () => {
    const web = await service('webserver');
    const { calls } = await withAnswers(vscode.env, 'openExternal', [true], () => vscode.commands.executeCommand('airflowEcs.localStack.openInBrowser', web.node));
    const url = String(calls[0][0]);
    assert.match(url, /^http:\/\/localhost:\d+\/$/);
    assert.match(await (await fetch(url.replace('localhost', '127.0.0.1'))).text(), /Airflow webserver/);
  });

  it('runs a CLI command in the scheduler container, split without a shell', async () => {
    const { result } = await withAnswers(vscode.window, 'showInputBox', ['sh -c \'echo "$0|$1"\' "dags list" $HOME'], () => vscode.commands.executeCommand('airflowEcs.localStack.runAirflowCli'));
    assert.deepEqual(result, { exitCode: 0, output: 'dags list|$HOME\n' });
  });

  it('Scale Workers asks for a count and the view follows the events', async () => {
    const worker = await service('worker');
    const { calls } = await withAnswers(vscode.window, 'showInputBox', ['1'], () => vscode.commands.executeCommand('airflowEcs.localStack.scaleWorkers', worker.node));
    assert.match(String((calls[0][0] as vscode.InputBoxOptions).prompt), /2 running now/);
    await until('one worker', async () => /^running · /.test((await service('worker')).description) || undefined);
  });

  it('a compose file that does not parse gets a diagnostic at its line and Up refuses', async () => {
    const good = fs.readFileSync(project.file, 'utf8');
    fs.writeFileSync(project.file, good.replace('  scheduler:\n', '  scheduler:\n   broken: [\n'));
    try {
      await until('a diagnostic', async () => vscode.languages.getDiagnostics(vscode.Uri.file(project.file)).length > 0 || undefined, 20_000);
      const [diagnostic] = vscode.languages.getDiagnostics(vscode.Uri.file(project.file));
      assert.ok(diagnostic.range.start.line >= 13 && diagnostic.range.start.line <= 16, `line ${diagnostic.range.start.line}`);
      const { calls } = await withAnswers(vscode.window, 'showErrorMessage', [undefined], () => vscode.commands.executeCommand('airflowEcs.localStack.up'));
      assert.match(String(calls[0][0]), /error at line \d+ .*Problems panel/);
      assert.ok(calls[0].includes('Show Problems'));
    } finally {
      fs.writeFileSync(project.file, good);
    }
    await until('the diagnostic gone', async () => vscode.languages.getDiagnostics(vscode.Uri.file(project.file)).length === 0 || undefined, 20_000);
  });

  it('Down asks about volumes, then removes the containers', async () => {
    const { calls } = await withAnswers(vscode.window, 'showWarningMessage', ['Down and Remove Volumes'], () => vscode.commands.executeCommand('airflowEcs.localStack.down'));
    assert.deepEqual(calls[0].slice(2), ['Down', 'Down and Remove Volumes']);
    await until('not created again', async () => (await service('webserver')).description.startsWith('not created') || undefined);
  });

  it('Up of selected services only, from the palette quick pick', async () => {
    const picks = [{ label: 'redis', picked: true }];
    await withAnswers(vscode.window, 'showQuickPick', [picks], () => vscode.commands.executeCommand('airflowEcs.localStack.up'));
    await until('redis running', async () => /^running/.test((await service('redis')).description) || undefined);
    assert.match((await service('webserver')).description, /^not created/);
    assert.equal((await service('redis')).contextValue, 'airflowEcs.localStack.service.running');
  });
});
