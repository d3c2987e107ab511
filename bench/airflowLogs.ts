import { AirflowClient, type FetchLike } from '../src/core/airflow/client';
import { getTaskInstance, triggerRun, TRY_DONE } from '../src/core/airflow/runs';
import { renderLogAnswer, TaskLogSource, type LogAnswer, type TaskTry } from '../src/core/airflow/taskLogs';
import { LogTail } from '../src/core/logs/logTail';
import { seedFromFolder, startFakeAirflow, type FakeAirflow } from '../test/support/fakeAirflow';
import * as path from 'node:path';
import type { BenchRow } from './explorer';

/**
 * Following one task log while the task writes a line every 100 ms for 20 s (the fake Airflow's
 * simulated run, 30 ms latency per call), both ways polling once a second against the same server:
 * ours reads on from the continuation token; the naive way reads the whole log again each time
 * and shows what is past the lines it has. Latency is line written (its timestamp) -> line
 * shown; bytes are the response bodies read.
 */
const LINE_MS = 100;
const TASK_MS = 20_000;
const POLL_MS = 1000;

async function setup(): Promise<{ fake: FakeAirflow; client: () => Promise<Reader>; target: () => Promise<TaskTry> }> {
  const fake = await startFakeAirflow();
  seedFromFolder(fake, path.resolve(__dirname, '../../sample-dags/dags'));
  Object.assign(fake.sim, { queueMs: 200, taskMs: TASK_MS, lineMs: LINE_MS });
  fake.latencyMs = 30;
  const client = async () => {
    const read = { bytes: 0 };
    const counting: FetchLike = async (url, init) => {
      const res = await fetch(url, init);
      const body = await res.text();
      read.bytes += Buffer.byteLength(body);
      return new Response(body, { status: res.status, headers: res.headers });
    };
    const c = await AirflowClient.connect({ baseUrl: fake.url, credentials: { kind: 'password', username: fake.username, password: fake.password }, fetch: counting });
    return Object.assign(c, { read });
  };
  const target = async () => {
    const c = await client();
    const run = await triggerRun(c, 'etl_taskflow', {});
    return { dagId: 'etl_taskflow', runId: run.runId, taskId: 'extract', mapIndex: -1, tryNumber: 1 };
  };
  return { fake, client, target };
}

/** Written -> shown for each step line; the step lines carry their write time as timestamp. */
function latency(shown: { text: string; at: number }[]): { mean: number; p95: number; lines: number; repeats: number } {
  const delays: number[] = [];
  const seen = new Set<string>();
  let repeats = 0;
  for (const s of shown) {
    const m = /^\[([^\]]+)\] INFO - extract: step \d+/.exec(s.text);
    if (!m) continue;
    if (seen.has(s.text)) repeats++;
    seen.add(s.text);
    delays.push(s.at - Date.parse(m[1]));
  }
  delays.sort((a, b) => a - b);
  return { mean: delays.reduce((a, b) => a + b, 0) / Math.max(1, delays.length), p95: delays[Math.floor(delays.length * 0.95)] ?? NaN, lines: seen.size, repeats };
}

type Reader = AirflowClient & { read: { bytes: number } };

/** One way of following the task's log: `follow` fills `shown` until the try ends; the row says what it cost. */
async function measure(way: string, follow: (c: Reader, t: TaskTry, shown: { text: string; at: number }[]) => Promise<void>): Promise<BenchRow> {
  const { fake, client, target } = await setup();
  try {
    const c = await client();
    const t = await target();
    const before = c.requests;
    const shown: { text: string; at: number }[] = [];
    await follow(c, t, shown);
    const l = latency(shown);
    return { scenario: 'task log follow, 200 lines over 20 s', way, ms: l.mean, calls: c.requests - before, note: `p95 ${l.p95.toFixed(0)} ms, ${l.lines} lines, ${l.repeats} repeated, ${(c.read.bytes / 1024).toFixed(0)} KiB read` };
  } finally {
    await fake.close();
  }
}

const ours = () => measure('ours: continuation token', async (c, t, shown) => {
  const source = new TaskLogSource(c, t);
  const tail = new LogTail(source, { deliver: (events) => shown.push(...events.map((e) => ({ text: e.message, at: Date.now() }))), notice: () => undefined }, { since: 0, pollMs: POLL_MS });
  await source.finished;
  tail.stop();
  await tail.done;
});

const naive = () => measure('naive: whole log every poll', async (c, t, shown) => {
  const path = `/dags/${t.dagId}/dagRuns/${encodeURIComponent(t.runId)}/taskInstances/${t.taskId}/logs/${t.tryNumber}`;
  for (;;) {
    const ti = await getTaskInstance(c, t);
    const lines = renderLogAnswer(await c.get<LogAnswer>(path, { full_content: true }));
    const now = Date.now();
    for (const line of lines.slice(shown.length)) shown.push({ text: line.text, at: now });
    if (TRY_DONE.has(ti.state)) break;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
});

export async function benchAirflowLogs(): Promise<BenchRow[]> {
  return [await ours(), await naive()];
}
