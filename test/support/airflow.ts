// A real Airflow 3 for tests: `airflow standalone` (api-server, scheduler, dag-processor and
// triggerer on SQLite) from the pinned virtual environment, in a temp AIRFLOW_HOME, on its own
// loopback port, reading the DAG folder it is given. SimpleAuthManager generates the admin
// password into AIRFLOW_HOME; the REST API hands out JWTs for it at POST /auth/token.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort } from './codeServer';
import { pythonToolBin } from './pythonTools';

export interface TestAirflow {
  url: string;
  username: string;
  password: string;
  home: string;
  /** A bearer token from POST /auth/token. */
  token(): Promise<string>;
  /** GET of an /api/v2 path with a fresh token, parsed. */
  get<T>(apiPath: string): Promise<T>;
  /** Resolves when `check` holds for an /api/v2 answer, polling every second. */
  waitFor<T>(apiPath: string, check: (body: T) => boolean, timeoutMs: number): Promise<T>;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `env`: more AIRFLOW__* settings, e.g. a short AIRFLOW__API_AUTH__JWT_EXPIRATION_TIME. */
export async function startAirflow(opts: { dagsFolder: string; timeoutMs?: number; env?: Record<string, string> }): Promise<TestAirflow> {
  const bin = pythonToolBin('airflow');
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'airflow-ecs-airflow-'));
  const port = await freePort();
  // Tasks report to the api-server's execution API; its log servers need ports no other Airflow on the machine holds.
  const [workerLogPort, triggerLogPort] = [await freePort(), await freePort()];
  const url = `http://127.0.0.1:${port}`;
  const log = fs.openSync(path.join(home, 'standalone.log'), 'a');
  const env: NodeJS.ProcessEnv = {
    ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AIRFLOW__'))),
    // standalone starts its components as `airflow ...` from PATH.
    PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}`,
    AIRFLOW_HOME: home,
    AIRFLOW__CORE__DAGS_FOLDER: opts.dagsFolder,
    AIRFLOW__CORE__LOAD_EXAMPLES: 'false',
    AIRFLOW__API__HOST: '127.0.0.1',
    AIRFLOW__API__PORT: String(port),
    AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL: '5',
    AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK: 'false',
    AIRFLOW__CORE__EXECUTION_API_SERVER_URL: `${url}/execution/`,
    AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT: String(workerLogPort),
    AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT: String(triggerLogPort),
    ...opts.env,
  };
  // Its own process group, so stop() ends standalone and every component it started.
  const child: ChildProcess = spawn(path.join(bin, 'airflow'), ['standalone'], { env, cwd: home, stdio: ['ignore', log, log], detached: true });
  fs.closeSync(log);
  let exited = false;
  child.once('exit', () => { exited = true; });

  const stop = async (): Promise<void> => {
    if (!exited && child.pid) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // Already gone.
      }
      for (let i = 0; i < 50 && !exited; i++) await sleep(200);
      if (!exited) process.kill(-child.pid, 'SIGKILL');
    }
    fs.rmSync(home, { recursive: true, force: true });
  };

  const passwordFile = path.join(home, 'simple_auth_manager_passwords.json.generated');
  const deadline = Date.now() + (opts.timeoutMs ?? 180_000);
  try {
    for (;;) {
      if (exited) throw new Error(`airflow standalone exited early; its log:\n${fs.readFileSync(path.join(home, 'standalone.log'), 'utf8').slice(-3000)}`);
      if (Date.now() > deadline) throw new Error(`Airflow did not report healthy at ${url}/api/v2/monitor/health in time`);
      try {
        const health = await fetch(`${url}/api/v2/monitor/health`);
        const body = health.ok ? await health.json() as Record<string, { status?: string }> : {};
        if (['metadatabase', 'scheduler', 'dag_processor'].every((k) => body[k]?.status === 'healthy') && fs.existsSync(passwordFile)) break;
      } catch {
        // Not listening yet.
      }
      await sleep(1000);
    }
  } catch (err) {
    await stop();
    throw err;
  }
  const [[username, password]] = Object.entries(JSON.parse(fs.readFileSync(passwordFile, 'utf8')) as Record<string, string>);

  const token = async (): Promise<string> => {
    const response = await fetch(`${url}/auth/token`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username, password }),
    });
    if (!response.ok) throw new Error(`POST /auth/token answered ${response.status}`);
    return ((await response.json()) as { access_token: string }).access_token;
  };
  const get = async <T>(apiPath: string): Promise<T> => {
    const response = await fetch(`${url}/api/v2${apiPath}`, { headers: { Authorization: `Bearer ${await token()}` } });
    if (!response.ok) throw new Error(`GET /api/v2${apiPath} answered ${response.status}`);
    return await response.json() as T;
  };
  const waitFor = async <T>(apiPath: string, check: (body: T) => boolean, timeoutMs: number): Promise<T> => {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const body = await get<T>(apiPath);
      if (check(body)) return body;
      if (Date.now() > until) throw new Error(`GET /api/v2${apiPath} never satisfied the check; last answer: ${JSON.stringify(body).slice(0, 2000)}`);
      await sleep(1000);
    }
  };
  return { url, username, password, home, token, get, waitFor, stop };
}

/** A temp DAG folder with the sample DAGs and the test-only ones (test/fixtures/airflow-dags); removed by the caller. */
export function seededDagsFolder(repoRoot: string): string {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'airflow-ecs-dags-'));
  for (const from of [path.join(repoRoot, 'sample-dags', 'dags'), path.join(repoRoot, 'test', 'fixtures', 'airflow-dags')]) {
    for (const name of fs.readdirSync(from).filter((n) => n.endsWith('.py'))) fs.copyFileSync(path.join(from, name), path.join(folder, name));
  }
  return folder;
}
