// Local Stack: how fast a container state change reaches the view, and what it costs in Docker
// API calls, event-driven (StackTracker) against polling listContainers every second.
import { spawnSync } from 'node:child_process';
import Docker from 'dockerode';
import { StackTracker } from '../src/core/docker/stackState';
import { ensureDocker, writeTestProject } from '../test/support/docker';
import type { BenchRow } from './explorer';

const ROUNDS = 5;

async function waitFor(check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('bench: state change never seen');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Baseline: listContainers every second, a change is seen when a poll returns it. */
class Poller {
  calls = 0;
  states = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;
  constructor(private readonly docker: Docker, private readonly project: string) {}
  start(): void {
    const poll = async () => {
      this.calls++;
      const list = await this.docker.listContainers({ all: true, filters: { label: [`com.docker.compose.project=${this.project}`] } });
      this.states = new Map(list.map((c) => [c.Id, c.State]));
    };
    void poll();
    this.timer = setInterval(() => void poll(), 1000);
  }
  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}

export async function benchLocalStack(): Promise<BenchRow[]> {
  await ensureDocker();
  const docker = new Docker();
  const project = writeTestProject('aetbench');
  try {
    const up = spawnSync('docker-compose', ['-f', project.file, '-p', project.name, 'up', '-d', 'redis'], { cwd: project.dir, encoding: 'utf8' });
    if (up.status !== 0) throw new Error(up.stderr);
    const tracker = new StackTracker(docker, project.name);
    const poller = new Poller(docker, project.name);
    await tracker.start();
    poller.start();
    const id = tracker.containers[0].id;
    const trackerMs: number[] = [];
    const pollMs: number[] = [];
    const startCalls = { tracker: tracker.apiCalls, poller: poller.calls };
    const benchStarted = Date.now();
    for (let i = 0; i < ROUNDS; i++) {
      const target = i % 2 === 0 ? 'exited' : 'running';
      const seen = new Promise<number>((resolve) => {
        const off = tracker.onChange(() => {
          if (tracker.containers.find((c) => c.id === id)?.state === target) { off(); resolve(performance.now()); }
        });
      });
      const t0 = performance.now();
      if (target === 'exited') await docker.getContainer(id).stop({ t: 0 });
      else await docker.getContainer(id).start();
      const t1 = await seen;
      trackerMs.push(t1 - t0);
      await waitFor(() => poller.states.get(id) === target);
      pollMs.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 300 + Math.random() * 700));
    }
    const seconds = (Date.now() - benchStarted) / 1000;
    const trackerCalls = tracker.apiCalls - startCalls.tracker;
    const pollCalls = poller.calls - startCalls.poller;
    tracker.dispose();
    poller.stop();
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    return [
      { scenario: `docker stop/start -> tree change (median of ${ROUNDS})`, way: 'events stream + 200 ms debounce', ms: median(trackerMs), calls: trackerCalls, note: `${(trackerCalls / ROUNDS).toFixed(1)} listContainers per change; 0 calls while idle` },
      { scenario: `docker stop/start -> tree change (median of ${ROUNDS})`, way: 'baseline: listContainers every 1 s', ms: median(pollMs), calls: pollCalls, note: `${(pollCalls / seconds).toFixed(1)} calls/s whether or not anything changes; ratio ${(median(pollMs) / median(trackerMs)).toFixed(1)}x slower` },
    ];
  } finally {
    await project.cleanup();
  }
}
