// What the extension reads of the DAGs, in one shape for Airflow 3 (/api/v2) and Airflow 2
// (/api/v1); the fields follow each version's published OpenAPI.
import { AirflowProblem, type AirflowClient, type Page } from './client';

export interface AirflowDag {
  dagId: string;
  paused: boolean;
  /** "0 0 * * *", "Asset", or undefined for none. */
  schedule?: string;
  /** Readable schedule ("At 00:00") when the API gives one. */
  scheduleDescription?: string;
  tags: string[];
  owners: string[];
  /** ISO time of the next scheduled run. */
  nextRun?: string;
  hasImportErrors: boolean;
  /** The file as the deployment has it (absolute). */
  fileloc: string;
  /** Relative to the DAG folder (Airflow 3 only). */
  relativeFileloc?: string;
  fileToken?: string;
  description?: string;
}

export interface DagRunSummary {
  dagId: string;
  runId: string;
  state: string;
  /** ISO time the run ended, started or was due: what "5 min ago" measures. */
  when?: string;
}

/** The fields either API version may use. */
interface RawDag {
  dag_id: string;
  is_paused?: boolean | null;
  timetable_summary?: string | null;
  timetable_description?: string | null;
  schedule_interval?: { __type?: string; value?: string } | null;
  tags?: { name: string }[] | null;
  owners?: string[] | null;
  next_dagrun_run_after?: string | null;
  next_dagrun?: string | null;
  next_dagrun_logical_date?: string | null;
  has_import_errors?: boolean | null;
  fileloc?: string;
  relative_fileloc?: string | null;
  file_token?: string;
  description?: string | null;
}

interface RawRun {
  dag_id: string;
  dag_run_id: string;
  state?: string | null;
  end_date?: string | null;
  start_date?: string | null;
  run_after?: string | null;
  logical_date?: string | null;
  execution_date?: string | null;
}

export function toDag(raw: RawDag): AirflowDag {
  const interval = raw.schedule_interval?.value;
  return {
    dagId: raw.dag_id,
    paused: raw.is_paused === true,
    schedule: raw.timetable_summary ?? interval ?? undefined,
    scheduleDescription: raw.timetable_description ?? undefined,
    tags: (raw.tags ?? []).map((t) => t.name),
    owners: raw.owners ?? [],
    nextRun: raw.next_dagrun_run_after ?? raw.next_dagrun ?? raw.next_dagrun_logical_date ?? undefined,
    hasImportErrors: raw.has_import_errors === true,
    fileloc: raw.fileloc ?? '',
    relativeFileloc: raw.relative_fileloc ?? undefined,
    fileToken: raw.file_token,
    description: raw.description ?? undefined,
  };
}

export function toRun(raw: RawRun): DagRunSummary {
  return {
    dagId: raw.dag_id,
    runId: raw.dag_run_id,
    state: raw.state ?? 'none',
    when: raw.end_date ?? raw.start_date ?? raw.run_after ?? raw.logical_date ?? raw.execution_date ?? undefined,
  };
}

/** Newest runs first: Airflow 3 orders by run_after, Airflow 2 by execution_date. */
const newestFirst = (client: AirflowClient) => (client.api === 'v2' ? '-run_after' : '-execution_date');

/** Every DAG the deployment has, by dag_id, paged at the API limit; `onPage` for the first screen. */
export async function listDags(client: AirflowClient, opts: { signal?: AbortSignal; onPage?: (dags: AirflowDag[], total: number) => void; sequential?: boolean } = {}): Promise<AirflowDag[]> {
  const all = await client.getAll<RawDag>('/dags', 'dags', { order_by: 'dag_id' }, {
    signal: opts.signal,
    sequential: opts.sequential,
    onPage: opts.onPage && ((p: Page<RawDag>) => opts.onPage!(p.items.map(toDag), p.total)),
  });
  return all.items.map(toDag);
}

export async function getDag(client: AirflowClient, dagId: string, signal?: AbortSignal): Promise<AirflowDag> {
  return toDag(await client.get<RawDag>(`/dags/${encodeURIComponent(dagId)}`, undefined, signal));
}

/**
 * The last run of each DAG among the newest runs of the deployment (one page at the API limit):
 * one call for the whole list. A DAG whose last run is older than those has none here; its own
 * row asks with `latestRunOf` when it needs it (the status bar does).
 */
export async function recentRuns(client: AirflowClient, signal?: AbortSignal): Promise<Map<string, DagRunSummary>> {
  const body = await client.get<{ dag_runs?: RawRun[] }>('/dags/~/dagRuns', { order_by: newestFirst(client), limit: 100 }, signal);
  const latest = new Map<string, DagRunSummary>();
  for (const raw of body.dag_runs ?? []) if (!latest.has(raw.dag_id)) latest.set(raw.dag_id, toRun(raw));
  return latest;
}

export async function latestRunOf(client: AirflowClient, dagId: string, signal?: AbortSignal): Promise<DagRunSummary | undefined> {
  const body = await client.get<{ dag_runs?: RawRun[] }>(`/dags/${encodeURIComponent(dagId)}/dagRuns`, { order_by: newestFirst(client), limit: 1 }, signal);
  const raw = body.dag_runs?.[0];
  return raw ? toRun(raw) : undefined;
}

export interface ImportError {
  /** As Airflow reports it: relative to the bundle (Airflow 3) or absolute (Airflow 2). */
  filename: string;
  stackTrace: string;
  timestamp?: string;
}

export async function listImportErrors(client: AirflowClient, signal?: AbortSignal): Promise<ImportError[]> {
  const all = await client.getAll<{ filename?: string; stack_trace?: string; timestamp?: string }>('/importErrors', 'import_errors', {}, { signal });
  return all.items.map((e) => ({ filename: e.filename ?? '', stackTrace: e.stack_trace ?? '', timestamp: e.timestamp }));
}

export interface DagSource {
  content: string;
  /** Airflow 3's DAG version the source belongs to. */
  version?: number;
}

/** The DAG's source as Airflow has it: by dag_id on Airflow 3, by file token on Airflow 2. */
export async function dagSource(client: AirflowClient, dag: Pick<AirflowDag, 'dagId' | 'fileToken'>, signal?: AbortSignal): Promise<DagSource> {
  const key = client.api === 'v2' ? dag.dagId : dag.fileToken;
  if (!key) throw new AirflowProblem('notFound', `Airflow gives no source file token for ${dag.dagId}.`);
  const body = await client.get<{ content?: string | null; version_number?: number | null }>(`/dagSources/${encodeURIComponent(key)}`, undefined, signal);
  return { content: body.content ?? '', version: body.version_number ?? undefined };
}
