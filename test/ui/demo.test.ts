import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from '../support/codeServer';
import { openWorkbench, type Workbench } from '../support/workbench';

/** Every process below `pid`, from /proc (the server, its extension host, pty host...). */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The command name is in parentheses and may hold spaces: the parent pid follows its ')'.
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // Gone while we looked.
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

const alive = (pid: number) => {
  try {
    return !fs.readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
  } catch {
    return false;
  }
};

describe('UI: the demo that `npm start` opens', () => {
  let start: ChildProcess;
  let output = '';
  let workbench: Workbench;
  let browserOpen = false;
  let demoDir: string;
  let startedAt: number;

  before(async () => {
    demoDir = fs.mkdtempSync(path.join(os.tmpdir(), 'airflow-ecs-ui-demo-'));
    startedAt = Date.now();
    // As the README says, minus `npm run build`, which the UI runner has done to package the .vsix.
    start = spawn(process.execPath, [path.join(repoRoot, 'scripts', 'start.mjs')], {
      cwd: repoRoot,
      env: { ...process.env, PORT: '0', AIRFLOW_ECS_DEMO_DIR: demoDir, AIRFLOW_ECS_REAL: '', PATH: (process.env.PATH ?? '').split(':').filter((d) => !fs.existsSync(path.join(d, 'code'))).join(':') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    start.stdout!.on('data', (d: Buffer) => { output += d.toString(); });
    start.stderr!.on('data', (d: Buffer) => { output += d.toString(); });
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`start printed no URL within 90 s:\n${output}`)), 90_000);
      const look = () => {
        const match = /^(http:\/\/127\.0\.0\.1:\d+\/\?folder=\S+)$/m.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      };
      start.stdout!.on('data', look);
      start.once('exit', (code) => reject(new Error(`start exited (${code}) before printing a URL:\n${output}`)));
    });
    console.log(`      the URL appeared ${((Date.now() - startedAt) / 1000).toFixed(1)} s after \`node scripts/start.mjs\` started`);
    assert.match(output, /demo AWS endpoint http:\/\/127\.0\.0\.1:\d+, demo SonarCloud http:\/\/127\.0\.0\.1:\d+/);
    workbench = await openWorkbench(url);
    browserOpen = true;
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && browserOpen) await workbench.screenshot(`ui-demo-failed-${Date.now()}`);
  });

  after(async () => {
    if (browserOpen) await workbench.close();
    if (start && start.exitCode === null) {
      start.kill('SIGTERM');
      await new Promise((resolve) => start.once('exit', resolve));
    }
    fs.rmSync(demoDir, { recursive: true, force: true });
  });

  const VIEWS = ['Clusters', 'Quality', 'Images', 'Pipelines', 'Local Stack', 'Airflow'];

  it('shows the cluster, images, pipelines and quality gate of the demo deployment', async () => {
    const { page } = workbench;
    await workbench.clickActivityBar('Airflow on ECS');
    await workbench.focusView('Clusters');
    const cluster = workbench.treeRow('airflow-ecs-cluster');
    await cluster.waitFor({ timeout: 30_000 });
    assert.match(await cluster.innerText(), /6 services · 8 running/);
    await cluster.click();
    const worker = workbench.treeRow('worker').first();
    await worker.waitFor();
    assert.match(await worker.innerText(), /3\/3 running/);
    for (const service of ['api-server', 'scheduler', 'dag-processor', 'triggerer', 'flower']) await workbench.treeRow(service).first().waitFor();
    // The stopped `airflow db migrate` task: Standalone tasks > Stopped tasks.
    await workbench.treeRow('Standalone tasks').first().click();
    await workbench.treeRow('Stopped tasks').first().click();
    await page.waitForFunction(
      () => [...document.querySelectorAll('.pane-body .monaco-list-row')].some((r) => /STOPPED.*EssentialContainerExited/s.test(r.textContent ?? '')),
      undefined,
      { timeout: 30_000 },
    );

    await workbench.focusView('Images');
    const repo = workbench.treeRow('airflow-ecs-image').filter({ hasText: 'scan on push' });
    await repo.waitFor({ timeout: 30_000 });
    await repo.click();
    // Build numbers and commits come from the image labels: the workspace's own history.
    await page.waitForFunction(
      () => [...document.querySelectorAll('.pane-body .monaco-list-row')].some((r) => /build-44.*#44 · [0-9a-f]{7}/.test(r.textContent ?? '')),
      undefined,
      { timeout: 30_000 },
    );
    await workbench.treeRow('build-43').first().waitFor();

    await workbench.focusView('Pipelines');
    const dagPipeline = workbench.treeRow('DAG pipeline').first();
    await dagPipeline.waitFor({ timeout: 30_000 });
    await workbench.treeRow('#20').filter({ hasText: 'failed' }).first().waitFor({ timeout: 30_000 });
    await workbench.treeRow('#19').filter({ hasText: 'succeeded' }).first().waitFor();

    await workbench.focusView('Quality');
    await workbench.treeRow('Quality gate: Failed').first().waitFor({ timeout: 30_000 });
    assert.match(await workbench.treeRow('new_security_rating').first().innerText(), /ERROR · E, threshold A/);
    assert.match(await workbench.treeRow('Errors').first().innerText(), /1/);
    await page.locator('.statusbar-item', { hasText: 'Quality gate: Failed' }).waitFor();

    // The demo's Airflow: the workspace's DAGs with their runs, the file it cannot import on top.
    await workbench.focusView('Airflow');
    await workbench.treeRow('broken_import_example.py').first().waitFor({ timeout: 30_000 });
    assert.match(await workbench.treeRow('sensor_branching').first().innerText(), /0 \* \* \* \* · failed \d+ min ago/);
    assert.match(await workbench.treeRow('etl_taskflow').first().innerText(), /0 0 \* \* \* · success \d+ h ago/);
    // Its import error in the Problems panel, on the file, from source Airflow.
    await page.mouse.move(0, 0);
    await page.keyboard.press('Control+Shift+M');
    const problems = page.locator('.markers-panel');
    await problems.locator('.monaco-list-row', { hasText: "ModuleNotFoundError: No module named 'airflow.providers.snowflake'" }).first().waitFor({ timeout: 30_000 });
    assert.match(await problems.innerText(), /broken_import_example\.py[\s\S]*Airflow/);
    console.log(`      every view populated ${((Date.now() - startedAt) / 1000).toFixed(1)} s after \`node scripts/start.mjs\` started`);
    for (const view of VIEWS) await workbench.setViewExpanded(view, true);
    await page.setViewportSize({ width: 1400, height: 1100 });
    await workbench.widenSideBar(560);
    await page.mouse.move(900, 500);
    await workbench.screenshot('demo-views');
  });

  it('tails the workers\' logs and sees new lines arrive', async () => {
    const { page } = workbench;
    await workbench.focusView('Clusters');
    await workbench.contextMenu(workbench.treeRow('worker').first(), 'Tail Logs');
    const menu = page.locator('.monaco-menu');
    if (await menu.isVisible()) await page.keyboard.press('Enter');
    const lines = page.locator('.part.panel .view-lines');
    await lines.filter({ hasText: 'Executing command in Celery' }).first().waitFor({ timeout: 30_000 });
    assert.match(await page.locator('.part.panel').innerText(), /Logs: worker \(airflow-ecs-cluster\)/);
    // The workers keep logging: the tail shows a task instance it did not have a moment ago.
    const seen = await lines.first().innerText();
    await page.waitForFunction(
      (before) => {
        const now = document.querySelector('.part.panel .view-lines')?.textContent ?? '';
        const ids = (text: string) => new Set([...text.matchAll(/INFO\W+\[([0-9a-f]{8})\]/g)].map((m) => m[1]));
        const old = ids(before);
        return [...ids(now)].some((id) => !old.has(id));
      },
      seen,
      { timeout: 30_000 },
    );
    // With the DAG SonarCloud flags open beside it, for the README.
    await workbench.openFileAt('bad_tempfile_example.py', 43); // The finding's line.
    await page.locator('.monaco-editor .squiggly-error').first().waitFor({ timeout: 30_000 });
    for (const view of VIEWS) await workbench.setViewExpanded(view, true);
    await page.mouse.move(1300, 200);
    await workbench.screenshot('demo-log-tail');
  });

  it('starts a DAG pipeline build of HEAD and watches it fail on the quality gate', async () => {
    const { page } = workbench;
    const header = await workbench.focusView('Pipelines');
    await page.mouse.move(0, 0);
    await header.hover();
    await header.locator('.action-label[aria-label="Run DAG Pipeline"]').click();
    const input = page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.press('Enter');
    const build = workbench.treeRow('#21').first();
    await build.waitFor({ timeout: 30_000 });
    assert.match(await build.innerText(), /Add the daily report and Snowflake load DAGs/);
    await page.locator('.part.panel .view-lines', { hasText: 'Quality gate ERROR: new_security_rating' }).first().waitFor({ timeout: 60_000 });
    await workbench.treeRow('#21').filter({ hasText: 'failed' }).first().waitFor({ timeout: 60_000 });
    await workbench.screenshot('demo-pipeline-failed');
  });

  it('stops the VS Code server, its extension host and the demo servers on SIGTERM', async () => {
    const processes = descendants(start.pid!);
    const commands = new Map(processes.map((p) => [p, fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').replace(/\0/g, ' ').slice(0, 200)]));
    assert.ok(processes.length >= 2, `code-server and its extension host run under start (${processes.join(', ')})`);
    const endpoints = [...output.matchAll(/demo (?:AWS endpoint|SonarCloud) (http:\/\/127\.0\.0\.1:\d+)/g)].map((m) => m[1]);
    assert.equal(endpoints.length, 2);
    await workbench.close();
    browserOpen = false;
    start.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => start.once('exit', resolve));
    assert.equal(code, 0, output);
    // A process killed with its group may take a moment to be reaped.
    const deadline = Date.now() + 15_000;
    while (processes.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(processes.filter(alive).map((p) => commands.get(p)), [], 'no process of the demo is left');
    for (const url of endpoints) {
      await assert.rejects(fetch(`${url}/healthz`), `${url} no longer answers`);
    }
  });
});
