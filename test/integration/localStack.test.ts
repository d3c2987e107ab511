// The Local Stack's core against a real engine and the real compose CLI: Docker with compose v1,
// or (AIRFLOW_ECS_TEST_ENGINE=podman) rootful podman's API socket with podman-compose.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import Docker from 'dockerode';
import { detectComposeEngine, readComposeConfig, runCompose, ComposeFailed, ComposeNotFound, type ComposeEngine } from '../../src/core/docker/composeCli';
import { StackTracker } from '../../src/core/docker/stackState';
import { execInContainer } from '../../src/core/docker/exec';
import { serviceView } from '../../src/core/docker/stackPresent';
import { engineProblem, parseComposeConfig, parseComposeFile } from '../../src/core/docker/composeFile';
import { containerVerbByLabel, downByLabel, trimScale } from '../../src/core/docker/projectByLabel';
import { COMPOSE_SETTING, TEST_ENGINE, TEST_IMAGE, ensureDocker, publishedPage, withoutHealthChecks, writeTestProject, type TestProject } from '../support/docker';

async function until(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe(`Local Stack core on a real engine (${TEST_ENGINE})`, function () {
  this.timeout(180_000);
  let docker: Docker;
  let engine: ComposeEngine;
  let project: TestProject;
  let tracker: StackTracker;

  before(async () => {
    await ensureDocker();
    // After ensureDocker: it points DOCKER_HOST at podman's socket when podman is under test.
    docker = new Docker();
    engine = await detectComposeEngine(COMPOSE_SETTING);
    project = writeTestProject('aetint');
    tracker = new StackTracker(docker, project.name);
    await tracker.start();
  });

  after(async () => {
    tracker?.dispose();
    await project?.cleanup();
  });

  it('detects an installed compose engine and says clearly when the configured one is missing', async () => {
    assert.match(engine.label, TEST_ENGINE === 'podman' ? /^podman-compose$/ : /^docker(-| )compose$/);
    await assert.rejects(detectComposeEngine('podman compose'), (err: unknown) => err instanceof ComposeNotFound && /podman compose version/.test(err.message));
  });

  it('asks the engine for the resolved model: ${AIRFLOW_IMAGE_NAME:-...}, merge keys and .env as the engine reads them', async () => {
    const config = await readComposeConfig(engine, { file: project.file, name: project.name });
    assert.ok(config?.ok, JSON.stringify(config));
    const services = parseComposeConfig(config.text);
    assert.deepEqual(services.map((s) => [s.name, s.image]).sort(), [['redis', TEST_IMAGE], ['scheduler', TEST_IMAGE], ['webserver', TEST_IMAGE], ['worker', TEST_IMAGE]]);
    assert.match(services.find((s) => s.name === 'worker')!.command!, /celery worker/);
    // The file read by hand has the raw expression: what the view showed before.
    const written = parseComposeFile(fs.readFileSync(project.file, 'utf8'));
    assert.ok(written.ok && written.services[0].image!.startsWith('${AIRFLOW_IMAGE_NAME:-'));
    fs.appendFileSync(path.join(project.dir, '.env'), 'AIRFLOW_IMAGE_NAME=acme/airflow:3.1.3\n');
    try {
      const again = await readComposeConfig(engine, { file: project.file, name: project.name });
      assert.ok(again?.ok);
      assert.equal(parseComposeConfig(again.text).find((s) => s.name === 'worker')!.image, 'acme/airflow:3.1.3');
    } finally {
      fs.writeFileSync(path.join(project.dir, '.env'), `COMPOSE_PROJECT_NAME=${project.name}\n`);
    }
  });

  it('a refusal by the engine comes back with the engine\'s position and sentence', async () => {
    const bad = path.join(project.dir, 'bad', 'docker-compose.yml');
    fs.mkdirSync(path.dirname(bad));
    const text = 'services:\n  webserver:\n    image: x\n  scheduler:\n    image: y\n   command: z\n';
    fs.writeFileSync(bad, text);
    const config = await readComposeConfig(engine, { file: bad, name: `${project.name}bad` });
    assert.ok(config && !config.ok, JSON.stringify(config));
    const written = parseComposeFile(text);
    const problem = engineProblem(config.message, text, written.ok ? undefined : written.problem);
    assert.deepEqual([problem.line, problem.col], [6, 4]);
    assert.match(problem.message, /expected <block end>/);
    assert.doesNotMatch(problem.message, /:$/);
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
    assert.match(await publishedPage(`http://127.0.0.1:${web.ports[0].publicPort}/`), /Airflow webserver/);
    const model = parseComposeFile(fs.readFileSync(project.file, 'utf8'));
    assert.ok(model.ok);
    const view = serviceView(model.services.find((s) => s.name === 'worker')!, tracker.containers.filter((c) => c.service === 'worker'), Date.now());
    assert.match(view.description, /^2\/2 running · .*Up less than a minute$/, JSON.stringify(tracker.containers.filter((c) => c.service === 'worker')));
    // Start times are inspect's, to the millisecond, not the list's rounded "Up 5 seconds".
    const inspected = await docker.getContainer(web.id).inspect();
    assert.equal(web.startedAt, Date.parse(inspected.State.StartedAt));
  });

  it('shows a stopped container as exited within a second, with one listContainers per burst', () => withoutHealthChecks(async () => {
    await new Promise((r) => setTimeout(r, 1500)); // events of a health check already running pass
    const redis = tracker.containers.find((c) => c.service === 'redis')!;
    const callsBefore = tracker.apiCalls;
    const started = Date.now();
    await docker.getContainer(redis.id).stop({ t: 0 });
    await until('redis exited', () => tracker.containers.some((c) => c.id === redis.id && c.state === 'exited'));
    assert.ok(Date.now() - started < 5000);
    assert.ok(tracker.apiCalls - callsBefore <= 2, `${tracker.apiCalls - callsBefore} calls`);
    assert.equal(tracker.containers.find((c) => c.id === redis.id)!.exitCode, 137);
  }));

  it('scales the workers to 1 and back to 2 (podman-compose does not scale down: trimScale removes the extra one)', async () => {
    await runCompose(engine, { file: project.file, name: project.name }, ['up', '-d', '--no-recreate', '--scale', 'worker=1', 'worker']);
    const removed = await trimScale(docker, project.name, 'worker', 1);
    assert.equal(removed.length, TEST_ENGINE === 'podman' ? 1 : 0);
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
        // podman names only the container id; the Local Stack looks its service up (see the in-host test).
        if (TEST_ENGINE === 'docker') assert.equal(err.failure.service, 'flower');
        assert.match(err.failure.reason, new RegExp(`Port ${web.ports[0].publicPort} is already in use`));
        return true;
      });
    } finally {
      await runCompose(engine, clash, ['down', '-v', '-t', '0']).catch(() => undefined);
    }
  });

  it('a port held by a process outside the engine is named like an engine-held one', async () => {
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '0.0.0.0', resolve));
    const port = (holder.address() as net.AddressInfo).port;
    const dir = path.join(project.dir, 'held');
    fs.mkdirSync(dir);
    const held = { file: path.join(dir, 'docker-compose.yml'), name: `${project.name}held` };
    fs.writeFileSync(held.file, `services:\n  flower:\n    image: ${TEST_IMAGE}\n    command: ["sleep", "60"]\n    ports: ["${port}:5555"]\n`);
    try {
      await assert.rejects(runCompose(engine, held, ['up', '-d']), (err: unknown) => {
        assert.ok(err instanceof ComposeFailed, String(err));
        assert.match(err.failure.reason, new RegExp(`^Port ${port} is already in use on this machine`));
        if (TEST_ENGINE === 'docker') assert.equal(err.failure.service, 'flower');
        return true;
      });
    } finally {
      holder.close();
      await downByLabel(docker, held.name, { volumes: true });
    }
  });

  it('without a compose file: Stop and Start by project label, and Down removes containers and network', async () => {
    const said = await containerVerbByLabel(docker, project.name, 'stop', ['scheduler']);
    assert.match(said, /^Stopped 1 container\(s\): \S*scheduler/);
    await until('scheduler exited', () => tracker.containers.some((c) => c.service === 'scheduler' && c.state === 'exited'));
    assert.ok(tracker.containers.some((c) => c.service === 'webserver' && c.state === 'running'));
    assert.match(await containerVerbByLabel(docker, project.name, 'start', ['scheduler']), /^Started 1/);
    await until('scheduler running', () => tracker.containers.some((c) => c.service === 'scheduler' && c.state === 'running'));
    const down = await downByLabel(docker, project.name, { volumes: false });
    assert.match(down, /^Removed 5 container\(s\) .*, 1 network\(s\) of /);
    await until('no containers', () => tracker.containers.length === 0);
    assert.deepEqual(await docker.listNetworks({ filters: { label: [`com.docker.compose.project=${project.name}`] } }), []);
  });

  it('brings the stack up again and down with its volumes through compose; the view empties', async () => {
    await runCompose(engine, { file: project.file, name: project.name }, ['up', '-d']);
    await until('containers', () => tracker.containers.length === 5);
    await runCompose(engine, { file: project.file, name: project.name }, ['down', '-v', '-t', '0']);
    await until('no containers', () => tracker.containers.length === 0);
  });
});
