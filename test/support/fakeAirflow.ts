// A local Airflow 3 REST API for the demo, the bench and the failure-mode tests: the wire format
// of /auth/token and /api/v2 (version, dags, importErrors, dagSources, dagRuns, taskInstances,
// logs) as Airflow 3.0 answers, with its failure modes: 401 with a `detail`, a proxy's HTML 502
// page, an auth manager without /auth/token (404), a slow answer, page limits. Seeded from the
// sample DAG files (their dag_id, tags, schedule, owner as written there) or generated.
// The real Airflow (test/support/airflow.ts) is what the integration and in-host tests trust;
// this one only has to be shaped right where the extension reads it.
import { createHmac, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { RunSimulator, tasksFromSource } from './fakeAirflowRuns';

export interface FakeDag {
  dag_id: string;
  is_paused: boolean;
  fileloc: string;
  relative_fileloc: string;
  timetable_summary: string | null;
  timetable_description: string;
  tags: string[];
  owners: string[];
  next_dagrun_run_after: string | null;
  has_import_errors: boolean;
  description: string | null;
  source: string;
  version: number;
}

export interface FakeRun {
  dag_id: string;
  dag_run_id: string;
  state: string;
  run_after: string;
  logical_date: string | null;
  start_date: string | null;
  end_date: string | null;
  conf: Record<string, unknown>;
  run_type: string;
}

export interface FakeImportError {
  import_error_id: number;
  filename: string;
  bundle_name: string;
  stack_trace: string;
  timestamp: string;
}

export type FakeAirflowFault =
  | { kind: 'html'; status: number }
  | { kind: 'status'; status: number; detail: string }
  | { kind: 'slow'; ms: number };

export interface FakeAirflowRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  authorized: boolean;
}

export const FAKE_AIRFLOW_USER = 'admin';
export const DEPLOYED_DAG_FOLDER = '/opt/airflow/dags';

const PROXY_PAGE = '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n';
const SPA_PAGE = '<!doctype html>\n<html lang="en"><head><title>Airflow</title></head><body><div id="root"></div></body></html>\n';

const b64url = (v: string | Buffer) => Buffer.from(v).toString('base64url');

export class FakeAirflow {
  url = '';
  username = FAKE_AIRFLOW_USER;
  password = randomBytes(12).toString('hex');
  /** Seconds a token lives (Airflow's [api_auth] jwt_expiration_time). */
  tokenLifetimeSec = 86_400;
  /** Airflow's [api] maximum_page_limit. */
  maxPageLimit = 100;
  latencyMs = 0;
  /** No POST /auth/token: an auth manager that hands out no API tokens. */
  noTokenEndpoint = false;
  readonly dags = new Map<string, FakeDag>();
  readonly runs = new Map<string, FakeRun[]>();
  importErrors: FakeImportError[] = [];
  /** Faults by API path prefix (`/api/v2/dags`, `/auth/token`). */
  readonly faults = new Map<string, FakeAirflowFault>();
  readonly requests: FakeAirflowRequest[] = [];
  /** Runs triggered through the API run their DAG's tasks over time (see fakeAirflowRuns.ts). */
  readonly sim = new RunSimulator();
  tokensIssued = 0;
  peakInFlight = 0;
  private inFlight = 0;
  private readonly secret = randomBytes(32);
  private server: http.Server | undefined;

  reset(): void {
    this.dags.clear();
    this.runs.clear();
    this.importErrors = [];
    this.faults.clear();
    this.requests.length = 0;
    this.tokensIssued = 0;
    this.peakInFlight = 0;
    this.latencyMs = 0;
    this.noTokenEndpoint = false;
    this.tokenLifetimeSec = 86_400;
    this.maxPageLimit = 100;
  }

  count(pathPrefix: string): number {
    return this.requests.filter((r) => r.path.startsWith(pathPrefix)).length;
  }

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** A JWT the way Airflow signs one: HS512 over sub/aud/iat/nbf/exp. */
  issueToken(): string {
    const now = Math.floor(Date.now() / 1000);
    const header = b64url(JSON.stringify({ alg: 'HS512', typ: 'JWT' }));
    const payload = b64url(JSON.stringify({ sub: this.username, role: 'admin', aud: 'apache-airflow', iat: now, nbf: now, exp: now + this.tokenLifetimeSec, jti: randomBytes(8).toString('hex') }));
    this.tokensIssued++;
    return `${header}.${payload}.${b64url(createHmac('sha512', this.secret).update(`${header}.${payload}`).digest())}`;
  }

