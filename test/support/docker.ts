// A real container engine for the integration, in-host and UI tests of the Local Stack: Docker
// with compose v1 (default), or rootful podman with its API socket and podman-compose
// (AIRFLOW_ECS_TEST_ENGINE=podman; see test/README.md for what podman needs on these machines).
// Starts the engine when it does not answer (as .ci/run does), builds the busybox test image
// locally (no registry is reachable) and writes compose projects shaped like Airflow's.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Docker from 'dockerode';
import type { ComposeCommandSetting } from '../../src/core/docker/composeCli';

export const TEST_IMAGE = 'airflow-ecs-test/busybox:1';
export const PROJECT_LABEL = 'com.docker.compose.project';

/** The engine under test, chosen by AIRFLOW_ECS_TEST_ENGINE: docker (compose v1) or podman (podman-compose). */
export const TEST_ENGINE: 'docker' | 'podman' = process.env.AIRFLOW_ECS_TEST_ENGINE === 'podman' ? 'podman' : 'docker';
/** The extension's "Compose Command" setting for that engine. */
export const COMPOSE_SETTING: ComposeCommandSetting = TEST_ENGINE === 'podman' ? 'podman-compose' : 'auto';
const PODMAN_SOCKET = '/run/podman/podman.sock';
const REPO = path.resolve(__dirname, '../../..');
/** podman-compose from PyPI (Debian's 1.0.3 has no `config`); .ci/run installs it here. */
const PODMAN_COMPOSE_BIN = path.join(REPO, '.cache/podman-compose-venv/bin');
/** The compose CLI the tests run themselves (cleanup), matching the engine. */
const COMPOSE_CLI: [string, ...string[]] = TEST_ENGINE === 'podman' ? ['podman-compose'] : ['docker-compose'];

function dockerAnswers(): boolean {
  return spawnSync('docker', ['info'], { stdio: 'ignore', timeout: 20_000 }).status === 0;
}

async function waitFor(what: string, check: () => boolean, log: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what} did not answer within 60 s; see ${log}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/**
 * The environment podman and podman-compose need here, set in every process that loads this
 * module (the runner, and the extension host, which spawns podman-compose itself: code-server
 * rebuilds PATH for it): the ulimits file, podman-compose's venv first on PATH, the socket.
 */
function podmanEnv(): void {
  const confDir = path.join(os.tmpdir(), 'airflow-ecs-podman');
  fs.mkdirSync(confDir, { recursive: true });
  const conf = path.join(confDir, 'containers.conf');
  fs.writeFileSync(conf, '[containers]\ndefault_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]\n');
  process.env.CONTAINERS_CONF = conf;
  if (!(process.env.PATH ?? '').split(':').includes(PODMAN_COMPOSE_BIN)) process.env.PATH = `${PODMAN_COMPOSE_BIN}:${process.env.PATH}`;
  process.env.DOCKER_HOST = `unix://${PODMAN_SOCKET}`;
}
if (TEST_ENGINE === 'podman') podmanEnv();

/**
 * Rootful podman as a Docker-compatible engine. What these machines need (test/README.md):
 * default ulimits below the sandbox's hard limits (runc cannot raise RLIMIT_NOFILE/NPROC here),
 * the API socket (`podman system service`), DOCKER_HOST pointed at it, and podman-compose on PATH.
 */
async function ensurePodman(): Promise<void> {
  podmanEnv();
  const answers = () => spawnSync('curl', ['-sf', '--unix-socket', PODMAN_SOCKET, 'http://d/_ping'], { stdio: 'ignore', timeout: 10_000 }).status === 0;
  if (!answers()) {
    fs.mkdirSync(path.dirname(PODMAN_SOCKET), { recursive: true });
    const log = fs.openSync('/tmp/podman-service.log', 'a');
    spawn('podman', ['system', 'service', '--time=0', `unix://${PODMAN_SOCKET}`], { detached: true, stdio: ['ignore', log, log] }).unref();
    await waitFor('podman system service', answers, '/tmp/podman-service.log');
  }
  process.env.DOCKER_HOST = `unix://${PODMAN_SOCKET}`;
  startHealthDriver();
}

