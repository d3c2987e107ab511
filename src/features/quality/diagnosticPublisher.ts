import * as vscode from 'vscode';
import { planBatches } from '../../core/sonar/diagnosticBatches';

/**
 * Publishes any number of diagnostics so that all of them reach the Problems panel and the editor
 * (see core/sonar/diagnosticBatches.ts for the workbench's limits): one collection per 1,000 of a
 * file ("lane"), and set() calls of at most 1,100 diagnostics each.
 */
export class DiagnosticPublisher implements vscode.Disposable {
  private readonly lanes: vscode.DiagnosticCollection[] = [];

  constructor(private readonly name: string) {}

  /** Replaces what is shown with `byFile` (uri string -> diagnostics). Returns the set() calls made. */
  publish(byFile: Map<string, { uri: vscode.Uri; diagnostics: vscode.Diagnostic[] }>): number {
    const plan = planBatches([...byFile].map(([key, v]): [string, number] => [key, v.diagnostics.length]));
    let calls = 0;
    for (const [index, batches] of plan.entries()) {
      const lane = this.lane(index);
      const kept = new Set<string>();
      for (const batch of batches) {
        lane.set(batch.map(({ key, from, to }): [vscode.Uri, vscode.Diagnostic[]] => {
          kept.add(key);
          const entry = byFile.get(key)!;
          return [entry.uri, entry.diagnostics.slice(from, to)];
        }));
        calls++;
      }
      // Files of the last publish that are gone: one call, they carry no diagnostics.
      const gone: [vscode.Uri, undefined][] = [];
      lane.forEach((uri, diagnostics) => { if (diagnostics.length && !kept.has(uri.toString())) gone.push([uri, undefined]); });
      if (gone.length) {
        lane.set(gone);
        calls++;
      }
    }
    for (const lane of this.lanes.slice(plan.length)) lane.clear();
    return calls;
  }

  clear(): void {
    for (const lane of this.lanes) lane.clear();
  }

  dispose(): void {
    for (const lane of this.lanes) lane.dispose();
  }

  private lane(index: number): vscode.DiagnosticCollection {
    // Distinct names: a second collection of the same name would be logged as a clash.
    return (this.lanes[index] ??= vscode.languages.createDiagnosticCollection(index ? `${this.name} (${index + 1})` : this.name));
  }
}
