// Runs a mocha suite inside a real VS Code extension host (code-server), the way VS Code's own
// browser integration tests do: a `payload` URL names the extension and the suite, and the
// workbench reports the host's console output and exit code to two functions on the page.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { format } from 'node:util';
import { repoRoot, startCodeServer } from './codeServer';
import { parseHostResult, type HostCounts } from './hostResult';
import { launchBrowser, payloadUrl } from './workbench';

export interface HostSuiteOptions {
  workspace: string;
  /** Absolute path to the compiled suite index exporting `run()`. */
  suiteIndexPath: string;
  /** Defaults to the repository root (this extension). */
  extensionDevelopmentPath?: string;
  userSettings?: object;
  machineSettings?: object;
  env?: Record<string, string>;
  trustWorkspace?: boolean;
  timeoutMs: number;
}

export interface HostSuiteResult {
  passed: number;
  failed: number;
  exitCode: number;
}

export async function runHostSuite(opts: HostSuiteOptions): Promise<HostSuiteResult> {
  const server = await startCodeServer({
    workspace: opts.workspace,
    userSettings: opts.userSettings,
    machineSettings: opts.machineSettings,
    env: opts.env,
    trustWorkspace: opts.trustWorkspace,
  });
  let browser: Awaited<ReturnType<typeof launchBrowser>> | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    browser = await launchBrowser();
    const { page } = browser;
    let counts: HostCounts | undefined;
    let exit: (code: number) => void = () => undefined;
    const exited = new Promise<number>((resolve) => { exit = resolve; });

    await page.exposeFunction('codeAutomationLog', (_type: string, args: unknown[]) => {
      const text = format(...args);
      for (const line of text.split('\n')) {
        counts = parseHostResult(line) ?? counts;
      }
      console.log(text);
    });
    await page.exposeFunction('codeAutomationExit', (code: number) => exit(code));

    const timedOut = new Promise<'timeout'>((resolve) => { timer = setTimeout(() => resolve('timeout'), opts.timeoutMs); });
    await page.goto(payloadUrl(server.url, server.port, {
      folder: opts.workspace,
      extensionDevelopmentPath: opts.extensionDevelopmentPath ?? repoRoot,
      extensionTestsPath: opts.suiteIndexPath,
    }));
    const outcome = await Promise.race([exited, timedOut]);
    if (outcome === 'timeout') {
      const log = fs.readFileSync(path.join(server.dir, 'code-server.log'), 'utf8').split('\n').slice(-40).join('\n');
      console.error(`host suite: no result within ${opts.timeoutMs / 1000} s. End of the code-server log:\n${log}`);
      return { passed: counts?.passed ?? 0, failed: Math.max(1, counts?.failed ?? 0), exitCode: 1 };
    }
    if (!counts) {
      // The suite never got to report (it failed to load): count that as one failure.
      return { passed: 0, failed: 1, exitCode: outcome === 0 ? 1 : outcome };
    }
    return { ...counts, exitCode: outcome };
  } finally {
    clearTimeout(timer);
    await browser?.close();
    await server.stop();
  }
}
