import * as path from 'node:path';
import * as vscode from 'vscode';
import { dagSource, type AirflowDag } from '../../core/airflow/dags';
import { dagRelativePath } from '../../core/airflow/importErrors';
import { UserFacingError } from '../../platform/errors';
import { COMMANDS, DEPLOYED_SCHEME } from './commandIds';
import { relativeInDagFolder, workspaceFileOf } from './dagFolders';
import { DagNode } from './dagNode';
import type { AirflowService } from './service';

/** The DAG sources as Airflow has them, read-only, by `airflow-ecs-deployed:/<dag_id>/<file>`. */
export class DeployedSources implements vscode.TextDocumentContentProvider {
  private readonly contents = new Map<string, string>();

  uri(dagId: string, relative: string, version: number | undefined, content: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: DEPLOYED_SCHEME, path: `/${dagId}/${relative}`, query: version === undefined ? '' : `version=${version}` });
    this.contents.set(uri.toString(), content);
    return uri;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? '';
  }

  clear(): void {
    this.contents.clear();
  }
}

/** The DAG a command is about: the row, else the DAG(s) of the file (the argument or the active editor). */
async function dagFor(service: AirflowService, arg: unknown): Promise<{ dag: AirflowDag; file: vscode.Uri }> {
  const s = service.snapshot ?? (await service.load());
  if (arg instanceof DagNode) {
    const rel = dagRelativePath(arg.dag, s.roots);
    const file = rel ? workspaceFileOf(rel) : undefined;
    if (!file) throw new UserFacingError(`The workspace has no ${rel ?? arg.dag.fileloc} in its DAG folder (dags/) to compare ${arg.dag.dagId} with.`);
    return { dag: arg.dag, file };
  }
  const file = arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
  const rel = file && relativeInDagFolder(file);
  if (!file || !rel) throw new UserFacingError('Open a DAG file of the workspace\'s DAG folder (dags/) to compare it with what Airflow runs.');
  const dags = s.dags.filter((d) => dagRelativePath(d, s.roots) === rel);
  if (!dags.length) {
    throw new UserFacingError(`Airflow at ${new URL(s.url).host} has no DAG from ${rel} yet: it is not deployed, or the DAG processor has not parsed it. Run the DAG pipeline, or refresh the Airflow view in a minute.`, [
      { title: 'Refresh', run: () => vscode.commands.executeCommand(COMMANDS.refresh) },
    ]);
  }
  if (dags.length === 1) return { dag: dags[0], file };
  const picked = await vscode.window.showQuickPick(dags.map((d) => ({ label: d.dagId, dag: d })), { placeHolder: `${rel} declares several DAGs: which one's deployed source?` });
  if (!picked) throw new vscode.CancellationError();
  return { dag: picked.dag, file };
}

/** Compare with Deployed: the source Airflow has (left, read-only) against the workspace file. */
export async function compareWithDeployed(service: AirflowService, sources: DeployedSources, arg: unknown): Promise<void> {
  const { dag, file } = await dagFor(service, arg);
  const source = await dagSource(await service.client(), dag);
  const rel = relativeInDagFolder(file) ?? path.basename(file.fsPath);
  const left = sources.uri(dag.dagId, rel, source.version, source.content);
  const version = source.version === undefined ? 'deployed' : `deployed, DAG version ${source.version}`;
  await vscode.commands.executeCommand('vscode.diff', left, file, `${path.basename(rel)} (${dag.dagId}, ${version}) ↔ workspace`);
}
