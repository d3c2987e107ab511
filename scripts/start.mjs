#!/usr/bin/env node
// `npm start`: the extension in development mode, connected to a local demo environment (the
// project's own AWS endpoint and SonarCloud, seeded with an Airflow-on-ECS deployment, around a
// fresh demo workspace), so every view has content without an AWS account or a Sonar token.
// `npm start -- --real` (or AIRFLOW_ECS_REAL=1): the same, on sample-dags/ against your own AWS
// profile, with no demo and no endpoint overrides.
// Desktop VS Code when `code` is on PATH; otherwise code-server on 127.0.0.1, opened in your
// browser at the printed URL. PORT picks its port (default 8080; 0: any free one).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as net from 'node:net';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureCodeServer, ensureSystemPackages, findOnPath } from './install-code-server.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const real = process.argv.includes('--real') || process.env.AIRFLOW_ECS_REAL === '1';
// AIRFLOW_ECS_DEMO_DIR: where the demo writes (its workspace, the server's data); the UI test uses a temp dir.
const demoDir = path.resolve(process.env.AIRFLOW_ECS_DEMO_DIR || path.join(repoRoot, '.vscode-test', 'demo'));

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

function writeJson(file, value) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

/** Bundles the demo servers (test/support/demo, which reuses the test fakes) and starts them. */
async function startDemo() {
  const started = Date.now();
  ensureSystemPackages([{ name: 'git', present: () => findOnPath('git') !== undefined }], 'The demo workspace');
  const esbuild = await import('esbuild');
  const bundle = path.join(demoDir, 'demo-server.cjs');
  await esbuild.build({
    entryPoints: [path.join(repoRoot, 'test', 'support', 'demo', 'server.ts')],
    bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile: bundle, logLevel: 'warning',
  });
  await esbuild.stop(); // Its service process would otherwise live as long as we do.
  const { startDemo: start } = createRequire(import.meta.url)(bundle);
  const demo = await start({ repoRoot, dir: demoDir });
  console.log(`start: demo AWS endpoint ${demo.awsUrl}, demo SonarCloud ${demo.sonarUrl}, demo Airflow ${demo.airflowUrl}, workspace ${path.relative(repoRoot, demo.workspace)} (${Date.now() - started} ms)`);
  return demo;
}

/**
 * What the VS Code server gets: the demo's fake credentials and region in its environment (never
 * ~/.aws), the endpoints as machine settings (where a remote window reads machine-scoped ones; a
 * workspace can never set them), the demo Sonar token for that host only (see
 * src/core/sonar/demoToken.ts) and the demo Airflow's URL and password (src/core/airflow/demoCredentials.ts).
 */
function demoSetup(demo) {
  return {
    env: {
      ...demo.env, AIRFLOW_ECS_DEMO_SONAR_HOST: demo.sonarUrl, AIRFLOW_ECS_DEMO_SONAR_TOKEN: demo.sonarToken,
      AIRFLOW_ECS_DEMO_AIRFLOW_URL: demo.airflowUrl, AIRFLOW_ECS_DEMO_AIRFLOW_USER: demo.airflowUser, AIRFLOW_ECS_DEMO_AIRFLOW_PASSWORD: demo.airflowPassword,
    },
    machineSettings: { 'airflowEcs.aws.endpointUrl': demo.awsUrl, 'airflowEcs.sonar.hostUrl': demo.sonarUrl },
  };
}

/** Runs until the server stops or we are told to stop; then stops the server's whole process group and the demo. */
function supervise(child, demo) {
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
    setTimeout(() => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }, 5000).unref();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  child.on('exit', async (code, signal) => {
    try {
      process.kill(-child.pid, 'SIGKILL'); // Stragglers it forked (extension host, pty host).
    } catch {
      // None left.
    }
    await demo?.stop();
    console.log(`start: ${real ? 'VS Code' : 'VS Code and the demo'} stopped (${signal ?? `exit ${code}`})`);
    process.exit(stopping ? 0 : code ?? 1);
  });
  return stop;
}

