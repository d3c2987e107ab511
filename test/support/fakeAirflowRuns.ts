// What the fake Airflow's runs do over time, for the demo and the bench: a triggered run's tasks
// run one after the other (queued, running, then success or failed), each writing a numbered log
// line at a steady pace, served by continuation token like Airflow 3 (lines after the token's
// position while the try runs, everything after it and no token once it ended). A task whose
// function raises in the DAG source fails with that exception; its downstream tasks are
// upstream_failed. Clear runs a task again as its next try; marks set a state.

export interface SimTask {
  taskId: string;
  /** The exception the task raises, when its source has a `raise`. */
  raises?: string;
}

interface TaskTry {
  startAt: number;
  endAt: number;
}

interface SimTaskState {
  task: SimTask;
  tries: TaskTry[];
  /** A state set by a mark (or upstream failure), overriding the clock. */
  fixed?: string;
}

export interface SimRun {
  tasks: SimTaskState[];
}

type Line = Record<string, unknown>;

/** The @task functions of a DAG source, in order, and what each raises. */
export function tasksFromSource(source: string): SimTask[] {
  const tasks: SimTask[] = [];
  const blocks = source.split(/\n\s*@task\b[^\n]*\n/).slice(1);
  for (const block of blocks) {
    const name = /^\s*def (\w+)/.exec(block)?.[1];
    if (!name) continue;
    const body = block.split(/\n\s*@task\b|\n\s{0,4}\S/)[0];
    const raised = /raise (\w+)\((?:f?"([^"]*)")?/.exec(body);
    tasks.push({ taskId: name, raises: raised ? `${raised[1]}: ${(raised[2] ?? 'failed').replace(/\{[^}]*\}/g, '…')}` : undefined });
  }
  return tasks.length ? tasks : [{ taskId: 'run' }];
}

export class RunSimulator {
  queueMs = 1000;
  taskMs = 4000;
  lineMs = 500;
  private readonly runs = new Map<string, SimRun>();

  constructor(private readonly now: () => number = Date.now) {}

  start(key: string, tasks: SimTask[]): void {
    const at = this.now() + this.queueMs;
    this.runs.set(key, { tasks: tasks.map((task, i) => ({ task, tries: [{ startAt: at + i * this.taskMs, endAt: at + (i + 1) * this.taskMs }] })) });
  }

  has(key: string): boolean {
    return this.runs.has(key);
  }

  private taskState(run: SimRun, i: number, now: number): string {
    const t = run.tasks[i];
    if (t.fixed) return t.fixed;
    const last = t.tries[t.tries.length - 1];
    if (now < last.startAt) {
      const upstream = i > 0 ? this.taskState(run, i - 1, now) : 'success';
      return upstream === 'failed' || upstream === 'upstream_failed' ? 'upstream_failed' : i === 0 || upstream === 'running' ? 'scheduled' : 'none';
    }
    if (now < last.endAt) return 'running';
    return t.task.raises ? 'failed' : 'success';
  }

  runState(key: string): string {
    const run = this.runs.get(key);
    if (!run) return 'queued';
    const now = this.now();
    const states = run.tasks.map((_, i) => this.taskState(run, i, now));
    if (states.some((s) => s === 'running' || s === 'scheduled' || s === 'none' || s === 'queued')) return states.every((s) => s === 'scheduled' || s === 'none') ? 'queued' : 'running';
    return states.every((s) => s === 'success' || s === 'skipped') ? 'success' : 'failed';
  }

  taskInstances(key: string, dagId: string): Record<string, unknown>[] {
    const run = this.runs.get(key);
    if (!run) return [];
    const now = this.now();
    return run.tasks.map((t, i) => {
      const state = this.taskState(run, i, now);
      const last = t.tries[t.tries.length - 1];
      const started = state !== 'none' && state !== 'scheduled' && state !== 'upstream_failed' && now >= last.startAt;
      const ended = started && now >= last.endAt;
      return {
        task_id: t.task.taskId, dag_id: dagId, dag_run_id: key.split('\0')[1], map_index: -1, state: state === 'none' ? null : state,
        try_number: started || t.tries.length > 1 ? t.tries.length : 0,
        start_date: started ? new Date(last.startAt).toISOString() : null, end_date: ended ? new Date(last.endAt).toISOString() : null,
        duration: started ? (Math.min(now, last.endAt) - last.startAt) / 1000 : null, operator: '_PythonDecoratedOperator',
      };
    });
  }

  /** The log of one try after `pos` (the token's position), and the next token (none once the try ended). */
  log(key: string, taskId: string, tryNumber: number, pos: number): { content: Line[]; next: number | undefined } {
    const t = this.runs.get(key)?.tasks.find((x) => x.task.taskId === taskId);
    const attempt = t?.tries[tryNumber - 1];
    const header: Line[] = [{ event: '::group::Log message source details' }, { event: `/opt/airflow/logs/${taskId}/attempt=${tryNumber}.log` }, { event: '::endgroup::' }];
    if (!t || !attempt) return { content: header, next: undefined };
    const now = this.now();
    if (now < attempt.startAt) return { content: header, next: undefined };
    const steps = Math.floor(this.taskMs / this.lineMs) - 1;
    const lines: Line[] = [];
    const at = (ms: number) => new Date(attempt.startAt + ms).toISOString();
    lines.push({ timestamp: at(0), event: `Running ${taskId}, try ${tryNumber}`, level: 'info', logger: 'task' });
    for (let k = 1; k <= steps && attempt.startAt + k * this.lineMs <= now; k++) lines.push({ timestamp: at(k * this.lineMs), event: `${taskId}: step ${k} of ${steps}`, level: 'info', logger: 'task.stdout' });
    const ended = now >= attempt.endAt || t.fixed !== undefined;
    if (ended) {
      if (t.task.raises && !t.fixed) {
        const [type, ...message] = t.task.raises.split(': ');
        lines.push({ timestamp: at(this.taskMs), event: 'Task failed with exception', level: 'error', logger: 'task', error_detail: [{ exc_type: type, exc_value: message.join(': '), is_cause: false, frames: [{ filename: `/opt/airflow/dags/${taskId}.py`, lineno: 40, name: taskId }] }] });
      } else {
        lines.push({ timestamp: at(this.taskMs), event: 'Done. Returned value was: None', level: 'info', logger: 'task' });
      }
    }
    const all = [...header, ...lines];
    return { content: all.slice(pos === 0 ? 0 : pos), next: ended ? undefined : all.length };
  }

  clear(key: string, taskIds: string[]): number {
    const run = this.runs.get(key);
    if (!run) return 0;
    const at = this.now() + this.queueMs;
    let n = 0;
    for (const t of run.tasks.filter((x) => taskIds.includes(x.task.taskId))) {
      t.fixed = undefined;
      t.tries.push({ startAt: at + n * this.taskMs, endAt: at + (n + 1) * this.taskMs });
      n++;
    }
    return n;
  }

  mark(key: string, state: string, taskId?: string): void {
    for (const t of this.runs.get(key)?.tasks ?? []) {
      if (!taskId || t.task.taskId === taskId) t.fixed = state;
    }
  }
}
