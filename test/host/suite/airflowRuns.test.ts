import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../../src/extension';
import type { TreeNode } from '../../../src/platform/nodeTree';
import { answering, until as waitUntil } from '../answers';
// Types only: the extension's classes live in its bundle, so rows are told apart by their ids.
import type { RunNode, TaskInstanceNode } from '../../../src/features/airflow/runs/runNodes';

const URL = process.env.AIRFLOW_ECS_TEST_AIRFLOW_URL ?? '';
const USER = process.env.AIRFLOW_ECS_TEST_AIRFLOW_USER ?? '';
const PASSWORD = process.env.AIRFLOW_ECS_TEST_AIRFLOW_PASSWORD ?? '';
let api: ExtensionApi;
/** A real scheduler on a busy machine: runs take their time. */
const until = (what: string, ok: () => boolean | Promise<boolean>, timeoutMs = 120_000) => waitUntil(what, ok, timeoutMs);

const label = (ti: vscode.TreeItem) => String(typeof ti.label === 'object' ? ti.label.label : ti.label);
const dagRow = async (dagId: string): Promise<TreeNode> => {
  await until(`the ${dagId} row`, async () => (await api.airflow.tree.getChildren()).some((n) => n.id === `dag:${dagId}`), 60_000);
  return (await api.airflow.tree.getChildren()).find((n) => n.id === `dag:${dagId}`)!;
};
/** The run rows of a DAG as the view shows them. */
const runRows = async (dagId: string): Promise<RunNode[]> => (await api.airflow.tree.getChildren(await dagRow(dagId))).filter((n): n is RunNode => n.id.startsWith('airflow:run:'));
/** The task rows of a run as the view shows them. */
const taskRows = async (run: RunNode): Promise<TaskInstanceNode[]> => (await api.airflow.tree.getChildren(run)).filter((n): n is TaskInstanceNode => n.id.startsWith('airflow:ti:'));

