// Runs inside the extension host for bench/quality.ts: publishes 10,000 diagnostics on 500 files
// the extension's way and two naive ways, and says when (console lines "BENCH {...}") so that the
// bench can time what the workbench's Problems panel shows. Waits for a go-file between steps.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../src/extension';
import { DiagnosticPublisher } from '../src/features/quality/diagnosticPublisher';
import { FAKE_SONAR_TOKEN, LARGE_FILES, largeFile } from '../test/support/fakeSonar';
import { BENCH_DIR_ENV, WAYS } from './qualitySteps';

const PER_FILE = 20;

function mark(step: string, extra: object = {}): void {
  console.log(`BENCH ${JSON.stringify({ step, at: Date.now(), ...extra })}`);
}

async function go(step: string): Promise<void> {
  const file = path.join(process.env[BENCH_DIR_ENV]!, `go-${step}`);
  while (!fs.existsSync(file)) await new Promise((r) => setTimeout(r, 10));
}

export async function run(): Promise<void> {
  const api = await vscode.extensions.getExtension<ExtensionApi>('airflow-ecs.airflow-on-ecs')!.activate();
  await go('start');

  // The extension end to end: sign in (token answered here), read 20 pages, publish.
  const window = vscode.window as unknown as Record<string, unknown>;
  const ask = window.showInputBox;
  window.showInputBox = () => Promise.resolve(FAKE_SONAR_TOKEN);
  try {
    await vscode.commands.executeCommand('airflowEcs.sonar.signIn');
  } finally {
    window.showInputBox = ask;
  }
  mark('published', { way: 'extension', expected: 10_000, ...api.quality.service.lastPublish });
  await go('extension');
  await vscode.commands.executeCommand('airflowEcs.sonar.signOut');
  mark('cleared');
  await go('cleared-extension');

  const root = vscode.workspace.workspaceFolders![0].uri;
  const files = Array.from({ length: LARGE_FILES }, (_, f) => {
    const uri = vscode.Uri.joinPath(root, largeFile(f));
    const diagnostics = Array.from({ length: PER_FILE }, (_, i) => {
      const d = new vscode.Diagnostic(new vscode.Range(i, 0, i, 8), `Bench finding ${f}/${i}.`, vscode.DiagnosticSeverity.Warning);
      // The same shape as the extension's: a rule code linked to its page.
      d.source = 'bench';
      d.code = { value: `python:S${1000 + i}`, target: vscode.Uri.parse(`https://sonarcloud.io/organizations/o/rules?open=python%3AS${1000 + i}`) };
      return d;
    });
    return { uri, diagnostics };
  });
  for (const [index, way] of WAYS.entries()) {
    const started = performance.now();
    let calls = 0;
    const dispose: vscode.Disposable[] = [];
    if (index === 2) {
      const publisher = new DiagnosticPublisher('bench-ours');
      calls = publisher.publish(new Map(files.map((f) => [f.uri.toString(), f])));
      dispose.push(publisher);
    } else {
      const collection = vscode.languages.createDiagnosticCollection(`bench-${index}`);
      if (index === 0) {
        collection.set(files.map((f): [vscode.Uri, vscode.Diagnostic[]] => [f.uri, f.diagnostics]));
        calls = 1;
      } else {
        for (const f of files) collection.set(f.uri, f.diagnostics);
        calls = files.length;
      }
      dispose.push(collection);
    }
    mark('published', { way, expected: 10_000, ms: performance.now() - started, calls });
    await go(`way-${index}`);
    for (const d of dispose) d.dispose();
    mark('cleared');
    await go(`cleared-${index}`);
  }
}
