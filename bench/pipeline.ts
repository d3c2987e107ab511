import type { Build, CodeBuildApi } from '../src/core/aws/codebuild';
import { BuildWatcher } from '../src/core/pipeline/buildWatcher';
import { silentLogger } from '../src/core/log';
import type { BenchRow } from './explorer';

/**
 * Watching builds on a virtual clock, so call counts and detection delays are exact: every
 * build changes phase every 30 s for 10 minutes. Ours: BuildWatcher (one BatchGetBuilds per
 * 100 ids, 2 s backing off to 10 s). Baseline, run on the same clock: one call per build every 2 s.
 */
// Not a multiple of either poll interval, so neither way lines up with the changes by luck.
const PHASE_MS = 31_300;
const RUN_MS = 10 * 60_000;

function simulated(count: number) {
  let clock = 0;
  let calls = 0;
  const phaseAt = () => Math.floor(clock / PHASE_MS);
  const build = (id: string): Build => ({
    id,
    buildStatus: clock >= RUN_MS ? 'SUCCEEDED' : 'IN_PROGRESS',
    buildComplete: clock >= RUN_MS,
    phases: [{ phaseType: 'BUILD', phaseStatus: undefined, contexts: [{ message: String(phaseAt()) }] }, { phaseType: `P${phaseAt()}` as never }],
  });
  const api = { getBuilds: async (ids: string[]) => { calls++; return ids.map(build); } } as unknown as CodeBuildApi;
  const ids = Array.from({ length: count }, (_, i) => `b${i}`);
  return { api, ids, now: () => clock, advance: (ms: number) => { clock += ms; }, calls: () => calls, phaseAt };
}

async function ours(count: number): Promise<{ perMinute: number; delayMs: number }> {
  const sim = simulated(count);
  const delays: number[] = [];
  let seenPhase = -1;
  await new Promise<void>((resolve) => {
    let remaining = count;
    const watcher = new BuildWatcher(
      async () => sim.api,
      () => {
        const phase = sim.phaseAt();
        if (phase !== seenPhase) {
          delays.push(sim.now() - phase * PHASE_MS);
          seenPhase = phase;
        }
      },
      () => { if (--remaining === 0) resolve(); },
      silentLogger,
      { minMs: 2000, maxMs: 10_000, sleep: async (ms) => { sim.advance(ms); await Promise.resolve(); } },
    );
    sim.ids.forEach((id) => watcher.watch(id));
  });
  return { perMinute: sim.calls() / (sim.now() / 60_000), delayMs: delays.reduce((a, b) => a + b, 0) / delays.length };
}

/** The common way: each build polled on its own every 2 s until it ends. */
async function naive(count: number): Promise<{ perMinute: number; delayMs: number }> {
  const sim = simulated(count);
  const delays: number[] = [];
  let seenPhase = -1;
  let running = [...sim.ids];
  while (running.length) {
    const still: string[] = [];
    for (const id of running) {
      const [build] = await sim.api.getBuilds([id]);
      const phase = sim.phaseAt();
      if (phase !== seenPhase) {
        delays.push(sim.now() - phase * PHASE_MS);
        seenPhase = phase;
      }
      if (!build.buildComplete) still.push(id);
    }
    running = still;
    sim.advance(2000);
  }
  return { perMinute: sim.calls() / (sim.now() / 60_000), delayMs: delays.reduce((a, b) => a + b, 0) / delays.length };
}

export async function benchPipeline(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const count of [1, 10, 100]) {
    const started = performance.now();
    const o = await ours(count);
    const ms = performance.now() - started;
    const n = await naive(count);
    rows.push({ scenario: `watch ${count} build(s) for 10 min`, way: 'ours', ms, calls: Math.round(o.perMinute * 10), note: `${o.perMinute.toFixed(1)} calls/min; phase change seen after ${(o.delayMs / 1000).toFixed(1)} s on average` });
    rows.push({ scenario: `watch ${count} build(s) for 10 min`, way: 'one call per build every 2 s', ms: 0, calls: Math.round(n.perMinute * 10), note: `${n.perMinute.toFixed(0)} calls/min (${(n.perMinute / o.perMinute).toFixed(0)}x ours); seen after ${(n.delayMs / 1000).toFixed(1)} s` });
  }
  return rows;
}
