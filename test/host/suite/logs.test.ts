import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../../src/extension';
import type { TailSession } from '../../../src/platform/tailSessions';
import { control } from '../../support/fakeAws/server';
import type { SeedCluster } from '../../support/fakeAws/ecs';

const AWS = process.env.AIRFLOW_ECS_TEST_AWS ?? '';
const GROUP = '/ecs/airflow-worker';
type Node = Parameters<ExtensionApi['clusterTree']['getTreeItem']>[0];

let api: ExtensionApi;

async function node(parent: Node | undefined, label: string): Promise<Node> {
  const kids = await api.clusterTree.getChildren(parent);
  const found = kids.find((k) => String(api.clusterTree.getTreeItem(k).label) === label);
  assert.ok(found, `no ${label}`);
  return found;
}

async function streams(): Promise<string[]> {
  const { tasks } = (await control(AWS, 'ecs', 'tasks', { cluster: 'airflow-prod' })) as { tasks: { taskArn: string }[] };
  return tasks.map((t) => `ecs/worker/${t.taskArn.split('/').pop()}`);
}

async function put(stream: string, messages: string[], agoMs = 0): Promise<void> {
  const timestamp = Date.now() - agoMs;
  await control(AWS, 'logs', 'addEvents', { group: GROUP, stream, events: messages.map((message) => ({ timestamp, message })) });
}

