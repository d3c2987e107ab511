import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import Docker from 'dockerode';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../../src/extension';
import type { StackNode } from '../../../src/features/localStack/stackTree';
import { UntrustedWorkspace } from '../../../src/core/process/runner';
import { reportError, UserFacingError } from '../../../src/platform/errors';
import { COMPOSE_SETTING, TEST_ENGINE, publishedPage, writeTestProject, type TestProject } from '../../support/docker';

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

async function rows(node?: StackNode): Promise<{ node: StackNode; label: string; description: string; contextValue: string; icon: string }[]> {
  return (await api.localStack.tree.getChildren(node)).map((n) => {
    const item = api.localStack.tree.getTreeItem(n);
    return { node: n, label: String(item.label), description: String(item.description ?? ''), contextValue: item.contextValue ?? '', icon: (item.iconPath as vscode.ThemeIcon | undefined)?.id ?? '' };
  });
}

/** Runs `run` with every progress notification's Cancel pressed as soon as `when` holds. */
async function cancellingWhen(when: () => boolean, run: () => Thenable<unknown>): Promise<void> {
  const w = vscode.window as unknown as Record<string, unknown>;
  const original = w.withProgress as typeof vscode.window.withProgress;
  w.withProgress = (_options: vscode.ProgressOptions, task: (p: vscode.Progress<unknown>, t: vscode.CancellationToken) => Thenable<unknown>) => {
    const source = new vscode.CancellationTokenSource();
    const timer = setInterval(() => { if (when()) { clearInterval(timer); source.cancel(); } }, 50);
    return Promise.resolve(task({ report: () => undefined }, source.token)).finally(() => clearInterval(timer));
  };
  try {
    await run();
  } finally {
    w.withProgress = original;
  }
}

