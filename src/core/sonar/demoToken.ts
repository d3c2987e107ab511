/**
 * The token of the local SonarCloud that `npm start` runs for its demo. The start script puts the
 * server's URL and a random token in the VS Code server's environment (which no workspace can
 * set); the extension stores it in SecretStorage, as Sign In would, only for exactly that host
 * and only when it is a plain-http loopback address. So the token can never be sent off the
 * machine, a workspace cannot redirect it, and nothing of it is in settings or the .vsix.
 */
export const DEMO_SONAR_HOST_ENV = 'AIRFLOW_ECS_DEMO_SONAR_HOST';
export const DEMO_SONAR_TOKEN_ENV = 'AIRFLOW_ECS_DEMO_SONAR_TOKEN';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function demoSonarToken(host: string, env: NodeJS.ProcessEnv): string | undefined {
  const demoHost = env[DEMO_SONAR_HOST_ENV]?.replace(/\/+$/, '');
  const token = env[DEMO_SONAR_TOKEN_ENV]?.trim();
  if (!demoHost || !token || demoHost !== host) return undefined;
  let url: URL;
  try {
    url = new URL(demoHost);
  } catch {
    return undefined;
  }
  return url.protocol === 'http:' && LOOPBACK.has(url.hostname) ? token : undefined;
}
