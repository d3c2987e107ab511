// ECS Exec and port forwarding in a real extension host. The Session Manager plugin cannot be
// installed here: a recording stand-in (test/support/sessionPlugin.ts) goes first on PATH, and
// these tests check the exact invocation the commands make. Not run against the real plugin.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../../src/extension';
import { control } from '../../support/fakeAws/server';
import type { SeedCluster } from '../../support/fakeAws/ecs';
import type { SessionRecord } from '../../support/fakeAws/ssm';
import { createSessionPluginStandIn, prependPath, type SessionPluginStandIn } from '../../support/sessionPlugin';

const AWS = process.env.AIRFLOW_ECS_TEST_AWS ?? '';
const INSTALL_URL = 'https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-working-with-install-plugin.html';
type Node = Parameters<ExtensionApi['clusterTree']['getTreeItem']>[0];
type Win = Record<string, unknown>;

let api: ExtensionApi;

const CLUSTER: SeedCluster = {
  name: 'airflow-exec',
  services: [
    { name: 'airflow-apiserver', desiredCount: 1, enableExecuteCommand: true, containers: [{ name: 'api-server' }, { name: 'log-router' }] },
    { name: 'airflow-worker', desiredCount: 1, containers: [{ name: 'worker' }] },
  ],
};

async function children(node?: Node): Promise<{ node: Node; item: vscode.TreeItem; label: string }[]> {
  return (await api.clusterTree.getChildren(node)).map((k) => {
    const item = api.clusterTree.getTreeItem(k);
    return { node: k, item, label: String(item.label) };
  });
}

async function child(node: Node | undefined, label: string) {
  const found = (await children(node)).find((c) => c.label === label);
  assert.ok(found, `no child ${label}`);
  return found;
}

/** The first running task row of a service, and its container rows. */
async function taskOf(service: string) {
  const cluster = await child(undefined, 'airflow-exec');
  const serviceRow = await child(cluster.node, service);
  const task = (await children(serviceRow.node)).find((c) => c.item.contextValue === 'airflowEcs.task.running');
  assert.ok(task, `no running task under ${service}`);
  return { service: serviceRow, task, containers: await children(task.node) };
}

/** Terminals opened while `action` runs. */
async function terminalsOpened(action: () => Promise<unknown>): Promise<vscode.Terminal[]> {
  const opened: vscode.Terminal[] = [];
  const listener = vscode.window.onDidOpenTerminal((t) => opened.push(t));
  try {
    await action();
  } finally {
    listener.dispose();
  }
  return opened;
}

async function callCount(operation: string): Promise<number> {
  const { calls } = (await control(AWS, 'fake', 'calls')) as { calls: { operation: string }[] };
  return calls.filter((c) => c.operation === operation).length;
}

const sessions = async () => ((await control(AWS, 'ssm', 'sessions')) as { sessions: SessionRecord[] }).sessions;