const diagnostics = () => vscode.languages.getDiagnostics(vscode.Uri.file(project.file));

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
    // docker: compose v1 (auto); podman: podman-compose on podman's socket (DOCKER_HOST from the runner).
    await vscode.workspace.getConfiguration('airflowEcs').update('localStack.composeCommand', COMPOSE_SETTING, vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration('airflowEcs').update('localStack.composeFile', project.file, vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    await vscode.workspace.getConfiguration('airflowEcs').update('localStack.composeFile', undefined, vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration('airflowEcs').update('localStack.composeCommand', undefined, vscode.ConfigurationTarget.Global);
    await project?.cleanup();
  });

  it(`shows the project as ${TEST_ENGINE} resolves it, every service not created yet, \${AIRFLOW_IMAGE_NAME:-...} interpolated`, async () => {
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
    // Up has returned, but the engine's start events can reach the view after it (podman): wait for them.
    const worker = await until('both workers running', async () => { const w = await service('worker'); return /^2\/2 running/.test(w.description) ? w : undefined; });
    assert.deepEqual((await rows(worker.node)).map((r) => r.label).length, 2);
    // Scale Workers is on the Celery worker only (its command runs "celery worker").
    assert.equal(worker.contextValue, 'airflowEcs.localStack.service.running.worker');
    assert.ok(!(await service('scheduler')).contextValue.endsWith('.worker'));
    // Uptime comes from inspect's State.StartedAt, not the list's rounded "Up 5 seconds".
    const c = api.localStack.stack.tracker!.containers.find((x) => x.service === 'webserver')!;
    assert.equal(c.startedAt, Date.parse((await new Docker().getContainer(c.id).inspect()).State.StartedAt));
    assert.equal((await services()).root.icon, 'pass-filled');
  });

  it('Open in Browser opens the published webserver port, which serves HTTP', async () => {
    const web = await service('webserver');
    const { calls } = await withAnswers(vscode.env, 'openExternal', [true], () => vscode.commands.executeCommand('airflowEcs.localStack.openInBrowser', web.node));
    const url = String(calls[0][0]);
    assert.match(url, /^http:\/\/localhost:\d+\/$/);
    assert.match(await publishedPage(url.replace('localhost', '127.0.0.1')), /Airflow webserver/);
  });

  it('Open in Browser on a service without ports offers the ports the stack publishes', async () => {
    const scheduler = await service('scheduler');
    const { calls } = await withAnswers(vscode.window, 'showQuickPick', [undefined], () => vscode.commands.executeCommand('airflowEcs.localStack.openInBrowser', scheduler.node));
    const items = calls[0][0] as { label: string }[];
    assert.deepEqual(items.map((i) => i.label.replace(/\d+$/, 'N')), ['webserver — localhost:N']);
    assert.match(String((calls[0][1] as vscode.QuickPickOptions).title), /scheduler publishes no port/);
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

  it('Logs of a service follow its containers without CloudWatch wording', async () => {
    const worker = await service('worker');
    await vscode.commands.executeCommand('airflowEcs.localStack.logs', worker.node);
    const session = api.logTails.find(`localStack:${project.name}/worker`)!;
    assert.ok(session);
    await until('worker lines', async () => session.lines.some((l) => /worker-\d \| worker line/.test(l)) || undefined, 30_000);
    assert.ok(!session.lines.some((l) => /Polling every/.test(l)), session.lines.filter((l) => !/worker line/.test(l)).join('\n'));
    await api.logTails.stop(session);
  });

  it('a typo in the running stack\'s file: the diagnostic is the engine\'s, the containers stay, Stop, Logs and Down still work, Up refuses', async () => {
    const good = fs.readFileSync(project.file, 'utf8');
    // "   command:" one column short of its siblings, as a hurried edit leaves it.
    const broken = good.replace('    command: ["sh", "-c", "while true; do echo scheduler heartbeat', '   command: ["sh", "-c", "while true; do echo scheduler heartbeat');
    assert.notEqual(broken, good);
    const line = broken.split('\n').findIndex((l) => l.startsWith('   command: ["sh", "-c", "while true; do echo scheduler')) + 1;
    fs.writeFileSync(project.file, broken);
    try {
      await until('a diagnostic', async () => diagnostics().length > 0 || undefined, 30_000);
      const [diagnostic] = diagnostics();
      // PyYAML (v1, podman-compose) names line and column 4; no dangling colon, no code excerpt.
      assert.deepEqual([diagnostic.range.start.line + 1, diagnostic.range.start.character + 1], [line, 4]);
      assert.match(diagnostic.message, /expected <block end>, but found '<block mapping start>'$/);
      const top = await until('the error row and the project', async () => { const r = await rows(); return r.length === 2 ? r : undefined; });
      assert.match(top[0].label, new RegExp(`line ${line}, column 4: .*Stop, Down and Logs still work`));
      const list = await rows(top[1].node);
      assert.deepEqual(list.map((r) => r.label), ['redis', 'scheduler', 'webserver', 'worker']);
      assert.match(list.find((r) => r.label === 'webserver')!.description, /^healthy/);

      const refused = await withAnswers(vscode.window, 'showErrorMessage', [undefined], () => vscode.commands.executeCommand('airflowEcs.localStack.up'));
      assert.match(String(refused.calls[0][0]), new RegExp(`error at line ${line}, column 4 .*Problems panel`));
      assert.ok(refused.calls[0].includes('Show Problems'));

      await vscode.commands.executeCommand('airflowEcs.localStack.stop', list.find((r) => r.label === 'scheduler')!.node);
      await until('scheduler stopped', async () => { const r = await rows((await rows())[1].node); return /^exited/.test(r.find((x) => x.label === 'scheduler')!.description) || undefined; });
      assert.match((await rows((await rows())[1].node)).find((r) => r.label === 'webserver')!.description, /^healthy/);

      await vscode.commands.executeCommand('airflowEcs.localStack.logs', list.find((r) => r.label === 'worker')!.node);
      const session = api.logTails.find(`localStack:${project.name}/worker`)!;
      await until('worker lines while the file is broken', async () => session.lines.some((l) => /worker line/.test(l)) || undefined, 30_000);
      await api.logTails.stop(session);

      const down = await withAnswers(vscode.window, 'showWarningMessage', ['Down'], () => vscode.commands.executeCommand('airflowEcs.localStack.down'));
      assert.deepEqual(down.calls[0].slice(2), ['Down', 'Down and Remove Volumes']);
      await until('no containers', async () => api.localStack.stack.tracker!.containers.length === 0 || undefined);
      assert.deepEqual(await new Docker().listNetworks({ filters: { label: [`com.docker.compose.project=${project.name}`] } }), []);
    } finally {
      fs.writeFileSync(project.file, good);
    }
    await until('the diagnostic gone', async () => diagnostics().length === 0 || undefined, 30_000);
  });

  it('Down asks about volumes, then removes the containers', async () => {
    const { calls } = await withAnswers(vscode.window, 'showWarningMessage', ['Down and Remove Volumes'], () => vscode.commands.executeCommand('airflowEcs.localStack.down'));
    assert.deepEqual(calls[0].slice(2), ['Down', 'Down and Remove Volumes']);
    await until('not created again', async () => (await service('webserver')).description.startsWith('not created') || undefined);
  });

  it('a port held by a process outside the engine is named as the cause, with the service', async () => {
    await withAnswers(vscode.window, 'showWarningMessage', ['Down'], () => vscode.commands.executeCommand('airflowEcs.localStack.down'));
    await until('no containers', async () => api.localStack.stack.tracker!.containers.length === 0 || undefined);
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '0.0.0.0', resolve));
    const port = (holder.address() as net.AddressInfo).port;
    const good = fs.readFileSync(project.file, 'utf8');
    fs.writeFileSync(project.file, good.replace('      - "8080"\n', `      - "${port}:8080"\n`));
    try {
      api.localStack.stack.reset(); // read the file now, not when the watcher fires
      const web = await service('webserver');
      const { calls } = await withAnswers(vscode.window, 'showErrorMessage', [undefined], () => vscode.commands.executeCommand('airflowEcs.localStack.up', web.node));
      assert.match(String(calls[0][0]), new RegExp(`Port ${port} is already in use on this machine \\(published by webserver\\)`));
      assert.ok(calls[0].includes('Show Output'));
    } finally {
      holder.close();
      fs.writeFileSync(project.file, good);
      await withAnswers(vscode.window, 'showWarningMessage', ['Down'], () => vscode.commands.executeCommand('airflowEcs.localStack.down'));
    }
  });

  it('Up of selected services only, from the palette quick pick; the project shows the partial state', async () => {
    const picks = [{ label: 'redis', picked: true }];
    await withAnswers(vscode.window, 'showQuickPick', [picks], () => vscode.commands.executeCommand('airflowEcs.localStack.up'));
    await until('redis running', async () => /^(running|healthy|starting)/.test((await service('redis')).description) || undefined);
    assert.match((await service('webserver')).description, /^not created/);
    assert.equal((await service('redis')).contextValue, 'airflowEcs.localStack.service.running');
    const { root } = await services();
    assert.match(root.description, /^1\/4 services running/);
    assert.equal(root.icon, 'warning');
  });

  it('a cancelled Up says how many services are up and offers Down or Up', async () => {
    const { root } = await services();
    const tracker = api.localStack.stack.tracker!;
    const { calls } = await withAnswers(vscode.window, 'showWarningMessage', [undefined], () =>
      cancellingWhen(() => tracker.containers.some((c) => c.service !== 'redis'), () => vscode.commands.executeCommand('airflowEcs.localStack.up', root.node)));
    const asked = calls[0];
    assert.match(String(asked[0]), /^Up all services was cancelled: \d of 4 services are up/);
    assert.deepEqual(asked.slice(1), ['Down', 'Up']);
  });

  it('an engine that does not answer is named in the view with where it was looked for', async () => {
    const before = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = 'unix:///tmp/airflow-ecs-no-engine.sock';
    try {
      api.localStack.stack.reset();
      assert.deepEqual(await rows(), []);
      assert.match(api.localStack.tree.message ?? '', /not reachable at unix:\/\/\/tmp\/airflow-ecs-no-engine\.sock \(from DOCKER_HOST\)/);
    } finally {
      if (before === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = before;
      api.localStack.stack.reset();
    }
    await until('the project again', async () => (await rows()).length > 0 || undefined);
    assert.equal(api.localStack.tree.message, undefined);
  });

  it('an expected refusal is logged as one line; a bug keeps its stack trace', async () => {
    const lines: string[] = [];
    const logger = { debug: () => undefined, info: () => undefined, warn: (m: string) => lines.push(`warn ${m}`), error: (m: string) => lines.push(`error ${m}`) };
    await withAnswers(vscode.window, 'showErrorMessage', [undefined, undefined, undefined], async () => {
      await reportError(new UserFacingError('No container of the local stack is running.'), logger, 'airflowEcs.localStack.up');
      await reportError(new UntrustedWorkspace('Down'), logger, 'airflowEcs.localStack.down');
      await reportError(new TypeError('x is undefined'), logger, 'airflowEcs.localStack.up');
    });
    assert.equal(lines[0], 'warn airflowEcs.localStack.up: No container of the local stack is running.');
    assert.equal(lines[1], `warn airflowEcs.localStack.down: ${new UntrustedWorkspace('Down').message}`);
    assert.match(lines[2], /^error airflowEcs\.localStack\.up: TypeError: x is undefined\n\s+at /);
  });
});