/**
 * podman 4.3 runs health checks from systemd timers, and these machines have no systemd: the
 * tests stand in for the timer and run `podman healthcheck run` on the compose containers
 * every second, which executes the container's own check and records the result.
 */
let healthPaused = false;

/** Holds the podman health checks (each run is an event) while a test counts API calls per event burst. */
export async function withoutHealthChecks<T>(run: () => Promise<T>): Promise<T> {
  healthPaused = true;
  try {
    return await run();
  } finally {
    healthPaused = false;
  }
}

function startHealthDriver(): void {
  if ((globalThis as { airflowEcsHealthDriver?: unknown }).airflowEcsHealthDriver) return;
  let busy = false;
  const timer = setInterval(() => {
    if (busy || healthPaused) return;
    busy = true;
    const ps = spawnSync('podman', ['ps', '-q', '--filter', `label=${PROJECT_LABEL}`], { encoding: 'utf8', timeout: 10_000 });
    const ids = (ps.stdout ?? '').split('\n').filter(Boolean);
    let left = ids.length;
    if (!left) busy = false;
    for (const id of ids) {
      spawn('podman', ['healthcheck', 'run', id], { stdio: 'ignore' }).on('close', () => { if (--left === 0) busy = false; });
    }
  }, 1000);
  timer.unref();
  (globalThis as { airflowEcsHealthDriver?: unknown }).airflowEcsHealthDriver = timer;
}

/** Starts the engine under test when it does not answer, then builds the test image. */
export async function ensureDocker(): Promise<void> {
  if (TEST_ENGINE === 'podman') {
    await ensurePodman();
    await ensureTestImage();
    return;
  }
  if (!dockerAnswers()) {
    const log = fs.openSync('/tmp/dockerd.log', 'a');
    const daemon = spawn('dockerd', [], { detached: true, stdio: ['ignore', log, log] });
    daemon.unref();
    await waitFor('dockerd', dockerAnswers, '/tmp/dockerd.log');
  }
  await ensureTestImage();
}

/**
 * `tar -C root -c . | docker import - airflow-ecs-test/busybox:1` (or `podman import`), skipped
 * when the image exists. PATH is set in the image: podman, unlike Docker, gives an image without
 * one an empty PATH.
 */
