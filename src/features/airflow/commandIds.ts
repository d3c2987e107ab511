import { AIRFLOW_COMMANDS } from '../../platform/errors';

/** Every Airflow command id, in one place. */
export const COMMANDS = {
  ...AIRFLOW_COMMANDS,
  signOut: 'airflowEcs.airflow.signOut',
  filter: 'airflowEcs.airflow.filter',
  clearFilter: 'airflowEcs.airflow.clearFilter',
  compareWithDeployed: 'airflowEcs.airflow.compareWithDeployed',
} as const;

export const AIRFLOW_VIEW = 'airflowEcs.airflow';
/** Context key the welcome content reads: disconnected | authFailed | unreachable | ok. */
export const AIRFLOW_STATE_KEY = 'airflowEcs.airflow.state';
/** Context key: a filter narrows the view (its Clear Filter action shows). */
export const AIRFLOW_FILTERED_KEY = 'airflowEcs.airflow.filtered';
export const DIAGNOSTIC_SOURCE = 'Airflow';
export const DEPLOYED_SCHEME = 'airflow-ecs-deployed';
