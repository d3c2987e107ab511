import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolveConnection, type AwsConnection } from '../../src/core/aws/connection';
import { createEcsApi, type Task } from '../../src/core/aws/ecs';
import { AwsProblem } from '../../src/core/aws/errors';
import { createSsmApi } from '../../src/core/aws/ssm';
import { ExecProblem, execTarget } from '../../src/core/ecs/exec';
import { execShellArgs, freeLocalPort, PortForwardFailed, startPortForward } from '../../src/core/ecs/sessions';
import { silentLogger } from '../../src/core/log';
import { ExecutableNotFound, processRunner } from '../../src/core/process/runner';
import { withAwsProfileFiles } from '../support/awsProfiles';
import { control, startFakeAws, type FakeAws } from '../support/fakeAws';
import type { FakeEcs } from '../support/fakeAws/ecs';
import type { FakeSsm } from '../support/fakeAws/ssm';
import { createSessionPluginStandIn, prependPath, type SessionPluginStandIn } from '../support/sessionPlugin';

describe('ECS Exec and port forwarding against the local AWS endpoint and a recording session-manager-plugin', () => {
  let aws: FakeAws;
  let ecs: FakeEcs;
  let ssm: FakeSsm;
  let restoreEnv: () => void;
  let conn: AwsConnection;
  let upstream: http.Server;
  let upstreamPort: number;

  before(async () => {
    ({ aws, ecs, ssm } = await startFakeAws());
    restoreEnv = withAwsProfileFiles();
    conn = await resolveConnection({ profile: 'test', region: '', endpoint: aws.url });
    // The "api-server" a forwarded port reaches: a real HTTP server.
    upstream = http.createServer((req, res) => res.end(`airflow api-server says hello to ${req.url}`));
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    upstreamPort = (upstream.address() as AddressInfo).port;
  });
  after(async () => {
    restoreEnv();
    upstream.close();
    await aws.close();
  });
  beforeEach(() => {
    aws.reset();
    ecs.seed([{
      name: 'airflow-prod',
      services: [
        { name: 'airflow-apiserver', desiredCount: 1, enableExecuteCommand: true, containers: [{ name: 'api-server' }, { name: 'log-router' }] },
        { name: 'airflow-worker', desiredCount: 1 },
      ],
    }]);
  });

  async function taskOf(service: string): Promise<{ clusterArn: string; task: Task }> {
    const api = createEcsApi(conn, silentLogger);
    const clusterArn = 'arn:aws:ecs:us-east-1:123456789012:cluster/airflow-prod';
    const { arns } = await api.listTaskArns(clusterArn, { serviceName: service, desiredStatus: 'RUNNING' });
    const { items: [task] } = await api.describeTasks(clusterArn, arns);
    return { clusterArn, task };
  }

  describe('wire shapes', () => {
    it('DescribeTasks carries enableExecuteCommand, runtime ids and the ExecuteCommandAgent', async () => {
      const { task } = await taskOf('airflow-apiserver');
      assert.equal(task.enableExecuteCommand, true);
      const [c] = task.containers!;
      assert.match(c.runtimeId ?? '', /^[0-9a-f]{32}-/);
      assert.equal(c.managedAgents?.[0]?.name, 'ExecuteCommandAgent');
      assert.equal(c.managedAgents?.[0]?.lastStatus, 'RUNNING');
      assert.equal((await taskOf('airflow-worker')).task.enableExecuteCommand, false);
    });

    it('ExecuteCommand answers a session id, stream URL and token value', async () => {
      const { clusterArn, task } = await taskOf('airflow-apiserver');
      const session = await createEcsApi(conn, silentLogger).executeCommand(clusterArn, task.taskArn!, 'api-server', '/bin/sh');
      assert.match(session.sessionId, /^ecs-execute-command-/);
      assert.match(session.streamUrl, /^wss:\/\/ssmmessages\.us-east-1\.amazonaws\.com\/v1\/data-channel\//);
      assert.ok(session.tokenValue.length > 40);
    });

    it('ExecuteCommand on a task without exec says so in ECS words, and TargetNotConnectedException is told apart', async () => {
      const api = createEcsApi(conn, silentLogger);
      const worker = await taskOf('airflow-worker');
      await assert.rejects(api.executeCommand(worker.clusterArn, worker.task.taskArn!, worker.task.containers![0].name!, '/bin/sh'), (err: unknown) => {
        assert.ok(err instanceof ExecProblem);
        assert.equal(err.reason, 'agentNotRunning');
        return true;
      });
      const apiServer = await taskOf('airflow-apiserver');
      await control(aws.url, 'ecs', 'execAgent', { task: apiServer.task.taskArn, connected: false });
      await assert.rejects(api.executeCommand(apiServer.clusterArn, apiServer.task.taskArn!, 'api-server', '/bin/sh'), (err: unknown) => {
        assert.ok(err instanceof ExecProblem);
        assert.equal(err.reason, 'targetNotConnected');
        return true;
      });
    });

    it('AccessDenied on ExecuteCommand names ecs:ExecuteCommand', async () => {
      const { clusterArn, task } = await taskOf('airflow-apiserver');
      aws.injectFault({ operation: 'ExecuteCommand', kind: 'accessDenied', count: 1 });
      await assert.rejects(createEcsApi(conn, silentLogger).executeCommand(clusterArn, task.taskArn!, 'api-server', '/bin/sh'), (err: unknown) => {
        assert.ok(err instanceof AwsProblem);
        assert.equal(err.kind, 'accessDenied');
        assert.equal(err.action, 'ecs:ExecuteCommand');
        return true;
      });
    });

    it('StartSession answers SessionId, StreamUrl and TokenValue for a connected ecs: target, TargetNotConnected otherwise', async () => {
      const { clusterArn, task } = await taskOf('airflow-apiserver');
      const api = createSsmApi(conn, silentLogger);
      const target = execTarget(clusterArn, task.taskArn!, task.containers![0].runtimeId!);
      const session = await api.startSession({ Target: target, DocumentName: 'AWS-StartPortForwardingSessionToRemoteHost', Parameters: { host: ['localhost'], portNumber: ['8080'], localPortNumber: ['8080'] } });
      assert.match(session.SessionId, /^test-/);
      assert.match(session.StreamUrl, /^wss:\/\//);
      assert.ok(session.TokenValue);
      await api.terminateSession(session.SessionId);
      assert.equal(ssm.sessions[0].status, 'Terminated');
      await assert.rejects(api.startSession({ Target: `${target}x` }), (err: unknown) => err instanceof ExecProblem && err.reason === 'targetNotConnected');
      await assert.rejects(api.startSession({ Target: target, DocumentName: 'AWS-Nope' }), (err: unknown) => err instanceof AwsProblem && /Document with name AWS-Nope does not exist/.test(err.message));
    });

    it('tells the plugin the endpoint the SDK sends to: the override, else the regional one', async () => {
      assert.equal(await createEcsApi(conn, silentLogger).endpoint(), aws.url);
      assert.equal(await createSsmApi(conn, silentLogger).endpoint(), aws.url);
      const real: AwsConnection = { source: 'test', region: 'eu-west-1' };
      assert.equal(await createEcsApi(real, silentLogger).endpoint(), 'https://ecs.eu-west-1.amazonaws.com');
      assert.equal(await createSsmApi({ source: 'test', region: 'cn-north-1' }, silentLogger).endpoint(), 'https://ssm.cn-north-1.amazonaws.com.cn');
    });
  });

  describe('the plugin invocation (contract test with a recording stand-in; not run against the real plugin)', () => {
    let plugin: SessionPluginStandIn;
    let restorePath: () => void;
    beforeEach(() => {
      plugin = createSessionPluginStandIn();
      restorePath = prependPath(plugin.dir);
    });
    afterEach(() => {
      restorePath();
      plugin.remove();
    });

    it('ECS Exec: the session JSON, region, StartSession, profile, {Target} and the ECS endpoint, which the plugin accepts', async () => {
      const { clusterArn, task } = await taskOf('airflow-apiserver');
      const args = await execShellArgs(createEcsApi(conn, silentLogger), conn, { clusterArn, task, container: task.containers![0] }, '/bin/bash');
      assert.equal(args.length, 6);
      const session = JSON.parse(args[0]) as Record<string, string>;
      assert.deepEqual(Object.keys(session).sort(), ['sessionId', 'streamUrl', 'tokenValue']);
      assert.deepEqual(args.slice(1), ['us-east-1', 'StartSession', 'test', JSON.stringify({ Target: execTarget(clusterArn, task.taskArn!, task.containers![0].runtimeId!) }), aws.url]);
      // The terminal runs exactly this; the stand-in parses it as the plugin would.
      const run = await processRunner().run('session-manager-plugin', args);
      assert.equal(run.code, 0, run.output);
      assert.match(run.output, new RegExp(`Starting session with SessionId: ${session.sessionId}`));
      assert.deepEqual(plugin.calls().map((c) => c.args), [args]);
    });

    it('ECS Exec on a task whose agent is pending asks ECS nothing', async () => {
      const { clusterArn, task } = await taskOf('airflow-apiserver');
      await control(aws.url, 'ecs', 'execAgent', { task: task.taskArn, agent: 'PENDING' });
      const fresh = (await taskOf('airflow-apiserver')).task;
      await assert.rejects(execShellArgs(createEcsApi(conn, silentLogger), conn, { clusterArn, task: fresh, container: fresh.containers![0] }, '/bin/sh'),
        (err: unknown) => err instanceof ExecProblem && err.reason === 'agentNotRunning');
      assert.equal(aws.countCalls('ExecuteCommand'), 0);
    });

    it('Port forwarding: --version first, the session in AWS_SSM_START_SESSION_RESPONSE, and the forwarded URL works until stopped', async () => {
      const { clusterArn, task } = await taskOf('airflow-apiserver');
      const localPort = await freeLocalPort();
      const forward = await startPortForward(createSsmApi(conn, silentLogger), conn, { clusterArn, task, container: task.containers![0], host: 'localhost', remotePort: upstreamPort, localPort });
      await forward.ready;
      const body = await (await fetch(`http://localhost:${localPort}/api/v2/version`)).text();
      assert.equal(body, 'airflow api-server says hello to /api/v2/version');

      const [version, run] = plugin.calls();
      assert.deepEqual(version.args, ['--version']);
      const request = { Target: execTarget(clusterArn, task.taskArn!, task.containers![0].runtimeId!), DocumentName: 'AWS-StartPortForwardingSessionToRemoteHost', Parameters: { host: ['localhost'], portNumber: [String(upstreamPort)], localPortNumber: [String(localPort)] } };
      assert.deepEqual(run.args, ['AWS_SSM_START_SESSION_RESPONSE', 'us-east-1', 'StartSession', 'test', JSON.stringify(request), aws.url]);
      const session = JSON.parse(run.env.AWS_SSM_START_SESSION_RESPONSE) as Record<string, string>;
      assert.deepEqual(Object.keys(session), ['SessionId', 'TokenValue', 'StreamUrl']);
      assert.equal(session.SessionId, forward.sessionId);
      assert.equal(ssm.sessions[0].status, 'Connected');

      await forward.stop();
      assert.equal(await forward.ended, 'stopped');
      assert.equal(ssm.sessions[0].status, 'Terminated', 'the session is ended on the agent side too');
      await assert.rejects(fetch(`http://localhost:${localPort}/`), 'nothing listens after stop');
    });

    it('Port forwarding with a plugin of 1.2.497.0 or older passes the session JSON as the first argument', async () => {
      restorePath();
      plugin.remove();
      plugin = createSessionPluginStandIn({ version: '1.2.497.0' });
      restorePath = prependPath(plugin.dir);
      const { clusterArn, task } = await taskOf('airflow-apiserver');
      const forward = await startPortForward(createSsmApi(conn, silentLogger), conn, { clusterArn, task, container: task.containers![0], host: 'localhost', remotePort: upstreamPort, localPort: await freeLocalPort() });
      await forward.ready;
      await forward.stop();
      const run = plugin.calls()[1];
      assert.equal(JSON.parse(run.args[0]).SessionId, forward.sessionId);
      assert.equal(run.env.AWS_SSM_START_SESSION_RESPONSE, undefined);
    });

    it('a plugin that stops before it listens is reported with its own words, and its session ended', async () => {
      const busy = http.createServer();
      await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
      const taken = (busy.address() as AddressInfo).port;
      try {
        const { clusterArn, task } = await taskOf('airflow-apiserver');
        const forward = await startPortForward(createSsmApi(conn, silentLogger), conn, { clusterArn, task, container: task.containers![0], host: 'localhost', remotePort: upstreamPort, localPort: taken });
        await assert.rejects(forward.ready, (err: unknown) => err instanceof PortForwardFailed && /exit code 1.*Unable to start port forwarding: listen EADDRINUSE/.test(err.message));
        await forward.stop();
        assert.equal(ssm.sessions[0].status, 'Terminated');
      } finally {
        busy.close();
      }
    });

    it('no plugin on PATH: refused before StartSession, so no session is left open', async () => {
      const saved = process.env.PATH;
      process.env.PATH = '/nonexistent';
      try {
        const { clusterArn, task } = await taskOf('airflow-apiserver');
        await assert.rejects(startPortForward(createSsmApi(conn, silentLogger), conn, { clusterArn, task, container: task.containers![0], host: 'localhost', remotePort: 8080, localPort: 8080 }),
          (err: unknown) => err instanceof ExecutableNotFound && err.executable === 'session-manager-plugin');
        assert.equal(aws.countCalls('StartSession'), 0);
      } finally {
        process.env.PATH = saved;
      }
    });
  });
});
