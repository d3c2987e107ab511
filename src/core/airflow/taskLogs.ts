// A task instance's log, one try, read with the API's continuation token and followed until the
// try ends. Airflow 3 answers with structured lines (JSON objects), Airflow 2 with text; both
// become text lines the log grammar colours (`[timestamp] LEVEL - message`).
import type { FetchPlan, LogEvent } from '../logs/dedup';
import { AirflowProblem } from './client';
import { TransientSourceError, type LogSource } from '../logs/logTail';
import { getTaskInstance, isTransient, taskInstancePath, TRY_DONE, type AirflowApi } from './runs';

/** One try of one task instance. */
export interface TaskTry {
  dagId: string;
  runId: string;
  taskId: string;
  mapIndex: number;
  tryNumber: number;
}

/** Airflow 3's StructuredLogMessage: `event` is the message, the rest is context. */
export interface StructuredLogLine {
  timestamp?: string | null;
  event?: string;
  level?: string;
  logger?: string;
  error_detail?: ExceptionDetail[];
  [key: string]: unknown;
}

interface ExceptionDetail {
  exc_type?: string;
  exc_value?: string;
  frames?: { filename?: string; lineno?: number; name?: string }[];
  is_cause?: boolean;
}

export interface LogAnswer {
  content: (StructuredLogLine | string)[] | string;
  continuation_token?: string | null;
}

/** Keys shown in their own place, and those naming the task instance the whole log is about. */
const QUIET_KEYS = new Set(['timestamp', 'event', 'level', 'logger', 'error_detail', 'chan', 'sources', 'filename', 'lineno', 'dag_id', 'run_id', 'task_id', 'try_number', 'map_index', 'ti_id']);

