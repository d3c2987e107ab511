// The Local Stack's core against a real Docker engine and the real compose CLI.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Docker from 'dockerode';
import { detectComposeEngine, runCompose, ComposeFailed, ComposeNotFound, type ComposeEngine } from '../../src/core/docker/composeCli';
import { StackTracker } from '../../src/core/docker/stackState';
import { execInContainer } from '../../src/core/docker/exec';
import { serviceView } from '../../src/core/docker/stackPresent';
import { parseComposeFile } from '../../src/core/docker/composeFile';
import { ensureDocker, writeTestProject, type TestProject } from '../support/docker';

async function until(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('Local Stack core on a real Docker engine', function () {
  this.timeout(180_000);
  const docker = new Docker();
  let engine: ComposeEngine;
  let project: TestProject;
  let tracker: StackTracker;

  before(async () => {
    await ensureDocker();
    engine = await detectComposeEngine('auto');
    project = writeTestProject('aetint');
    tracker = new StackTracker(docker, project.name);
    await tracker.start();
  });

  after(async () => {
    tracker?.dispose();
    await project?.cleanup();
  });

  it('detects an installed compose engine and says clearly when the configured one is missing', async () => {
    assert.match(engine.label, /^docker(-| )compose$/);
    await assert.rejects(detectComposeEngine('podman compose'), (err: unknown) => err instanceof ComposeNotFound && /podman compose version/.test(err.message));
  });

  it('brings the stack up and the events stream shows every service, the webserver turning healthy', async () => {
    assert.equal(tracker.containers.length, 0);
    let changes = 0;
    const off = tracker.onChange(() => changes++);
    await runCompose(engine, { file: project.file, name: project.name }, ['up', '-d']);
    await until('webserver healthy', () => tracker.containers.some((c) => c.service === 'webserver' && c.health === 'healthy'));
    off();
    assert.ok(changes > 0);
    const services = new Set(tracker.containers.map((c) => c.service));
    assert.deepEqual([...services].sort(), ['redis', 'scheduler', 'webserver', 'worker']);
    assert.equal(tracker.containers.filter((c) => c.service === 'worker').length, 2);
    const web = tracker.containers.find((c) => c.service === 'webserver')!;
    assert.equal(web.ports[0].privatePort, 8080);
    const res = await fetch(`http://127.0.0.1:${web.ports[0].publicPort}/`);
    assert.match(await res.text(), /Airflow webserver/);
    const model = parseComposeFile(fs.readFileSync(project.file, 'utf8'));
    assert.ok(model.ok);
    const view = serviceView(model.services.find((s) => s.name === 'worker')!, tracker.containers.filter((c) => c.service === 'worker'), Date.now());
    assert.match(view.description, /^2\/2 running · .*Up less than a minute$/);
  });

  it('shows a stopped container as exited within a second, with one listContainers per burst', async () => {
    const redis = tracker.containers.find((c) => c.service === 'redis')!;
    const callsBefore = tracker.apiCalls;
    const started = Date.now();
    await docker.getContainer(redis.id).stop({ t: 0 });
    await until('redis exited', () => tracker.containers.some((c) => c.id === redis.id && c.state === 'exited'));
    assert.ok(Date.now() - started < 5000);
    assert.ok(tracker.apiCalls - callsBefore <= 2, `${tracker.apiCalls - callsBefore} calls`);
    assert.equal(tracker.containers.find((c) => c.id === redis.id)!.exitCode, 137);
  });

  it('scales the workers to 1 and back to 2', async () => {
    await runCompose(engine, { file: project.file, name: project.name }, ['up', '-d', '--no-recreate', '--scale', 'worker=1', 'worker']);
    await until('one worker', () => tracker.containers.filter((c) => c.service === 'worker').length === 1);
    await runCompose(engine, { file: project.file, name: project.name }, ['up', '-d', '--no-recreate', '--scale', 'worker=2', 'worker']);
    await until('two workers', () => tracker.containers.filter((c) => c.service === 'worker' && c.state === 'running').length === 2);
  });

  it('runs a command in the scheduler container through the exec API', async () => {
    const scheduler = tracker.containers.find((c) => c.service === 'scheduler')!;
    const result = await execInContainer(docker, scheduler.id, ['sh', '-c', 'echo "$0 $1"; exit 3', 'dags', 'list-import-errors']);
    assert.equal(result.exitCode, 3);
    assert.equal(result.output.trim(), 'dags list-import-errors');
  });

  it('reports which service failed and why when a port is already allocated', async () => {
    const web = tracker.containers.find((c) => c.service === 'webserver')!;
    const clashDir = path.join(project.dir, 'clash');
    fs.mkdirSync(clashDir);
    const clash = { file: path.join(clashDir, 'docker-compose.yml'), name: `${project.name}clash` };
    fs.writeFileSync(clash.file, `services:\n  flower:\n    image: airflow-ecs-test/busybox:1\n    command: ["sleep", "60"]\n    ports: ["${web.ports[0].publicPort}:5555"]\n`);
    try {
      await assert.rejects(runCompose(engine, clash, ['up', '-d']), (err: unknown) => {
        assert.ok(err instanceof ComposeFailed);
        assert.equal(err.failure.service, 'flower');
        assert.match(err.failure.reason, new RegExp(`Port ${web.ports[0].publicPort} is already in use`));
        return true;
      });
    } finally {
      await runCompose(engine, clash, ['down', '-v', '-t', '0']).catch(() => undefined);
    }
  });

  it('brings the stack down with its volumes and the view empties', async () => {
    await runCompose(engine, { file: project.file, name: project.name }, ['down', '-v', '-t', '0']);
    await until('no containers', () => tracker.containers.length === 0);
  });
});
