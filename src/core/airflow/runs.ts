// DAG runs and task instances over the Airflow REST API: trigger (conf validated against the
// DAG's params), list, clear, mark, pause. Airflow 3 (/api/v2) and Airflow 2 (/api/v1) differ in
// a few fields; each difference is named where it is handled.
import { sleep } from '../logs/rateLimiter';
import { AirflowProblem, type AirflowApiVersion } from './client';

/** What this module needs of the REST client: paths are below the API root (`/dags/...`). */
export interface AirflowApi {
  /** 'v2' for Airflow 3, 'v1' for Airflow 2, as the client detected it. */
  readonly api: AirflowApiVersion;
  get<T>(path: string, query?: Record<string, string | number | boolean | undefined>, signal?: AbortSignal): Promise<T>;
  post<T>(path: string, body: unknown, signal?: AbortSignal): Promise<T>;
  patch<T>(path: string, body: unknown, query?: Record<string, string | number | boolean | undefined>, signal?: AbortSignal): Promise<T>;
}

export interface DagRun {
  dagId: string;
  runId: string;
  state: string;
  runType: string;
  /** Airflow 3 runs triggered without one have none. */
  logicalDate?: string;
  startDate?: string;
  endDate?: string;
  /** When the run was due or asked for: Airflow 3's run_after, else the logical date or queue time. */
  runAfter?: string;
}

export interface TaskInstance {
  dagId: string;
  runId: string;
  taskId: string;
  /** -1 for a task that is not mapped. */
  mapIndex: number;
  state: string;
  tryNumber: number;
  /** Seconds, once the task started. */
  duration?: number;
  startDate?: string;
  endDate?: string;
  operator?: string;
}

/** States after which a run changes no more (until someone clears or marks it). */
export const RUN_DONE = new Set(['success', 'failed']);
/** States after which a task instance's current try writes no more log lines. */
export const TRY_DONE = new Set(['success', 'failed', 'skipped', 'upstream_failed', 'removed', 'up_for_retry', 'up_for_reschedule']);

const enc = encodeURIComponent;

/** A failure that passes by itself (the network, a timeout, a 5xx or 429, a proxy's error page while Airflow restarts): read again. */
export function isTransient(err: unknown): boolean {
  if (!(err instanceof AirflowProblem)) return false;
  const { kind, status } = err;
  if (kind === 'network' || kind === 'timeout') return true;
  return (kind === 'http' || kind === 'html') && status !== undefined && (status >= 500 || status === 429);
}

export function runPath(dagId: string, runId: string): string {
  return `/dags/${enc(dagId)}/dagRuns/${enc(runId)}`;
}

/** The path of one task instance; a mapped one has its map index as a last segment. */
export function taskInstancePath(ti: { dagId: string; runId: string; taskId: string; mapIndex: number }): string {
  return `${runPath(ti.dagId, ti.runId)}/taskInstances/${enc(ti.taskId)}${ti.mapIndex >= 0 ? `/${ti.mapIndex}` : ''}`;
}

interface RawRun {
  dag_id: string;
  dag_run_id: string;
  state?: string | null;
  run_type?: string | null;
  logical_date?: string | null;
  execution_date?: string | null;
  start_date?: string | null;
  end_date?: string | null;
  run_after?: string | null;
  queued_at?: string | null;
}

interface RawTaskInstance {
  dag_id: string;
  dag_run_id?: string;
  task_id: string;
  map_index?: number | null;
  state?: string | null;
  try_number?: number | null;
  duration?: number | null;
  start_date?: string | null;
  end_date?: string | null;
  operator?: string | null;
}

const opt = (v: string | null | undefined): string | undefined => v ?? undefined;

export function toRun(r: RawRun): DagRun {
  return {
    dagId: r.dag_id,
    runId: r.dag_run_id,
    // A run the scheduler has not looked at yet can have no state.
    state: r.state ?? 'queued',
    runType: r.run_type ?? 'manual',
    logicalDate: opt(r.logical_date ?? r.execution_date),
    startDate: opt(r.start_date),
    endDate: opt(r.end_date),
    runAfter: opt(r.run_after ?? r.logical_date ?? r.execution_date ?? r.queued_at),
  };
}

export function toTaskInstance(t: RawTaskInstance, runId: string): TaskInstance {
  return {
    dagId: t.dag_id,
    runId: t.dag_run_id ?? runId,
    taskId: t.task_id,
    mapIndex: t.map_index ?? -1,
    // No state yet: the scheduler has not queued it.
    state: t.state ?? 'none',
    tryNumber: t.try_number ?? 0,
    duration: t.duration ?? undefined,
    startDate: opt(t.start_date),
    endDate: opt(t.end_date),
    operator: opt(t.operator),
  };
}

