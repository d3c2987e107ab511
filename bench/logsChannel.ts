import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot, startCodeServer } from '../test/support/codeServer';
import { launchBrowser, payloadUrl } from '../test/support/workbench';
import { CHANNEL_BENCH, LINE_RATE, LINE_SECONDS } from './logsSteps';
import type { LogsTable } from './logs';

function findFile(dir: string, suffix: string): string | undefined {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      const found = findFile(p, suffix);
      if (found) return found;
    } else if (entry.name.endsWith(suffix)) return p;
  }
  return undefined;
}

/**
 * Throughput into a real output channel: the extension host (code-server, the workbench open in
 * Chromium with the Output panel showing the channel, grammar on) tails LINE_RATE lines/s; then
 * the channel's own backing file is read to check that every line is there once, in order.
 */
export async function benchLogsChannel(): Promise<LogsTable> {
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'airflow-ecs-bench-channel-'));
  const server = await startCodeServer({ workspace });
  const browser = await launchBrowser();
  try {
    const { page } = browser;
    let done: { total: number; delivered: number; seconds: number; appends: number } | undefined;
    await page.exposeFunction('codeAutomationLog', (_type: string, args: unknown[]) => {
      const line = args.map(String).join(' ');
      if (line.startsWith('BENCH ')) done = JSON.parse(line.slice(6));
    });
    await page.exposeFunction('codeAutomationExit', () => undefined);
    await page.goto(payloadUrl(server.url, server.port, { folder: workspace, extensionDevelopmentPath: repoRoot, extensionTestsPath: path.join(__dirname, 'logsHost.js') }));
    const until = Date.now() + (LINE_SECONDS + 180) * 1000;
    while (!done && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
    if (!done) throw new Error('The host bench did not finish.');
    const result = done as { total: number; delivered: number; seconds: number; appends: number };
    // The channel's lines as the workbench holds them: its backing file, once it stops growing.
    let file: string | undefined;
    let text = '';
    for (let tries = 0; tries < 100; tries++) {
      file = findFile(server.dir, `${CHANNEL_BENCH}.log`);
      const next = file ? fs.readFileSync(file, 'utf8') : '';
      if (next.length > 0 && next.length === text.length) break;
      text = next;
      await new Promise((r) => setTimeout(r, 300));
    }
    const numbers = text.split('\n').map((l) => /n=(\d+)$/.exec(l)?.[1]).filter((n): n is string => n !== undefined).map(Number);
    // The workbench keeps the end of a large channel (its file rolls over): those lines must be consecutive, up to the last.
    let inOrder = 0;
    for (let i = 0; i < numbers.length; i++) if (numbers[i] === numbers[0] + i) inOrder++;
    const files = file ? fs.readdirSync(path.dirname(file)).filter((f) => f.includes(CHANNEL_BENCH)) : [];
    const lps = Math.round(result.delivered / result.seconds);
    return {
      title: 'Log tail throughput into a real output channel (extension host in code-server, workbench in Chromium, Output panel open, grammar on)',
      figures: [
        `produced ${result.total} Airflow-shaped lines at ${LINE_RATE}/s for ${LINE_SECONDS} s: the tail delivered ${result.delivered} in ${result.seconds.toFixed(1)} s = ${lps} lines/s sustained (target >= 5,000) in ${result.appends} appends`,
        `the channel's file (${files.join(', ') || 'not found'}) holds the last ${numbers.length} lines, n=${numbers[0]}..${numbers[numbers.length - 1]}: ${inOrder} of them consecutive, in order (${numbers.length - new Set(numbers).size} repeated; the last line sent is n=${result.total - 1})`,
      ],
      head: [],
      rows: [],
    };
  } finally {
    await browser.close();
    await server.stop();
    fs.rmSync(workspace, { recursive: true, force: true });
  }
}
