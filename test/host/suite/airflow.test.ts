import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../../src/extension';
import type { TreeNode } from '../../../src/platform/nodeTree';
import { answering, until } from '../answers';

const URL = process.env.AIRFLOW_ECS_TEST_AIRFLOW_URL ?? '';
const USER = process.env.AIRFLOW_ECS_TEST_AIRFLOW_USER ?? '';
const PASSWORD = process.env.AIRFLOW_ECS_TEST_AIRFLOW_PASSWORD ?? '';
let api: ExtensionApi;

const root = () => vscode.workspace.workspaceFolders![0].uri;
const dagFile = (name: string) => vscode.Uri.joinPath(root(), 'dags', name);
const airflowDiagnostics = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Airflow');
const rows = async (): Promise<vscode.TreeItem[]> => (await api.airflow.tree.getChildren()).map((n: TreeNode) => n.treeItem());
const label = (ti: vscode.TreeItem) => String(typeof ti.label === 'object' ? ti.label.label : ti.label);
const pickFirst = (items: vscode.QuickPickItem[]) => items[0];

/** Connect with a password: the credential kind picked, user and password typed. Error messages are recorded. */
async function connect(url: string, password: string): Promise<{ ok: boolean; errors: unknown[][] }> {
  const errors = await answering(vscode.window, 'showErrorMessage', [undefined], async () => {
    const { result } = await answering(vscode.window, 'showQuickPick', [pickFirst], () =>
      answering(vscode.window, 'showInputBox', [USER, password], () => vscode.commands.executeCommand<boolean>('airflowEcs.airflow.connect', { url, source: 'in-host test' })));
    return result.result;
  });
  return { ok: errors.result === true, errors: errors.calls };
}

