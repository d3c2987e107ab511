/**
 * Which Airflow component a service or container is, for Airflow 3 (api-server,
 * dag-processor) and Airflow 2 (webserver) alike. The command decides when it is known
 * (`api-server`, `celery worker`); otherwise the name does (`airflow-apiserver`, `worker`).
 */
export type AirflowRole = 'api-server' | 'webserver' | 'scheduler' | 'dag-processor' | 'triggerer' | 'worker' | 'flower' | 'init';

const BY_COMMAND: [RegExp, AirflowRole][] = [
  [/^(airflow )?api-server\b/, 'api-server'],
  [/^(airflow )?webserver\b/, 'webserver'],
  [/^(airflow )?dag-processor\b/, 'dag-processor'],
  [/^(airflow )?scheduler\b/, 'scheduler'],
  [/^(airflow )?triggerer\b/, 'triggerer'],
  [/^(airflow )?celery flower\b/, 'flower'],
  [/^(airflow )?celery worker\b/, 'worker'],
  [/^(airflow )?db (migrate|upgrade|init)\b/, 'init'],
];

const BY_NAME: [RegExp, AirflowRole][] = [
  [/api-?server/, 'api-server'],
  [/web-?server/, 'webserver'],
  [/dag-?processor/, 'dag-processor'],
  [/scheduler/, 'scheduler'],
  [/triggerer/, 'triggerer'],
  [/flower/, 'flower'],
  [/worker/, 'worker'],
  [/init|migrat/, 'init'],
];

export function airflowRole(name: string, command?: readonly string[]): AirflowRole | undefined {
  const line = (command ?? []).join(' ').trim().toLowerCase();
  const byCommand = line ? BY_COMMAND.find(([re]) => re.test(line)) : undefined;
  if (byCommand) return byCommand[1];
  const lower = name.toLowerCase();
  return BY_NAME.find(([re]) => re.test(lower))?.[1];
}

/** The components that serve the Airflow UI and REST API. */
export function servesUi(role: AirflowRole | undefined): boolean {
  return role === 'api-server' || role === 'webserver';
}

export const ROLE_LABELS: Record<AirflowRole, string> = {
  'api-server': 'Airflow 3 api-server (UI, REST API, Execution API)',
  webserver: 'Airflow 2 webserver (UI, REST API)',
  scheduler: 'scheduler',
  'dag-processor': 'dag-processor (parses the DAG files)',
  triggerer: 'triggerer (deferred tasks)',
  worker: 'Celery worker',
  flower: 'Flower (Celery monitoring)',
  init: 'database migration',
};
