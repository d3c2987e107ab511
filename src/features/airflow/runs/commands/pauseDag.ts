import * as vscode from 'vscode';
import { setPaused } from '../../../../core/airflow/runs';
import { dagOf, runActionProblem, type RunCommandDeps } from './deps';

const setPause = (paused: boolean) => (deps: RunCommandDeps & { dagChanged(dagId: string): void }) => async (node?: unknown) => {
  const dagId = await dagOf(node, deps);
  if (!dagId) return;
  try {
    await setPaused(await deps.client(), dagId, paused);
  } catch (err) {
    throw runActionProblem(err, dagId);
  }
  deps.dagChanged(dagId);
  vscode.window.setStatusBarMessage(`${paused ? '$(debug-pause) Paused' : '$(play) Unpaused'} ${dagId}`, 5000);
};

export const pauseDag = setPause(true);
export const unpauseDag = setPause(false);