  private validToken(auth: string | undefined): boolean {
    const token = auth?.startsWith('Bearer ') ? auth.slice(7) : '';
    const [header, payload, signature] = token.split('.');
    if (!signature || b64url(createHmac('sha512', this.secret).update(`${header}.${payload}`).digest()) !== signature) return false;
    const { exp } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp: number };
    return exp * 1000 > Date.now();
  }

  /** Adds DAGs; their runs and import errors are seeded separately. */
  seed(dags: FakeDag[]): void {
    for (const d of dags) this.dags.set(d.dag_id, d);
  }

  addRun(run: Omit<FakeRun, 'conf' | 'run_type' | 'logical_date'> & Partial<FakeRun>): FakeRun {
    const full: FakeRun = { conf: {}, run_type: 'scheduled', logical_date: run.run_after, ...run };
    const list = this.runs.get(run.dag_id) ?? [];
    list.push(full);
    this.runs.set(run.dag_id, list);
    return full;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const authorized = this.validToken(req.headers.authorization);
    this.requests.push({ method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), authorized });
    this.inFlight++;
    this.peakInFlight = Math.max(this.peakInFlight, this.inFlight);
    const send = (status: number, body: unknown, type = 'application/json') => {
      this.inFlight--;
      if (res.destroyed) return;
      res.writeHead(status, { 'content-type': type });
      res.end(type === 'application/json' ? JSON.stringify(body) : String(body));
    };
    try {
      if (this.latencyMs) await sleep(this.latencyMs);
      const fault = [...this.faults].find(([prefix]) => url.pathname.startsWith(prefix))?.[1];
      if (fault?.kind === 'slow') await sleep(fault.ms);
      if (fault?.kind === 'html') return send(fault.status, PROXY_PAGE, 'text/html');
      if (fault?.kind === 'status') return send(fault.status, { detail: fault.detail });
      const answer = this.route(req.method ?? 'GET', url, raw ? JSON.parse(raw) as Record<string, unknown> : {}, authorized);
      send(answer.status, answer.body, answer.type);
    } catch (err) {
      send(500, { detail: `fake Airflow: ${(err as Error).message}` });
    }
  }

  private route(method: string, url: URL, body: Record<string, unknown>, authorized: boolean): { status: number; body: unknown; type?: string } {
    const p = url.pathname;
    const q = url.searchParams;
    if (p === '/auth/token' && method === 'POST') {
      if (this.noTokenEndpoint) return { status: 404, body: { detail: 'Not Found' } };
      if (body.username !== this.username || body.password !== this.password) return { status: 401, body: { detail: 'Invalid credentials' } };
      return { status: 201, body: { access_token: this.issueToken() } };
    }
    if (p === '/api/v2/version') return { status: 200, body: { version: '3.0.2', git_version: '.release:fake' } };
    if (p.startsWith('/api/v1/')) return { status: 404, body: { error: '/api/v1 has been removed in Airflow 3, please use its upgraded version /api/v2 instead.' } };
    if (!p.startsWith('/api/v2/')) return { status: 200, body: SPA_PAGE, type: 'text/html; charset=utf-8' };
    if (!authorized) return { status: 401, body: { detail: 'Not authenticated' } };

    const parts = p.slice('/api/v2/'.length).split('/').map(decodeURIComponent);
    const page = <T>(items: T[]) => {
      const offset = Number(q.get('offset') ?? 0);
      const limit = Math.min(Number(q.get('limit') ?? 50), this.maxPageLimit);
      return { items: items.slice(offset, offset + limit), total: items.length };
    };
    const dagNotFound = (id: string) => ({ status: 404, body: { detail: `The Dag with ID: \`${id}\` was not found` } });

    if (parts[0] === 'dags' && parts.length === 1 && method === 'GET') {
      const tags = q.getAll('tags');
      const pattern = q.get('dag_id_pattern')?.replace(/%/g, '');
      const dags = [...this.dags.values()]
        .filter((d) => !tags.length || tags.some((t) => d.tags.includes(t)))
        .filter((d) => !pattern || d.dag_id.includes(pattern))
        .sort((a, b) => a.dag_id.localeCompare(b.dag_id));
      const { items, total } = page(dags);
      return { status: 200, body: { dags: items.map((d) => this.dagJson(d)), total_entries: total } };
    }
    if (parts[0] === 'dags' && parts.length === 2) {
      const dag = this.dags.get(parts[1]);
      if (!dag) return dagNotFound(parts[1]);
      if (method === 'PATCH') {
        if (typeof body.is_paused === 'boolean') dag.is_paused = body.is_paused;
        return { status: 200, body: this.dagJson(dag) };
      }
      return { status: 200, body: this.dagJson(dag) };
    }
    if (parts[0] === 'dags' && parts[2] === 'dagRuns' && parts.length === 3) {
      if (parts[1] !== '~' && !this.dags.has(parts[1])) return dagNotFound(parts[1]);
      if (method === 'POST') {
        const now = new Date().toISOString();
        const runId = typeof body.dag_run_id === 'string' ? body.dag_run_id : `manual__${now}`;
        if (this.runs.get(parts[1])?.some((r) => r.dag_run_id === runId)) return { status: 409, body: { detail: `Unique constraint violation: dag_run with dag_id=${parts[1]}, run_id=${runId} already exists` } };
        const run = this.addRun({ dag_id: parts[1], dag_run_id: runId, state: 'queued', run_after: now, start_date: null, end_date: null, run_type: 'manual', conf: (body.conf as Record<string, unknown>) ?? {}, logical_date: null });
        this.sim.start(`${parts[1]}\0${runId}`, tasksFromSource(this.dags.get(parts[1])?.source ?? ''));
        return { status: 200, body: this.runJson(run) };
      }
      const runs = (parts[1] === '~' ? [...this.runs.values()].flat() : this.runs.get(parts[1]) ?? [])
        .slice().sort((a, b) => (q.get('order_by')?.startsWith('-') ? b.run_after.localeCompare(a.run_after) : a.run_after.localeCompare(b.run_after)));
      const { items, total } = page(runs);
      return { status: 200, body: { dag_runs: items.map((r) => this.runJson(r)), total_entries: total } };
    }
    if (parts[0] === 'dags' && parts[2] === 'dagRuns' && parts.length === 4) {
      const run = this.runs.get(parts[1])?.find((r) => r.dag_run_id === parts[3]);
      if (!run) return { status: 404, body: { detail: `The DagRun with dag_id: \`${parts[1]}\` and run_id: \`${parts[3]}\` was not found` } };
      if (method === 'PATCH' && typeof body.state === 'string') {
        this.sim.mark(`${parts[1]}\0${parts[3]}`, body.state);
        run.state = body.state;
      }
      return { status: 200, body: this.runJson(run) };
    }
    const simulated = this.simulatedRoute(method, parts, q, body);
    if (simulated) return simulated;
    if (parts[0] === 'dags' && parts[4] === 'taskInstances' && parts.length === 5) {
      const run = this.runs.get(parts[1])?.find((r) => r.dag_run_id === parts[3]);
      if (!run) return { status: 404, body: { detail: `The DagRun with dag_id: \`${parts[1]}\` and run_id: \`${parts[3]}\` was not found` } };
      const tis = [{ task_id: 'run', dag_id: run.dag_id, dag_run_id: run.dag_run_id, map_index: -1, state: run.state, try_number: 1, start_date: run.start_date, end_date: run.end_date, duration: null, operator: 'PythonOperator' }];
      return { status: 200, body: { task_instances: tis, total_entries: tis.length } };
    }
    if (parts[0] === 'dags' && parts[4] === 'taskInstances' && parts[6] === 'logs') {
      return { status: 200, body: { content: [{ timestamp: new Date().toISOString(), event: `Task ${parts[5]} of ${parts[3]}`, level: 'info' }], continuation_token: null } };
    }
    if (parts[0] === 'importErrors' && parts.length === 1) {
      const { items, total } = page(this.importErrors);
      return { status: 200, body: { import_errors: items, total_entries: total } };
    }
    if (parts[0] === 'dagSources' && parts.length === 2) {
      const dag = this.dags.get(parts[1]);
      if (!dag) return dagNotFound(parts[1]);
      return { status: 200, body: { content: dag.source, version_number: dag.version, dag_id: dag.dag_id, dag_display_name: dag.dag_id } };
    }
    return { status: 404, body: { error: 'API route not found' } };
  }

  /** A run as the API shows it: a simulated run's state is the clock's. */
  private runJson(run: FakeRun): FakeRun {
    const key = `${run.dag_id}\0${run.dag_run_id}`;
    if (!this.sim.has(key)) return run;
    const state = this.sim.runState(key);
    const tis = this.sim.taskInstances(key, run.dag_id);
    const starts = tis.map((t) => t.start_date).filter((v): v is string => typeof v === 'string').sort();
    const ends = tis.map((t) => t.end_date).filter((v): v is string => typeof v === 'string').sort();
    return { ...run, state, start_date: starts[0] ?? null, end_date: state === 'success' || state === 'failed' ? ends[ends.length - 1] ?? null : null };
  }

  /** The endpoints of simulated runs: task instances, their logs, clear, marks, a DAG's params. */
  private simulatedRoute(method: string, parts: string[], q: URLSearchParams, body: Record<string, unknown>): { status: number; body: unknown } | undefined {
    if (parts[0] !== 'dags') return undefined;
    const dag = this.dags.get(parts[1]);
    if (parts[2] === 'details' && parts.length === 3) {
      if (!dag) return { status: 404, body: { detail: `The Dag with ID: \`${parts[1]}\` was not found` } };
      const params: Record<string, unknown> = {};
      for (const m of dag.source.matchAll(/"(\w+)":\s*Param\(([^,)]+)(?:,\s*type="(\w+)")?(?:,\s*minimum=(\d+))?(?:,\s*maximum=(\d+))?(?:,\s*description="([^"]*)")?/g)) {
        params[m[1]] = { value: JSON.parse(m[2]) as unknown, schema: { ...(m[3] ? { type: m[3] } : {}), ...(m[4] ? { minimum: Number(m[4]) } : {}), ...(m[5] ? { maximum: Number(m[5]) } : {}) }, description: m[6] ?? null, source: null };
      }
      return { status: 200, body: { ...this.dagJson(dag), params } };
    }
    if (parts[2] === 'clearTaskInstances' && method === 'POST') {
      const key = `${parts[1]}\0${String(body.dag_run_id)}`;
      const ids = (body.task_ids as string[] | undefined) ?? [];
      const n = this.sim.clear(key, ids);
      return { status: 200, body: { task_instances: ids.slice(0, n).map((task_id) => ({ task_id, dag_id: parts[1], dag_run_id: body.dag_run_id })), total_entries: n } };
    }
    if (parts[2] !== 'dagRuns' || parts[4] !== 'taskInstances') return undefined;
    const key = `${parts[1]}\0${parts[3]}`;
    if (!this.sim.has(key)) return undefined;
    const tis = this.sim.taskInstances(key, parts[1]);
    if (parts.length === 5) return { status: 200, body: { task_instances: tis, total_entries: tis.length } };
    const ti = tis.find((t) => t.task_id === parts[5]);
    if (!ti) return { status: 404, body: { detail: `The Task Instance with dag_id: \`${parts[1]}\`, run_id: \`${parts[3]}\`, task_id: \`${parts[5]}\` and map_index: \`-1\` was not found` } };
    if (parts.length === 6 && method === 'PATCH') {
      this.sim.mark(key, String(body.new_state), parts[5]);
      return { status: 200, body: { task_instances: [this.sim.taskInstances(key, parts[1]).find((t) => t.task_id === parts[5])], total_entries: 1 } };
    }
    if (parts.length === 6) return { status: 200, body: ti };
    if (parts[6] === 'logs' && parts.length === 8) {
      const token = q.get('token');
      const pos = token ? (JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { log_pos: number }).log_pos : 0;
      const { content, next } = this.sim.log(key, parts[5], Number(parts[7]), pos);
      return { status: 200, body: { content, continuation_token: next === undefined ? null : b64url(JSON.stringify({ end_of_log: false, log_pos: next })) } };
    }
    return undefined;
  }

  private dagJson(d: FakeDag): Record<string, unknown> {
    return {
      dag_id: d.dag_id, dag_display_name: d.dag_id, is_paused: d.is_paused, is_stale: false, bundle_name: 'dags-folder', bundle_version: null,
      relative_fileloc: d.relative_fileloc, fileloc: d.fileloc, description: d.description,
      timetable_summary: d.timetable_summary, timetable_description: d.timetable_description,
      tags: d.tags.map((name) => ({ name, dag_id: d.dag_id, dag_display_name: d.dag_id })),
      max_active_tasks: 16, max_active_runs: 16, has_task_concurrency_limits: false, has_import_errors: d.has_import_errors,
      next_dagrun_logical_date: d.next_dagrun_run_after, next_dagrun_run_after: d.next_dagrun_run_after, owners: d.owners,
      file_token: b64url(JSON.stringify({ bundle_name: 'dags-folder', relative_fileloc: d.relative_fileloc })),
    };
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const CRON_PRESETS: Record<string, string> = { '@hourly': '0 * * * *', '@daily': '0 0 * * *', '@weekly': '0 0 * * 0', '@monthly': '0 0 1 * *', '@yearly': '0 0 1 1 *' };

/** A DAG record of the fake from its source, the way the dag-processor would read it. */
export function fakeDag(dagId: string, relative: string, source: string, extra: Partial<FakeDag> = {}): FakeDag {
  const written = /schedule\s*=\s*"([^"]+)"/.exec(source)?.[1];
  // Airflow reports a preset as its cron expression, as the real one's timetable_summary does.
  const schedule = (written && (CRON_PRESETS[written] ?? written)) ?? (/schedule\s*=\s*\[/.test(source) ? 'Asset' : null);
  const tags = /tags\s*=\s*\[([^\]]*)\]/.exec(source)?.[1].match(/"([^"]+)"/g)?.map((t) => t.slice(1, -1)).sort() ?? [];
  const owner = /"owner":\s*"([^"]+)"/.exec(source)?.[1] ?? 'airflow';
  const description = /description\s*=\s*"([^"]+)"/.exec(source)?.[1] ?? null;
  return {
    dag_id: dagId, is_paused: true, fileloc: `${DEPLOYED_DAG_FOLDER}/${relative}`, relative_fileloc: relative,
    timetable_summary: schedule, timetable_description: schedule ? `Schedule: ${schedule}` : 'Never, external triggers only',
    tags, owners: [owner], next_dagrun_run_after: schedule && schedule !== 'Asset' ? new Date(Date.now() + 3_600_000).toISOString() : null,
    has_import_errors: false, description, source, version: 1, ...extra,
  };
}

