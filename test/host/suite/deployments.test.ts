import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { answering } from '../answers';
import type { ExtensionApi } from '../../../src/extension';
import { control } from '../../support/fakeAws/server';
import type { SeedCluster, SeedService } from '../../support/fakeAws/ecs';

const AWS = process.env.AIRFLOW_ECS_TEST_AWS ?? '';
type Node = Parameters<ExtensionApi['clusterTree']['getTreeItem']>[0];
type Row = { node: Node; item: vscode.TreeItem; label: string; description: string };

let api: ExtensionApi;

const IMAGE = (build: number) => `123456789012.dkr.ecr.us-east-1.amazonaws.com/airflow:build-${build}`;
const worker = (build: number, concurrency: string) => [{
  name: 'worker', image: IMAGE(build), command: ['celery', 'worker'],
  environment: { AIRFLOW__CELERY__WORKER_CONCURRENCY: concurrency }, secrets: ['AIRFLOW__DATABASE__SQL_ALCHEMY_CONN'],
}];

/** The worker on revision 9 (build 49) after 7 (build 47) and 8, which the circuit breaker rolled back. */
const WORKER: SeedService = {
  name: 'worker', desiredCount: 2, family: 'airflow-worker', revision: 9, strategy: 'BLUE_GREEN', alarms: ['airflow-5xx'],
  containers: worker(49, '16'),
  history: [
    { revision: 7, containers: worker(47, '8') },
    { revision: 8, containers: worker(48, '8'), status: 'ROLLBACK_SUCCESSFUL', failedTasks: 2, triggeredAlarms: ['airflow-5xx'] },
  ],
};
const CLUSTER: SeedCluster = { name: 'deploy-c', services: [WORKER] };

async function seed(clusters: SeedCluster[]): Promise<void> {
  await control(AWS, 'fake', 'reset');
  await control(AWS, 'ecs', 'seed', { clusters });
}

async function callCount(operation: string): Promise<number> {
  const { calls } = (await control(AWS, 'fake', 'calls')) as { calls: { operation: string }[] };
  return calls.filter((c) => c.operation === operation).length;
}

async function children(node?: Node): Promise<Row[]> {
  return (await api.clusterTree.getChildren(node)).map((k) => {
    const item = api.clusterTree.getTreeItem(k);
    return { node: k, item, label: String(item.label), description: String(item.description ?? '') };
  });
}

async function child(node: Node | undefined, label: string | RegExp): Promise<Row> {
  const rows = await children(node);
  const found = rows.find((c) => (typeof label === 'string' ? c.label === label : label.test(c.label)));
  assert.ok(found, `no row ${label}: ${rows.map((c) => c.label).join(', ')}`);
  return found;
}

/** The service row and its Deployments rows, as the Clusters view shows them. */
async function deploymentRows(): Promise<{ service: Row; deployments: Row; rows: Row[] }> {
  const service = await child((await child(undefined, 'deploy-c')).node, 'worker');
  const deployments = await child(service.node, 'Deployments');
  return { service, deployments, rows: await children(deployments.node) };
}

/** The two sides of the diff editor in front. */
async function diffTexts(): Promise<{ title: string; left: string; right: string }> {
  const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
  assert.ok(tab?.input instanceof vscode.TabInputTextDiff, `a diff editor is open (${tab?.label})`);
  const [left, right] = await Promise.all([tab.input.original, tab.input.modified].map((u) => vscode.workspace.openTextDocument(u)));
  return { title: tab.label, left: left.getText(), right: right.getText() };
}