describe('Airflow runs, task instances and task logs in a real extension host', function () {
  this.timeout(300_000);

  before(async () => {
    assert.ok(URL, `no real Airflow for the in-host suite: ${process.env.AIRFLOW_ECS_TEST_AIRFLOW_ERROR ?? 'AIRFLOW_ECS_TEST_AIRFLOW_URL is not set'}`);
    api = await vscode.extensions.getExtension<ExtensionApi>('airflow-ecs.airflow-on-ecs')!.activate();
    await vscode.commands.executeCommand('airflowEcs.airflow.signOut');
    await answering(vscode.window, 'showQuickPick', [(items: vscode.QuickPickItem[]) => items[0]], () =>
      answering(vscode.window, 'showInputBox', [USER, PASSWORD], () => vscode.commands.executeCommand('airflowEcs.airflow.connect', { url: URL, source: 'in-host test' })));
    assert.ok(await api.airflow.service.signedIn());
  });
  after(() => vscode.commands.executeCommand('airflowEcs.airflow.signOut'));

  it('Trigger DAG: conf checked as typed, a paused DAG asks first, the run row appears at once and its tasks go green', async () => {
    const row = await dagRow('etl_taskflow');
    assert.equal(row.treeItem().collapsibleState, vscode.TreeItemCollapsibleState.Collapsed, 'a DAG row expands to its runs');
    assert.deepEqual((await api.airflow.tree.getChildren(row)).map((n) => label(n.treeItem())), ['No runs yet: Trigger DAG starts one.']);
    const checks: (string | undefined)[] = [];
    const { calls: modals } = await answering(vscode.window, 'showWarningMessage', ['Unpause and Trigger'], () =>
      answering(vscode.window, 'showInputBox', [async (options: vscode.InputBoxOptions) => {
        for (const text of ['{"a": ', '[]', '{}']) checks.push(await options.validateInput?.(text) as string | undefined);
        return '{}';
      }], () => vscode.commands.executeCommand('airflowEcs.airflow.triggerDag', row)));
    assert.match(String(checks[0]), /^The conf is not JSON \(.+\)\. Write an object such as \{"key": "value"\}\.$/);
    assert.equal(checks[1], 'The conf must be a JSON object such as {"key": "value"}, not array.');
    assert.equal(checks[2], undefined);
    assert.equal(modals.length, 1);
    assert.equal(modals[0][0], 'etl_taskflow is paused: a run would wait in the queue until it is unpaused.');
    const [run] = await runRows('etl_taskflow');
    assert.ok(run, 'the new run row is there at once');
    assert.match(String(run.treeItem().description), /^(queued|running)/);
    await until('every task of the run green', async () => {
      const tasks = await taskRows(run);
      return tasks.length === 3 && tasks.every((t) => t.ti.state === 'success');
    });
    await until('the run row green', () => run.run.state === 'success');
    const item = run.treeItem();
    assert.equal(item.description, 'success');
    assert.equal((item.iconPath as vscode.ThemeIcon).id, 'pass-filled');
    const tasks = await taskRows(run);
    assert.deepEqual(tasks.map((t) => label(t.treeItem())), ['extract', 'load', 'transform']);
    assert.match(String(tasks[0].treeItem().description), /^success · try 1 · \d+(\.\d)? s$/);
    await until('the DAG row says unpaused and its last run', async () => !String((await dagRow('etl_taskflow')).treeItem().description).includes('paused'));
  });

  it('Show Task Log: one channel per try, the level in capitals, ended with a notice; the tails count it while it follows', async () => {
    const [run] = await runRows('etl_taskflow');
    const load = (await taskRows(run)).find((t) => t.ti.taskId === 'load')!;
    assert.equal(load.treeItem().command?.command, 'airflowEcs.airflow.showTaskLog', 'a click on the row opens the log');
    await vscode.commands.executeCommand('airflowEcs.airflow.showTaskLog', load);
    const target = { dagId: 'etl_taskflow', runId: run.run.runId, taskId: 'load', mapIndex: -1, tryNumber: 1 };
    const session = api.airflow.runs.logs.find(target)!;
    assert.ok(session);
    assert.equal(session.channel.name, 'Airflow: etl_taskflow › load (try 1)');
    await until('the end of the log', () => session.lines.some((l) => l.includes('The task ended: success. The log above is complete.')));
    assert.ok(session.lines.some((l) => /^\[\d{4}-\d\d-\d\dT[^\]]+\] INFO - customer=a total=14\.00/.test(l)), session.lines.join('\n'));
    assert.ok(session.lines[0].startsWith('--- ') && session.lines[0].includes('Following the log of etl_taskflow › load try 1 from its start'));
    assert.equal(new Set(session.lines.filter((l) => l.startsWith('['))).size, session.lines.filter((l) => l.startsWith('[')).length, 'no line twice');
    assert.equal(api.logTails.running().some((s) => s === session), false, 'an ended try no longer counts as a running tail');
    await vscode.commands.executeCommand('airflowEcs.airflow.showTaskLog', load);
    assert.equal(api.airflow.runs.logs.find(target), session, 'the same channel again, not a second one');
  });

  it('the failing task: red row, its log shows the ValueError; Clear Task runs try 2; Mark Run Success turns the run green', async () => {
    const row = await dagRow('failing_task_example');
    await answering(vscode.window, 'showWarningMessage', ['Unpause and Trigger'], () => vscode.commands.executeCommand('airflowEcs.airflow.triggerDagWithDefaults', row));
    const [run] = await runRows('failing_task_example');
    await until('the run to fail', () => run.run.state === 'failed');
    const check = (await taskRows(run)).find((t) => t.ti.taskId === 'check_orders')!;
    assert.equal(check.ti.state, 'failed');
    assert.equal((check.treeItem().iconPath as vscode.ThemeIcon).id, 'error');
    assert.equal(check.treeItem().contextValue, 'airflowEcs.airflow.taskInstance.failed.logged');
    await vscode.commands.executeCommand('airflowEcs.airflow.showTaskLog', check);
    const log = api.airflow.runs.logs.find({ dagId: 'failing_task_example', runId: run.run.runId, taskId: 'check_orders', mapIndex: -1, tryNumber: 1 })!;
    await until('the failed log to end', () => log.lines.some((l) => l.includes('The task ended: failed.')));
    assert.ok(log.lines.some((l) => /ERROR - Task failed with exception/.test(l)), log.lines.join('\n'));
    assert.ok(log.lines.includes('ValueError: expected 5 orders, found 3: the upstream export is incomplete'));

    const { calls: asked } = await answering(vscode.window, 'showWarningMessage', ['Clear Task'], () => vscode.commands.executeCommand('airflowEcs.airflow.clearTask', check));
    assert.equal(asked[0][0], `Clear check_orders of run ${run.run.runId}?`);
    assert.deepEqual(asked[0][1], { modal: true, detail: 'Airflow runs it again as try 2; the log of try 1 stays.' });
    await until('try 2 to fail too', async () => (await taskRows(run)).some((t) => t.ti.taskId === 'check_orders' && t.ti.tryNumber === 2 && t.ti.state === 'failed') && run.run.state === 'failed');

    await answering(vscode.window, 'showWarningMessage', ['Mark Success'], () => vscode.commands.executeCommand('airflowEcs.airflow.markRunSuccess', run));
    assert.equal(run.run.state, 'success', 'the row changes at once');
    assert.equal(run.treeItem().description, 'success');
  });

  it('a modal answered with Cancel changes nothing', async () => {
    const [run] = await runRows('failing_task_example');
    assert.ok(run);
    const { calls } = await answering(vscode.window, 'showWarningMessage', [undefined], () => vscode.commands.executeCommand('airflowEcs.airflow.markRunFailed', run));
    assert.equal(calls.length, 1);
    assert.equal(run.run.state, 'success');
  });

  it('Pause and Unpause DAG change the DAG row', async () => {
    const row = await dagRow('failing_task_example');
    await vscode.commands.executeCommand('airflowEcs.airflow.pauseDag', row);
    await until('the row to say paused', async () => String((await dagRow('failing_task_example')).treeItem().description).includes('paused'), 30_000);
    assert.equal((await dagRow('failing_task_example')).treeItem().contextValue, 'airflowEcs.airflow.dag.paused');
    await vscode.commands.executeCommand('airflowEcs.airflow.unpauseDag', await dagRow('failing_task_example'));
    await until('the row to say unpaused', async () => !String((await dagRow('failing_task_example')).treeItem().description).includes('paused'), 30_000);
  });

  it('bad input: a DAG not deployed yet, and a conf missing what the params need, each one sentence with a next step', async () => {
    const { calls } = await answering(vscode.window, 'showErrorMessage', [undefined], () => vscode.commands.executeCommand('airflowEcs.airflow.triggerDag', { dagId: 'not_deployed_yet' }));
    assert.equal(calls.length, 1);
    assert.equal(calls[0][0], 'Airflow has no DAG "not_deployed_yet" yet: run the DAG pipeline to deploy it (or check the dag_id), then try again.');
    assert.ok(calls[0].includes('Run DAG Pipeline'));
    const row = await dagRow('failing_task_example');
    let said: string | undefined;
    await answering(vscode.window, 'showInputBox', [async (options: vscode.InputBoxOptions) => {
      said = await options.validateInput?.('{"expected_orders": "five"}') as string | undefined;
      return undefined;
    }], () => vscode.commands.executeCommand('airflowEcs.airflow.triggerDag', row));
    assert.equal(said, '"expected_orders" must be integer, not string (How many orders the export must have).');
  });
});