/** The newest runs first, at most `limit`. */
export async function listRuns(api: AirflowApi, dagId: string, limit: number, signal?: AbortSignal): Promise<{ runs: DagRun[]; total: number }> {
  // Airflow 3 orders by run_after (manual runs may have no logical date); Airflow 2 by execution_date.
  const orderBy = api.api === 'v2' ? '-run_after' : '-execution_date';
  const body = await api.get<{ dag_runs: RawRun[]; total_entries: number }>(`/dags/${enc(dagId)}/dagRuns`, { order_by: orderBy, limit }, signal);
  return { runs: body.dag_runs.map(toRun), total: body.total_entries };
}

export async function getRun(api: AirflowApi, dagId: string, runId: string, signal?: AbortSignal): Promise<DagRun> {
  return toRun(await api.get<RawRun>(runPath(dagId, runId), undefined, signal));
}

/** Page size of task instance lists: the API's default cap. */
const TI_PAGE = 100;

/** Every task instance of a run (all pages), ordered by task id then map index. */
export async function listTaskInstances(api: AirflowApi, dagId: string, runId: string, signal?: AbortSignal): Promise<TaskInstance[]> {
  const all: TaskInstance[] = [];
  for (let offset = 0; ; offset += TI_PAGE) {
    const body = await api.get<{ task_instances: RawTaskInstance[]; total_entries: number }>(`${runPath(dagId, runId)}/taskInstances`, { limit: TI_PAGE, offset }, signal);
    all.push(...body.task_instances.map((t) => toTaskInstance(t, runId)));
    if (body.task_instances.length < TI_PAGE || all.length >= body.total_entries) break;
  }
  return all.sort((a, b) => a.taskId.localeCompare(b.taskId) || a.mapIndex - b.mapIndex);
}

export async function getTaskInstance(api: AirflowApi, ti: { dagId: string; runId: string; taskId: string; mapIndex: number }, signal?: AbortSignal): Promise<TaskInstance> {
  return toTaskInstance(await api.get<RawTaskInstance>(taskInstancePath(ti), undefined, signal), ti.runId);
}

/** One DAG param: its default (when it has one), JSON schema and description. */
export interface DagParam {
  name: string;
  hasDefault: boolean;
  default?: unknown;
  schema: JsonSchema;
  description?: string;
}

export interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
}

/** A param as the details endpoint serializes it: a Param object, or (older Airflow 2) a bare value. */
type RawParam = { __class?: string; value?: unknown; schema?: JsonSchema; description?: string | null } | string | number | boolean | null | unknown[];

function isSerializedParam(p: RawParam): p is { __class?: string; value?: unknown; schema?: JsonSchema; description?: string | null } {
  return typeof p === 'object' && p !== null && !Array.isArray(p) && ('__class' in p || 'schema' in p);
}

/** The params of a DAG from `GET /dags/{id}/details`; empty when it has none or the API omits them. */
export async function dagParams(api: AirflowApi, dagId: string, signal?: AbortSignal): Promise<DagParam[]> {
  const details = await api.get<{ params?: Record<string, RawParam> | null }>(`/dags/${enc(dagId)}/details`, undefined, signal);
  return Object.entries(details.params ?? {}).map(([name, p]) => {
    if (!isSerializedParam(p)) return { name, hasDefault: true, default: p, schema: {} };
    // Param() without a default serializes its value as null (Airflow's NOTSET); a null default the schema allows is a default.
    const allowsNull = [p.schema?.type].flat().includes('null');
    const hasDefault = p.value !== undefined && (p.value !== null || allowsNull);
    return { name, hasDefault, default: p.value, schema: p.schema ?? {}, description: p.description ?? undefined };
  });
}

/** Conf text parsed and checked against the DAG's params: the conf, or one sentence saying what is wrong. */
export type ConfCheck = { ok: true; conf: Record<string, unknown> } | { ok: false; message: string };

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/** Why `value` does not fit `schema` (the JSON Schema keywords Param uses most), or undefined. */
function schemaProblem(value: unknown, schema: JsonSchema): string | undefined {
  const types = [schema.type ?? []].flat();
  const actual = typeOf(value);
  if (types.length && !types.includes(actual) && !(actual === 'integer' && types.includes('number'))) return `must be ${types.join(' or ')}, not ${actual}`;
  if (schema.enum && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) return `must be one of ${schema.enum.map((e) => JSON.stringify(e)).join(', ')}`;
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) return `must be at least ${schema.minimum}`;
    if (schema.maximum !== undefined && value > schema.maximum) return `must be at most ${schema.maximum}`;
  }
  if (typeof value === 'string') {
    if (schema.minLength !== undefined && value.length < schema.minLength) return `must have at least ${schema.minLength} characters`;
    if (schema.maxLength !== undefined && value.length > schema.maxLength) return `must have at most ${schema.maxLength} characters`;
  }
  return undefined;
}

/**
 * Checks conf typed by the user. Empty text is `{}`. Keys that are no param pass (Airflow
 * accepts them unless the DAG forbids it, and says so itself).
 */