describe('Service deployments in a real extension host', () => {
  before(async () => {
    assert.ok(AWS, 'AIRFLOW_ECS_TEST_AWS must point at the local AWS endpoint');
    const ext = vscode.extensions.getExtension<ExtensionApi>('airflow-ecs.airflow-on-ecs');
    assert.ok(ext);
    api = await ext.activate();
  });
  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('lists a service\'s deployments newest first with status, strategy, failures and alarms, each with its revisions', async () => {
    await seed([CLUSTER]);
    const service = await child((await child(undefined, 'deploy-c')).node, 'worker');
    const under = await children(service.node);
    assert.deepEqual(under.slice(-2).map((r) => r.label), ['Deployments', 'Stopped tasks']);
    const { rows } = await deploymentRows();
    assert.deepEqual(rows.map((r) => r.label), ['airflow-worker:9', 'airflow-worker:8', 'airflow-worker:7']);
    assert.match(rows[0].description, /^successful · blue\/green · finished \d+ min ago, took 5 min · from airflow-worker:7$/);
    assert.match(rows[1].description, /^rolled back · blue\/green · finished .* · 2\/3 failed tasks \(circuit breaker triggered\) · alarm airflow-5xx · from airflow-worker:7$/);
    assert.doesNotMatch(rows[2].description, /from/, 'the first deployment created the service');
    assert.equal(rows[0].item.contextValue, 'airflowEcs.deployment', 'a finished deployment cannot be stopped');
    assert.equal((rows[1].item.iconPath as vscode.ThemeIcon).id, 'warning');

    const revisions = await children(rows[0].node);
    assert.deepEqual(revisions.map((r) => r.label), ['Target: airflow-worker:9', 'Source: airflow-worker:7']);
    assert.match(revisions[0].description, /^2\/2 running · airflow:build-49$/);
  });

  it('Compare Revisions on a service diffs the revision it ran before (not the rolled-back one) with the running one', async () => {
    await seed([CLUSTER]);
    const { service } = await deploymentRows();
    await vscode.commands.executeCommand('airflowEcs.compareRevisions', service.node);
    const diff = await diffTexts();
    assert.equal(diff.title, 'airflow-worker:7 ↔ airflow-worker:9');
    assert.match(diff.left, /^Task definition airflow-worker:7\n/);
    assert.match(diff.left, /Image: .*airflow:build-47\n/);
    assert.match(diff.right, /Image: .*airflow:build-49\n  Image digest: sha256:[0-9a-f]{64}\n/);
    assert.match(diff.left, /AIRFLOW__CELERY__WORKER_CONCURRENCY=8\n/);
    assert.match(diff.right, /AIRFLOW__CELERY__WORKER_CONCURRENCY=16\n/);
    assert.match(diff.right, /Secrets \(names only\):\n {4}AIRFLOW__DATABASE__SQL_ALCHEMY_CONN\n/);
    assert.doesNotMatch(diff.right, /secretsmanager/, 'never where a secret comes from');
    assert.match(diff.right, /Log configuration: awslogs\n {4}awslogs-group=\/ecs\/airflow-worker\n/);
    assert.equal(vscode.window.tabGroups.activeTabGroup.activeTab?.isPreview, true);
  });

  it('Compare Revisions on a deployment diffs its source with its target', async () => {
    await seed([CLUSTER]);
    const { rows } = await deploymentRows();
    await vscode.commands.executeCommand('airflowEcs.compareRevisions', rows[0].node);
    const diff = await diffTexts();
    assert.equal(diff.title, 'worker: airflow-worker:7 ↔ airflow-worker:9');
    assert.match(diff.left, /airflow:build-47/);
    assert.match(diff.right, /airflow:build-49/);

    const { calls: first } = await answering(vscode.window, 'showErrorMessage', [undefined], () => vscode.commands.executeCommand('airflowEcs.compareRevisions', rows[2].node));
    assert.match(String(first[0][0]), /This deployment created worker; there is no earlier revision to compare it with\./);
  });

  it('Roll Back Service names both revisions and images in a modal, then follows the deployment until it completes', async () => {
    await seed([CLUSTER]);
    await control(AWS, 'ecs', 'deploymentDuration', { ms: 1500 });
    const { service } = await deploymentRows();
    const { calls: modal } = await answering(vscode.window, 'showWarningMessage', ['Roll Back'], () => vscode.commands.executeCommand('airflowEcs.rollBackService', service.node));
    assert.equal(modal.length, 1);
    assert.equal(modal[0][0], 'Roll back worker from airflow-worker:9 to airflow-worker:7?');
    const options = modal[0][1] as { modal: boolean; detail: string };
    assert.equal(options.modal, true);
    assert.match(options.detail, /^Now: worker: airflow:build-49\nAfter: worker: airflow:build-47\n/);
    assert.equal(modal[0][2], 'Roll Back');

    // The command returned once ECS reported the deployment complete: the rows already show it, no refresh of the view.
    const row = api.clusterTree.getTreeItem(service.node);
    assert.match(String(row.description), /^2\/2 running · FARGATE · airflow-worker:7$/);
    const { rows } = await deploymentRows();
    assert.equal(rows[0].label, 'airflow-worker:7');
    assert.match(rows[0].description, /^successful · blue\/green · finished less than a minute ago.* · from airflow-worker:9$/);
    const tasks = (await children(service.node)).filter((r) => r.item.contextValue === 'airflowEcs.task.running');
    assert.equal(tasks.length, 2);
    assert.ok(tasks.every((t) => t.description.includes('airflow-worker:7')), tasks.map((t) => t.description).join('\n'));
  });

  it('Roll Back Service does nothing when the modal is dismissed', async () => {
    await seed([CLUSTER]);
    const { service } = await deploymentRows();
    const { calls: modal } = await answering(vscode.window, 'showWarningMessage', [undefined], () => vscode.commands.executeCommand('airflowEcs.rollBackService', service.node));
    assert.equal(modal.length, 1);
    assert.equal(await callCount('UpdateService'), 0);
  });

  it('Stop Deployment on one in progress rolls it back after a modal; the row follows', async () => {
    await seed([{ name: 'deploy-c', services: [{ ...WORKER, rollout: 'IN_PROGRESS' }] }]);
    await control(AWS, 'ecs', 'deploymentDuration', { ms: 1000 });
    const { rows } = await deploymentRows();
    assert.equal(rows[0].item.contextValue, 'airflowEcs.deployment.stoppable');
    assert.match(rows[0].description, /^in progress · blue\/green · started 1 h ago · from airflow-worker:7$/);
    const { calls: modal } = await answering(vscode.window, 'showWarningMessage', ['Stop and Roll Back'], () => vscode.commands.executeCommand('airflowEcs.stopDeployment', rows[0].node));
    assert.equal(modal[0][0], 'Stop the deployment of airflow-worker:9 to worker?');
    assert.deepEqual(modal[0][1], { modal: true, detail: 'ECS rolls worker back to airflow-worker:7 and replaces the tasks of airflow-worker:9.' });
    assert.equal(await callCount('StopServiceDeployment'), 1);
    const after = await deploymentRows();
    assert.match(after.rows[0].description, /^rolled back · /);
    assert.equal(after.rows[0].item.contextValue, 'airflowEcs.deployment');
    assert.match(String(after.service.item.description), /airflow-worker:7$/);
  });

  it('an endpoint without the deployment operations: one sentence in Deployments; Compare and Roll Back still work', async () => {
    await seed([CLUSTER]);
    await control(AWS, 'ecs', 'withoutDeploymentOperations');
    const { service, rows } = await deploymentRows();
    assert.deepEqual(rows.map((r) => r.label), ['This AWS endpoint does not list service deployments; Compare Revisions and Roll Back Service still work on the service.']);

    await vscode.commands.executeCommand('airflowEcs.compareRevisions', service.node);
    // Without the deployments, "previous" is the revision number before the running one.
    const diff = await diffTexts();
    assert.equal(diff.title, 'airflow-worker:8 ↔ airflow-worker:9');
    assert.doesNotMatch(diff.right, /Image digest/, 'no revisions, so no digests');

    const { calls: modal } = await answering(vscode.window, 'showWarningMessage', ['Roll Back'], () => vscode.commands.executeCommand('airflowEcs.rollBackService', service.node));
    assert.equal(modal[0][0], 'Roll back worker from airflow-worker:9 to airflow-worker:8?');
    assert.equal(await callCount('UpdateService'), 1);
  });

  it('a denied ListServiceDeployments is an error row naming the IAM action, and retries on click', async () => {
    await seed([CLUSTER]);
    await control(AWS, 'fake', 'fault', { operation: 'ListServiceDeployments', kind: 'accessDenied', count: 1 });
    const { deployments, rows } = await deploymentRows();
    assert.equal(rows.length, 1);
    assert.equal(rows[0].item.contextValue, 'airflowEcs.error');
    assert.match(rows[0].label, /not allowed to call ecs:ListServiceDeployments/);
    await vscode.commands.executeCommand(rows[0].item.command!.command, ...(rows[0].item.command!.arguments ?? []));
    assert.deepEqual((await children(deployments.node)).map((r) => r.label), ['airflow-worker:9', 'airflow-worker:8', 'airflow-worker:7']);
  });
});
