import { markTaskInstance, type MarkState } from '../../../../core/airflow/runs';
import { confirm, taskOf, type RunCommandDeps } from './deps';

const mark = (state: MarkState) => (deps: RunCommandDeps) => async (node?: unknown) => {
  const { ti } = taskOf(node);
  const ok = await confirm(`Mark ${ti.taskId} of run ${ti.runId} as ${state}?`, `Airflow sets this task instance to ${state}${state === 'success' ? ', so its downstream tasks can run' : ''}; it does not run it.`, `Mark ${state === 'success' ? 'Success' : 'Failed'}`);
  if (!ok) return;
  await markTaskInstance(await deps.client(), ti, state);
  await deps.runs.changed(ti.dagId, ti.runId);
};

export const markTaskSuccess = mark('success');
export const markTaskFailed = mark('failed');