describe('Airflow: the deployed Airflow in a real extension host', function () {
  this.timeout(120_000);

  before(async () => {
    assert.ok(URL, `no real Airflow for the in-host suite: ${process.env.AIRFLOW_ECS_TEST_AIRFLOW_ERROR ?? 'AIRFLOW_ECS_TEST_AIRFLOW_URL is not set'}`);
    api = await vscode.extensions.getExtension<ExtensionApi>('airflow-ecs.airflow-on-ecs')!.activate();
    await vscode.commands.executeCommand('airflowEcs.airflow.signOut');
  });
  after(() => vscode.commands.executeCommand('airflowEcs.airflow.signOut'));

  it('before connecting, the view is empty with its Connect welcome, and nothing is in the Problems panel', async () => {
    assert.deepEqual(await rows(), []);
    assert.equal(api.airflow.service.state, 'disconnected');
    assert.deepEqual(airflowDiagnostics(dagFile('broken_import_example.py')), []);
  });

  it('wrong credentials: one sentence with the API detail and a Sign In button; nothing is stored', async () => {
    const { ok, errors } = await connect(URL, 'wrong-password');
    assert.equal(ok, false);
    assert.equal(errors.length, 1);
    assert.match(String(errors[0][0]), /did not accept the credentials: Invalid credentials\. Sign in again\./);
    assert.ok(errors[0].includes('Sign In'));
    assert.equal(await api.airflow.service.signedIn(), false);
  });

  it('connects with the command argument and shows the DAG rows with their schedule, paused state and the import error', async () => {
    const { ok, errors } = await connect(URL, PASSWORD);
    assert.deepEqual(errors, []);
    assert.ok(ok);
    await until('the DAG rows', async () => (await rows()).length >= 6);
    const items = await rows();
    assert.deepEqual(items.map(label), ['broken_import_example.py', 'bad_tempfile_example', 'etl_taskflow', 'failing_task_example', 'orders_report', 'sensor_branching']);
    const etl = items.find((i) => label(i) === 'etl_taskflow')!;
    assert.equal(etl.description, 'paused · 0 0 * * *');
    assert.match((etl.tooltip as vscode.MarkdownString).value, /Tags: example, taskflow/);
    assert.match((etl.tooltip as vscode.MarkdownString).value, /Owners: data\\?-engineering/);
    assert.equal(items[0].description?.toString().startsWith('import error'), true);
    assert.equal(api.airflow.service.state, 'ok');
  });

  it('puts the import error on the line of the failing import, with the trace as related information', async () => {
    const uri = dagFile('broken_import_example.py');
    await until('the Airflow diagnostic', () => airflowDiagnostics(uri).length === 1);
    const [d] = airflowDiagnostics(uri);
    const doc = await vscode.workspace.openTextDocument(uri);
    assert.match(doc.lineAt(d.range.start.line).text, /^from airflow\.providers\.snowflake/);
    assert.equal(d.message, "ModuleNotFoundError: No module named 'airflow.providers.snowflake'");
    assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
    assert.ok(d.relatedInformation?.some((r) => r.location.uri.toString() === uri.toString() && r.location.range.start.line === d.range.start.line));
    // The whole Problems panel: only that file has Airflow entries.
    const all = vscode.languages.getDiagnostics().filter(([, ds]) => ds.some((x) => x.source === 'Airflow'));
    assert.deepEqual(all.map(([u]) => u.toString()), [uri.toString()]);
  });

  it('filters the DAG rows by tag or id from what is loaded', async () => {
    const before = api.airflow.service.snapshot!.at;
    await answering(vscode.window, 'showInputBox', ['taskflow'], () => vscode.commands.executeCommand('airflowEcs.airflow.filter'));
    assert.deepEqual((await rows()).map(label), ['etl_taskflow']);
    await answering(vscode.window, 'showInputBox', ['sensor'], () => vscode.commands.executeCommand('airflowEcs.airflow.filter'));
    assert.deepEqual((await rows()).map(label), ['sensor_branching']);
    await vscode.commands.executeCommand('airflowEcs.airflow.clearFilter');
    assert.equal((await rows()).length, 6);
    assert.equal(api.airflow.service.snapshot!.at, before, 'filtering reads nothing again');
  });

  it('shows the active DAG file in the status bar: its last run, an import error, or not deployed yet', async () => {
    await vscode.window.showTextDocument(dagFile('etl_taskflow.py'));
    await until('the status of etl_taskflow.py', () => api.airflow.statusBar.text === '$(pulse) etl_taskflow: no runs yet');
    await vscode.window.showTextDocument(dagFile('broken_import_example.py'));
    await until('the status of broken_import_example.py', () => api.airflow.statusBar.text === '$(error) import error');
    const fresh = vscode.Uri.joinPath(root(), 'dags', 'not_deployed_dag.py');
    await vscode.workspace.fs.writeFile(fresh, Buffer.from('from airflow.sdk import dag\n\n@dag(dag_id="not_deployed_dag", schedule=None)\ndef not_deployed_dag():\n    pass\n'));
    try {
      await vscode.window.showTextDocument(fresh);
      await until('the status of a new DAG file', () => api.airflow.statusBar.text?.startsWith('$(cloud-upload) not deployed yet') === true);
      // Compare with Deployed on a DAG Airflow does not have yet: one sentence, with Refresh.
      const { calls } = await answering(vscode.window, 'showErrorMessage', [undefined], () => vscode.commands.executeCommand('airflowEcs.airflow.compareWithDeployed'));
      assert.equal(calls.length, 1);
      assert.match(String(calls[0][0]), /has no DAG from not_deployed_dag\.py yet/);
      assert.ok(calls[0].includes('Refresh'));
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.workspace.fs.delete(fresh);
    }
  });

  it('compares a DAG file with the source Airflow has, naming its DAG version', async () => {
    const row = (await api.airflow.tree.getChildren()).find((n) => n.id === 'dag:etl_taskflow')!;
    await vscode.commands.executeCommand('airflowEcs.airflow.compareWithDeployed', row);
    await until('the diff editor', () => vscode.window.tabGroups.activeTabGroup.activeTab?.input instanceof vscode.TabInputTextDiff);
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab!;
    const input = tab.input as vscode.TabInputTextDiff;
    assert.equal(input.original.scheme, 'airflow-ecs-deployed');
    assert.equal(input.modified.toString(), dagFile('etl_taskflow.py').toString());
    assert.match(tab.label, /etl_taskflow\.py \(etl_taskflow, deployed, DAG version 1\)/);
    const deployed = await vscode.workspace.openTextDocument(input.original);
    const local = await vscode.workspace.openTextDocument(input.modified);
    assert.equal(deployed.getText(), local.getText());
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('sign-out forgets the credentials and clears the rows, the diagnostics and the status bar', async () => {
    await vscode.window.showTextDocument(dagFile('etl_taskflow.py'));
    await until('the status bar', () => !!api.airflow.statusBar.text);
    await vscode.commands.executeCommand('airflowEcs.airflow.signOut');
    assert.equal(await api.airflow.service.signedIn(), false);
    assert.deepEqual(await rows(), []);
    assert.equal(api.airflow.service.state, 'disconnected');
    assert.deepEqual(airflowDiagnostics(dagFile('broken_import_example.py')), []);
    await until('the status bar to clear', () => api.airflow.statusBar.text === undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('a server that is not there: the view says unreachable and the refresh offers Retry', async () => {
    // A loopback port nothing listens on (Airflow's own port plus one is not it: use port 9).
    const { ok, errors } = await connect('http://127.0.0.1:9', PASSWORD);
    assert.equal(ok, false);
    assert.equal(errors.length, 1);
    assert.match(String(errors[0][0]), /Could not reach http:\/\/127\.0\.0\.1:9.*then retry\./);
    assert.ok(errors[0].includes('Retry'));
  });
});