/** The traceback the dag-processor records for a module it cannot import at `line` of `relative`. */
export function importTraceback(relative: string, line: number, code: string, exception: string): string {
  return 'Traceback (most recent call last):\n'
    + '  File "<frozen importlib._bootstrap>", line 488, in _call_with_frames_removed\n'
    + `  File "${DEPLOYED_DAG_FOLDER}/${relative}", line ${line}, in <module>\n`
    + `    ${code}\n`
    + `${exception}\n`;
}

/**
 * The sample DAG files of a folder as the deployment would have them: every `dag_id="..."` a
 * DAG; a file that imports a provider the image lacks (`airflow.providers.snowflake`) an import
 * error on that line instead, like the real dag-processor reports.
 */
export function seedFromFolder(airflow: FakeAirflow, folder: string): void {
  let id = 1;
  for (const name of fs.readdirSync(folder).filter((f) => f.endsWith('.py')).sort()) {
    const source = fs.readFileSync(path.join(folder, name), 'utf8');
    const lines = source.split('\n');
    const missing = lines.findIndex((l) => /^from airflow\.providers\.snowflake\b/.test(l));
    if (missing >= 0) {
      airflow.importErrors.push({
        import_error_id: id++, filename: name, bundle_name: 'dags-folder', timestamp: new Date().toISOString(),
        stack_trace: importTraceback(name, missing + 1, lines[missing].trim(), "ModuleNotFoundError: No module named 'airflow.providers.snowflake'"),
      });
      continue;
    }
    for (const m of source.matchAll(/dag_id="([^"]+)"/g)) airflow.seed([fakeDag(m[1], name, source)]);
  }
}

/** `count` DAGs gen_0000 … with a tag each of four. */
export function generatedDags(count: number): FakeDag[] {
  return Array.from({ length: count }, (_, i) => {
    const id = `gen_${String(i).padStart(4, '0')}`;
    return fakeDag(id, `generated/${id}.py`, `dag_id="${id}"\nschedule="@daily"\ntags=["group-${i % 4}"]\n`);
  });
}

export async function startFakeAirflow(): Promise<FakeAirflow> {
  const airflow = new FakeAirflow();
  await airflow.start();
  return airflow;
}