export function checkConf(text: string, params: readonly DagParam[]): ConfCheck {
  let conf: unknown = {};
  if (text.trim()) {
    try {
      conf = JSON.parse(text);
    } catch (err) {
      return { ok: false, message: `The conf is not JSON (${(err as Error).message}). Write an object such as {"key": "value"}.` };
    }
  }
  if (typeOf(conf) !== 'object') return { ok: false, message: `The conf must be a JSON object such as {"key": "value"}, not ${typeOf(conf)}.` };
  const given = conf as Record<string, unknown>;
  const missing = params.filter((p) => !p.hasDefault && !(p.name in given)).map((p) => p.name);
  if (missing.length) return { ok: false, message: `The DAG needs ${missing.map((m) => `"${m}"`).join(', ')} in the conf: ${missing.length === 1 ? 'that param has' : 'those params have'} no default.` };
  for (const p of params) {
    if (!(p.name in given)) continue;
    const problem = schemaProblem(given[p.name], p.schema);
    if (problem) return { ok: false, message: `"${p.name}" ${problem}${p.description ? ` (${p.description})` : ''}.` };
  }
  return { ok: true, conf: given };
}

/** The conf a "with defaults" trigger sends: every param's default (the DAG's own), nothing else. */
export function defaultConfText(params: readonly DagParam[]): string {
  const conf = Object.fromEntries(params.filter((p) => p.hasDefault).map((p) => [p.name, p.default]));
  return JSON.stringify(conf);
}

/**
 * Starts a run now. Airflow 3 requires `logical_date` in the body and accepts null (no data
 * interval); without `runId` Airflow names the run (manual__<time>).
 */
export async function triggerRun(api: AirflowApi, dagId: string, conf: Record<string, unknown>, signal?: AbortSignal, runId?: string): Promise<DagRun> {
  const body = { ...(runId ? { dag_run_id: runId } : {}), ...(api.api === 'v2' ? { logical_date: null } : {}), conf };
  return toRun(await api.post<RawRun>(`/dags/${enc(dagId)}/dagRuns`, body, signal));
}

/** Clears task instances of a run so the scheduler runs them again (and resets the run). */
export async function clearTaskInstances(api: AirflowApi, dagId: string, runId: string, taskIds: string[], signal?: AbortSignal): Promise<number> {
  const body = { dry_run: false, dag_run_id: runId, task_ids: taskIds, only_failed: false, reset_dag_runs: true, include_downstream: false, include_upstream: false };
  const answer = await api.post<{ task_instances?: unknown[] }>(`/dags/${enc(dagId)}/clearTaskInstances`, body, signal);
  return answer.task_instances?.length ?? 0;
}

export type MarkState = 'success' | 'failed';

export async function markRun(api: AirflowApi, dagId: string, runId: string, state: MarkState, signal?: AbortSignal): Promise<DagRun> {
  return toRun(await api.patch<RawRun>(runPath(dagId, runId), { state }, undefined, signal));
}

/** Sets one task instance's state; Airflow 2 wants `dry_run` said. */
export async function markTaskInstance(api: AirflowApi, ti: { dagId: string; runId: string; taskId: string; mapIndex: number }, state: MarkState, signal?: AbortSignal): Promise<void> {
  const body = api.api === 'v2' ? { new_state: state } : { dry_run: false, new_state: state };
  await api.patch(taskInstancePath(ti), body, undefined, signal);
}

export async function setPaused(api: AirflowApi, dagId: string, paused: boolean, signal?: AbortSignal): Promise<void> {
  await api.patch(`/dags/${enc(dagId)}`, { is_paused: paused }, { update_mask: 'is_paused' }, signal);
}

/**
 * Polls a run and its task instances until the run ends, calling `changed` whenever
 * something differs from the last answer; resolves with the final run. Reading errors reach
 * `failed`, which says whether to go on.
 */
export async function followRun(
  api: AirflowApi,
  dagId: string,
  runId: string,
  opts: { intervalMs: number; signal: AbortSignal; changed(run: DagRun, tis: TaskInstance[]): void; failed(err: unknown): boolean },
): Promise<DagRun | undefined> {
  let last = '';
  while (!opts.signal.aborted) {
    try {
      const [run, tis] = await Promise.all([getRun(api, dagId, runId, opts.signal), listTaskInstances(api, dagId, runId, opts.signal)]);
      const key = JSON.stringify([run.state, tis.map((t) => [t.taskId, t.mapIndex, t.state, t.tryNumber])]);
      if (key !== last) opts.changed(run, tis);
      last = key;
      if (RUN_DONE.has(run.state)) return run;
    } catch (err) {
      if (opts.signal.aborted) break;
      if (!opts.failed(err)) return undefined;
    }
    await sleep(opts.intervalMs, opts.signal).catch(() => undefined);
  }
  return undefined;
}
