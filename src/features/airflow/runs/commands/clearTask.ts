import { clearTaskInstances } from '../../../../core/airflow/runs';
import { confirm, taskOf, type RunCommandDeps } from './deps';

/** Clear Task: Airflow runs the task again as its next try; the run is followed until it ends again. */
export const clearTask = (deps: RunCommandDeps) => async (node?: unknown) => {
  const { ti } = taskOf(node);
  const ok = await confirm(`Clear ${ti.taskId} of run ${ti.runId}?`, `Airflow runs it again as try ${ti.tryNumber + 1}; the log of try ${ti.tryNumber} stays.`, 'Clear Task');
  if (!ok) return;
  await clearTaskInstances(await deps.client(), ti.dagId, ti.runId, [ti.taskId]);
  await deps.runs.changed(ti.dagId, ti.runId);
};
