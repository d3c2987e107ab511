import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { answering } from '../answers';
import type { ExtensionApi } from '../../../src/extension';
import { control } from '../../support/fakeAws/server';
import type { SeedCluster } from '../../support/fakeAws/ecs';
import { FakeElb } from '../../support/fakeAws/elb';

const AWS = process.env.AIRFLOW_ECS_TEST_AWS ?? '';
type Node = Parameters<ExtensionApi['clusterTree']['getTreeItem']>[0];

let api: ExtensionApi;

async function seed(clusters: SeedCluster[]): Promise<void> {
  await control(AWS, 'fake', 'reset');
  await control(AWS, 'ecs', 'seed', { clusters });
}

async function callCount(operation: string): Promise<number> {
  const { calls } = (await control(AWS, 'fake', 'calls')) as { calls: { operation: string }[] };
  return calls.filter((c) => c.operation === operation).length;
}

async function children(node?: Node): Promise<{ node: Node; item: vscode.TreeItem; label: string }[]> {
  const kids = await api.clusterTree.getChildren(node);
  return kids.map((k) => {
    const item = api.clusterTree.getTreeItem(k);
    return { node: k, item, label: String(item.label) };
  });
}

async function until(check: () => boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function child(node: Node | undefined, label: string | RegExp) {
  const found = (await children(node)).find((c) => (typeof label === 'string' ? c.label === label : label.test(c.label)));
  assert.ok(found, `no child ${label} under ${node ? api.clusterTree.getTreeItem(node).label : 'root'}: ${(await children(node)).map((c) => c.label).join(', ')}`);
  return found;
}

const PROD: SeedCluster = {
  name: 'airflow-prod',
  services: [
    { name: 'scheduler', desiredCount: 1 },
    { name: 'worker', desiredCount: 150, stopped: 1, events: ['(service worker) was unable to place a task because no container instance met all of its requirements.'] },
  ],
  standaloneTasks: [{ family: 'airflow-db-migrate' }],
};

describe('Clusters view in a real extension host', () => {
  before(async () => {
    assert.ok(AWS, 'AIRFLOW_ECS_TEST_AWS must point at the local AWS endpoint');
    const ext = vscode.extensions.getExtension<ExtensionApi>('airflow-ecs.airflow-on-ecs');
    assert.ok(ext, 'extension is installed');
    await control(AWS, 'fake', 'reset');
    api = await ext.activate();
    console.log(`activation: ${api.activationMs.toFixed(1)} ms`);
  });

  it('activates without calling AWS', async () => {
    assert.equal(await callCount('ListClusters'), 0);
    assert.ok(api.activationMs >= 0);
  });

  it('shows clusters with counts, then services with deployment and tasks', async () => {
    await seed([PROD]);
    const cluster = await child(undefined, 'airflow-prod');
    assert.equal(cluster.item.description, '2 services · 152 running');
    assert.equal(cluster.item.id, 'arn:aws:ecs:us-east-1:123456789012:cluster/airflow-prod');
    assert.equal(cluster.item.contextValue, 'airflowEcs.cluster');

    const services = await children(cluster.node);
    assert.deepEqual(services.map((s) => s.label), ['scheduler', 'worker', 'Standalone tasks']);
    const worker = services[1];
    assert.equal(worker.item.description, '150/150 running · FARGATE · airflow-worker:3');
    assert.match((worker.item.tooltip as vscode.MarkdownString).value, /unable to place a task/);
  });

  it('shows the first 100 tasks, then more behind Load more', async () => {
    await seed([PROD]);
    const cluster = await child(undefined, 'airflow-prod');
    const worker = await child(cluster.node, 'worker');
    const before = await callCount('DescribeTasks');
    const first = await children(worker.node);
    assert.equal(first.filter((c) => c.item.contextValue === 'airflowEcs.task.running').length, 100);
    assert.equal(await callCount('DescribeTasks') - before, 1, 'one DescribeTasks for the first 100');
    const more = first.find((c) => c.label === 'Load more…');
    assert.ok(more);
    assert.ok(first.at(-1)?.label === 'Stopped tasks');

    await vscode.commands.executeCommand(more.item.command!.command, ...(more.item.command!.arguments ?? []));
    const all = await children(worker.node);
    assert.equal(all.filter((c) => c.item.contextValue === 'airflowEcs.task.running').length, 150);
    assert.ok(!all.some((c) => c.label === 'Load more…'));
    const task = all[0];
    assert.match(String(task.item.description), /^RUNNING · HEALTHY · airflow-worker:3 · started \d+ min ago · us-east-1[abc]$/);
    const containers = await children(task.node);
    assert.equal(containers[0].label, 'worker');
    assert.match(String(containers[0].item.description), /RUNNING · HEALTHY · .*airflow:build-42/);
  });

  it('lists standalone tasks and recently stopped tasks with their stop code', async () => {
    await seed([PROD]);
    const cluster = await child(undefined, 'airflow-prod');
    const standalone = await child(cluster.node, 'Standalone tasks');
    const tasks = await children(standalone.node);
    assert.equal(tasks.length, 2);
    assert.match(String(tasks[0].item.description), /airflow-db-migrate:3/);
    assert.equal(tasks[1].label, 'Stopped tasks');

    const worker = await child(cluster.node, 'worker');
    const stopped = await child(worker.node, 'Stopped tasks');
    const stoppedTasks = await children(stopped.node);
    assert.equal(stoppedTasks.length, 1);
    assert.match(String(stoppedTasks[0].item.description), /STOPPED .*EssentialContainerExited/);
    assert.match((stoppedTasks[0].item.tooltip as vscode.MarkdownString).value, /Essential container in task exited/);
  });

  it('stops a task after a modal confirmation and shows it under Stopped tasks', async () => {
    await seed([{ name: 'c', services: [{ name: 'worker', desiredCount: 2 }] }]);
    const worker = await child(await child(undefined, 'c').then((c) => c.node), 'worker');
    const [task] = await children(worker.node);
    const { calls: confirm } = await answering(vscode.window, 'showWarningMessage', ['Stop Task'], () => vscode.commands.executeCommand('airflowEcs.stopTask', task.node));
    assert.equal(confirm.length, 1);
    assert.match(String(confirm[0][0]), new RegExp(`Stop task ${task.label}\\?`));
    assert.deepEqual(confirm[0][1], { modal: true, detail: 'Work running in it stops now; a service starts a replacement, a standalone task is gone.' });
    const running = await children(worker.node);
    assert.ok(!running.some((c) => c.label === task.label), 'the task left the running list');
    const stopped = await children((await child(worker.node, 'Stopped tasks')).node);
    assert.equal(stopped[0].label, task.label);
    assert.match(String(stopped[0].item.description), /UserInitiated/);
  });

  it('does not stop a task when the confirmation is dismissed', async () => {
    await seed([{ name: 'c', services: [{ name: 'worker', desiredCount: 1 }] }]);
    const worker = await child(await child(undefined, 'c').then((c) => c.node), 'worker');
    const [task] = await children(worker.node);
    const { calls: confirm } = await answering(vscode.window, 'showWarningMessage', [undefined], () => vscode.commands.executeCommand('airflowEcs.stopTask', task.node));
    assert.equal(confirm.length, 1, 'asked once');
    assert.equal(await callCount('StopTask'), 0);
  });

  it('scales a service through a validated input box', async () => {
    await seed([{ name: 'c', services: [{ name: 'worker', desiredCount: 2 }] }]);
    const cluster = await child(undefined, 'c');
    const worker = await child(cluster.node, 'worker');
    const { calls: input } = await answering(vscode.window, 'showInputBox', ['5'], () => vscode.commands.executeCommand('airflowEcs.scaleService', worker.node));
    const options = input[0][0] as vscode.InputBoxOptions;
    assert.equal(options.value, '2');
    assert.equal(await options.validateInput!('x'), 'Enter a whole number of tasks, 0 or more.');
    const after = await child(cluster.node, 'worker');
    assert.match(String(after.item.description), /^5\/5 running/);
  });

  it('after Scale Service the service and cluster rows show the new counts, without a refresh of the view', async () => {
    await seed([{ name: 'c', services: [{ name: 'worker', desiredCount: 2 }, { name: 'scheduler', desiredCount: 1 }] }]);
    // ECS starts the new tasks a moment after UpdateService answers.
    await control(AWS, 'ecs', 'schedulerDelay', { ms: 1500 });
    const cluster = await child(undefined, 'c');
    const worker = await child(cluster.node, 'worker');
    assert.equal(cluster.item.description, '2 services · 3 running');
    const listed = await callCount('ListClusters');
    await answering(vscode.window, 'showInputBox', ['6'], () => vscode.commands.executeCommand('airflowEcs.scaleService', worker.node));
    // The rows the view already shows, redrawn by the action: the same nodes, not a new read of the root.
    assert.equal(api.clusterTree.getTreeItem(cluster.node).description, '2 services · 7 running');
    assert.match(String(api.clusterTree.getTreeItem(worker.node).description), /^6\/6 running/);
    assert.equal(await callCount('ListClusters'), listed, 'the tree was not rebuilt from the root');
    const tasks = await children(worker.node);
    assert.equal(tasks.filter((t) => t.item.contextValue === 'airflowEcs.task.running').length, 6, 'the new tasks show under the service');
  });

  it('after Stop Task the service and cluster rows count one task less at once', async () => {
    await seed([{ name: 'c', services: [{ name: 'worker', desiredCount: 3 }] }]);
    const cluster = await child(undefined, 'c');
    const worker = await child(cluster.node, 'worker');
    const [task] = await children(worker.node);
    await answering(vscode.window, 'showWarningMessage', ['Stop Task'], () => vscode.commands.executeCommand('airflowEcs.stopTask', task.node));
    assert.equal(api.clusterTree.getTreeItem(cluster.node).description, '1 service · 2 running');
    assert.match(String(api.clusterTree.getTreeItem(worker.node).description), /^2\/3 running/);
  });

  it('forces a new deployment after confirmation', async () => {
    await seed([{ name: 'c', services: [{ name: 'worker', desiredCount: 1 }] }]);
    const cluster = await child(undefined, 'c');
    const worker = await child(cluster.node, 'worker');
    const { calls: confirm } = await answering(vscode.window, 'showWarningMessage', ['Force New Deployment'], () => vscode.commands.executeCommand('airflowEcs.forceNewDeployment', worker.node));
    assert.match(String(confirm[0][0]), /^Force a new deployment of worker\?/);
    const after = await child(cluster.node, 'worker');
    assert.match(String(after.item.description), /in progress$/);
    assert.match((after.item.tooltip as vscode.MarkdownString).value, /started a new deployment/);
  });

  it('knows Airflow 3 and Airflow 2 components and opens the Airflow UI through the api-server\'s load balancer', async () => {
    const targetGroupArn = FakeElb.targetGroupArn('airflow-api');
    await seed([{
      name: 'airflow-3',
      services: [
        { name: 'api-server', desiredCount: 1, loadBalancers: [{ targetGroupArn, containerName: 'api-server', containerPort: 8080 }] },
        { name: 'dag-processor', desiredCount: 1 },
        { name: 'worker', desiredCount: 2 },
      ],
    }, { name: 'airflow-2', services: [{ name: 'webserver', desiredCount: 1 }] }]);
    await control(AWS, 'elb', 'seed', { balancers: [{ name: 'airflow-api', scheme: 'internet-facing', listeners: [{ protocol: 'HTTP', port: 80 }, { protocol: 'HTTPS', port: 443 }], targetGroups: ['airflow-api'] }] });
    const v3 = await child(undefined, 'airflow-3');
    const apiServer = await child(v3.node, 'api-server');
    assert.equal(apiServer.item.contextValue, 'airflowEcs.service.ui');
    assert.equal((apiServer.item.iconPath as vscode.ThemeIcon).id, 'globe');
    assert.match((apiServer.item.tooltip as vscode.MarkdownString).value, /Airflow 3 api-server/);
    const dagProcessor = await child(v3.node, 'dag-processor');
    assert.equal(dagProcessor.item.contextValue, 'airflowEcs.service');
    assert.equal((dagProcessor.item.iconPath as vscode.ThemeIcon).id, 'file-code');
    const webserver = await child((await child(undefined, 'airflow-2')).node, 'webserver');
    assert.equal(webserver.item.contextValue, 'airflowEcs.service.ui');

    const { calls: opened } = await answering(vscode.env, 'openExternal', [true], () => vscode.commands.executeCommand('airflowEcs.openAirflowUi', apiServer.node));
    assert.equal((opened[0][0] as vscode.Uri).toString(true), 'https://airflow-api-1234567890.us-east-1.elb.amazonaws.com/');
    assert.equal(await callCount('DescribeListeners'), 1);

    // Without a load balancer, and on a service that is no UI, the user is told why.
    const { calls: noLb } = await answering(vscode.window, 'showErrorMessage', [undefined], () => vscode.commands.executeCommand('airflowEcs.openAirflowUi', webserver.node));
    assert.match(String(noLb[0][0]), /webserver has no load balancer.*inside the VPC/);
    const { calls: notUi } = await answering(vscode.window, 'showErrorMessage', [undefined], () => vscode.commands.executeCommand('airflowEcs.openAirflowUi', dagProcessor.node));
    assert.match(String(notUi[0][0]), /dag-processor is not an Airflow api-server or webserver/);
  });

  it('copies an ARN, opens the regional console page and shows read-only JSON', async () => {
    await seed([PROD]);
    const cluster = await child(undefined, 'airflow-prod');
    const worker = await child(cluster.node, 'worker');

    await vscode.commands.executeCommand('airflowEcs.copyArn', worker.node);
    assert.equal(await vscode.env.clipboard.readText(), 'arn:aws:ecs:us-east-1:123456789012:service/airflow-prod/worker');

    const { calls: open } = await answering(vscode.env, 'openExternal', [true], () => vscode.commands.executeCommand('airflowEcs.openInConsole', worker.node));
    assert.equal((open[0][0] as vscode.Uri).toString(true), 'https://us-east-1.console.aws.amazon.com/ecs/v2/clusters/airflow-prod/services/worker/health?region=us-east-1');

    await vscode.commands.executeCommand('airflowEcs.showResourceJson', worker.node);
    const doc = vscode.window.activeTextEditor?.document;
    assert.equal(doc?.uri.scheme, 'airflow-ecs');
    assert.equal(JSON.parse(doc!.getText()).serviceName, 'worker');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('runs from the palette with quick picks when no node is given', async () => {
    await seed([PROD]);
    const running = vscode.commands.executeCommand('airflowEcs.copyArn');
    // First pick: the cluster; second: the first resource, the cluster itself.
    for (let i = 0; i < 2; i++) {
      await new Promise((r) => setTimeout(r, 1500));
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    }
    await running;
    assert.equal(await vscode.env.clipboard.readText(), 'arn:aws:ecs:us-east-1:123456789012:cluster/airflow-prod');
  });

  it('turns a denied call into an error node naming the IAM action, and retries on click', async () => {
    await seed([PROD]);
    const cluster = await child(undefined, 'airflow-prod');
    await control(AWS, 'fake', 'fault', { operation: 'ListServices', kind: 'accessDenied', count: 1 });
    const [error] = await children(cluster.node);
    assert.equal(error.item.contextValue, 'airflowEcs.error');
    assert.match(error.label, /not allowed to call ecs:ListServices/);
    assert.equal(error.item.command?.command, 'airflowEcs.explorer.retry');
    const kids = await children(cluster.node);
    assert.equal(kids[0].label, 'scheduler');
  });

  it('rides out throttling and 5xx through the SDK retries', async () => {
    await seed([PROD]);
    await control(AWS, 'fake', 'fault', { operation: 'ListClusters', kind: 'throttle', count: 1 });
    await control(AWS, 'fake', 'fault', { operation: 'DescribeClusters', kind: 'server', count: 1 });
    const roots = await children();
    assert.deepEqual(roots.map((r) => r.label), ['airflow-prod']);
  });

  it('shows welcome content, not an error, for an unknown profile and for no clusters', async () => {
    await seed([]);
    assert.deepEqual(await children(), []);
    const cfg = vscode.workspace.getConfiguration('airflowEcs');
    await cfg.update('aws.profile', 'does-not-exist', vscode.ConfigurationTarget.Global);
    try {
      assert.deepEqual(await children(), []);
    } finally {
      await cfg.update('aws.profile', 'test', vscode.ConfigurationTarget.Global);
    }
    await seed([PROD]);
    assert.equal((await children()).length, 1);
  });

  it('auto-refreshes only while the view is visible', async () => {
    await seed([PROD]);
    const cfg = vscode.workspace.getConfiguration('airflowEcs');
    await cfg.update('explorer.refreshInterval', 1, vscode.ConfigurationTarget.Global);
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    try {
      await vscode.commands.executeCommand('workbench.view.explorer');
      const hiddenStart = await callCount('ListClusters');
      await sleep(2500);
      assert.equal(await callCount('ListClusters'), hiddenStart, 'no polling while hidden');

      await vscode.commands.executeCommand('workbench.view.extension.airflowEcs');
      await sleep(3500);
      assert.ok(await callCount('ListClusters') - hiddenStart >= 2, 'polls while visible');
    } finally {
      await cfg.update('explorer.refreshInterval', 0, vscode.ConfigurationTarget.Global);
      await vscode.commands.executeCommand('workbench.view.explorer');
    }
  });

  it('refreshes at once when the view shows again after being hidden', async () => {
    await seed([{ name: 'c', services: [{ name: 'worker', desiredCount: 2 }] }]);
    const cfg = vscode.workspace.getConfiguration('airflowEcs');
    await cfg.update('explorer.refreshInterval', 0, vscode.ConfigurationTarget.Global);
    try {
      await vscode.commands.executeCommand('workbench.view.extension.airflowEcs');
      // The view reads the root itself now; a read of ours may be superseded by it: ask until both agree.
      let cluster: Awaited<ReturnType<typeof children>>[number] | undefined;
      for (let i = 0; i < 50 && cluster?.item.description !== '1 service · 2 running'; i++) cluster = (await children()).find((c) => c.label === 'c');
      assert.equal(cluster?.item.description, '1 service · 2 running');
      await vscode.commands.executeCommand('workbench.view.explorer');
      await control(AWS, 'ecs', 'addTasks', { cluster: 'c', service: 'worker', count: 3 });
      await vscode.commands.executeCommand('workbench.view.extension.airflowEcs');
      // Nothing here reads the tree: only the view's own refresh on showing can change the row.
      await until(() => api.clusterTree.getTreeItem(cluster!.node).description === '1 service · 5 running', 'the cluster row to show 5 running');
    } finally {
      await vscode.commands.executeCommand('workbench.view.explorer');
    }
  });

  it('a refresh keeps "Load more" progress and does not walk every page of the task groups again', async () => {
    await seed([{
      name: 'c',
      services: [{ name: 'worker', desiredCount: 150, stopped: 2 }, { name: 'scheduler', desiredCount: 250 }],
      standaloneTasks: [{ family: 'airflow-db-migrate' }],
    }]);
    const cluster = await child(undefined, 'c');
    const worker = await child(cluster.node, 'worker');
    const first = await children(worker.node);
    const more = first.find((c) => c.label === 'Load more…')!;
    await vscode.commands.executeCommand(more.item.command!.command, ...(more.item.command!.arguments ?? []));
    assert.equal((await children(worker.node)).filter((c) => c.item.contextValue === 'airflowEcs.task.running').length, 150);
    const standalone = await child(cluster.node, 'Standalone tasks');
    assert.equal((await children(standalone.node)).filter((c) => c.item.contextValue === 'airflowEcs.task.running').length, 1);
    const stopped = await child(worker.node, 'Stopped tasks');
    assert.equal((await children(stopped.node)).length, 2);

    // What the 30 s auto-refresh does: the root, then each expanded node, as the view asks.
    api.clusterTree.refresh();
    await children();
    let described = await callCount('DescribeTasks');
    await children(cluster.node);
    const after = await children(worker.node);
    assert.equal(after.filter((c) => c.item.contextValue === 'airflowEcs.task.running').length, 150, 'both loaded pages, again');
    assert.ok(!after.some((c) => c.label === 'Load more…'));
    assert.equal(await callCount('DescribeTasks') - described, 2, 'one DescribeTasks per loaded page');
    described = await callCount('DescribeTasks');
    assert.equal((await children(standalone.node)).filter((c) => c.item.contextValue === 'airflowEcs.task.running').length, 1);
    assert.equal(await callCount('DescribeTasks') - described, 1, 'only the task on screen is described again, not the 400 service tasks');
    described = await callCount('DescribeTasks');
    assert.equal((await children(stopped.node)).length, 2);
    assert.equal(await callCount('DescribeTasks') - described, 1);
  });

  it('a newer refresh cancels the one in flight without an error row', async () => {
    await seed([PROD]);
    await control(AWS, 'fake', 'latency', { ms: 400 });
    try {
      const older = api.clusterTree.getChildren();
      await new Promise((r) => setTimeout(r, 100));
      const newer = api.clusterTree.getChildren();
      const [a, b] = await Promise.all([older, newer]);
      assert.ok(![...a, ...b].some((n) => api.clusterTree.getTreeItem(n).contextValue === 'airflowEcs.error'), 'no "The request was cancelled" row');
      assert.deepEqual(b.map((n) => String(api.clusterTree.getTreeItem(n).label)), ['airflow-prod']);
    } finally {
      await control(AWS, 'fake', 'latency', { ms: 0 });
    }
  });

  it('shows more than 100 clusters, and a cluster, service or task ECS cannot describe as a row saying so', async () => {
    await seed([
      ...Array.from({ length: 120 }, (_, i) => ({ name: `c-${String(i).padStart(3, '0')}` })),
      { name: 'prod', services: [{ name: 'worker', desiredCount: 3 }, { name: 'gone', desiredCount: 1 }] },
    ]);
    assert.equal((await children()).length, 121);
    const { tasks } = (await control(AWS, 'ecs', 'tasks', { cluster: 'prod' })) as { tasks: { taskArn: string; group: string }[] };
    const missing = tasks.find((t) => t.group === 'service:worker')!.taskArn;
    await control(AWS, 'ecs', 'failDescribe', { arns: [missing, 'gone', 'c-007'] });
    const roots = await children();
    assert.equal(roots.length, 121);
    assert.equal(roots.at(-1)?.label, 'Could not describe cluster c-007: MISSING');
    assert.equal(roots.at(-1)?.item.contextValue, 'airflowEcs.error');
    const prod = roots.find((r) => r.label === 'prod')!;
    const services = await children(prod.node);
    // The row stays where the service sorts by name.
    assert.deepEqual(services.map((s) => s.label), ['Could not describe service gone: MISSING', 'worker', 'Standalone tasks']);
    const worker = services[1];
    const rows = await children(worker.node);
    assert.equal(rows.filter((c) => c.item.contextValue === 'airflowEcs.task.running').length, 2);
    assert.ok(rows.some((r) => r.label === `Could not describe task ${missing.split('/').pop()!.slice(0, 8)}: MISSING`), rows.map((r) => r.label).join(', '));
  });
});
