import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SonarClient, type AllIssues } from '../src/core/sonar/client';
import { clampRange, ComponentResolver, mapFindings } from '../src/core/sonar/mapping';
import { sonarProject, parseProperties } from '../src/core/sonar/properties';
import { silentLogger } from '../src/core/log';
import { controlSonar, FAKE_SONAR_TOKEN, SAMPLE_PROJECT_KEY, startFakeSonarThread } from '../test/support/fakeSonar';
import type { BenchRow } from './explorer';

const LATENCY_MS = 50;
const ISSUES = 10_000;
const FILES = 500;

/** A workspace of FILES DAG files of 40 lines, where the findings land. */
function makeWorkspace(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'airflow-ecs-bench-sonar-'));
  fs.mkdirSync(path.join(dir, 'dags'));
  const body = Array.from({ length: 40 }, (_, i) => `value_${i} = compute(${i})  # line ${i + 1}`).join('\n');
  for (let f = 0; f < FILES; f++) fs.writeFileSync(path.join(dir, 'dags', `f${f}.py`), body);
  return dir;
}

/**
 * Mapping + publishing as the extension does it, minus the vscode objects: components to files,
 * severities, ranges clamped against each file's line lengths read from disk.
 */
async function mapAndClamp(all: AllIssues, baseDir: string): Promise<number> {
  const project = sonarProject(parseProperties(`sonar.projectKey=${SAMPLE_PROJECT_KEY}\nsonar.sources=dags`), baseDir, { host: '', organization: '', projectKey: '' })!;
  const resolver = new ComponentResolver(project, (f) => fs.existsSync(f));
  resolver.addComponents(all.components);
  const mapped = mapFindings(all.issues, [], resolver);
  let published = 0;
  await Promise.all([...mapped.byFile].map(async ([file, list]) => {
    const lengths = (await fs.promises.readFile(file, 'utf8')).split(/\r?\n/).map((l) => l.length);
    for (const f of list) {
      clampRange(f.range, lengths);
      published++;
    }
  }));
  return published;
}

async function run(url: string, concurrency: number, workspace: string) {
  const client = new SonarClient(url, FAKE_SONAR_TOKEN, silentLogger, concurrency);
  const started = performance.now();
  const all = await client.issues(SAMPLE_PROJECT_KEY, { branch: 'main' });
  const fetched = performance.now();
  const published = await mapAndClamp(all, workspace);
  const done = performance.now();
  return { fetchMs: fetched - started, mapMs: done - fetched, totalMs: done - started, requests: client.requests, published };
}

export async function benchQuality(): Promise<BenchRow[]> {
  const sonar = await startFakeSonarThread();
  const workspace = makeWorkspace();
  try {
    await controlSonar(sonar.url, 'seedGenerated', { count: ISSUES, files: FILES });
    // Warm the connection and the JIT so both ways start equal.
    await run(sonar.url, 4, workspace);
    await controlSonar(sonar.url, 'latency', { ms: LATENCY_MS });
    const ours = await run(sonar.url, 4, workspace);
    const naive = await run(sonar.url, 1, workspace);
    const pages = Math.ceil(ISSUES / 500);
    const bound = (1 + Math.ceil((pages - 1) / 4)) * LATENCY_MS;
    return [
      { scenario: `${ISSUES} issues, ${FILES} files: fetch`, way: 'ours (page 1, then 4 in parallel)', ms: ours.fetchMs, calls: ours.requests, note: `latency bound ${bound} ms` },
      { scenario: 'last page -> diagnostics (map + clamp)', way: 'ours', ms: ours.mapMs, calls: 0, note: `${ours.published} diagnostics; target < 300 ms` },
      { scenario: 'total', way: 'ours', ms: ours.totalMs, calls: ours.requests },
      { scenario: `${ISSUES} issues, ${FILES} files: fetch`, way: 'naive (sequential pages)', ms: naive.fetchMs, calls: naive.requests, note: `bound ${pages * LATENCY_MS} ms` },
      { scenario: 'total', way: 'naive', ms: naive.totalMs, calls: naive.requests, note: `naive/ours ${(naive.totalMs / ours.totalMs).toFixed(2)}x` },
    ];
  } finally {
    await sonar.close();
    fs.rmSync(workspace, { recursive: true, force: true });
  }
}
