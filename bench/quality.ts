import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SonarClient } from '../src/core/sonar/client';
import { silentLogger } from '../src/core/log';
import { repoRoot, startCodeServer } from '../test/support/codeServer';
import {
  controlSonar, FAKE_SONAR_TOKEN, LARGE_ISSUES, largeProject, SAMPLE_PROJECT_KEY, startFakeSonar, startFakeSonarThread, writeLargeWorkspace,
} from '../test/support/fakeSonar';
import { launchBrowser, payloadUrl } from '../test/support/workbench';
import { BENCH_DIR_ENV, WAYS } from './qualitySteps';
import type { BenchRow } from './explorer';

const LATENCY_MS = 50;
const ISSUES = 10_000;
const FILES = 500;

async function run(url: string, concurrency: number) {
  const client = new SonarClient(url, FAKE_SONAR_TOKEN, silentLogger, concurrency);
  const started = performance.now();
  const all = await client.issues(SAMPLE_PROJECT_KEY, { branch: 'main' });
  const fetched = performance.now();
  return { fetchMs: fetched - started, issues: all.issues.length, requests: client.requests };
}

export async function benchQuality(): Promise<BenchRow[]> {
  const sonar = await startFakeSonarThread();
  try {
    await controlSonar(sonar.url, 'seedGenerated', { count: ISSUES, files: FILES });
    // Warm the connection and the JIT so both ways start equal.
    await run(sonar.url, 4);
    await controlSonar(sonar.url, 'latency', { ms: LATENCY_MS });
    const ours = await run(sonar.url, 4);
    const naive = await run(sonar.url, 1);
    const pages = Math.ceil(ISSUES / 500);
    const bound = (1 + Math.ceil((pages - 1) / 4)) * LATENCY_MS;
    return [
      { scenario: `${ISSUES} issues, ${FILES} files: fetch`, way: 'ours (page 1, then 4 in parallel)', ms: ours.fetchMs, calls: ours.requests, note: `latency bound ${bound} ms` },
      { scenario: `${ISSUES} issues, ${FILES} files: fetch`, way: 'naive (sequential pages)', ms: naive.fetchMs, calls: naive.requests, note: `bound ${pages * LATENCY_MS} ms; naive/ours ${(naive.fetchMs / ours.fetchMs).toFixed(2)}x` },
      ...await benchProblemsPanel(),
    ];
  } finally {
    await sonar.close();
  }
}

/**
 * Through the workbench (code-server + Chromium): from the last page the server sent to the
 * Problems panel saying it shows all 10,000 (its own "Showing N problems" label), for the
 * extension end to end, then for three ways of publishing the same 10,000 diagnostics.
 */
async function benchProblemsPanel(): Promise<BenchRow[]> {
  const sonar = await startFakeSonar();
  sonar.seed(largeProject(LARGE_ISSUES));
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'airflow-ecs-bench-panel-'));
  const goDir = fs.mkdtempSync(path.join(os.tmpdir(), 'airflow-ecs-bench-go-'));
  writeLargeWorkspace(workspace);
  const server = await startCodeServer({ workspace, machineSettings: { 'airflowEcs.sonar.hostUrl': sonar.url }, env: { [BENCH_DIR_ENV]: goDir } });
  const browser = await launchBrowser();
  const rows: BenchRow[] = [];
  try {
    const { page } = browser;
    const marks: { step: string; at: number; way?: string; expected?: number; ms?: number; buildMs?: number; mapMs?: number; calls?: number; diagnostics?: number }[] = [];
    let markArrived: () => void = () => undefined;
    await page.exposeFunction('codeAutomationLog', (_type: string, args: unknown[]) => {
      const line = args.map(String).join(' ');
      if (line.startsWith('BENCH ')) {
        marks.push(JSON.parse(line.slice(6)));
        markArrived();
      }
    });
    await page.exposeFunction('codeAutomationExit', () => undefined);
    const nextMark = async () => {
      const seen = marks.length;
      while (marks.length === seen) await new Promise<void>((r) => { markArrived = r; setTimeout(r, 1000); });
      return marks[marks.length - 1];
    };
    const release = (step: string) => fs.writeFileSync(path.join(goDir, `go-${step}`), '');
    await page.goto(payloadUrl(server.url, server.port, {
      folder: workspace, extensionDevelopmentPath: repoRoot, extensionTestsPath: path.join(__dirname, 'qualityHost.js'),
    }));
    await page.locator('.monaco-workbench .part.activitybar').waitFor({ timeout: 120_000 });
    await page.keyboard.press('Control+Shift+M');
    await page.locator('.markers-panel').waitFor({ timeout: 30_000 });
    /** When the panel first says it shows `expected` (browser clock, same machine), or what it shows after `timeoutMs`. */
    const complete = async (expected: number, timeoutMs: number): Promise<{ at?: number; shown: string }> => {
      try {
        const handle = await page.waitForFunction((want) => (document.querySelector('#markers-panel-arialabel')?.getAttribute('aria-label') === want ? Date.now() : false),
          `Showing ${expected} problems`, { polling: 'raf', timeout: timeoutMs });
        return { at: await handle.jsonValue() as number, shown: `Showing ${expected} problems` };
      } catch {
        return { shown: await page.evaluate(() => document.querySelector('#markers-panel-arialabel')?.getAttribute('aria-label') ?? '') };
      }
    };
    const cleared = async () => page.waitForFunction(() => !/^Showing/.test(document.querySelector('#markers-panel-arialabel')?.getAttribute('aria-label') ?? 'Showing'), undefined, { polling: 100, timeout: 60_000 });

    release('start');
    const ext = await nextMark();
    const lastPage = Math.max(...sonar.answeredAt.values());
    const extDone = await complete(10_000, 30_000);
    rows.push({
      scenario: '10,500 issues (10,000 returned) on 500 files: last page -> complete Problems panel', way: 'extension, end to end', ms: (extDone.at ?? NaN) - lastPage,
      calls: sonar.requests.length, note: `${extDone.shown}; in the extension: map ${ext.mapMs?.toFixed(0)} ms, diagnostics ${ext.buildMs?.toFixed(0)} ms, set() ${ext.ms?.toFixed(0)} ms in ${ext.calls} calls, done ${ext.at - lastPage} ms after the last page; target < 1,000 ms`,
    });
    release('extension');
    await nextMark();
    await cleared();
    release('cleared-extension');
    for (const [index, way] of WAYS.entries()) {
      const mark = await nextMark();
      // A way that never completes is read after 5 s: what the panel shows then is what it keeps.
      const done = await complete(10_000, 5_000);
      rows.push({
        scenario: '10,000 diagnostics on 500 files: set() -> complete Problems panel', way, ms: done.at === undefined ? NaN : done.at - mark.at,
        calls: mark.calls ?? 0, note: done.at === undefined ? `never complete: the panel says "${done.shown}"` : `${done.shown}; set() took ${mark.ms?.toFixed(0)} ms`,
      });
      release(`way-${index}`);
      await nextMark();
      await cleared();
      release(`cleared-${index}`);
    }
    return rows;
  } finally {
    await browser.close();
    await server.stop();
    await sonar.close();
    fs.rmSync(workspace, { recursive: true, force: true });
    fs.rmSync(goDir, { recursive: true, force: true });
  }
}
