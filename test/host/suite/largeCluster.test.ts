import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../../src/extension';
import { control } from '../../support/fakeAws/server';

const AWS = process.env.AIRFLOW_ECS_TEST_AWS ?? '';
type Node = Parameters<ExtensionApi['clusterTree']['getTreeItem']>[0];
interface Row { node: Node; item: vscode.TreeItem; label: string; description: string }

let api: ExtensionApi;

/** The rows under `node` as the view draws them. */
async function rows(node?: Node): Promise<Row[]> {
  return (await api.clusterTree.getChildren(node)).map((n) => {
    const item = api.clusterTree.getTreeItem(n);
    return { node: n, item, label: String(item.label), description: String(item.description ?? '') };
  });
}

async function clusterRow(name: string): Promise<Row> {
  const found = (await rows()).find((r) => r.label === name);
  assert.ok(found, `no cluster ${name}`);
  return found;
}

/** The cluster row as drawn now (its description follows the rows loaded). */
const redrawn = (cluster: Row) => String(api.clusterTree.getTreeItem(cluster.node).description);

async function until(check: () => Promise<boolean>, what: string, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function callCount(operation: string): Promise<number> {
  const { calls } = (await control(AWS, 'fake', 'calls')) as { calls: { operation: string }[] };
  return calls.filter((c) => c.operation === operation).length;
}

/** Runs Filter Services… on `cluster` as a person answering its input box with `text`; returns the box's options. */
async function filter(cluster: Row, text: string): Promise<vscode.InputBoxOptions> {
  const original = vscode.window.showInputBox;
  let options: vscode.InputBoxOptions | undefined;
  vscode.window.showInputBox = ((o: vscode.InputBoxOptions) => {
    options = o;
    return Promise.resolve(text);
  }) as typeof vscode.window.showInputBox;
  try {
    await vscode.commands.executeCommand('airflowEcs.explorer.filterServices', cluster.node);
  } finally {
    vscode.window.showInputBox = original;
  }
  assert.ok(options, 'the input box was shown');
  return options;
}

const services = (all: Row[]) => all.filter((r) => r.label !== 'Standalone tasks');

describe('A cluster of 2,000 services in the Clusters view', () => {
  before(async () => {
    assert.ok(AWS, 'AIRFLOW_ECS_TEST_AWS must point at the local AWS endpoint');
    const ext = vscode.extensions.getExtension<ExtensionApi>('airflow-ecs.airflow-on-ecs');
    assert.ok(ext);
    api = await ext.activate();
  });
  after(() => control(AWS, 'fake', 'reset'));

  it('shows its first rows described and the rest of the page loading, then every service', async () => {
    await control(AWS, 'fake', 'reset');
    await control(AWS, 'ecs', 'seed', { clusters: [{ name: 'airflow-huge', generatedServices: 2000 }] });
    // Each call waits, as over a network: the rows still loading can be seen.
    await control(AWS, 'fake', 'latency', { ms: 40 });
    const cluster = await clusterRow('airflow-huge');
    const first = services(await rows(cluster.node));
    const described = first.filter((r) => r.description !== 'loading…');
    assert.equal(described.length, 30, 'the first screen is described');
    assert.ok(described.every((r) => /^1\/1 running · FARGATE · airflow-team\d{4}-[a-z-]+:3$/.test(r.description)), described[0]?.description);
    assert.ok(first.length - described.length >= 70, 'the rest of the first page is listed, loading');
    const loading = first.find((r) => r.description === 'loading…')!;
    assert.equal(loading.item.contextValue, 'airflowEcs.service.loading', 'no scale or deploy on a row whose counts are not in');
    assert.deepEqual(first.map((r) => r.label), [...first.map((r) => r.label)].sort((a, b) => a.localeCompare(b)));
    assert.match(redrawn(cluster), /^2000 services · 2000 running · loading \d+ of 2,000…$/);

    await until(async () => {
      const all = services(await rows(cluster.node));
      return all.length === 2000 && all.every((r) => r.description !== 'loading…');
    }, 'every service described');
    assert.equal(redrawn(cluster), '2000 services · 2000 running');
    assert.equal(await callCount('ListServices'), 20);
    assert.equal(await callCount('DescribeServices'), 200);
    await control(AWS, 'fake', 'latency', { ms: 0 });
  });

  it('Filter Services… narrows the rows from what is loaded and says "N of M" on the cluster row', async () => {
    const cluster = await clusterRow('airflow-huge');
    await until(async () => services(await rows(cluster.node)).every((r) => r.description !== 'loading…') && !redrawn(cluster).includes('loading'), 'the cluster loaded');
    const listed = await callCount('ListServices');

    assert.equal((await filter(cluster, 'sched')).value, '', 'nothing filtered yet');
    const scheduler = services(await rows(cluster.node));
    assert.equal(scheduler.length, 400);
    assert.ok(scheduler.every((r) => r.label.includes('scheduler')));
    assert.equal(redrawn(cluster), 'filter: sched · 400 of 2,000');

    assert.equal((await filter(cluster, 'TEAM0042-')).value, 'sched', 'the box opens with the current filter');
    assert.deepEqual(services(await rows(cluster.node)).map((r) => r.label), ['team0042-api-server', 'team0042-dag-processor', 'team0042-scheduler', 'team0042-triggerer', 'team0042-worker']);
    assert.equal(redrawn(cluster), 'filter: TEAM0042- · 5 of 2,000');

    await filter(cluster, 'no-such-service');
    assert.deepEqual((await rows(cluster.node)).map((r) => r.label), ['No service name contains "no-such-service"', 'Standalone tasks']);

    await filter(cluster, '');
    assert.equal(services(await rows(cluster.node)).length, 2000);
    assert.equal(redrawn(cluster), '2000 services · 2000 running');
    assert.equal(await callCount('ListServices'), listed, 'the filter answers from what is loaded');
  });

  it('a filter set before the services load keeps narrowing as pages arrive; a failed describe is a row that says so', async () => {
    await control(AWS, 'fake', 'reset');
    await control(AWS, 'ecs', 'seed', { clusters: [{ name: 'airflow-huge', generatedServices: 2000 }] });
    await control(AWS, 'ecs', 'breakDescribe', { names: ['team0101-worker'] });
    await control(AWS, 'fake', 'latency', { ms: 40 });
    const cluster = await clusterRow('airflow-huge');
    api.clusterTree.refresh(cluster.node);
    await filter(cluster, 'team01');
    assert.equal(redrawn(cluster), 'filter: team01', 'not loaded yet: the filter alone');

    const first = services(await rows(cluster.node));
    assert.ok(first.every((r) => r.label.startsWith('team01') || r.label.startsWith('No service name')), first.map((r) => r.label).join(', '));
    assert.match(redrawn(cluster), /^filter: team01 · \d+ of \d+ so far$/);

    // team0100..team0199: 500 services; the call that named team0101-worker failed for its ten.
    await until(async () => !redrawn(cluster).includes('so far'), 'every page listed and described');
    const all = services(await rows(cluster.node));
    assert.equal(all.length, 500);
    assert.equal(redrawn(cluster), 'filter: team01 · 500 of 2,000');
    const failed = all.filter((r) => r.item.contextValue === 'airflowEcs.error');
    assert.ok(failed.length >= 1 && failed.length <= 10, `${failed.length} error rows`);
    const broken = failed.find((r) => r.label.startsWith('Could not describe service team0101-worker: '));
    assert.ok(broken, failed.map((r) => r.label).join('\n'));
    assert.match(broken.label, /: ecs:DescribeServices failed: the endpoint answered HTTP 500 \(ServerException\)\.$/);
    assert.equal(broken.item.command?.command, 'airflowEcs.explorer.retry');
    await filter(cluster, '');
    await control(AWS, 'fake', 'latency', { ms: 0 });
  });
});
