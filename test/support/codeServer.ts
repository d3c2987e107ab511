// Starts a real VS Code (code-server from npm, installed by scripts/install-code-server.mjs) on
// loopback with every file it writes under a fresh temp dir.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export const repoRoot = path.resolve(__dirname, '..', '..', '..');
export const codeServerBin = path.join(repoRoot, '.vscode-test', 'code-server', 'node_modules', '.bin', 'code-server');

export interface CodeServerOptions {
  workspace: string;
  /** Written to `<user-data-dir>/User/settings.json`: the browser's user settings, all scopes apply. */
  userSettings?: object;
  /**
   * Written to `<user-data-dir>/Machine/settings.json`: the server's ("remote") settings. All scopes
   * apply, machine-scoped ones included, and they win over userSettings for the same key
   * (test/integration/codeServer.test.ts checks this).
   */
  machineSettings?: object;
  env?: Record<string, string>;
  /** Default true: passes --disable-workspace-trust. False leaves restricted mode on. */
  trustWorkspace?: boolean;
  /** A packaged extension to install before the server starts. */
  installVsix?: string;
}

export interface CodeServer {
  url: string;
  port: number;
  dir: string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function writeJson(file: string, value: object): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(value, null, 2));
}

async function waitForHealth(url: string, exited: () => string | undefined, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const exit = exited();
    if (exit) {
      throw new Error(exit);
    }
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) {
        return;
      }
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`code-server did not answer ${url}/healthz within ${timeoutMs / 1000} s`);
}

export async function startCodeServer(opts: CodeServerOptions): Promise<CodeServer> {
  if (!fs.existsSync(codeServerBin)) {
    throw new Error(`code-server is not installed at ${codeServerBin}; run: node scripts/install-code-server.mjs`);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'airflow-ecs-code-server-'));
  const userDataDir = path.join(dir, 'ud');
  const extensionsDir = path.join(dir, 'exts');
  writeJson(path.join(userDataDir, 'User', 'settings.json'), opts.userSettings ?? {});
  // The extension's Getting Started walkthrough opens on first activation unless VS Code's own
  // setting says no: tests that do not look at it keep the editor area to themselves. The
  // setting is machine-scoped, so in this remote window it counts only in the Machine settings.
  writeJson(path.join(userDataDir, 'Machine', 'settings.json'), { 'workbench.welcomePage.walkthroughs.openOnInstall': false, ...opts.machineSettings });
  fs.writeFileSync(path.join(dir, 'config.yaml'), 'auth: none\n');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    XDG_CONFIG_HOME: path.join(dir, 'xdg-config'),
    XDG_DATA_HOME: path.join(dir, 'xdg-data'),
    XDG_CACHE_HOME: path.join(dir, 'xdg-cache'),
    ...opts.env,
  };
  const common = ['--config', path.join(dir, 'config.yaml'), '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];

  if (opts.installVsix) {
    const install = spawnSync(codeServerBin, [...common, '--install-extension', opts.installVsix], { env, encoding: 'utf8' });
    if (install.status !== 0) {
      throw new Error(`code-server --install-extension ${opts.installVsix} failed:\n${install.stdout}${install.stderr}`);
    }
  }

  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const args = [
    ...common, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check',
    ...(opts.trustWorkspace === false ? [] : ['--disable-workspace-trust']),
    opts.workspace,
  ];
  const log = fs.openSync(path.join(dir, 'code-server.log'), 'a');
  // Its own process group, so stop() ends the server and everything it forked.
  const child = spawn(codeServerBin, args, { env, detached: true, stdio: ['ignore', log, log] });
  fs.closeSync(log);
  let exitMessage: string | undefined;
  child.once('exit', (code, signal) => {
    exitMessage = `code-server exited early (code ${code}, signal ${signal}); log: ${path.join(dir, 'code-server.log')}`;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const killGroup = (signal: NodeJS.Signals): void => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // The group is already gone.
    }
  };
  const stopProcesses = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      killGroup('SIGTERM');
      const killer = setTimeout(() => killGroup('SIGKILL'), 5000);
      await exited;
      clearTimeout(killer);
    }
    killGroup('SIGKILL'); // Stragglers the server forked (extension host, pty host).
  };
  const stop = async (): Promise<void> => {
    await stopProcesses();
    fs.rmSync(dir, { recursive: true, force: true });
  };

  try {
    await waitForHealth(url, () => exitMessage, 60_000);
  } catch (err) {
    await stopProcesses(); // Keeps the dir: the error names its log.
    throw err;
  }
  return { url, port, dir, stop };
}