export async function ensureTestImage(): Promise<void> {
  const cli = TEST_ENGINE;
  if (spawnSync(cli, ['image', 'inspect', TEST_IMAGE], { stdio: 'ignore' }).status === 0) return;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'airflow-ecs-rootfs-'));
  try {
    for (const dir of ['bin', 'sbin', 'usr/bin', 'usr/sbin', 'tmp', 'www', 'etc']) fs.mkdirSync(path.join(root, dir), { recursive: true });
    fs.copyFileSync('/bin/busybox', path.join(root, 'bin/busybox'));
    fs.chmodSync(path.join(root, 'bin/busybox'), 0o755);
    const applets = spawnSync('/bin/busybox', ['--list-full'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
    for (const applet of applets) {
      const link = path.join(root, applet);
      if (applet === 'bin/busybox' || fs.existsSync(link)) continue;
      fs.mkdirSync(path.dirname(link), { recursive: true });
      fs.symlinkSync('/bin/busybox', link);
    }
    fs.writeFileSync(path.join(root, 'www/index.html'), '<h1>Airflow webserver (test)</h1>\n');
    fs.writeFileSync(path.join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
    await new Promise<void>((resolve, reject) => {
      const tar = spawn('tar', ['-C', root, '-c', '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
      const imp = spawn(cli, ['import', '--change', 'ENV PATH=/usr/sbin:/usr/bin:/sbin:/bin', '-', TEST_IMAGE], { stdio: ['pipe', 'ignore', 'inherit'] });
      tar.stdout.pipe(imp.stdin);
      tar.on('error', reject);
      imp.on('error', reject);
      imp.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${cli} import exited with ${code}`))));
    });
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/**
 * A compose file shaped like Airflow 3's official one (an x-airflow-common anchor merged with
 * `<<:` into every Airflow service, the image from `${AIRFLOW_IMAGE_NAME:-...}`, `depends_on`
 * with `condition: service_healthy`), on the busybox image: webserver (HTTP + health check),
 * scheduler, two Celery workers, redis (health check).
 */
export function testComposeYaml(): string {
  return `x-airflow-common:
  &airflow-common
  image: \${AIRFLOW_IMAGE_NAME:-${TEST_IMAGE}}
  environment:
    &airflow-common-env
    AIRFLOW__CORE__EXECUTOR: CeleryExecutor
    AIRFLOW__CELERY__BROKER_URL: redis://:@redis:6379/0
  stop_signal: SIGKILL
  depends_on:
    &airflow-common-depends-on
    redis:
      condition: service_healthy

services:
  webserver:
    <<: *airflow-common
    command: ["httpd", "-f", "-p", "8080", "-h", "/www"]
    ports:
      - "8080"
    healthcheck:
      test: ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/"]
      interval: 1s
      timeout: 2s
      retries: 5
  scheduler:
    <<: *airflow-common
    command: ["sh", "-c", "while true; do echo scheduler heartbeat; sleep 2; done"]
    depends_on:
      <<: *airflow-common-depends-on
  worker:
    <<: *airflow-common
    command: ["sh", "-c", "echo airflow celery worker; i=0; while true; do i=$$((i+1)); echo \\"worker line $$i\\"; sleep 0.5; done"]
    scale: 2
    environment:
      <<: *airflow-common-env
      DUMB_INIT_SETSID: "0"
  redis:
    image: ${TEST_IMAGE}
    command: ["sh", "-c", "while true; do sleep 1; done"]
    healthcheck:
      test: ["CMD", "true"]
      interval: 1s
      retries: 30
    stop_signal: SIGKILL
`;
}

export interface TestProject {
  dir: string;
  file: string;
  name: string;
  /** compose down -v, then removes whatever still carries the project label. */
  cleanup(): Promise<void>;
}

/** Writes the compose file and a `.env` naming a unique project into a temp folder. */
export function writeTestProject(prefix = 'aets'): TestProject {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'airflow-ecs-compose-'));
  const name = `${prefix}${process.pid}${Date.now().toString(36)}`.toLowerCase().replace(/[^a-z0-9]/g, '');
  const file = path.join(dir, 'docker-compose.yml');
  fs.writeFileSync(file, testComposeYaml());
  fs.writeFileSync(path.join(dir, '.env'), `COMPOSE_PROJECT_NAME=${name}\n`);
  return {
    dir,
    file,
    name,
    cleanup: async () => {
      spawnSync(COMPOSE_CLI[0], [...COMPOSE_CLI.slice(1), '-f', file, '-p', name, 'down', '-v', '-t', '1'], { cwd: dir, stdio: 'ignore', timeout: 120_000 });
      await removeProject(name);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Label-based cleanup: containers, networks and volumes of a compose project. */
export async function removeProject(name: string): Promise<void> {
  const docker = new Docker();
  const filters = { label: [`${PROJECT_LABEL}=${name}`] };
  // A few passes: podman refuses to remove a container that another still depends on.
  for (let pass = 0; pass < 4; pass++) {
    for (const c of await docker.listContainers({ all: true, filters })) await docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => undefined);
  }
  for (const n of await docker.listNetworks({ filters })) await docker.getNetwork(n.Id).remove().catch(() => undefined);
  const { Volumes } = await docker.listVolumes({ filters });
  for (const v of Volumes ?? []) await docker.getVolume(v.Name).remove().catch(() => undefined);
}

/**
 * The page a published container port serves. A container runs before its server listens, and
 * on a busy machine the first connections may be refused: ask again for up to `timeoutMs`.
 */
export async function publishedPage(url: string, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await (await fetch(url)).text();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
