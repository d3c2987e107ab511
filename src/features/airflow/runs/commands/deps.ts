import * as vscode from 'vscode';
import { AirflowProblem } from '../../../../core/airflow/client';
import type { AirflowApi } from '../../../../core/airflow/runs';
import { UserFacingError } from '../../../../platform/errors';
import type { AirflowRuns } from '../airflowRuns';
import { RUN_COMMANDS, RUN_DAG_PIPELINE } from '../commandIds';
import type { TaskLogChannels } from '../taskLogChannels';
import { RunNode, TaskInstanceNode } from '../runNodes';

export interface RunCommandDeps {
  client(): Promise<AirflowApi>;
  runs: AirflowRuns;
  logs: TaskLogChannels;
}

/** The DAG a command acts on: a DAG row's, a run or task row's, or one the user picks (the open DAG file's first). */
export async function dagOf(node: unknown, deps: RunCommandDeps): Promise<string | undefined> {
  if (node instanceof RunNode) return node.run.dagId;
  if (node instanceof TaskInstanceNode) return node.ti.dagId;
  const dagId = (node as { dagId?: unknown } | undefined)?.dagId;
  if (typeof dagId === 'string') return dagId;
  const api = await deps.client();
  const listed = await api.get<{ dags: { dag_id: string }[] }>('/dags', { limit: 100, order_by: 'dag_id' });
  const open = openDagId();
  const ids = [...new Set([...(open ? [open] : []), ...listed.dags.map((d) => d.dag_id)])];
  const pick = await vscode.window.showQuickPick(ids.map((id) => ({ label: id, description: id === open ? 'the open DAG file' : undefined })), { placeHolder: 'Which DAG?' });
  return pick?.label;
}

/** The dag_id the active editor's DAG file declares, if it is one. */
function openDagId(): string | undefined {
  const doc = vscode.window.activeTextEditor?.document;
  if (doc?.languageId !== 'python') return undefined;
  return /\bdag_id\s*=\s*["']([\w.-]+)["']/.exec(doc.getText())?.[1];
}

export function runOf(node: unknown): RunNode {
  if (node instanceof RunNode) return node;
  throw new UserFacingError('Choose a run in the Airflow view (expand a DAG) and use this command from its row.');
}

export function taskOf(node: unknown): TaskInstanceNode {
  if (node instanceof TaskInstanceNode) return node;
  throw new UserFacingError('Choose a task in the Airflow view (expand a DAG and a run) and use this command from its row.');
}

/**
 * Airflow's refusals of a run action, as a sentence with a next step: a DAG it does not have yet
 * (deploy it), a run id that exists, a conf it rejects. Anything else goes on as it is.
 */
export function runActionProblem(err: unknown, dagId: string): unknown {
  if (!(err instanceof AirflowProblem)) return err;
  if (err.kind === 'notFound' && /dag/i.test(err.detail ?? '') && !/run/i.test(err.detail ?? '')) {
    return new UserFacingError(`Airflow has no DAG "${dagId}" yet: run the DAG pipeline to deploy it (or check the dag_id), then try again.`, [
      { title: 'Run DAG Pipeline', run: () => vscode.commands.executeCommand(RUN_DAG_PIPELINE) },
    ]);
  }
  if (err.status === 409) {
    return new UserFacingError(`A run with that id exists already for "${dagId}" (${err.detail ?? 'HTTP 409'}): trigger again for a new run.`, [
      { title: 'Trigger DAG…', run: () => vscode.commands.executeCommand(RUN_COMMANDS.triggerDag, { dagId }) },
    ]);
  }
  if (err.status === 400 || err.status === 422) {
    return new UserFacingError(`Airflow refused it: ${err.detail ?? err.message} Change the conf and trigger again.`, [
      { title: 'Trigger DAG…', run: () => vscode.commands.executeCommand(RUN_COMMANDS.triggerDag, { dagId }) },
    ]);
  }
  return err;
}

/** A modal question; true when the user chose `action`. */
export async function confirm(question: string, detail: string, action: string): Promise<boolean> {
  return (await vscode.window.showWarningMessage(question, { modal: true, detail }, action)) === action;
}
