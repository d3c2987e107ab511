import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DAG_FOLDER_CANDIDATES } from '../../core/airflow/importErrors';

/** The workspace's DAG folders: `dags/`, else `sample-dags/dags/` or `sample-dags/`, in each workspace folder. */
export function workspaceDagFolders(): string[] {
  const out: string[] = [];
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    if (folder.uri.scheme !== 'file') continue;
    const found = DAG_FOLDER_CANDIDATES.map((c) => path.join(folder.uri.fsPath, c)).find((p) => fs.existsSync(p) && fs.statSync(p).isDirectory());
    if (found) out.push(found);
  }
  return out;
}

/** The workspace file of a path relative to the deployed DAG folder, when the workspace has it. */
export function workspaceFileOf(relative: string, folders = workspaceDagFolders()): vscode.Uri | undefined {
  for (const folder of folders) {
    const file = path.join(folder, ...relative.split('/'));
    if (fs.existsSync(file)) return vscode.Uri.file(file);
  }
  return undefined;
}

/** A workspace file's path relative to its DAG folder ("etl_taskflow.py"), if it is in one. */
export function relativeInDagFolder(uri: vscode.Uri, folders = workspaceDagFolders()): string | undefined {
  if (uri.scheme !== 'file') return undefined;
  for (const folder of folders) {
    const rel = path.relative(folder, uri.fsPath);
    if (rel && !rel.startsWith('..') && !path.isAbsolute(rel)) return rel.split(path.sep).join('/');
  }
  return undefined;
}
