/** The run, task instance and task log commands of the Airflow view, in one place. */
export const RUN_COMMANDS = {
  triggerDag: 'airflowEcs.airflow.triggerDag',
  triggerDagWithDefaults: 'airflowEcs.airflow.triggerDagWithDefaults',
  pauseDag: 'airflowEcs.airflow.pauseDag',
  unpauseDag: 'airflowEcs.airflow.unpauseDag',
  markRunSuccess: 'airflowEcs.airflow.markRunSuccess',
  markRunFailed: 'airflowEcs.airflow.markRunFailed',
  clearTask: 'airflowEcs.airflow.clearTask',
  markTaskSuccess: 'airflowEcs.airflow.markTaskSuccess',
  markTaskFailed: 'airflowEcs.airflow.markTaskFailed',
  showTaskLog: 'airflowEcs.airflow.showTaskLog',
  loadMoreRuns: 'airflowEcs.airflow.loadMoreRuns',
} as const;

/** The DAG pipeline's command: the next step when a DAG is not deployed yet. */
export const RUN_DAG_PIPELINE = 'airflowEcs.pipeline.runDagPipeline';
