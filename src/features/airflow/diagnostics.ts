import * as path from 'node:path';
import * as vscode from 'vscode';
import { locateImportError, relativeToDagFolder, sameDagFile } from '../../core/airflow/importErrors';
import type { ImportError } from '../../core/airflow/dags';
import { DIAGNOSTIC_SOURCE } from './commandIds';
import { workspaceDagFolders, workspaceFileOf } from './dagFolders';
import type { AirflowService } from './service';

export interface MappedImportError {
  error: ImportError;
  relative: string;
  file?: vscode.Uri;
  line: number;
  message: string;
}

/** Each import error with its DAG-folder path, workspace file (when there is one), line and sentence. */
export function mapImportErrors(errors: readonly ImportError[], roots: readonly string[]): MappedImportError[] {
  const folders = workspaceDagFolders();
  return errors.flatMap((error) => {
    const relative = relativeToDagFolder(error.filename, roots);
    if (!relative) return [];
    const located = locateImportError(error, relative);
    return [{ error, relative, file: workspaceFileOf(relative, folders), line: located.line, message: located.message }];
  });
}

/**
 * Import errors on the DAG files (source "Airflow"): at the line of the last stack frame in the
 * file, the exception as the message, the frames as related information. Redrawn from each
 * snapshot, so an error Airflow no longer reports goes, and sign-out clears them all.
 */
export class ImportErrorDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection(DIAGNOSTIC_SOURCE);
  private readonly subscription: vscode.Disposable;

  constructor(private readonly service: AirflowService) {
    this.subscription = service.onDidChange(() => this.update());
  }

  update(): void {
    const s = this.service.snapshot;
    if (!s) {
      this.collection.clear();
      return;
    }
    const byFile = new Map<string, [vscode.Uri, vscode.Diagnostic[]]>();
    for (const m of mapImportErrors(s.importErrors, s.roots)) {
      if (!m.file) continue;
      const line = Math.max(0, m.line - 1);
      const d = new vscode.Diagnostic(new vscode.Range(line, 0, line, Number.MAX_SAFE_INTEGER), m.message, vscode.DiagnosticSeverity.Error);
      d.source = DIAGNOSTIC_SOURCE;
      d.code = 'import-error';
      const frames = locateImportError(m.error, m.relative).frames;
      d.relatedInformation = frames.map((f) => {
        const here = sameDagFile(f.file, m.relative);
        const where = here ? new vscode.Location(m.file!, new vscode.Position(f.line - 1, 0)) : new vscode.Location(m.file!, new vscode.Position(line, 0));
        return new vscode.DiagnosticRelatedInformation(where, `${here ? path.posix.basename(m.relative) : f.file}, line ${f.line}${f.where ? `, in ${f.where}` : ''}${f.code ? `: ${f.code}` : ''}`);
      });
      const key = m.file.toString();
      const entry = byFile.get(key) ?? [m.file, []];
      entry[1].push(d);
      byFile.set(key, entry);
    }
    // Replace, so files whose errors Airflow no longer reports lose theirs.
    this.collection.clear();
    this.collection.set([...byFile.values()]);
  }

  dispose(): void {
    this.subscription.dispose();
    this.collection.dispose();
  }
}
