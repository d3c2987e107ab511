import { taskOf, type RunCommandDeps } from './deps';

/** Show Task Log: the current try's log in its own channel, followed until the try ends. */
export const showTaskLog = (deps: RunCommandDeps) => async (node?: unknown) => {
  const { ti } = taskOf(node);
  await deps.logs.show({ dagId: ti.dagId, runId: ti.runId, taskId: ti.taskId, mapIndex: ti.mapIndex, tryNumber: ti.tryNumber });
};
