/** Every log-tail command id, in one place. */
export const COMMANDS = {
  tail: 'airflowEcs.logs.tail',
  stop: 'airflowEcs.logs.stop',
  stopAll: 'airflowEcs.logs.stopAll',
  filter: 'airflowEcs.logs.filter',
  clear: 'airflowEcs.logs.clear',
} as const;

/** Language of the tail channels; media/airflow-ecs-log.tmLanguage.json colours it. */
export const LANGUAGE_ID = 'airflow-ecs-log';
/** Context key: true while at least one tail runs (palette entries of stop/filter/clear). */
export const ACTIVE_KEY = 'airflowEcs.logs.active';
