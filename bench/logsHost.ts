// Runs inside the extension host for bench/logsChannel.ts: a tail of Airflow-shaped worker lines
// at LINE_RATE lines/s into a real output channel (the extension's language, so the grammar
// colours it in the workbench), through TailSessions as every tail. Says when (console lines "BENCH {...}").
import * as vscode from 'vscode';
import type { ExtensionApi } from '../src/extension';
import type { FetchPlan, LogEvent } from '../src/core/logs/dedup';
import type { LogSource } from '../src/core/logs/logTail';
import { formatLine } from '../src/core/logs/format';
import { CHANNEL_BENCH, LINE_RATE, LINE_SECONDS } from './logsSteps';

function mark(step: string, extra: object = {}): void {
  console.log(`BENCH ${JSON.stringify({ step, at: Date.now(), ...extra })}`);
}

const LEVELS = ['INFO', 'INFO', 'INFO', 'WARNING', 'ERROR'];

export async function run(): Promise<void> {
  const api = await vscode.extensions.getExtension<ExtensionApi>('airflow-ecs.airflow-on-ecs')!.activate();
  const total = LINE_RATE * LINE_SECONDS;
  const events: LogEvent[] = [];
  const t0 = Date.now();
  // Lines appear at LINE_RATE a second, ingested at once (no lateness), over 10 tasks' streams.
  const producer = setInterval(() => {
    const due = Math.min(total, Math.floor(((Date.now() - t0) * LINE_RATE) / 1000));
    for (let n = events.length; n < due; n++) {
      const timestamp = t0 + Math.floor((n * 1000) / LINE_RATE);
      const task = `0123456789abcdef${String(n % 10).padStart(16, '0')}`;
      const message = `[2026-11-23 12:00:00,123] {taskinstance.py:1234} ${LEVELS[n % LEVELS.length]} - Task airflow_dag.extract run_id=scheduled__2026-11-23T12:00:00+00:00 try 1 n=${n}`;
      events.push({ eventId: String(n), stream: `ecs/worker/${task}`, timestamp, ingestionTime: timestamp, message });
    }
    if (events.length >= total) clearInterval(producer);
  }, 10);
  const source: LogSource = {
    fetch: async (plan: FetchPlan) => {
      let lo = 0;
      let hi = events.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (events[mid].timestamp < plan.since) lo = mid + 1;
        else hi = mid;
      }
      const out = events.slice(lo);
      return plan.until === undefined ? out : out.filter((e) => e.timestamp <= plan.until!);
    },
  };
  let delivered = 0;
  let first = 0;
  let last = 0;
  const session = api.logTails.startSource('bench-throughput', 'bench throughput', source, (e) => {
    delivered++;
    last = Date.now();
    if (!first) first = last;
    return formatLine(e);
  }, CHANNEL_BENCH, { since: t0 - 1000 });
  while (delivered < total && Date.now() - t0 < LINE_SECONDS * 1000 + 60_000) await new Promise((r) => setTimeout(r, 50));
  const appends = session.appends;
  await api.logTails.release(session);
  mark('done', { total, delivered, seconds: (last - first) / 1000, producedSeconds: LINE_SECONDS, appends });
}