async function until<T>(check: () => T | undefined | Promise<T | undefined>, what: string, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Runs `action` while each named window/env function answers as a person would (a value, or a
 * function of the arguments); returns every call by name. Messages shown after `action` ends are
 * still answered until `until` resolves.
 */
async function answering(answers: Record<string, unknown>, action: () => Thenable<unknown>, after?: (calls: Record<string, unknown[][]>) => Promise<unknown>): Promise<Record<string, unknown[][]>> {
  const targets: Win[] = [vscode.window as unknown as Win, vscode.env as unknown as Win];
  const saved: [Win, string, unknown][] = [];
  const calls: Record<string, unknown[][]> = {};
  for (const [key, answer] of Object.entries(answers)) {
    const target = targets.find((t) => key in t)!;
    saved.push([target, key, target[key]]);
    calls[key] = [];
    target[key] = (...args: unknown[]) => {
      calls[key].push(args);
      return Promise.resolve(typeof answer === 'function' ? (answer as (...a: unknown[]) => unknown)(...args) : answer);
    };
  }
  try {
    await action();
    await after?.(calls);
  } finally {
    for (const [target, key, original] of saved) target[key] = original;
  }
  return calls;
}

describe('ECS Exec and port forwarding in a real extension host (recording session-manager-plugin)', () => {
  let plugin: SessionPluginStandIn;
  let restorePath: () => void;
  let upstream: http.Server;
  let upstreamPort: number;

  before(async () => {
    assert.ok(AWS, 'AIRFLOW_ECS_TEST_AWS must point at the local AWS endpoint');
    api = await vscode.extensions.getExtension<ExtensionApi>('airflow-ecs.airflow-on-ecs')!.activate();
    upstream = http.createServer((req, res) => res.end(`api-server answered ${req.url}`));
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    upstreamPort = (upstream.address() as AddressInfo).port;
  });
  after(() => upstream.close());

  beforeEach(async () => {
    await control(AWS, 'fake', 'reset');
    await control(AWS, 'ecs', 'seed', { clusters: [CLUSTER] });
    api.clusterTree.reset();
    plugin = createSessionPluginStandIn();
    restorePath = prependPath(plugin.dir);
  });
  afterEach(async () => {
    await vscode.commands.executeCommand('airflowEcs.stopPortForward');
    for (const t of vscode.window.terminals) t.dispose();
    restorePath();
    plugin.remove();
  });

  it('the container and task rows carry the context values the menus match', async () => {
    const { task, containers } = await taskOf('airflow-apiserver');
    assert.equal(task.item.contextValue, 'airflowEcs.task.running');
    assert.deepEqual(containers.map((c) => c.item.contextValue), ['airflowEcs.container.running', 'airflowEcs.container.running']);
  });

  it('Open Shell in Container runs the resolved plugin as the shell of a terminal, with the arguments the AWS CLI passes', async () => {
    const { task, containers } = await taskOf('airflow-apiserver');
    const apiServer = containers.find((c) => c.label === 'api-server')!;
    await vscode.commands.executeCommand('airflowEcs.openShell', apiServer.node);
    const terminal = await until(() => vscode.window.terminals.find((t) => t.name.startsWith('api-server · ')), 'the shell terminal');
    const options = terminal.creationOptions as vscode.TerminalOptions;
    assert.equal(options.shellPath, plugin.file, 'the absolute path resolved from PATH');
    const args = options.shellArgs as string[];
    const taskArn = String(task.item.id);
    const taskId = taskArn.slice(taskArn.lastIndexOf('/') + 1);
    const described = (await (await api.session.ecs()).describeTasks('airflow-exec', [taskArn])).items[0];
    const runtimeId = described.containers!.find((c) => c.name === 'api-server')!.runtimeId;
    assert.deepEqual(Object.keys(JSON.parse(args[0]) as object).sort(), ['sessionId', 'streamUrl', 'tokenValue']);
    assert.deepEqual(args.slice(1), ['us-east-1', 'StartSession', 'test', JSON.stringify({ Target: `ecs:airflow-exec_${taskId}_${runtimeId}` }), AWS]);
    // The terminal really started it, with exactly those arguments.
    const call = await until(() => plugin.calls().find((c) => c.args[2] === 'StartSession'), 'the plugin to start in the terminal');
    assert.deepEqual(call.args, args);
    assert.equal(await callCount('ExecuteCommand'), 1);
  });

  it('Open Shell on a task asks which container', async () => {
    const { task } = await taskOf('airflow-apiserver');
    const calls = await answering({ showQuickPick: (items: { label: string }[]) => items.find((i) => i.label === 'log-router') }, () => vscode.commands.executeCommand('airflowEcs.openShell', task.node));
    assert.deepEqual((calls.showQuickPick[0][0] as { label: string }[]).map((i) => i.label), ['api-server', 'log-router']);
    await until(() => vscode.window.terminals.find((t) => t.name.startsWith('log-router · ')), 'the log-router shell');
  });

  it('without the plugin: one sentence and the install page, before any AWS call', async () => {
    restorePath();
    restorePath = prependPath('/nonexistent-folder');
    const saved = process.env.PATH;
    process.env.PATH = '/nonexistent-folder';
    try {
      const { containers } = await taskOf('airflow-apiserver');
      let calls: Record<string, unknown[][]> = {};
      const opened = await terminalsOpened(async () => {
        calls = await answering({ showErrorMessage: 'Open Install Page', openExternal: true }, () => vscode.commands.executeCommand('airflowEcs.openShell', containers[0].node));
      });
      assert.deepEqual(calls.showErrorMessage[0], ['The AWS Session Manager plugin (session-manager-plugin) is not installed or not on PATH: install it, then try again.', 'Open Install Page', 'Show Log']);
      assert.equal(String(calls.openExternal[0][0]), INSTALL_URL);
      assert.equal(await callCount('ExecuteCommand'), 0);
      assert.deepEqual(opened, []);
    } finally {
      process.env.PATH = saved;
    }
  });

  it('a task started without ECS Exec: says so and offers to turn it on for the service, with a new deployment', async () => {
    const { containers } = await taskOf('airflow-worker');
    const declined = await answering({ showWarningMessage: undefined }, () => vscode.commands.executeCommand('airflowEcs.openShell', containers[0].node));
    const [message, options, button] = declined.showWarningMessage[0] as [string, vscode.MessageOptions, string];
    assert.match(message, /^Task \w{8} was started without ECS Exec \(enableExecuteCommand is off\), so nothing can open a session into it\. Turn ECS Exec on for service airflow-worker\?$/);
    assert.equal(options.modal, true);
    assert.match(options.detail ?? '', /starts a new deployment of airflow-worker/);
    assert.equal(button, 'Enable ECS Exec and Redeploy');
    assert.equal(await callCount('UpdateService'), 0, 'declined: nothing changed');
    assert.equal(await callCount('ExecuteCommand'), 0);

    await answering({ showWarningMessage: 'Enable ECS Exec and Redeploy', showInformationMessage: undefined }, () => vscode.commands.executeCommand('airflowEcs.openShell', containers[0].node));
    assert.equal(await callCount('UpdateService'), 1);
    const { items: [service] } = await (await api.session.ecs()).describeServices('airflow-exec', ['airflow-worker']);
    assert.equal(service.enableExecuteCommand, true);
    assert.equal(service.deployments?.[0]?.rolloutState, 'IN_PROGRESS', 'a new deployment started');
  });

  it('agent not running yet, TargetNotConnected and AccessDenied: one sentence each with a next step', async () => {
    const { task, containers } = await taskOf('airflow-apiserver');
    const shell = () => vscode.commands.executeCommand('airflowEcs.openShell', containers[0].node);

    await control(AWS, 'ecs', 'execAgent', { task: task.item.id, agent: 'PENDING' });
    let calls = await answering({ showErrorMessage: undefined }, shell);
    assert.match(String(calls.showErrorMessage[0][0]), /^The ECS Exec agent in container api-server of task \w{8} is pending, not running yet: wait a minute after the task starts and try again\.$/);
    assert.deepEqual(calls.showErrorMessage[0].slice(1), ['Retry', 'Show Log']);

    await control(AWS, 'ecs', 'execAgent', { task: task.item.id, agent: 'RUNNING', connected: false });
    calls = await answering({ showErrorMessage: undefined }, shell);
    assert.match(String(calls.showErrorMessage[0][0]), /not connected to Systems Manager \(TargetNotConnectedException\): the task role needs the ssmmessages permissions/);
    assert.deepEqual(calls.showErrorMessage[0].slice(1), ['Retry', 'Show Log']);

    await control(AWS, 'ecs', 'execAgent', { task: task.item.id, connected: true });
    await control(AWS, 'fake', 'fault', { operation: 'ExecuteCommand', kind: 'accessDenied', count: 1 });
    const opened = await terminalsOpened(async () => {
      calls = await answering({ showErrorMessage: undefined }, shell);
    });
    assert.equal(calls.showErrorMessage[0][0], 'Access denied: your AWS identity is not allowed to call ecs:ExecuteCommand. Ask your AWS administrator to allow ecs:ExecuteCommand for your role.');
    assert.deepEqual(opened, [], 'no terminal for a refused session');
  });

  it('Forward Port on the api-server service: 8080 offered, the URL works, Connect Airflow View offered, stopped on request', async () => {
    // The Airflow view's connect command belongs to another feature; stand in for it when it is absent.
    const connects: unknown[] = [];
    const own = (await vscode.commands.getCommands(true)).includes('airflowEcs.airflow.connect')
      ? undefined
      : vscode.commands.registerCommand('airflowEcs.airflow.connect', (arg: unknown) => void connects.push(arg));
    try {
      const { service } = await taskOf('airflow-apiserver');
      const calls = await answering(
        { showInputBox: String(upstreamPort), showInformationMessage: own ? 'Connect Airflow View' : undefined },
        () => vscode.commands.executeCommand('airflowEcs.forwardPort', service.node),
        (c) => until(() => c.showInformationMessage.length > 0, 'the offer to use the forwarded URL'),
      );
      const input = calls.showInputBox[0][0] as vscode.InputBoxOptions;
      assert.equal(input.value, '8080', 'the api-server port by default');
      assert.equal(input.validateInput?.('0'), 'Enter a port number from 1 to 65535.');
      const [offer, ...buttons] = calls.showInformationMessage[0] as string[];
      const url = /^(http:\/\/localhost:\d+) now reaches api-server:\d+\./.exec(offer)?.[1];
      assert.ok(url, offer);
      assert.deepEqual(buttons, ['Open in Browser', 'Connect Airflow View', 'Stop']);
      if (own) assert.deepEqual(await until(() => connects[0], 'Connect Airflow View'), { url, source: 'port forward' });

      assert.equal(await (await fetch(`${url}/api/v2/version`)).text(), 'api-server answered /api/v2/version');
      const run = plugin.calls().find((c) => c.args[2] === 'StartSession')!;
      const request = JSON.parse(run.args[4]) as { DocumentName: string; Parameters: Record<string, string[]> };
      assert.equal(request.DocumentName, 'AWS-StartPortForwardingSessionToRemoteHost');
      assert.deepEqual(request.Parameters, { host: ['localhost'], portNumber: [String(upstreamPort)], localPortNumber: [url.split(':').pop()!] });
      assert.equal(run.args[0], 'AWS_SSM_START_SESSION_RESPONSE');
      assert.equal(JSON.parse(run.env.AWS_SSM_START_SESSION_RESPONSE).SessionId, (await sessions())[0].sessionId);

      await vscode.commands.executeCommand('airflowEcs.stopPortForward');
      await assert.rejects(fetch(`${url}/`), 'nothing listens once stopped');
      assert.equal((await sessions())[0].status, 'Terminated');
    } finally {
      own?.dispose();
    }
  });

  it('a forward that ends by itself says so', async () => {
    const { task } = await taskOf('airflow-apiserver');
    const calls = await answering(
      { showInputBox: String(upstreamPort), showInformationMessage: undefined, showWarningMessage: undefined },
      async () => {
        await vscode.commands.executeCommand('airflowEcs.forwardPort', task.node);
        const run = await until(() => plugin.calls().find((c) => c.args[2] === 'StartSession'), 'the plugin');
        process.kill(run.pid, 'SIGKILL');
      },
      (c) => until(() => c.showWarningMessage.length > 0, 'the message that forwarding stopped'),
    );
    assert.match(String(calls.showWarningMessage[0][0]), /^Port forwarding localhost:\d+ → api-server:\d+ stopped: the Session Manager plugin exited on a signal\. Forward the port again to reconnect\.$/);
    assert.equal((await sessions())[0].status, 'Terminated', 'the session ended on the agent side too');
  });
});