async function until(check: () => boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function logLines(s: TailSession): string[] {
  return s.lines.filter((l) => !l.startsWith('--- '));
}

describe('Log tail in a real extension host', () => {
  before(async () => {
    const ext = vscode.extensions.getExtension<ExtensionApi>('airflow-ecs.airflow-on-ecs');
    assert.ok(ext);
    api = await ext.activate();
  });
  beforeEach(async () => {
    await vscode.commands.executeCommand('airflowEcs.logs.stopAll');
    await control(AWS, 'fake', 'reset');
  });
  after(() => vscode.commands.executeCommand('airflowEcs.logs.stopAll'));

  async function seed(cluster: SeedCluster): Promise<Node> {
    await control(AWS, 'ecs', 'seed', { clusters: [cluster] });
    api.clusterTree.refresh();
    return node(await node(undefined, 'airflow-prod'), 'worker');
  }

  it('tails a service, merges its tasks with their ids, and picks up a task that starts later, no line twice', async () => {
    const worker = await seed({ name: 'airflow-prod', services: [{ name: 'worker', desiredCount: 2 }] });
    const [s1, s2] = await streams();
    await put(s1, ['[2026-11-23 12:00:00,123] {taskinstance.py:1234} INFO - backlog one'], 60_000);
    await put(s2, ['[2026-11-23 12:00:00,124] {celery.py:9} WARNING - backlog two'], 30_000);
    const session = (await vscode.commands.executeCommand('airflowEcs.logs.tail', worker)) as TailSession;
    assert.ok(session, 'the command returns the tail');
    assert.equal(session.channel.name, 'Logs: worker (airflow-prod)');
    await until(() => logLines(session).length === 2, 'the backlog');
    assert.match(logLines(session)[0], new RegExp(`^${s1.split('/').pop()!.slice(0, 8)} worker \\| \\[2026`));

    await control(AWS, 'ecs', 'addTasks', { cluster: 'airflow-prod', service: 'worker', count: 1 });
    const s3 = (await streams())[2];
    await put(s3, ['INFO - from the new task']);
    await put(s1, ['INFO - late line'], 90_000);
    await until(() => logLines(session).length === 4, 'the new task and the late line');
    const lines = logLines(session);
    assert.equal(new Set(lines).size, lines.length, 'no line twice');
    assert.ok(lines.some((l) => l.startsWith(`${s3.split('/').pop()!.slice(0, 8)} worker | INFO - from the new task`)));
    assert.equal(api.logTails.list().length, 1);
  });

  it('says which log driver a service uses when it cannot be tailed', async () => {
    const worker = await seed({ name: 'airflow-prod', services: [{ name: 'worker', desiredCount: 1, logConfiguration: { logDriver: 'json-file' } }] });
    const original = vscode.window.showErrorMessage;
    const messages: string[] = [];
    vscode.window.showErrorMessage = ((m: string) => { messages.push(m); return Promise.resolve(undefined); }) as never;
    try {
      await vscode.commands.executeCommand('airflowEcs.logs.tail', worker);
    } finally {
      vscode.window.showErrorMessage = original;
    }
    assert.equal(messages.length, 1);
    assert.match(messages[0], /Service worker has no logs in CloudWatch to tail\. Container worker logs with the json-file driver/);
    assert.equal(api.logTails.list().length, 0);
  });

  it('restarts with a filter pattern, and shows CloudWatch\'s own words for a rejected one', async () => {
    const worker = await seed({ name: 'airflow-prod', services: [{ name: 'worker', desiredCount: 1 }] });
    const [s1] = await streams();
    await put(s1, ['INFO - fine', 'ERROR - broken'], 10_000);
    const session = (await vscode.commands.executeCommand('airflowEcs.logs.tail', worker)) as TailSession;
    await until(() => logLines(session).length === 2, 'both lines');
    await vscode.commands.executeCommand('airflowEcs.logs.clear', session.key);
    await vscode.commands.executeCommand('airflowEcs.logs.filter', session.key, 'ERROR');
    await until(() => logLines(session).length === 1, 'the filtered line');
    assert.match(logLines(session)[0], /ERROR - broken$/);
    const original = vscode.window.showErrorMessage;
    const messages: string[] = [];
    vscode.window.showErrorMessage = ((m: string) => { messages.push(m); return Promise.resolve(undefined); }) as never;
    try {
      await vscode.commands.executeCommand('airflowEcs.logs.filter', session.key, '{ $.level = ');
      await until(() => session.lines.some((l) => l === `--- ${l.slice(4, 12)} Stopped: Invalid filter pattern: { $.level =`), 'the rejection');
      await until(() => messages.length === 1, 'the error message');
    } finally {
      vscode.window.showErrorMessage = original;
    }
    assert.equal(session.mode, 'failed');
    assert.equal(messages[0], 'The log tail of worker (airflow-prod) stopped: Invalid filter pattern: { $.level =');
    assert.equal(session.lines.filter((l) => / Filter changed: ERROR\. The lines below are read again from the start\.$/.test(l)).length, 1, 'the seam is marked');
  });

  it('Live Tail answering HTTP 503: lines come from polling, and the channel says so in one sentence', async () => {
    const worker = await seed({ name: 'airflow-prod', services: [{ name: 'worker', desiredCount: 1 }] });
    await control(AWS, 'logs', 'configure', { liveFailures: 1000, liveFailure: 'server' });
    const [s1] = await streams();
    await put(s1, ['INFO - before'], 5_000);
    const session = (await vscode.commands.executeCommand('airflowEcs.logs.tail', worker)) as TailSession;
    await until(() => session.mode === 'polling', 'polling');
    await put(s1, ['INFO - after', '', '']);
    await until(() => logLines(session).length === 4, 'every line, both blank lines too');
    const said = session.lines.filter((l) => /Live Tail failed again/.test(l));
    assert.equal(said.length, 1, session.lines.join('\n'));
    assert.match(said[0], /Live Tail failed again \(logs:StartLiveTail failed: the endpoint answered HTTP 503 \(ServiceUnavailableException\)\); polling FilterLogEvents every 0.5 s instead, and trying Live Tail again every 5 min\.$/);
    assert.equal(api.logTails.running().length, 1);
  });

  it('a tail that cannot read says so with next steps, keeps trying, and reads again', async function () {
    this.timeout(60_000);
    const worker = await seed({ name: 'airflow-prod', services: [{ name: 'worker', desiredCount: 1 }] });
    const [s1] = await streams();
    await put(s1, ['INFO - finally read'], 5_000);
    // Every FilterLogEvents answers 500 for a while (4 attempts a read with the SDK's own retries: 6 reads).
    await control(AWS, 'fake', 'fault', { operation: 'FilterLogEvents', kind: 'server', count: 24 });
    const original = vscode.window.showWarningMessage;
    const warnings: { text: string; buttons: string[] }[] = [];
    vscode.window.showWarningMessage = ((m: string, ...buttons: string[]) => { warnings.push({ text: m, buttons }); return Promise.resolve(undefined); }) as never;
    try {
      const session = (await vscode.commands.executeCommand('airflowEcs.logs.tail', worker)) as TailSession;
      await until(() => warnings.length === 1, 'the warning', 45_000).catch((err: Error) => { throw new Error(`${err.message}: ${session.lines.join('\n')}`); });
      assert.equal(session.mode, 'retrying');
      assert.match(warnings[0].text, /^The log tail of worker \(airflow-prod\) cannot read its logs: logs:FilterLogEvents failed: the endpoint answered HTTP 500 \(ServerException\)\. It keeps trying\.$/);
      assert.deepEqual(warnings[0].buttons, ['Show Log Tail', 'Stop Tail']);
      await until(() => logLines(session).length === 1, 'the line once the endpoint answers', 45_000);
      assert.ok(session.lines.some((l) => / Reading again at .*none lost or repeated\.$/.test(l)));
      assert.equal(warnings.length, 1, 'said once');
    } finally {
      vscode.window.showWarningMessage = original;
    }
  });

  it('a tail that stopped on a failure leaves the status bar and is restarted fresh from Tail Logs; Stop closes its channel', async () => {
    const worker = await seed({ name: 'airflow-prod', services: [{ name: 'worker', desiredCount: 1 }] });
    const [s1] = await streams();
    await put(s1, ['INFO - a line'], 5_000);
    await control(AWS, 'fake', 'fault', { operation: 'FilterLogEvents', kind: 'accessDenied', count: 1 });
    const original = vscode.window.showErrorMessage;
    const messages: string[] = [];
    vscode.window.showErrorMessage = ((m: string) => { messages.push(m); return Promise.resolve(undefined); }) as never;
    let failed: TailSession;
    try {
      failed = (await vscode.commands.executeCommand('airflowEcs.logs.tail', worker)) as TailSession;
      await until(() => failed.mode === 'failed' && messages.length === 1, 'the failure');
    } finally {
      vscode.window.showErrorMessage = original;
    }
    assert.match(messages[0], /^The log tail of worker \(airflow-prod\) stopped: Access denied: your AWS identity is not allowed to call logs:FilterLogEvents\. Ask your AWS administrator/);
    assert.equal(api.logTails.running().length, 0, 'the status bar no longer counts it');
    const fresh = (await vscode.commands.executeCommand('airflowEcs.logs.tail', worker)) as TailSession;
    assert.notEqual(fresh, failed, 'a fresh tail, not the dead one');
    await until(() => logLines(fresh).length === 1, 'the line in the fresh tail');
    assert.equal(failed.lines.length, 0, 'the dead tail released its lines (its channel was disposed)');
    assert.deepEqual(api.logTails.list(), [fresh]);
    await vscode.commands.executeCommand('airflowEcs.logs.stop', fresh.key);
    assert.equal(api.logTails.list().length, 0);
    assert.equal(fresh.lines.length, 0, 'stopping released its lines and channel');
  });

  it('polls when Live Tail is refused, and says so once in the channel', async () => {
    const worker = await seed({ name: 'airflow-prod', services: [{ name: 'worker', desiredCount: 1 }] });
    await control(AWS, 'logs', 'configure', { liveRefusals: 100 });
    const [s1] = await streams();
    await put(s1, ['INFO - before'], 5_000);
    const session = (await vscode.commands.executeCommand('airflowEcs.logs.tail', worker)) as TailSession;
    await until(() => session.mode === 'polling', 'polling');
    await put(s1, ['INFO - after']);
    await until(() => logLines(session).length === 2, 'both lines');
    assert.equal(session.lines.filter((l) => /Live Tail is not available \(LimitExceededException/.test(l)).length, 1);
  });

  it('the 16th tail with Live Tail polls and says so once: the account allows 15 sessions, counted across tails', async function () {
    this.timeout(180_000);
    // One task definition (and so one log group) for all, as workers of one image scaled into services.
    const services = Array.from({ length: 16 }, (_, i) => ({ name: `worker-${String(i).padStart(2, '0')}`, desiredCount: 1, family: 'airflow-worker' }));
    await control(AWS, 'ecs', 'seed', { clusters: [{ name: 'airflow-prod', services }] });
    api.clusterTree.refresh();
    const cluster = await node(undefined, 'airflow-prod');
    const [s1] = await streams();
    await put(s1, ['INFO - before'], 1000);
    const sessions: TailSession[] = [];
    for (const service of services) {
      const session = (await vscode.commands.executeCommand('airflowEcs.logs.tail', await node(cluster, service.name))) as TailSession;
      sessions.push(session);
      await until(() => session.mode === 'live' || session.mode === 'polling', `${service.name} live or polling`, 30_000);
    }
    assert.deepEqual(sessions.map((s) => s.mode), [...Array(15).fill('live'), 'polling']);
    assert.equal(api.logTails.liveSlots.inUse, 15);
    const last = sessions[15];
    const said = last.lines.filter((l) => l.includes('Live Tail is not available (session limit: all 15 Live Tail sessions CloudWatch allows per account are in use by other tails); polling FilterLogEvents every 0.5 s instead'));
    assert.equal(said.length, 1, last.lines.join('\n'));
    assert.ok(!sessions.slice(0, 15).some((s) => s.lines.some((l) => /not available/.test(l))), 'the first 15 follow live');
    await put(s1, ['INFO - after']);
    await until(() => sessions.every((s) => logLines(s).length === 2), 'the new line in every tail, the polling one too');
    // A stopped tail gives its session back.
    await api.logTails.stop(sessions[0]);
    assert.equal(api.logTails.liveSlots.inUse, 14);
  });
});
