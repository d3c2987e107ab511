/**
 * The local Airflow that `npm start` runs for its demo: the start script puts its URL, user and
 * password in the VS Code server's environment (which no workspace can set); the extension stores
 * them in SecretStorage, as Connect would, only when the URL is a plain-http loopback address.
 */
export const DEMO_AIRFLOW_URL_ENV = 'AIRFLOW_ECS_DEMO_AIRFLOW_URL';
export const DEMO_AIRFLOW_USER_ENV = 'AIRFLOW_ECS_DEMO_AIRFLOW_USER';
export const DEMO_AIRFLOW_PASSWORD_ENV = 'AIRFLOW_ECS_DEMO_AIRFLOW_PASSWORD';

export function demoAirflow(env: NodeJS.ProcessEnv): { url: string; username: string; password: string } | undefined {
  const url = env[DEMO_AIRFLOW_URL_ENV]?.replace(/\/+$/, '');
  const username = env[DEMO_AIRFLOW_USER_ENV];
  const password = env[DEMO_AIRFLOW_PASSWORD_ENV];
  if (!url || !username || !password) return undefined;
  try {
    const u = new URL(url);
    return u.protocol === 'http:' && ['127.0.0.1', 'localhost'].includes(u.hostname) ? { url, username, password } : undefined;
  } catch {
    return undefined;
  }
}