async function startCodeServer(demo, workspace) {
  const dir = real ? path.join(repoRoot, '.vscode-test', 'start') : path.join(demoDir, 'server');
  if (!real) {
    fs.rmSync(dir, { recursive: true, force: true }); // A demo starts from scratch every time.
  }
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'config.yaml'), 'auth: none\n');
  const setup = demo ? demoSetup(demo) : { env: {}, machineSettings: undefined };
  if (setup.machineSettings) {
    writeJson(path.join(dir, 'ud', 'Machine', 'settings.json'), setup.machineSettings);
  }
  const port = await choosePort();
  const url = `http://127.0.0.1:${port}`;
  const logFile = path.join(dir, 'code-server.log');
  const log = fs.openSync(logFile, 'a');
  // Its own process group, so stopping ends the extension host and everything else it forked.
  const child = spawn(path.join(repoRoot, '.vscode-test', 'code-server', 'node_modules', '.bin', 'code-server'), [
    '--config', path.join(dir, 'config.yaml'), '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none',
    '--disable-telemetry', '--disable-update-check', '--user-data-dir', path.join(dir, 'ud'),
    '--extensions-dir', path.join(dir, 'exts'),
    // The demo workspace is generated by this script: trust it, so its pipeline and stack actions run.
    ...(demo ? ['--disable-workspace-trust'] : []),
    workspace,
  ], {
    env: {
      ...process.env,
      PORT: undefined, // code-server would take it over --bind-addr.
      ...setup.env,
      XDG_CONFIG_HOME: path.join(dir, 'xdg-config'),
      XDG_DATA_HOME: path.join(dir, 'xdg-data'),
      XDG_CACHE_HOME: path.join(dir, 'xdg-cache'),
    },
    detached: true,
    stdio: ['ignore', log, log],
  });
  fs.closeSync(log);
  const stop = supervise(child, demo);
  try {
    await waitForHealth(url, child);
  } catch (err) {
    console.error(`start: ${err.message}; see ${logFile}`);
    stop();
    return;
  }
  const payload = JSON.stringify([['extensionDevelopmentPath', `vscode-remote://127.0.0.1:${port}${repoRoot}`], ['skipWelcome', 'true']]);
  console.log(`start: code-server ${url} (log: ${path.relative(repoRoot, logFile)}). Open this URL to run the extension from ${repoRoot}${demo ? ' on the demo' : ''}:`);
  console.log(`${url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(payload)}`);
  console.log(`start: ${demo ? 'click the Airflow on ECS icon in the activity bar. ' : ''}After \`npm run build\` (or with \`npm run watch\`), reload the browser tab to pick up changes. Ctrl+C stops.`);
}

/** Desktop VS Code: a user-data dir of its own for the demo, where machine settings are User settings. */
function startDesktop(demo, workspace) {
  const args = [`--extensionDevelopmentPath=${repoRoot}`];
  let env = process.env;
  if (demo) {
    const dir = path.join(demoDir, 'desktop');
    fs.rmSync(dir, { recursive: true, force: true });
    const setup = demoSetup(demo);
    writeJson(path.join(dir, 'ud', 'User', 'settings.json'), { ...setup.machineSettings, 'security.workspace.trust.enabled': false });
    args.push('--user-data-dir', path.join(dir, 'ud'), '--extensions-dir', path.join(dir, 'exts'), '--new-window', '--wait');
    env = { ...process.env, ...setup.env };
  }
  const code = spawn('code', [...args, workspace], { stdio: 'inherit', env, detached: true });
  supervise(code, demo);
}

const desktop = onPath('code');
if (!desktop && !(await ensureCodeServer())) {
  process.exit(1);
}
let demo;
try {
  demo = real ? undefined : await startDemo();
} catch (err) {
  console.error(`start: the demo could not start: ${err.message}`);
  process.exit(1);
}
const workspace = demo?.workspace ?? path.join(repoRoot, 'sample-dags');
if (desktop) {
  startDesktop(demo, workspace);
} else {
  await startCodeServer(demo, workspace);
}
