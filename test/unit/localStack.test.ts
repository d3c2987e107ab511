import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { splitShellWords } from '../../src/core/docker/shellWords';
import { composeProjectName, engineProblem, inFileOrder, isCeleryWorker, parseComposeConfig, parseComposeFile, parseDotEnv } from '../../src/core/docker/composeFile';
import { detectComposeEngine, parseComposeFailure, readComposeConfig, type ComposeEngine } from '../../src/core/docker/composeCli';
import { dockerOptions, engineEnv, resolveEngine } from '../../src/core/docker/engine';
import { StackTracker, toContainerDetail, toContainerState, type ContainerState } from '../../src/core/docker/stackState';
import { formatUptime, projectView, serviceView, upSummary } from '../../src/core/docker/stackPresent';
import { V1_CONFIG, V2_CONFIG_JSON, PODMAN_COMPOSE_CONFIG, AIRFLOW_LIKE_COMPOSE } from './composeConfigFixtures';
import { DockerLogSource, logText, parseContainerLogs, sinceArg, timestampNanos } from '../../src/core/docker/dockerLogSource';
import { DedupWindow } from '../../src/core/logs/dedup';
import type Docker from 'dockerode';

describe('Local Stack core', () => {
  describe('splitShellWords', () => {
    it('splits plain words, quotes and escapes without running anything', () => {
      assert.deepEqual(splitShellWords('airflow dags list-import-errors'), ['airflow', 'dags', 'list-import-errors']);
      assert.deepEqual(splitShellWords(`airflow dags trigger -c '{"a": 1}'  my_dag`), ['airflow', 'dags', 'trigger', '-c', '{"a": 1}', 'my_dag']);
      assert.deepEqual(splitShellWords('echo "say \\"hi\\"" a\\ b ""'), ['echo', 'say "hi"', 'a b', '']);
      assert.deepEqual(splitShellWords('echo $(rm -rf /); ls | wc'), ['echo', '$(rm', '-rf', '/);', 'ls', '|', 'wc']);
      assert.deepEqual(splitShellWords('   '), []);
    });
    it('refuses unclosed quotes and a trailing backslash', () => {
      assert.throws(() => splitShellWords('echo "open'), /unclosed double quote/);
      assert.throws(() => splitShellWords("echo 'open"), /unclosed single quote/);
      assert.throws(() => splitShellWords('echo \\'), /lone backslash/);
    });
  });

  describe('compose file', () => {
    it('reads services, container ports and health checks, merge keys included', () => {
      const model = parseComposeFile(`x-common: &common\n  image: apache/airflow:2.10\nservices:\n  webserver:\n    <<: *common\n    ports: ["8080:8080", {target: 5555, published: 5555}]\n    healthcheck: {test: ["CMD", "true"]}\n  worker:\n    <<: *common\n  redis:\n    image: redis:7\n    expose: ["6379"]\n`);
      assert.ok(model.ok);
      assert.deepEqual(model.services.map((s) => [s.name, s.image, s.ports, s.hasHealthcheck]), [
        ['webserver', 'apache/airflow:2.10', [8080, 5555], true],
        ['worker', 'apache/airflow:2.10', [], false],
        ['redis', 'redis:7', [], false],
      ]);
    });
    it('reports a syntax error with the parser\'s own position and sentence, and a file without services', () => {
      const bad = parseComposeFile('services:\n  web:\n    image: x\n   ports: [1\n');
      assert.equal(bad.ok, false);
      assert.ok(!bad.ok && bad.problem.line >= 4, JSON.stringify(bad));
      // No "at line 6, column 1:" and code excerpt glued on: the message ends as the parser's sentence.
      const indent = parseComposeFile('services:\n  webserver:\n    image: x\n  scheduler:\n    image: y\n   command: z\n');
      assert.ok(!indent.ok);
      assert.deepEqual([indent.problem.line, indent.problem.message], [6, 'All mapping items must start at the same column']);
      const dup = parseComposeFile('services:\n  web:\n    image: a\n  web:\n    image: b\n');
      assert.ok(!dup.ok && dup.problem.line === 4 && /unique/i.test(dup.problem.message), JSON.stringify(dup));
      const none = parseComposeFile('version: "3"\n');
      assert.ok(!none.ok && /no "services"/.test(none.problem.message));
    });
    it('names the project like compose does, COMPOSE_PROJECT_NAME first', () => {
      assert.equal(composeProjectName('/x/My Airflow.Stack/docker-compose.yml', {}), 'myairflowstack');
      assert.equal(composeProjectName('/x/compose/docker-compose.yml', parseDotEnv('# c\nCOMPOSE_PROJECT_NAME="airflow_local"\nA=b\n')), 'airflow_local');
      assert.equal(composeProjectName('/x/compose/docker-compose.yml', { COMPOSE_PROJECT_NAME: 'a' }, { COMPOSE_PROJECT_NAME: 'fromenv' }), 'fromenv');
    });
  });

  describe('the engine\'s resolved model (config)', () => {
    const expected = [
      ['airflow-apiserver', 'airflow-ecs-test/busybox:1', [8080], true, 'api-server'],
      ['airflow-worker', 'airflow-ecs-test/busybox:1', [], true, 'celery worker'],
      ['redis', 'airflow-ecs-test/busybox:1', [6379], true, undefined],
    ];
    const rows = (text: string) => parseComposeConfig(text).map((s) => [s.name, s.image, s.ports, s.hasHealthcheck, s.command]);
    it('reads docker compose v2 JSON (ports as objects, published as a string, null networks)', () => {
      assert.deepEqual(rows(V2_CONFIG_JSON), expected);
    });
    it('reads docker-compose v1 YAML (ports as {target})', () => {
      assert.deepEqual(rows(V1_CONFIG), expected);
    });
    it('reads podman-compose YAML (ports left as written, x- keys kept)', () => {
      assert.deepEqual(rows(PODMAN_COMPOSE_CONFIG), expected);
    });
    it('the same file read by hand leaves ${AIRFLOW_IMAGE_NAME:-...} unresolved: why the engine is asked', () => {
      const model = parseComposeFile(AIRFLOW_LIKE_COMPOSE);
      assert.ok(model.ok);
      assert.equal(model.services.find((s) => s.name === 'airflow-worker')!.image, '${AIRFLOW_IMAGE_NAME:-airflow-ecs-test/busybox:1}');
    });
    it('keeps the file\'s order of services (the engine sorts them by name)', () => {
      const ordered = inFileOrder(parseComposeConfig(V1_CONFIG), parseComposeFile(AIRFLOW_LIKE_COMPOSE));
      assert.deepEqual(ordered.map((s) => s.name), ['redis', 'airflow-apiserver', 'airflow-worker']);
    });
    it('refuses output without services', () => {
      assert.throws(() => parseComposeConfig('{"name": "x"}'), /without services/);
    });
    it('asks the engine with its own arguments and tells an engine without config from a refusal', async () => {
      // `sh -c script` stands in for the engine: what it prints on stdout and stderr and its exit code decide.
      const engine = (script: string): ComposeEngine => ({ label: 'fake', file: 'sh', prefix: ['-c', script, 'fake-engine'], config: ['config'] });
      const project = { file: path.join(os.tmpdir(), 'docker-compose.yml'), name: 'p' };
      const unsupported = await readComposeConfig(engine("echo \"podman-compose: error: argument command: invalid choice: 'config'\" >&2; exit 2"), project);
      assert.equal(unsupported, undefined);
      const refused = await readComposeConfig(engine('echo "WARNING: x" >&2; echo \'Missing mandatory value for "image" option in service "web": set NEED\' >&2; exit 1'), project);
      assert.ok(refused && !refused.ok && /Missing mandatory value/.test(refused.message));
      // The arguments reach the engine in order: -f file -p name config.
      const ok = await readComposeConfig(engine('echo "WARNING: on stderr" >&2; echo "services: {a: {image: b}} # $*"'), project);
      assert.deepEqual(ok, { ok: true, text: `services: {a: {image: b}} # -f ${project.file} -p p config\n` });
    });
  });

  describe('an engine\'s refusal, placed in the file', () => {
    const text = 'services:\n  webserver:\n    image: x\n  scheduler:\n    image: y\n   command: z\n';
    it('PyYAML (v1, podman-compose): the problem mark\'s line and column, the sentence without locations', () => {
      const v1 = 'yaml.parser.ParserError: while parsing a block mapping\n  in "/tmp/lsp/bad.yml", line 2, column 3\nexpected <block end>, but found \'<block mapping start>\'\n  in "/tmp/lsp/bad.yml", line 6, column 4\n';
      assert.deepEqual(engineProblem(v1, text), { line: 6, col: 4, message: "while parsing a block mapping: expected <block end>, but found '<block mapping start>'" });
    });
    it('podman-compose\'s traceback comes down to its last exception', () => {
      const out = 'Traceback (most recent call last):\n  File "/usr/bin/podman-compose", line 8, in <module>\n    sys.exit(main())\n  File "podman_compose.py", line 313, in resolve\n    raise ValueError(\nValueError: required variable NEED is missing a value: set NEED\n';
      const p = engineProblem(out, 'services:\n  web:\n    image: ${NEED:?set NEED}\n');
      assert.equal(p.message, 'required variable NEED is missing a value: set NEED');
    });
    it('go-yaml (v2) gives a line only: the YAML parser supplies the column on that line', () => {
      const p = engineProblem('yaml: line 6: did not find expected key', text, { line: 6, col: 4, message: 'x' });
      assert.deepEqual([p.line, p.col, p.message], [6, 4, 'yaml: line 6: did not find expected key']);
    });
    it('a refusal that names a service lands on that service\'s key', () => {
      const p = engineProblem('Missing mandatory value for "image" option interpolating ${NEED:?set NEED} in service "scheduler": set NEED', 'services:\n  webserver:\n    image: x\n  scheduler:\n    image: ${NEED:?set NEED}\n');
      assert.deepEqual([p.line, p.col], [4, 3]);
      const v2 = engineProblem('services.scheduler additional properties \'imagee\' not allowed', 'services:\n  webserver:\n    image: x\n  scheduler:\n    imagee: y\n');
      assert.deepEqual([v2.line, v2.col], [4, 3]);
    });
  });

  describe('compose failures', () => {
    it('a port held by a process outside Docker, as v1 and podman say it', () => {
      const v1 = parseComposeFailure('Creating p_web_1 ... error\n\nERROR: for web  Cannot start service web: driver failed programming external connectivity on endpoint p_web_1 (3f2a): Error starting userland proxy: listen tcp4 0.0.0.0:18711: bind: address already in use\nERROR: Encountered errors while bringing up the project.\n');
      assert.equal(v1.service, 'web');
      assert.match(v1.reason, /^Port 18711 is already in use on this machine \(published by web\)/);
      const podmanOut = 'debd92502acc\nError: unable to start container "788f924478097d44e387e2aace185f1870ad0d5c6c6b7fa6b1fe0a186be3faae": cannot listen on the TCP port: listen tcp4 :18711: bind: address already in use\n';
      const podman = parseComposeFailure(podmanOut);
      assert.deepEqual([podman.service, /^Port 18711 is already in use on this machine\./.test(podman.reason)], [undefined, true]);
      // podman names the container only: the caller knows which service it belongs to.
      const named = parseComposeFailure(podmanOut, (id) => ('788f924478097d44e387e2aace185f1870ad0d5c6c6b7fa6b1fe0a186be3faae'.startsWith(id) ? 'flower' : undefined));
      assert.equal(named.service, 'flower');
      assert.match(named.reason, /\(published by flower\)/);
    });
    it('names the service and the cause: port allocated (v1 output)', () => {
      const f = parseComposeFailure('Creating p_b_1 ... done\n\nERROR: for a  Cannot start service a: driver failed programming external connectivity on endpoint p_a_1 (fa95): Bind for 0.0.0.0:38081 failed: port is already allocated\nEncountered errors while bringing up the project.\n');
      assert.equal(f.service, 'a');
      assert.match(f.reason, /Port 38081 is already in use/);
    });
    it('unhealthy dependency, v1 and v2', () => {
      const v1 = parseComposeFailure('Creating p_d_1 ... done\n\nERROR: for e  Container "a597ab39aabc" is unhealthy.\nEncountered errors while bringing up the project.');
      assert.equal(v1.service, 'e');
      assert.match(v1.reason, /container a597ab39aabc\) is unhealthy/);
      const v2 = parseComposeFailure(' Container airflow-redis-1  Error\ndependency failed to start: container airflow-redis-1 is unhealthy\n');
      assert.equal(v2.service, 'airflow-redis-1');
      assert.match(v2.reason, /unhealthy/);
    });
    it('image not found, pull access denied and an unreachable registry', () => {
      const denied = parseComposeFailure('Pulling webserver (acme/airflow:nope)...\nERROR: pull access denied for acme/airflow, repository does not exist or may require \'docker login\'');
      assert.equal(denied.service, 'webserver');
      assert.match(denied.reason, /image acme\/airflow of webserver was not found/);
      const manifest = parseComposeFailure(' webserver Error manifest for apache/airflow:9 not found: manifest unknown');
      assert.equal(manifest.service, 'webserver');
      const offline = parseComposeFailure('Pulling c (airflow-ecs-test/nope:1)...\nGet "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io on 10.0.0.1:53: no such host');
      assert.equal(offline.service, 'c');
      assert.match(offline.reason, /registry registry-1\.docker\.io cannot be reached/);
    });
    it('falls back to the last error line', () => {
      assert.equal(parseComposeFailure('something\nERROR: Something odd happened\nbye').reason, 'ERROR: Something odd happened');
    });
  });

  describe('engine', () => {
    it('tries docker compose (v2) first, then docker-compose (v1), then podman-compose', async () => {
      const tried: string[] = [];
      const engine = await detectComposeEngine('auto', undefined, async (file, args) => {
        tried.push([file, ...args].join(' '));
        return { code: file === 'podman-compose' ? 0 : 1, output: '', stdout: '' };
      });
      assert.deepEqual([engine.label, engine.config], ['podman-compose', ['config']]);
      assert.deepEqual(tried, ['docker compose version', 'docker-compose version', 'podman-compose version']);
      const v2 = await detectComposeEngine('docker compose', undefined, async () => ({ code: 0, output: '', stdout: '' }));
      assert.deepEqual(v2.config, ['config', '--format', 'json']);
    });
    it('DOCKER_HOST wins, else the current context from ~/.docker', () => {
      const home = fs.mkdtempSync(path.join(os.tmpdir(), 'aets-home-'));
      try {
        assert.deepEqual(resolveEngine({ DOCKER_HOST: 'tcp://10.0.0.5:2376' }, home), { host: 'tcp://10.0.0.5:2376', source: 'DOCKER_HOST' });
        assert.deepEqual(resolveEngine({}, home), { source: 'default' });
        fs.mkdirSync(path.join(home, '.docker/contexts/meta/abc'), { recursive: true });
        fs.writeFileSync(path.join(home, '.docker/config.json'), JSON.stringify({ currentContext: 'colima' }));
        fs.writeFileSync(path.join(home, '.docker/contexts/meta/abc/meta.json'), JSON.stringify({ Name: 'colima', Endpoints: { docker: { Host: 'unix:///home/u/.colima/docker.sock' } } }));
        const ep = resolveEngine({}, home);
        assert.deepEqual(ep, { host: 'unix:///home/u/.colima/docker.sock', source: 'context colima' });
        assert.deepEqual(dockerOptions(ep), { socketPath: '/home/u/.colima/docker.sock' });
        assert.equal(engineEnv(ep, {}).DOCKER_HOST, 'unix:///home/u/.colima/docker.sock');
        assert.deepEqual(dockerOptions({ host: 'tcp://10.0.0.5:2375', source: 'x' }), { protocol: 'http', host: '10.0.0.5', port: 2375 });
      } finally {
        fs.rmSync(home, { recursive: true, force: true });
      }
    });
  });

  describe('state and presentation', () => {
    const NOW = Date.parse('2024-05-01T12:00:00Z');
    const info = (over: Partial<Docker.ContainerInfo>): Docker.ContainerInfo => ({
      Id: 'abc123', Names: ['/p_worker_1'], Image: 'airflow-ecs-test/busybox:1', ImageID: '', Command: '', Created: 0, State: 'running', Status: 'Up 5 minutes',
      Ports: [], Labels: { 'com.docker.compose.service': 'worker', 'com.docker.compose.container-number': '1' }, HostConfig: { NetworkMode: '' }, NetworkSettings: { Networks: {} }, Mounts: [],
      ...over,
    });
    it('formats uptime coarsely', () => {
      assert.equal(formatUptime(30_000), 'Up less than a minute');
      assert.equal(formatUptime(5 * 60_000 + 10_000), 'Up 5 min');
      assert.equal(formatUptime(3 * 3600_000), 'Up 3 h');
      assert.equal(formatUptime(72 * 3600_000), 'Up 3 days');
    });
    it('turns listContainers entries into states: health, exit code, ports; start time and health from inspect', () => {
      const web = toContainerState(info({ Status: 'Up 2 minutes (health: starting)', Ports: [
        { IP: '0.0.0.0', PrivatePort: 8080, PublicPort: 32768, Type: 'tcp' }, { IP: '::', PrivatePort: 8080, PublicPort: 32768, Type: 'tcp' }, { IP: '', PrivatePort: 8793, PublicPort: 0, Type: 'tcp' },
      ] }));
      assert.equal(web.health, 'starting');
      assert.deepEqual(web.ports, [{ privatePort: 8080, publicPort: 32768, type: 'tcp' }]);
      assert.equal(web.startedAt, undefined);
      // The list's "Up 2 minutes" is rounded (and podman's has no health): inspect's State is exact.
      const detail = toContainerDetail({ State: { StartedAt: '2024-05-01T11:58:31.123456789Z', Health: { Status: 'healthy' } } } as Docker.ContainerInspectInfo);
      assert.deepEqual(detail, { startedAt: Date.parse('2024-05-01T11:58:31.123Z'), health: 'healthy' });
      const exact = toContainerState(info({ Status: 'Up 2 minutes' }), detail);
      assert.deepEqual([exact.startedAt, exact.health], [Date.parse('2024-05-01T11:58:31.123Z'), 'healthy']);
      assert.equal(toContainerDetail({ State: { StartedAt: '0001-01-01T00:00:00Z' } } as Docker.ContainerInspectInfo).startedAt, undefined);
      const dead = toContainerState(info({ State: 'exited', Status: 'Exited (137) 3 seconds ago' }), detail);
      assert.equal(dead.exitCode, 137);
      assert.equal(dead.startedAt, undefined);
    });
    it('keeps the IPv4 host port when the engine gave the IPv6 binding another one, whichever it lists first', () => {
      const v4 = { IP: '0.0.0.0', PrivatePort: 8080, PublicPort: 32784, Type: 'tcp' };
      const v6 = { IP: '::', PrivatePort: 8080, PublicPort: 32783, Type: 'tcp' };
      for (const order of [[v4, v6], [v6, v4]]) {
        assert.deepEqual(toContainerState(info({ Ports: order })).ports, [{ privatePort: 8080, publicPort: 32784, type: 'tcp' }]);
      }
      assert.deepEqual(toContainerState(info({ Ports: [v6] })).ports, [{ privatePort: 8080, publicPort: 32783, type: 'tcp' }], 'an IPv6-only binding is still shown');
    });
    it('the tracker inspects running containers once, then only those an event names', async () => {
      const inspected: string[] = [];
      let list = [info({ Id: 'a' }), info({ Id: 'b', State: 'exited', Status: 'Exited (0) 1 second ago' })];
      const listeners: Record<string, (chunk?: Buffer) => void> = {};
      const stream = { on: (e: string, l: (chunk?: Buffer) => void) => { listeners[e] = l; return stream; }, removeAllListeners: () => stream, destroy: () => undefined };
      const docker = {
        getEvents: async () => stream,
        listContainers: async () => list,
        getContainer: (id: string) => ({ inspect: async () => { inspected.push(id); return { State: { StartedAt: '2024-05-01T11:00:00Z' } }; } }),
      } as unknown as Docker;
      const tracker = new StackTracker(docker, 'p', { debounceMs: 1 });
      await tracker.start();
      assert.deepEqual(inspected, ['a']);
      assert.equal(tracker.containers.find((c) => c.id === 'a')!.startedAt, Date.parse('2024-05-01T11:00:00Z'));
      list = [info({ Id: 'a' }), info({ Id: 'b' }), info({ Id: 'c' })];
      const changed = new Promise<void>((resolve) => { const off = tracker.onChange(() => { off(); resolve(); }); });
      listeners.data(Buffer.from(JSON.stringify({ id: 'b', Action: 'start' }) + '\n'));
      await changed;
      assert.deepEqual(inspected, ['a', 'b', 'c']);
      assert.equal(tracker.apiCalls, 1 + 2 + 3);
      tracker.dispose();
    });
    it('shows services: not created, scaled, healthy, exited with code, restarting', () => {
      const svc = { name: 'worker', image: 'apache/airflow:2.10', ports: [], hasHealthcheck: false };
      assert.deepEqual([serviceView(svc, [], NOW).description, serviceView(svc, [], NOW).state], ['not created · airflow:2.10', 'notCreated']);
      const c1 = { ...toContainerState(info({})), startedAt: NOW - 300_000 };
      const c2: ContainerState = { ...toContainerState(info({ Id: 'def', State: 'exited', Status: 'Exited (1) 1 second ago' })), number: 2 };
      const scaled = serviceView(svc, [c1, c2], NOW + 60_000);
      assert.equal(scaled.description, '1/2 running (exited (1)) · busybox:1 · Up 6 min');
      assert.equal(scaled.tone, 'error');
      const healthy = serviceView({ ...svc, name: 'webserver' }, [{ ...c1, health: 'healthy', ports: [{ privatePort: 8080, publicPort: 8080, type: 'tcp' }] }], NOW);
      assert.equal(healthy.description, 'healthy · 8080→8080 · busybox:1 · Up 5 min');
      const restarting = serviceView(svc, [toContainerState(info({ State: 'restarting', Status: 'Restarting (1) 2 seconds ago' }))], NOW);
      assert.deepEqual([restarting.description, restarting.tone, restarting.state], ['restarting · busybox:1', 'warning', 'stopped']);
      assert.equal(projectView('p', [svc, { ...svc, name: 'redis' }], [c1, c2], 'compose/docker-compose.yml').description, '1/2 services running · compose/docker-compose.yml');
    });
    it('the project is ok only when every service runs (or finished cleanly, like airflow-init); partial is a warning', () => {
      const svc = (name: string) => ({ name, ports: [], hasHealthcheck: false });
      const run = (service: string, over: Partial<ContainerState> = {}): ContainerState => ({ ...toContainerState(info({ Id: service, Labels: { 'com.docker.compose.service': service } })), ...over });
      const all = ['a', 'b', 'c', 'd', 'init'].map(svc);
      assert.equal(projectView('p', all, ['a', 'b'].map((s) => run(s)), 'f').tone, 'warning');
      const full = [...['a', 'b', 'c', 'd'].map((s) => run(s)), run('init', { state: 'exited', exitCode: 0 })];
      assert.deepEqual([projectView('p', all, full, 'f').tone, projectView('p', all, full, 'f').description], ['ok', '4/5 services running · f']);
      assert.equal(projectView('p', all, [], 'f').tone, 'inactive');
      assert.equal(upSummary(all, ['a', 'b'].map((s) => run(s))).text, '2 of 5 services are up (not running: c, d, init)');
    });
    it('a Celery worker is known by its command or its name', () => {
      assert.ok(isCeleryWorker({ name: 'airflow-worker', command: 'celery worker' }));
      assert.ok(isCeleryWorker({ name: 'consumer', command: 'airflow celery worker -q default' }));
      assert.ok(isCeleryWorker({ name: 'worker' }));
      assert.ok(!isCeleryWorker({ name: 'airflow-scheduler', command: 'scheduler' }));
      assert.ok(!isCeleryWorker({ name: 'flower', command: 'celery flower' }));
    });
    it('log timestamps keep nanosecond order and round-trip into `since`', () => {
      const a = timestampNanos('2024-05-01T12:00:00.000000001Z')!;
      const b = timestampNanos('2024-05-01T12:00:00.1Z')!;
      assert.ok(a < b);
      assert.equal(sinceArg(b), '1714564800.100000000');
      assert.equal(timestampNanos('not a time'), undefined);
    });
  });

  describe('DockerLogSource', () => {
    const frame = (type: number, text: string) => {
      const head = Buffer.alloc(8);
      head[0] = type;
      head.writeUInt32BE(Buffer.byteLength(text), 4);
      return Buffer.concat([head, Buffer.from(text)]);
    };
    it('reads multiplexed frames (no TTY) and raw TTY output alike', () => {
      const muxed = Buffer.concat([frame(1, '2024-05-01T12:00:00.1Z out\n'), frame(2, '2024-05-01T12:00:00.2Z err\n')]);
      assert.equal(logText(muxed), '2024-05-01T12:00:00.1Z out\n2024-05-01T12:00:00.2Z err\n');
      assert.equal(logText(Buffer.from('2024-05-01T12:00:00.1Z tty\r\n')), '2024-05-01T12:00:00.1Z tty\r\n');
    });
    it('gives re-read lines the same ids, so the dedup window drops them; distinct lines never collapse', () => {
      const text = [
        '2024-05-01T12:00:00.000000001Z same',
        '2024-05-01T12:00:00.000000001Z same',
        '2024-05-01T12:00:00.000000002Z same',
        '2024-05-01T12:00:00.000000002Z other',
        '2024-05-01T12:00:01Z last\r',
        '',
      ].join('\n');
      const first = parseContainerLogs('c'.repeat(64), 'worker-2', text);
      assert.deepEqual(first.map((e) => [e.stream, e.message]), [['worker-2', 'same'], ['worker-2', 'same'], ['worker-2', 'same'], ['worker-2', 'other'], ['worker-2', 'last']]);
      assert.equal(new Set(first.map((e) => e.eventId)).size, 5);
      assert.equal(first[4].timestamp, Date.parse('2024-05-01T12:00:01Z'));
      const dedup = new DedupWindow(10_000);
      assert.equal(dedup.admit(first).length, 5);
      const again = parseContainerLogs('c'.repeat(64), 'worker-2', `${text}2024-05-01T12:00:02Z new\n`);
      assert.deepEqual(dedup.admit(again).map((e) => e.message), ['new']);
      // Same text and time in another container is another line.
      assert.equal(dedup.admit(parseContainerLogs('d'.repeat(64), 'worker-1', text)).length, 5);
      // Order within a millisecond follows the nanoseconds.
      assert.deepEqual(new DedupWindow(10_000).admit([...first].reverse()).map((e) => e.message), ['same', 'same', 'same', 'other', 'last']);
    });
    it('lists the project containers by label and asks each for its lines since the tail position', async () => {
      const asked: unknown[] = [];
      const docker = {
        listContainers: async (opts: unknown) => {
          asked.push(opts);
          return [{ Id: 'a'.repeat(64), Names: ['/p-worker-2'], Labels: { 'com.docker.compose.service': 'worker', 'com.docker.compose.container-number': '2' } }];
        },
        getContainer: () => ({
          logs: async (opts: unknown) => {
            asked.push(opts);
            return frame(1, '2024-05-01T12:00:00.5Z worker line 7\n');
          },
        }),
      } as unknown as Docker;
      const events = await new DockerLogSource(docker, 'p', 'worker').fetch({ since: Date.parse('2024-05-01T12:00:00.250Z'), behind: new Map() }, new AbortController().signal);
      assert.deepEqual(events.map((e) => `${e.stream} | ${e.message}`), ['worker-2 | worker line 7']);
      const [list, logs] = asked as [{ all: boolean; filters: unknown }, Record<string, unknown>];
      assert.deepEqual([list.all, list.filters], [true, { label: ['com.docker.compose.project=p', 'com.docker.compose.service=worker'] }]);
      assert.deepEqual([logs.since, logs.follow, logs.timestamps, logs.stdout, logs.stderr], ['1714564800.250000000', false, true, true, true]);
    });
  });
});
