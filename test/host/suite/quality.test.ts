import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../../src/extension';
import { controlSonar, FAKE_SONAR_TOKEN, generatedIssues, sampleIssues, sampleProject, SAMPLE_PROJECT_KEY, SAMPLE_REVISION } from '../../support/fakeSonar';

const SONAR = process.env.AIRFLOW_ECS_TEST_SONAR ?? '';
let api: ExtensionApi;

/** Replaces a `vscode.window`/`vscode.env` function for one call, answering as a person would. */
async function answering<T>(target: object, key: string, values: unknown[], run: () => Thenable<T> | Promise<T>): Promise<unknown[][]> {
  const t = target as Record<string, unknown>;
  const original = t[key];
  const calls: unknown[][] = [];
  t[key] = (...args: unknown[]) => {
    calls.push(args);
    const value = values[Math.min(calls.length - 1, values.length - 1)];
    // A function answers from what was offered (a quick pick's items).
    return Promise.resolve(typeof value === 'function' ? (value as (...a: unknown[]) => unknown)(...args) : value);
  };
  try {
    await run();
  } finally {
    t[key] = original;
  }
  return calls;
}

const root = () => vscode.workspace.workspaceFolders![0].uri;
const dag = (name: string) => vscode.Uri.joinPath(root(), 'dags', name);
const sonarDiagnostics = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'SonarCloud');
const labels = () => api.quality.tree.getChildren().map((n) => String(n.item.label));
const refresh = () => answering(vscode.window, 'showErrorMessage', [undefined], () => vscode.commands.executeCommand('airflowEcs.sonar.refresh'));
/** Waits for a condition the extension reaches on its own (a file watcher, a debounce). */
async function until(what: string, ok: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
const seed = (project: object) => controlSonar(SONAR, 'seed', project);

async function signIn(token: string): Promise<unknown[][]> {
  return answering(vscode.window, 'showErrorMessage', [undefined], () =>
    answering(vscode.window, 'showInputBox', [token], () => vscode.commands.executeCommand('airflowEcs.sonar.signIn')));
}

describe('Quality: SonarCloud findings and the gate in a real extension host', () => {
  before(async () => {
    assert.ok(SONAR, 'AIRFLOW_ECS_TEST_SONAR must point at the local Sonar server');
    api = await vscode.extensions.getExtension<ExtensionApi>('airflow-ecs.airflow-on-ecs')!.activate();
    await controlSonar(SONAR, 'token', { token: FAKE_SONAR_TOKEN });
  });

  it('asks to sign in before reading findings', async () => {
    const errors = await answering(vscode.window, 'showErrorMessage', [undefined], () => vscode.commands.executeCommand('airflowEcs.sonar.refresh'));
    assert.equal(errors.length, 1);
    assert.match(String(errors[0][0]), /^You are not signed in to http:\/\/127\.0\.0\.1:\d+\. Sign in\.$/, 'never signed in: not "with a new token"');
    assert.ok(errors[0].includes('Sign In'));
  });

  it('rejects a token the server does not accept and keeps nothing', async () => {
    const errors = await signIn('not-the-token');
    assert.match(String(errors[0]?.[0]), /did not accept this token/);
    const project = await api.quality.service.requireProject();
    assert.equal(await api.quality.service.token(project), undefined);
    assert.equal(sonarDiagnostics(dag('bad_tempfile_example.py')).length, 0);
  });

  it('signs in with a checked token, then shows the findings on the DAG files', async () => {
    const errors = await signIn(FAKE_SONAR_TOKEN);
    assert.deepEqual(errors, []);
    const project = await api.quality.service.requireProject();
    assert.equal(await api.quality.service.token(project), FAKE_SONAR_TOKEN);
    assert.equal(project.projectKey, SAMPLE_PROJECT_KEY);
    assert.equal(project.host, SONAR, 'the machine setting overrides sonar.host.url');
    assert.ok(!JSON.stringify(vscode.workspace.getConfiguration('airflowEcs')).includes(FAKE_SONAR_TOKEN), 'the token is in no setting');

    const bad = sonarDiagnostics(dag('bad_tempfile_example.py')).sort((a, b) => a.range.start.line - b.range.start.line);
    assert.equal(bad.length, 2);
    const [vuln, hotspot] = bad;
    assert.equal(vuln.message, "Vulnerability: Use 'NamedTemporaryFile' instead of 'mktemp'.");
    assert.equal(vuln.severity, vscode.DiagnosticSeverity.Error);
    assert.deepEqual([vuln.range.start.line, vuln.range.start.character, vuln.range.end.line, vuln.range.end.character], [42, 15, 42, 30]);
    const doc = await vscode.workspace.openTextDocument(dag('bad_tempfile_example.py'));
    assert.equal(doc.getText(vuln.range), 'tempfile.mktemp');
    const code = vuln.code as { value: string; target: vscode.Uri };
    assert.equal(code.value, 'python:S5445');
    assert.equal(code.target.toString(true), `${SONAR}/organizations/airflow-ecs/rules?open=python:S5445&rule_key=python:S5445`);
    assert.equal(vuln.relatedInformation?.[0].location.range.start.line, 43);
    assert.equal(vuln.relatedInformation?.[0].message, 'The file is opened here, after its name was chosen.');
    assert.equal(hotspot.message, 'Security Hotspot: Make sure publicly writable directories are used safely here.');
    assert.equal(hotspot.severity, vscode.DiagnosticSeverity.Information);
    assert.equal(doc.getText(hotspot.range), '"/tmp/airflow_report.csv"');

    const [smell] = sonarDiagnostics(dag('etl_taskflow.py'));
    const etl = await vscode.workspace.openTextDocument(dag('etl_taskflow.py'));
    assert.equal(smell.severity, vscode.DiagnosticSeverity.Information);
    assert.equal(etl.getText(smell.range), etl.lineAt(8).text, 'a bare line covers the whole line');
    const [beyond] = sonarDiagnostics(dag('sensor_branching.py'));
    const sensor = await vscode.workspace.openTextDocument(dag('sensor_branching.py'));
    assert.equal(beyond.range.start.line, sensor.lineCount - 1, 'clamped to the last line');
    assert.equal(beyond.severity, vscode.DiagnosticSeverity.Information, 'impact LOW wins over legacy INFO');

    const s = api.quality.service.snapshot!;
    assert.equal(s.unmapped, 1, 'dags/removed_dag.py is not in the workspace');
    const local = api.quality.service.gitState?.branch;
    assert.equal(s.origin.kind === 'server' && s.origin.target.branch, 'main');
    assert.deepEqual(s.failures, []);
    assert.equal(s.origin.kind === 'server' && s.origin.fallback, local === 'main' ? undefined : local ? `Branch ${local} was never analysed: showing main.` : 'HEAD is detached: showing main.', 'falls back to main when the branch was never analysed');
  });

  it('shows the failing gate, its conditions, counts per severity and why the lines may be off', () => {
    const s = api.quality.service.snapshot!;
    assert.equal(s.gate?.label, 'Failed');
    assert.deepEqual(s.counts, { error: 1, warning: 0, information: 3, hint: 0 });
    const roots = api.quality.tree.getChildren();
    const gate = roots.find((n) => n.item.label === 'Quality gate: Failed');
    assert.ok(gate, labels().join(' | '));
    const security = gate.children!.find((c) => c.item.label === 'new_security_rating')!;
    assert.equal(security.item.description, 'ERROR · E, threshold A');
    assert.equal(security.item.command?.command, 'workbench.actions.view.problems');
    const errors = roots.find((n) => n.item.label === 'Errors')!;
    assert.equal(errors.item.description, '1');
    assert.equal(errors.children![0].item.command?.command, 'vscode.open');
    assert.ok(labels().some((l) => /^Findings are for commit 00000000, your working tree is at [0-9a-f]{8}/.test(l)), labels().join(' | '));
    assert.ok(labels().includes('1 finding on files outside this workspace.'));
  });

  it('offers Open on SonarCloud and Show rule description on a SonarCloud problem', async () => {
    const uri = dag('bad_tempfile_example.py');
    const [vuln] = sonarDiagnostics(uri).filter((d) => d.severity === vscode.DiagnosticSeverity.Error);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, vuln.range);
    const open = actions.find((a) => a.title === 'Open on SonarCloud');
    const rule = actions.find((a) => a.title === 'Show rule description');
    assert.ok(open && rule, actions.map((a) => a.title).join(', '));

    const opened = await answering(vscode.env, 'openExternal', [true], () => vscode.commands.executeCommand(open.command!.command, ...open.command!.arguments!));
    assert.equal((opened[0][0] as vscode.Uri).toString(true), `${SONAR}/project/issues?id=airflow-ecs_dags&branch=main&open=AYx-mktemp&issues=AYx-mktemp`);

    await vscode.commands.executeCommand(rule.command!.command, ...rule.command!.arguments!);
    const doc = vscode.window.activeTextEditor?.document;
    assert.equal(doc?.uri.scheme, 'airflow-ecs-sonar-rule');
    assert.equal(doc?.languageId, 'markdown');
    assert.match(doc!.getText(), /^# Insecure temporary file creation methods should not be used/);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');

    const errors = await answering(vscode.window, 'showErrorMessage', [undefined], () => vscode.commands.executeCommand('airflowEcs.sonar.showRule', 'python:S9999'));
    assert.match(String(errors[0][0]), /^Rule "python:S9999" was not found on http:\/\/127\.0\.0\.1:\d+ \(api\/rules\/show: Rule 'python:S9999' not found\)\.$/);
    assert.ok(!String(errors[0][0]).includes('projectKey'), 'a missing rule says nothing about the project settings');
  });

  it('tells "N findings left out" once, and again only when the number changes', async () => {
    const infos = (run: () => Promise<unknown>) => answering(vscode.window, 'showInformationMessage', [undefined], run);
    const leftOut = (calls: unknown[][]) => calls.map((c) => String(c[0])).filter((m) => /left out/.test(m));
    try {
      await seed({ ...sampleProject(), issues: { main: generatedIssues(10_600, 50) } });
      const first = await infos(refresh);
      assert.equal(leftOut(first).length, 1, first.map((c) => c[0]).join(' | '));
      assert.match(leftOut(first)[0], /600 findings left out: the API returns at most 10,000\./);
      assert.deepEqual(leftOut(await infos(refresh)), [], 'the same number is not told again');
      await seed({ ...sampleProject(), issues: { main: generatedIssues(11_250, 50) } });
      assert.match(leftOut(await infos(refresh))[0] ?? '', /1,250 findings left out/);
      assert.ok(labels().includes('10,000 findings on files outside this workspace.'), labels().join(' | '));
    } finally {
      await seed(sampleProject());
    }
    await refresh();
  });

  it('says the token expired (401) with a Sign In button, and keeps the last good findings marked with their time', async () => {
    await controlSonar(SONAR, 'token', { token: 'rotated' });
    try {
      const errors = await refresh();
      assert.match(String(errors[0][0]), /did not accept the Sonar token: it is missing, wrong, expired or revoked\. Sign in with a new token\./);
      assert.ok(errors[0].includes('Sign In'));
      assert.ok(labels().some((l) => /^Findings and gate as of \d\d:\d\d, the last refresh failed: .*did not accept the Sonar token/.test(l)), labels().join(' | '));
      assert.equal(sonarDiagnostics(dag('bad_tempfile_example.py')).length, 2, 'the last good findings stay, marked');
      assert.equal(api.quality.service.snapshot?.gate?.label, 'Failed');
    } finally {
      await controlSonar(SONAR, 'token', { token: FAKE_SONAR_TOKEN });
    }
    await refresh();
    assert.equal(api.quality.service.snapshot?.asOf, undefined, 'a good refresh drops the marker');
  });

  it('hotspots answering 500: the issues and the gate still show; the hotspots are the last good ones, said with their time', async () => {
    await controlSonar(SONAR, 'fault', { path: 'api/hotspots/search', kind: 'status', status: 500 });
    try {
      const warned = await answering(vscode.window, 'showWarningMessage', [undefined], async () => assert.deepEqual(await refresh(), []));
      assert.match(String(warned[0][0]), /^Hotspots as of \d\d:\d\d, the last refresh failed: .*api\/hotspots\/search page 1/);
      assert.deepEqual(warned[0].slice(1), ['Retry', 'Show Log']);
      assert.ok(labels().some((l) => new RegExp(`^Hotspots as of \\d\\d:\\d\\d, the last refresh failed: ${SONAR.replace(/[.]/g, '\\.')} answered HTTP 500 for api/hotspots/search page 1`).test(l)), labels().join(' | '));
      assert.ok(labels().includes('Quality gate: Failed'));
      assert.equal(sonarDiagnostics(dag('bad_tempfile_example.py')).length, 2);
    } finally {
      await controlSonar(SONAR, 'clearFaults');
    }
  });

  it('without api/project_branches/list: the branch from git, said so, and no word about sonar.projectKey', async () => {
    await controlSonar(SONAR, 'fault', { path: 'api/project_branches/list', kind: 'missing' });
    try {
      await refresh();
      const local = api.quality.service.gitState?.branch;
      const all = labels().join(' | ');
      assert.ok(labels().some((l) => /^Branch list not loaded: .* has no api\/project_branches\/list \(HTTP 404/.test(l)), all);
      assert.ok(!all.includes('projectKey'), all);
      // This repository's branch was never analysed: without the branch list that shows as a 404, so the main branch is shown.
      if (local && local !== 'main') assert.ok(labels().includes(`The branch list could not be read and branch ${local} has no analysis: showing the main branch.`), all);
    } finally {
      await controlSonar(SONAR, 'clearFaults');
    }
    await refresh();
  });

  it("counts another project's components as outside this project, never on the workspace file", async () => {
    const legacy = { ...sampleIssues()[1], key: 'AYx-legacy', component: 'airflow-ecs_dags-legacy:dags/etl_taskflow.py', message: 'From the legacy project.' };
    await seed({ ...sampleProject(), issues: { main: [...sampleIssues(), legacy] } });
    try {
      await refresh();
      assert.deepEqual(sonarDiagnostics(dag('etl_taskflow.py')).map((d) => d.message), ['Code Smell: Remove this unused import of "timedelta".']);
      assert.ok(labels().includes('1 finding outside this project (another project key than airflow-ecs_dags).'), labels().join(' | '));
    } finally {
      await seed(sampleProject());
    }
  });

  it('shows no gate (NONE) as neutral: "No quality gate is set for this project"', async () => {
    await seed({ ...sampleProject(), gate: {} });
    try {
      await refresh();
      const row = api.quality.tree.getChildren().find((n) => n.item.label === 'No quality gate is set for this project');
      assert.ok(row, labels().join(' | '));
      assert.notEqual((row.item.iconPath as vscode.ThemeIcon).id, 'pass');
    } finally {
      await seed(sampleProject());
    }
    await refresh();
  });

  it('leaves out findings below airflowEcs.sonar.minimumSeverity and says how many', async () => {
    const config = vscode.workspace.getConfiguration('airflowEcs');
    await config.update('sonar.minimumSeverity', 'warning', vscode.ConfigurationTarget.Global);
    try {
      await until('the refresh after the setting', () => labels().some((l) => /below the minimum severity/.test(l)));
      assert.equal(sonarDiagnostics(dag('etl_taskflow.py')).length, 0);
      assert.equal(sonarDiagnostics(dag('bad_tempfile_example.py')).length, 1, 'the vulnerability stays, the MEDIUM hotspot goes');
      assert.ok(labels().includes('3 findings below the minimum severity (warning) not shown: airflowEcs.sonar.minimumSeverity.'), labels().join(' | '));
    } finally {
      await config.update('sonar.minimumSeverity', undefined, vscode.ConfigurationTarget.Global);
    }
    await until('all findings again', () => sonarDiagnostics(dag('etl_taskflow.py')).length === 1);
  });

  it('drops the findings of a file that is deleted', async () => {
    const file = dag('zz_deleted_soon.py');
    fs.writeFileSync(file.fsPath, 'import os\nx = 1\n');
    const doomed = { ...sampleIssues()[1], key: 'AYx-doomed', component: `${SAMPLE_PROJECT_KEY}:dags/zz_deleted_soon.py`, line: 1 };
    await seed({ ...sampleProject(), issues: { main: [...sampleIssues(), doomed] } });
    try {
      await refresh();
      assert.equal(sonarDiagnostics(file).length, 1);
      fs.rmSync(file.fsPath);
      await until('the deleted file loses its problems', () => sonarDiagnostics(file).length === 0);
      assert.ok(!api.quality.service.snapshot!.files.some((f) => f.file === file.fsPath));
    } finally {
      fs.rmSync(file.fsPath, { force: true });
      await seed(sampleProject());
    }
    await refresh();
  });

  it('walks the findings of the active editor with Next SonarCloud Finding', async () => {
    const editor = await vscode.window.showTextDocument(dag('bad_tempfile_example.py'));
    editor.selection = new vscode.Selection(0, 0, 0, 0);
    await vscode.commands.executeCommand('airflowEcs.sonar.nextFinding');
    assert.deepEqual([editor.selection.active.line, editor.selection.active.character], [42, 15]);
    await vscode.commands.executeCommand('airflowEcs.sonar.nextFinding');
    assert.equal(editor.selection.active.line, 46);
    await vscode.commands.executeCommand('airflowEcs.sonar.nextFinding');
    assert.equal(editor.selection.active.line, 42, 'wraps to the first');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it("offers the branch's analysed pull request in a quick pick and shows its findings and gate", async () => {
    const local = api.quality.service.gitState?.branch;
    if (!local) return assert.ok(api.quality.service.gitState, 'the workspace is a git repository');
    // The server's main branch is named apart from the clone's branch (often main itself, as in
    // CI's fresh clone): the local branch must be one SonarCloud never analysed.
    const trunk = local === 'trunk' ? 'mainline' : 'trunk';
    const sample = sampleProject();
    await seed({
      ...sample,
      branches: [{ name: trunk, isMain: true }],
      pullRequests: [{ key: '42', title: 'Safer temp files', branch: local, base: trunk, commit: { sha: api.quality.service.gitState!.head } }],
      issues: { [trunk]: sampleIssues(), 'pr:42': sampleIssues().slice(1, 2) },
      hotspots: { [trunk]: sample.hotspots.main, 'pr:42': [] },
      gate: { [trunk]: sample.gate.main, 'pr:42': { status: 'OK', conditions: [] } },
      revision: { [trunk]: SAMPLE_REVISION },
    });
    try {
      await refresh();
      assert.ok(labels().includes('Showing pull request #42 (Safer temp files)'), labels().join(' | '));
      assert.ok(labels().includes('Quality gate: Passed'));
      assert.equal(sonarDiagnostics(dag('bad_tempfile_example.py')).length, 0);
      const picks = await answering(vscode.window, 'showQuickPick', [(items: vscode.QuickPickItem[]) => items.find((i) => i.label.includes('Branch'))],
        () => vscode.commands.executeCommand('airflowEcs.sonar.chooseAnalysis'));
      assert.deepEqual((picks[0][0] as vscode.QuickPickItem[]).map((i) => i.label), [`$(git-branch) Branch ${local}`, '$(git-pull-request) Pull request #42']);
      assert.ok(labels().includes('Quality gate: Failed'), labels().join(' | '));
      assert.equal(sonarDiagnostics(dag('bad_tempfile_example.py')).length, 2);
    } finally {
      api.quality.service.choice = {};
      await seed(sampleProject());
    }
    await refresh();
  });

  it('imports a saved sonar-findings.json and shows it the same way', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'airflow-ecs-findings-')), 'sonar-findings.json');
    const issues = sampleIssues().slice(1, 2);
    fs.writeFileSync(file, JSON.stringify({ total: 699, truncated: true, paging: { pageSize: 500, pages: 2, total: 699 }, issues, components: [], rules: [] }));
    const told = await answering(vscode.window, 'showInformationMessage', [undefined], () => vscode.commands.executeCommand('airflowEcs.sonar.importFindings', vscode.Uri.file(file)));
    assert.equal(String(told[0][0]), 'Showing 1 finding from sonar-findings.json on 1 file (the file holds 1 of the 699 issues the server counted).');
    assert.ok(labels().includes('sonar-findings.json holds 1 of the 699 issues the server counted.'), labels().join(' | '));
    assert.ok(!labels().some((l) => /at most 10,000/.test(l)), 'the file, not the API cap, explains the gap');
    assert.equal(sonarDiagnostics(dag('bad_tempfile_example.py')).length, 0, 'replaces what was shown');
    assert.equal(sonarDiagnostics(dag('etl_taskflow.py'))[0].message, 'Code Smell: Remove this unused import of "timedelta".');
    assert.ok(labels().includes('Imported from sonar-findings.json; refresh to read the server again.'));
    fs.writeFileSync(file, '{"broken"');
    const errors = await answering(vscode.window, 'showErrorMessage', [undefined], () => vscode.commands.executeCommand('airflowEcs.sonar.importFindings', vscode.Uri.file(file)));
    assert.match(String(errors[0][0]), /sonar-findings\.json is not valid JSON/);
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  });

  it('two refreshes at once: only the later one shows, the earlier is dropped without a word', async () => {
    await controlSonar(SONAR, 'latency', { ms: 200 });
    try {
      const first = api.quality.service.refresh();
      await new Promise((r) => setTimeout(r, 50));
      const second = api.quality.service.refresh();
      await assert.rejects(first, (e: Error & { kind?: string }) => e.kind === 'aborted');
      assert.equal((await second).gate?.label, 'Failed');
      assert.equal(api.quality.service.failure, undefined);
    } finally {
      await controlSonar(SONAR, 'latency', { ms: 0 });
    }
  });

  it('a new project key clears what the old one showed', async () => {
    await refresh();
    assert.ok(sonarDiagnostics(dag('bad_tempfile_example.py')).length);
    const config = vscode.workspace.getConfiguration('airflowEcs');
    const errors = await answering(vscode.window, 'showErrorMessage', [undefined], async () => {
      await config.update('sonar.projectKey', 'another_project', vscode.ConfigurationTarget.Global);
      await until('the old findings to go', () => sonarDiagnostics(dag('bad_tempfile_example.py')).length === 0);
    });
    assert.deepEqual(errors, [], 'a background refresh pops nothing');
    await config.update('sonar.projectKey', undefined, vscode.ConfigurationTarget.Global);
    await until('the project to come back', () => api.quality.service.snapshot?.project.projectKey === SAMPLE_PROJECT_KEY);
  });

  it('signs out: the token leaves secret storage, the findings and the gate go', async () => {
    await refresh();
    assert.ok(sonarDiagnostics(dag('bad_tempfile_example.py')).length);
    await vscode.commands.executeCommand('airflowEcs.sonar.signOut');
    const project = await api.quality.service.requireProject();
    assert.equal(await api.quality.service.token(project), undefined);
    assert.equal(sonarDiagnostics(dag('bad_tempfile_example.py')).length, 0);
    assert.equal(api.quality.service.snapshot, undefined);
    assert.deepEqual(labels(), []);
  });
});
