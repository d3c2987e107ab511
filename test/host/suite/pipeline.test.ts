import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../../src/extension';
import { control } from '../../support/fakeAws/server';

const AWS = process.env.AIRFLOW_ECS_TEST_AWS ?? '';
const GATE_MESSAGE = 'Quality gate failed: new_security_rating E (threshold A)';

type Win = Record<string, unknown>;

/** Answers the dialogs a pipeline run shows and records the messages, for one test. */
function dialogs() {
  const win = vscode.window as unknown as Win;
  const saved = Object.fromEntries(['showInputBox', 'showWarningMessage', 'showInformationMessage', 'showErrorMessage'].map((k) => [k, win[k]]));
  const messages: { kind: string; text: string; buttons: string[] }[] = [];
  win.showInputBox = async () => '';
  win.showWarningMessage = async () => 'Run Anyway';
  for (const kind of ['showInformationMessage', 'showErrorMessage']) {
    win[kind] = async (text: string, ...rest: unknown[]) => {
      messages.push({ kind, text, buttons: rest.filter((r): r is string => typeof r === 'string') });
      return undefined;
    };
  }
  return { messages, restore: () => Object.assign(win, saved) };
}

async function waitFor<T>(get: () => T | undefined, what: string, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = get();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('DAG pipeline in a real extension host', () => {
  let api: ExtensionApi;
  let head: string;
  const cfg = () => vscode.workspace.getConfiguration('airflowEcs');

  before(async () => {
    api = await vscode.extensions.getExtension<ExtensionApi>('airflow-ecs.airflow-on-ecs')!.activate();
    head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: vscode.workspace.workspaceFolders![0].uri.fsPath, encoding: 'utf8' }).trim();
    await control(AWS, 'fake', 'reset');
    await control(AWS, 'codebuild', 'seed', {
      projects: [
        { name: 'airflow-dags', phaseMs: 150 },
        { name: 'airflow-dags-gate', phaseMs: 150, failAt: { phase: 'BUILD', message: GATE_MESSAGE } },
        { name: 'airflow-dags-nosource', phaseMs: 100, sourceType: 'NO_SOURCE' },
      ],
    });
  });
  after(async () => {
    await cfg().update('pipeline.dagProject', undefined, vscode.ConfigurationTarget.Global);
  });

  it('runs the pipeline for HEAD and follows it to success', async () => {
    await cfg().update('pipeline.dagProject', 'airflow-dags', vscode.ConfigurationTarget.Global);
    const d = dialogs();
    try {
      const build = await vscode.commands.executeCommand<{ id: string; sourceVersion: string }>('airflowEcs.pipeline.runDagPipeline');
      assert.equal(build.sourceVersion, head, 'builds the HEAD commit');
      const done = await waitFor(() => d.messages.find((m) => /DAG pipeline #\d+ passed/.test(m.text)), 'the passed notification');
      assert.equal(done.text, `DAG pipeline #1 passed for ${head.slice(0, 7)}.`);
      assert.deepEqual(done.buttons, ['Show Log', 'Open in Console']);
      // The build's CloudWatch log, tailed live into its own channel: every phase, no line twice.
      const log = api.pipeline.buildLogs.get(build.id);
      assert.ok(log, 'the build log is followed');
      assert.equal(log.channel.name, 'DAG pipeline #1');
      const lines = await waitFor(() => (log.lines.some((l) => /Phase complete: FINALIZING State: SUCCEEDED/.test(l)) ? log.lines : undefined), 'the last phase in the log');
      const logLines = lines.filter((l) => !l.startsWith('---'));
      assert.equal(new Set(logLines).size, logLines.length, 'no line twice');
      assert.ok(logLines.some((l) => /Entering phase BUILD/.test(l)));
    } finally {
      d.restore();
    }
    await waitFor(() => api.pipeline.statusBar.text === '$(pass) DAG pipeline passed' || undefined, 'the status bar to say passed');
    const [project] = await api.pipeline.tree.getChildren();
    const [build] = await api.pipeline.tree.getChildren(project);
    assert.match(String(api.pipeline.tree.getTreeItem(build).description), new RegExp(`^succeeded · ${head.slice(0, 7)}`));
    const phases = await api.pipeline.tree.getChildren(build);
    assert.equal(phases.length, 10);
    assert.ok(phases.every((p) => /^succeeded/.test(String(api.pipeline.tree.getTreeItem(p).description))));
  });

  it('keeps the log channels of the last 5 builds only; finished builds stop being tailed', async function () {
    this.timeout(120_000);
    await cfg().update('pipeline.dagProject', 'airflow-dags', vscode.ConfigurationTarget.Global);
    const d = dialogs();
    const builds: { id: string }[] = [];
    try {
      for (let i = 0; i < 6; i++) {
        const build = await vscode.commands.executeCommand<{ id: string; buildNumber: number }>('airflowEcs.pipeline.runDagPipeline');
        builds.push(build);
        await waitFor(() => d.messages.find((m) => m.text.startsWith(`DAG pipeline #${build.buildNumber} passed`)), `build #${build.buildNumber} to pass`);
        await waitFor(() => api.pipeline.buildLogs.get(build.id), `the log of build #${build.buildNumber}`);
      }
    } finally {
      d.restore();
    }
    const first = builds[0];
    assert.equal(api.pipeline.buildLogs.size, 5);
    assert.ok(!api.pipeline.buildLogs.has(first.id), 'the oldest build log was closed');
    assert.deepEqual([...api.pipeline.buildLogs.keys()], builds.slice(1).map((b) => b.id));
    // After the drain time the finished builds leave the tails (the status bar), their channels stay for Show Log.
    await waitFor(() => !api.logTails.list().some((t) => t.key.startsWith('build:')) || undefined, 'the finished builds to stop being tailed');
    const last = api.pipeline.buildLogs.get(builds[5].id)!;
    assert.ok(last.lines.some((l) => /Phase complete: FINALIZING/.test(l)), 'the last build log is still readable');
    assert.equal(last.running, false);
  });

  it('says why the pipeline failed on the quality gate, with Show Findings', async () => {
    await cfg().update('pipeline.dagProject', 'airflow-dags-gate', vscode.ConfigurationTarget.Global);
    const d = dialogs();
    try {
      await vscode.commands.executeCommand('airflowEcs.pipeline.runDagPipeline');
      const failed = await waitFor(() => d.messages.find((m) => m.kind === 'showErrorMessage'), 'the failure notification');
      assert.equal(failed.text, `DAG pipeline #1 failed for ${head.slice(0, 7)}: BUILD failed: ${GATE_MESSAGE}.`);
      assert.deepEqual(failed.buttons, ['Show Log', 'Show Findings', 'Open in Console']);
    } finally {
      d.restore();
    }
    await waitFor(() => api.pipeline.statusBar.text === '$(error) DAG pipeline failed' || undefined, 'the status bar to say failed');
    assert.match(String(api.pipeline.statusBar.tooltip), /new_security_rating E/);
  });

  it('names a project that does not exist and offers the log', async () => {
    await cfg().update('pipeline.dagProject', 'no-such-project', vscode.ConfigurationTarget.Global);
    const d = dialogs();
    try {
      await vscode.commands.executeCommand('airflowEcs.pipeline.runDagPipeline');
    } finally {
      d.restore();
    }
    const [error] = d.messages;
    assert.equal(error.kind, 'showErrorMessage');
    assert.match(error.text, /The CodeBuild project "no-such-project" does not exist in us-east-1/);
  });

  it('says "passed" for HEAD after a passing build of a project whose source resolves no commit', async () => {
    await cfg().update('pipeline.dagProject', 'airflow-dags-nosource', vscode.ConfigurationTarget.Global);
    const d = dialogs();
    try {
      const build = await vscode.commands.executeCommand<{ resolvedSourceVersion?: string }>('airflowEcs.pipeline.runDagPipeline');
      assert.equal(build.resolvedSourceVersion, undefined, 'CodeBuild resolves nothing for NO_SOURCE');
      await waitFor(() => d.messages.find((m) => /DAG pipeline #\d+ passed/.test(m.text)), 'the passed notification');
    } finally {
      d.restore();
    }
    await waitFor(() => api.pipeline.statusBar.text === '$(pass) DAG pipeline passed' || undefined, 'the status bar to say passed, not "HEAD not built"');
    assert.match(String(api.pipeline.statusBar.tooltip), new RegExp(`^HEAD ${head.slice(0, 7)}: airflow-dags-nosource build #1 SUCCEEDED`));
  });

  it('stops watching a build CodeBuild no longer knows, and says so', async () => {
    const win = vscode.window as unknown as Win;
    const saved = win.showWarningMessage;
    const warnings: string[] = [];
    win.showWarningMessage = async (text: string) => {
      warnings.push(text);
      return undefined;
    };
    try {
      api.pipeline.watcher.watch('airflow-dags:00000000-dead-beef-0000-000000000000');
      const warning = await waitFor(() => warnings.find((w) => /is gone/.test(w)), 'the "build is gone" warning');
      assert.equal(warning, 'Build 00000000-dead-beef-0000-000000000000 is gone: CodeBuild no longer knows it (deleted, or in another account or region). It is no longer watched.');
      assert.ok(!api.pipeline.watcher.ids.includes('airflow-dags:00000000-dead-beef-0000-000000000000'));
    } finally {
      win.showWarningMessage = saved;
    }
  });

  it('redraws the builds (their ages) when the Pipelines view shows again, without asking CodeBuild', async () => {
    await cfg().update('pipeline.dagProject', 'airflow-dags', vscode.ConfigurationTarget.Global);
    const [project] = await api.pipeline.tree.getChildren();
    await api.pipeline.tree.getChildren(project);
    await vscode.commands.executeCommand('workbench.view.explorer');
    let redrawn = 0;
    const sub = api.pipeline.tree.onDidChangeTreeData(() => redrawn++);
    const { calls: before } = (await control(AWS, 'fake', 'calls')) as { calls: unknown[] };
    try {
      await vscode.commands.executeCommand('workbench.view.extension.airflowEcs');
      await waitFor(() => redrawn > 0 || undefined, 'a redraw of the Pipelines view');
    } finally {
      sub.dispose();
      await vscode.commands.executeCommand('workbench.view.explorer');
    }
    const [again] = await api.pipeline.tree.getChildren();
    await api.pipeline.tree.getChildren(again);
    const { calls } = (await control(AWS, 'fake', 'calls')) as { calls: { operation: string }[] };
    assert.equal(calls.slice(before.length).filter((c) => c.operation === 'ListBuildsForProject').length, 0, 'the builds held are drawn again, not read again');
  });
});
