// The one-hour log tail soak at 1,000 lines/s (`npm run soak`): heap growth and the
// de-duplication state over the hour. By default in compressed time: the events carry
// timestamps and ingestion times of a simulated hour, produced as fast as the tail takes them
// (the tail's logic runs on event time, so it sees the same hour). SOAK_REALTIME=1 runs the
// hour in real time against the wall clock.
import { createLogsApi } from '../src/core/aws/logs';
import { resolveConnection } from '../src/core/aws/connection';
import { CloudWatchLogSource, type StreamResolver } from '../src/core/logs/cloudWatchSource';
import { LogTail, POLL_MS } from '../src/core/logs/logTail';
import { RateLimiter } from '../src/core/logs/rateLimiter';
import { silentLogger } from '../src/core/log';
import { startFakeAwsThread } from '../test/support/fakeAws/worker';
import { withAwsProfileFiles } from '../test/support/awsProfiles';

const GROUP = '/soak/airflow-worker';
const STREAMS = Array.from({ length: 10 }, (_, i) => `ecs/worker/task${String(i).padStart(2, '0')}`);
const PER_SECOND = 1000;
const SECONDS = Number(process.env.SOAK_SECONDS ?? 3600);
const REALTIME = process.env.SOAK_REALTIME === '1';
/** 1% of lines arrive 1-5 s late (an awslogs agent's buffering), so the window has lateness to follow. */
const LATE_SHARE = 0.01;
const LATE_MS = [1000, 5000];
const MAX_WINDOW_MS = 120_000;
/** Compressed time: the producer runs at most this many simulated seconds ahead of what the tail delivered. */
const AHEAD_S = 20;

function heapMb(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed / 1_048_576;
}

async function main(): Promise<void> {
  if (!(globalThis as { gc?: () => void }).gc) throw new Error('Run with node --expose-gc (npm run soak does).');
  const restore = withAwsProfileFiles();
  const aws = await startFakeAwsThread();
  try {
    const conn = await resolveConnection({ profile: 'test', region: 'us-east-1', endpoint: aws.url });
    await aws.control('logs', 'createGroup', { group: GROUP });
    // Simulated time starts two hours ago (compressed) or now (real time).
    const t0 = REALTIME ? Date.now() : Date.now() - 2 * 3_600_000;
    const resolver: StreamResolver = { resolve: async () => ({ sets: [{ group: GROUP, prefixes: ['ecs/worker/'], names: [] }], changes: [] }) };
    // Compressed time reads 20x faster than real time: the budget of the regions with the highest quota (25/s).
    const source = new CloudWatchLogSource(createLogsApi(conn, silentLogger), resolver, new RateLimiter(REALTIME ? 5 : 25));
    let delivered = 0;
    let repeats = 0;
    // One flag per line of the hour, allocated before the first sample: the checker adds no growth.
    const seen = new Uint8Array(SECONDS * PER_SECOND);
    const tail = new LogTail(source, {
      deliver: (events) => {
        for (const e of events) {
          const n = Number(/n=(\d+)/.exec(e.message)?.[1]);
          if (seen[n]) repeats++;
          else seen[n] = 1;
          delivered++;
        }
      },
      notice: () => undefined,
    }, { since: t0 - 60_000, windowMs: MAX_WINDOW_MS, pollMs: POLL_MS });

    const samples: { minute: number; heap: number; state: number; window: number; delivered: number }[] = [];
    const sample = (minute: number) => samples.push({ minute, heap: heapMb(), state: tail.dedup.size, window: tail.dedup.windowMs, delivered });
    sample(0);
    const started = Date.now();
    let produced = 0;
    let maxState = 0;
    for (let second = 0; second < SECONDS; second++) {
      const simNow = t0 + second * 1000;
      if (REALTIME) {
        const wait = started + second * 1000 - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      } else {
        while (produced - delivered > AHEAD_S * PER_SECOND) await new Promise((r) => setTimeout(r, 20));
      }
      const byStream = new Map<string, { timestamp: number; ingestionTime?: number; message: string }[]>();
      for (let i = 0; i < PER_SECOND; i++, produced++) {
        const late = Math.random() < LATE_SHARE;
        const timestamp = simNow + i - (late ? LATE_MS[0] + Math.floor(Math.random() * (LATE_MS[1] - LATE_MS[0])) : 0);
        const stream = STREAMS[produced % STREAMS.length];
        const list = byStream.get(stream) ?? [];
        list.push({ timestamp, ingestionTime: REALTIME ? undefined : simNow + 999, message: `[2026-11-23 12:00:00,123] {taskinstance.py:1234} INFO - Task exited with return code 0 n=${produced}` });
        byStream.set(stream, list);
      }
      await Promise.all([...byStream].map(([stream, events]) => aws.control('logs', 'addEvents', { group: GROUP, stream, events })));
      maxState = Math.max(maxState, tail.dedup.size);
      if ((second + 1) % 60 === 0) {
        // Retention in the fake, so its store does not grow for an hour either.
        await aws.control('logs', 'dropBefore', { group: GROUP, before: simNow - 5 * 60_000 });
        const minute = (second + 1) / 60;
        if (minute === 2 || minute % 10 === 0) sample(minute);
      }
    }
    const until = Date.now() + 60_000;
    while (delivered < produced && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    sample(SECONDS / 60 + 0.5);
    tail.stop();
    await tail.done;
    const realS = (Date.now() - started) / 1000;
    const first = samples.find((s) => s.minute === 2) ?? samples[0];
    const last = samples[samples.length - 1];
    const states = samples.filter((s) => s.minute >= 2).map((s) => s.state);

    console.log(`\n## Log tail soak: ${SECONDS / 60} min at ${PER_SECOND} lines/s over ${STREAMS.length} streams, 1% late by ${LATE_MS[0] / 1000}-${LATE_MS[1] / 1000} s\n`);
    console.log(`- time: ${REALTIME ? 'real time' : `compressed: ${SECONDS} simulated seconds (event and ingestion times) in ${realS.toFixed(0)} s real, ${(SECONDS / realS).toFixed(1)}x; SOAK_REALTIME=1 runs it in real time`}`);
    const distinct = seen.reduce((n, f) => n + f, 0);
    console.log(`- lines: ${produced} produced, ${distinct} delivered, ${produced - distinct} lost, ${repeats} repeated`);
    console.log(`- heap growth after the first window: ${(last.heap - first.heap).toFixed(1)} MB (minute ${first.minute}: ${first.heap.toFixed(1)} MB, end: ${last.heap.toFixed(1)} MB; from the start ${(last.heap - samples[0].heap).toFixed(1)} MB; target < 50 MB)`);
    console.log(`- dedup state after the first window: min ${Math.min(...states)}, max ${Math.max(...states)} entries (max overall ${maxState}); window in force ${last.window} ms (lateness seen up to ${LATE_MS[1] / 1000} s plus the producer's second, maximum ${MAX_WINDOW_MS / 1000} s)`);
    console.log('\n| minute | heap MB | dedup state | window ms | delivered |');
    console.log('|---:|---:|---:|---:|---:|');
    for (const s of samples) console.log(`| ${s.minute} | ${s.heap.toFixed(1)} | ${s.state} | ${s.window} | ${s.delivered} |`);
  } finally {
    await aws.close();
    restore();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
