import { markRun, type MarkState } from '../../../../core/airflow/runs';
import { confirm, runOf, type RunCommandDeps } from './deps';

const mark = (state: MarkState) => (deps: RunCommandDeps) => async (node?: unknown) => {
  const { run } = runOf(node);
  const ok = await confirm(`Mark run ${run.runId} of ${run.dagId} as ${state}?`, `Its state becomes ${state}; ${state === 'success' ? 'tasks that have not finished are marked success too' : 'running tasks are stopped and the others marked failed'}.`, `Mark ${state === 'success' ? 'Success' : 'Failed'}`);
  if (!ok) return;
  await markRun(await deps.client(), run.dagId, run.runId, state);
  await deps.runs.changed(run.dagId, run.runId);
};

export const markRunSuccess = mark('success');
export const markRunFailed = mark('failed');
