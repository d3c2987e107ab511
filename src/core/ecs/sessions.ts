import * as net from 'node:net';
import type { AwsConnection } from '../aws/connection';
import type { Container, EcsApi, Task } from '../aws/ecs';
import type { SsmApi } from '../aws/ssm';
import { processRunner, ProcessAborted, type RunResult } from '../process/runner';
import { execReadiness, execTarget, FORWARD_READY, pluginArgs, pluginTakesEnvResponse, portForwardRequest, SESSION_PLUGIN, SESSION_RESPONSE_ENV } from './exec';
import { shortTaskId } from './present';

/** The task and container a session goes into, read again from DescribeTasks just before. */
export interface SessionTarget {
  clusterArn: string;
  task: Task;
  container: Container;
}

/** Throws the ExecProblem that stops a session into `target`, if any. */
function requireReady({ task, container }: SessionTarget): void {
  const problem = execReadiness(task, container);
  if (problem) throw problem;
}

/**
 * ECS Exec as `aws ecs execute-command --interactive` does it: ExecuteCommand, then the plugin's
 * arguments with the session JSON first and `{ Target }` as the request. The caller runs the
 * plugin in a terminal (it needs one for the shell).
 */
export async function execShellArgs(ecs: EcsApi, conn: AwsConnection, target: SessionTarget, command: string, signal?: AbortSignal): Promise<string[]> {
  requireReady(target);
  const { clusterArn, task, container } = target;
  const session = await ecs.executeCommand(clusterArn, task.taskArn ?? '', container.name ?? '', command, signal);
  return pluginArgs({
    session: JSON.stringify(session),
    region: conn.region,
    profile: conn.profile,
    request: { Target: execTarget(clusterArn, task.taskArn ?? '', container.runtimeId ?? '') },
    endpoint: await ecs.endpoint(),
  });
}

/** `preferred` when nothing listens on it on loopback, else a port the OS hands out. */
export async function freeLocalPort(preferred?: number): Promise<number> {
  const tryListen = (port: number) => new Promise<number | undefined>((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => {
      const { port: bound } = server.address() as net.AddressInfo;
      server.close(() => resolve(bound));
    });
  });
  return (preferred ? await tryListen(preferred) : undefined) ?? (await tryListen(0)) ?? 0;
}

export interface PortForwardRequest extends SessionTarget {
  /** The host as the task sees it: `localhost` is the task itself. */
  host: string;
  remotePort: number;
  localPort: number;
}

/** A running forward: the plugin process and its session. */
export interface PortForward {
  readonly sessionId: string;
  readonly localPort: number;
  readonly remotePort: number;
  readonly taskId: string;
  /** Resolves when the plugin listens on the local port; rejects when it ends before. */
  readonly ready: Promise<void>;
  /** Resolves when the plugin ends for any reason but stop(), with what it printed. */
  readonly ended: Promise<RunResult | 'stopped'>;
  /** Ends the plugin and the session. */
  stop(): Promise<void>;
}

/** The plugin ended before it listened: its own last words say why. */
export class PortForwardFailed extends Error {
  constructor(readonly output: string, code: number | null) {
    const last = output.trim().split('\n').filter(Boolean).slice(-2).join(' ').trim();
    super(`The Session Manager plugin stopped before it forwarded the port (exit code ${code ?? 'none'})${last ? `: ${last}` : ''}.`);
    this.name = 'PortForwardFailed';
  }
}

/**
 * Port forwarding as `aws ssm start-session --document-name AWS-StartPortForwardingSessionToRemoteHost`
 * does it: the plugin is checked first (`--version`, which also says how to hand over the
 * session), then StartSession against the container's target, then the plugin runs until stopped.
 */
export async function startPortForward(ssm: SsmApi, conn: AwsConnection, req: PortForwardRequest): Promise<PortForward> {
  requireReady(req);
  const runner = processRunner();
  // Before StartSession, so a missing plugin leaves no session open on the agent.
  const version = await runner.run(SESSION_PLUGIN, ['--version']);
  const target = execTarget(req.clusterArn, req.task.taskArn ?? '', req.container.runtimeId ?? '');
  const request = portForwardRequest(target, req.host, req.remotePort, req.localPort);
  const session = await ssm.startSession(request);
  const sessionJson = JSON.stringify(session);
  const byEnv = pluginTakesEnvResponse(version.stdout);
  const env = byEnv ? { ...process.env, [SESSION_RESPONSE_ENV]: sessionJson } : process.env;
  const args = pluginArgs({ session: byEnv ? SESSION_RESPONSE_ENV : sessionJson, region: conn.region, profile: conn.profile, request, endpoint: await ssm.endpoint() });

  const controller = new AbortController();
  let listening: () => void = () => undefined;
  let output = '';
  const ready = new Promise<void>((resolve) => { listening = resolve; });
  const run = runner.run(SESSION_PLUGIN, args, {
    env,
    signal: controller.signal,
    onOutput: (text) => {
      output += text;
      if (FORWARD_READY.test(output)) listening();
    },
  });
  const ended: Promise<RunResult | 'stopped'> = run.then((r) => r, (err: unknown) => {
    if (err instanceof ProcessAborted) return 'stopped' as const;
    throw err;
  });
  const readyOrFailed = Promise.race([
    ready,
    ended.then((r) => { throw new PortForwardFailed(r === 'stopped' ? output : r.output, r === 'stopped' ? null : r.code); }),
  ]);
  // A failure after the port listened is reported through `ended`, not here.
  readyOrFailed.catch(() => undefined);
  return {
    sessionId: session.SessionId,
    localPort: req.localPort,
    remotePort: req.remotePort,
    taskId: shortTaskId(req.task.taskArn),
    ready: readyOrFailed,
    ended,
    stop: async () => {
      controller.abort();
      await ended.catch(() => undefined);
      // The agent keeps a session whose plugin went away until it times out; end it now.
      await ssm.terminateSession(session.SessionId).catch(() => undefined);
    },
  };
}