function scalar(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** An exception as Python prints it, so the grammar's traceback rule colours it. */
function traceback(details: ExceptionDetail[]): string[] {
  const lines: string[] = [];
  for (const d of details) {
    if (lines.length) lines.push(d.is_cause === false ? 'During handling of the above exception, another exception occurred:' : 'The above exception was the direct cause of the following exception:');
    lines.push('Traceback (most recent call last):');
    for (const f of d.frames ?? []) lines.push(`  File "${f.filename ?? '?'}", line ${f.lineno ?? 0}, in ${f.name ?? '?'}`);
    lines.push(`${d.exc_type ?? 'Exception'}: ${d.exc_value ?? ''}`);
  }
  return lines;
}

/**
 * The text lines of one log entry. A structured line is `[timestamp] LEVEL - event` (the level in
 * capitals, which the grammar colours), then its logger and other context as `key=value`, then
 * the exception it carries as a Python traceback. A text entry is split into its lines.
 */
export function renderLogEntry(entry: StructuredLogLine | string): string[] {
  if (typeof entry === 'string') return entry.split(/\r?\n/).filter((l, i, all) => l !== '' || i < all.length - 1);
  const head: string[] = [];
  if (entry.timestamp) head.push(`[${entry.timestamp}]`);
  if (entry.level) head.push(`${entry.level.toUpperCase()} -`);
  const [first = '', ...rest] = String(entry.event ?? '').split(/\r?\n/);
  const context = Object.entries(entry).filter(([k, v]) => !QUIET_KEYS.has(k) && v !== null && v !== undefined).map(([k, v]) => `${k}=${scalar(v)}`);
  if (entry.logger) context.unshift(`logger=${entry.logger}`);
  if (entry.filename && entry.lineno) context.push(`{${String(entry.filename)}:${String(entry.lineno)}}`);
  const line = [...head, first, ...(context.length ? [`  ${context.join(' ')}`] : [])].join(' ');
  return [line, ...rest, ...traceback(entry.error_detail ?? [])];
}

/** A line of text and the epoch ms it was written (when the entry says). */
export interface RenderedLine {
  text: string;
  timestamp?: number;
}

/** The lines of one log answer, in order. Airflow 3 groups its source notes with `::group::` lines: kept, they say where the log came from. */
export function renderLogAnswer(answer: LogAnswer): RenderedLine[] {
  const entries = typeof answer.content === 'string' ? [answer.content] : answer.content;
  const out: RenderedLine[] = [];
  for (const entry of entries) {
    const ts = typeof entry === 'object' && entry.timestamp ? Date.parse(entry.timestamp) : NaN;
    for (const text of renderLogEntry(entry)) out.push({ text, timestamp: Number.isNaN(ts) ? undefined : ts });
  }
  return out;
}

/**
 * The log of one try as a LogSource for LogTail. Each read starts at the last continuation token
 * and every line gets the id of its position in the log (the token's position plus its index in
 * the answer), so a read that returns lines already delivered yields the same ids and the
 * tail's dedup drops them: a read repeated after a failure, and the answers without a token
 * (Airflow gives none before the task writes its log, nor at its end) which start again at the
 * same place. The position moves on only with a new token.
 *
 * The task instance's state is read before a log read that follows a read with nothing new: once
 * the try had ended before a read, that read has everything, and the next fetch resolves
 * `finished` with a sentence instead of reading. While lines keep coming, only the log is read.
 */
export class TaskLogSource implements LogSource {
  private token: string | undefined;
  /** Lines before the token's position. */
  private base = 0;
  /** Epoch ms given to the line before the token's position: lines without a timestamp (or out of order) sort after it. */
  private baseTime = 0;
  private endNote: string | undefined;
  /** Lines read so far (positions below this were seen). */
  private seen = 0;
  /** The last read brought no new line (or none was made yet). */
  private quiet = true;
  private resolveFinished!: (note: string) => void;
  /** Resolves once the try has ended and every line of it was delivered. */
  readonly finished = new Promise<string>((resolve) => { this.resolveFinished = resolve; });
  /** Requests made, for the bench. */
  calls = 0;

  constructor(private readonly api: AirflowApi, readonly target: TaskTry, private readonly now: () => number = Date.now) {}

  async fetch(_plan: FetchPlan, signal: AbortSignal): Promise<LogEvent[]> {
    if (this.endNote !== undefined) {
      this.resolveFinished(this.endNote);
      return [];
    }
    try {
      // While lines keep coming the try has not ended: its state is read only after a quiet read.
      const ended = this.quiet ? await this.endOfTry(signal) : undefined;
      this.calls++;
      const answer = await this.readPage(signal);
      const lines = renderLogAnswer(answer);
      const events: LogEvent[] = [];
      let time = this.baseTime;
      lines.forEach((line, i) => {
        time = Math.max(time, line.timestamp ?? (time || this.now()));
        events.push({ eventId: `${this.target.tryNumber}:${String(this.base + i).padStart(9, '0')}`, stream: 'task', timestamp: time, ingestionTime: this.base + i, message: line.text });
      });
      this.quiet = this.base + lines.length <= this.seen;
      this.seen = Math.max(this.seen, this.base + lines.length);
      const next = answer.continuation_token ?? undefined;
      if (next !== undefined && next !== this.token && lines.length > 0) {
        this.token = next;
        this.base += lines.length;
        this.baseTime = time;
      }
      if (ended) this.endNote = ended;
      return events;
    } catch (err) {
      // A task instance the scheduler has not created yet (a run just triggered) appears in a moment.
      if (err instanceof AirflowProblem && err.kind === 'notFound') throw new TransientSourceError(`${this.target.taskId} has no try ${this.target.tryNumber} yet (${err.message}).`);
      throw isTransient(err) ? new TransientSourceError((err as Error).message) : err;
    }
  }

  /** The sentence that ends the follow when this try is over, else undefined. */
  private async endOfTry(signal: AbortSignal): Promise<string | undefined> {
    this.calls++;
    const ti = await getTaskInstance(this.api, this.target, signal);
    if (ti.tryNumber > this.target.tryNumber) return `Try ${this.target.tryNumber} ended; the task is on try ${ti.tryNumber} now (${ti.state}): show that try's log from its row.`;
    return TRY_DONE.has(ti.state) ? `The task ended: ${ti.state}. The log above is complete.` : undefined;
  }

  private async readPage(signal: AbortSignal): Promise<LogAnswer> {
    const path = `${taskInstancePath({ ...this.target, mapIndex: -1 })}/logs/${this.target.tryNumber}`;
    return this.api.get<LogAnswer>(path, { full_content: false, map_index: this.target.mapIndex, token: this.token }, signal);
  }
}
