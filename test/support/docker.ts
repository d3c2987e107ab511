// A real Docker engine for the integration, in-host and UI tests of the Local Stack: starts
// dockerd when the socket does not answer (as .ci/run does), builds the busybox test image
// locally (no registry is reachable) and writes a small compose project shaped like Airflow's.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Docker from 'dockerode';

export const TEST_IMAGE = 'airflow-ecs-test/busybox:1';
export const PROJECT_LABEL = 'com.docker.compose.project';

function dockerAnswers(): boolean {
  return spawnSync('docker', ['info'], { stdio: 'ignore', timeout: 20_000 }).status === 0;
}

/** Starts dockerd in the background when the engine does not answer, then builds the test image. */
export async function ensureDocker(): Promise<void> {
  if (!dockerAnswers()) {
    const log = fs.openSync('/tmp/dockerd.log', 'a');
    const daemon = spawn('dockerd', [], { detached: true, stdio: ['ignore', log, log] });
    daemon.unref();
    const deadline = Date.now() + 60_000;
    while (!dockerAnswers()) {
      if (Date.now() > deadline) throw new Error('dockerd did not answer within 60 s; see /tmp/dockerd.log');
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  await ensureTestImage();
}

/** `tar -C root -c . | docker import - airflow-ecs-test/busybox:1`, skipped when the image exists. */
export async function ensureTestImage(): Promise<void> {
  if (spawnSync('docker', ['image', 'inspect', TEST_IMAGE], { stdio: 'ignore' }).status === 0) return;
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
      const imp = spawn('docker', ['import', '-', TEST_IMAGE], { stdio: ['pipe', 'ignore', 'inherit'] });
      tar.stdout.pipe(imp.stdin);
      tar.on('error', reject);
      imp.on('error', reject);
      imp.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`docker import exited with ${code}`))));
    });
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/** A compose file shaped like the Airflow stack: webserver (HTTP + health check), scheduler, two workers, redis. */
export function testComposeYaml(): string {
  return `services:
  webserver:
    image: ${TEST_IMAGE}
    command: ["httpd", "-f", "-p", "8080", "-h", "/www"]
    ports:
      - "8080"
    healthcheck:
      test: ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/"]
      interval: 1s
      timeout: 2s
      retries: 5
  scheduler:
    image: ${TEST_IMAGE}
    command: ["sh", "-c", "while true; do echo scheduler heartbeat; sleep 2; done"]
    stop_signal: SIGKILL
  worker:
    image: ${TEST_IMAGE}
    command: ["sh", "-c", "i=0; while true; do i=$$((i+1)); echo \\"worker line $$i\\"; sleep 0.5; done"]
    scale: 2
    stop_signal: SIGKILL
  redis:
    image: ${TEST_IMAGE}
    command: ["sh", "-c", "while true; do sleep 1; done"]
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
      spawnSync('docker-compose', ['-f', file, '-p', name, 'down', '-v', '--remove-orphans', '-t', '1'], { cwd: dir, stdio: 'ignore', timeout: 120_000 });
      await removeProject(name);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Label-based cleanup: containers, networks and volumes of a compose project. */
export async function removeProject(name: string): Promise<void> {
  const docker = new Docker();
  const filters = { label: [`${PROJECT_LABEL}=${name}`] };
  for (const c of await docker.listContainers({ all: true, filters })) await docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => undefined);
  for (const n of await docker.listNetworks({ filters })) await docker.getNetwork(n.Id).remove().catch(() => undefined);
  const { Volumes } = await docker.listVolumes({ filters });
  for (const v of Volumes ?? []) await docker.getVolume(v.Name).remove().catch(() => undefined);
}
