#!/usr/bin/env node
// `npm start`: the extension in development mode on sample-dags/. Desktop VS Code when `code`
// is on PATH; otherwise code-server on 127.0.0.1, opened in your browser at the printed URL.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const workspace = path.join(repoRoot, 'sample-dags');

function onPath(command) {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => {
    try {
      fs.accessSync(path.join(dir, command), fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

function listen(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => {
      const { port: bound } = server.address();
      server.close(() => resolve(bound));
    });
  });
}

async function choosePort() {
  const wanted = Number(process.env.PORT ?? 8080);
  const port = await listen(wanted);
  if (port) {
    return port;
  }
  console.log(`start: port ${wanted} is busy, using a free one`);
  return listen(0);
}

async function waitForHealth(url, child) {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) {
      throw new Error(`code-server exited with code ${child.exitCode}`);
    }
    try {
      if ((await fetch(`${url}/healthz`)).ok) {
        return;
      }
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`code-server did not answer ${url}/healthz within 60 s`);
}

async function startCodeServer() {
  const install = spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'install-code-server.mjs')], { stdio: 'inherit' });
  if (install.status !== 0) {
    process.exit(1);
  }
  const dir = path.join(repoRoot, '.vscode-test', 'start');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'config.yaml'), 'auth: none\n');
  const port = await choosePort();
  const url = `http://127.0.0.1:${port}`;
  const logFile = path.join(dir, 'code-server.log');
  const log = fs.openSync(logFile, 'a');
  const child = spawn(path.join(repoRoot, '.vscode-test', 'code-server', 'node_modules', '.bin', 'code-server'), [
    '--config', path.join(dir, 'config.yaml'), '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none',
    '--disable-telemetry', '--disable-update-check', '--user-data-dir', path.join(dir, 'ud'),
    '--extensions-dir', path.join(dir, 'exts'), workspace,
  ], {
    env: {
      ...process.env,
      XDG_CONFIG_HOME: path.join(dir, 'xdg-config'),
      XDG_DATA_HOME: path.join(dir, 'xdg-data'),
      XDG_CACHE_HOME: path.join(dir, 'xdg-cache'),
    },
    stdio: ['ignore', log, log],
  });
  fs.closeSync(log);
  const stop = () => child.kill('SIGTERM');
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  child.on('exit', (code, signal) => {
    console.log(`start: code-server stopped (${signal ?? `exit ${code}`})`);
    process.exit(signal === 'SIGTERM' ? 0 : code ?? 1);
  });
  try {
    await waitForHealth(url, child);
  } catch (err) {
    console.error(`start: ${err.message}; see ${logFile}`);
    stop();
    return;
  }
  const payload = JSON.stringify([['extensionDevelopmentPath', `vscode-remote://127.0.0.1:${port}${repoRoot}`], ['skipWelcome', 'true']]);
  console.log(`start: code-server ${url} (log: ${path.relative(repoRoot, logFile)}). Open this URL to run the extension from ${repoRoot}:`);
  console.log(`${url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(payload)}`);
  console.log('start: after `npm run build` (or with `npm run watch`), reload the browser tab to pick up changes. Ctrl+C stops.');
}

if (onPath('code')) {
  const code = spawn('code', [`--extensionDevelopmentPath=${repoRoot}`, workspace], { stdio: 'inherit' });
  code.on('exit', (status) => process.exit(status ?? 0));
} else {
  await startCodeServer();
}
