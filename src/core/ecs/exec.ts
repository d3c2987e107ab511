import { servesUi, type AirflowRole } from '../airflow/roles';
import type { Container, Task } from '../aws/ecs';
import { AwsProblem } from '../aws/errors';
import { shortTaskId } from './present';

/**
 * ECS Exec and port forwarding through the task's managed agent, as the AWS CLI does them
 * (`aws ecs execute-command`, `aws ssm start-session`): an API call opens a session, then the
 * Session Manager plugin runs with the session and the request as its arguments.
 */

export const SESSION_PLUGIN = 'session-manager-plugin';
export const PLUGIN_INSTALL_URL = 'https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-working-with-install-plugin.html';
export const PORT_FORWARD_DOCUMENT = 'AWS-StartPortForwardingSessionToRemoteHost';
/** The AWS CLI hands the StartSession answer over in this variable to plugins newer than 1.2.497.0. */
export const SESSION_RESPONSE_ENV = 'AWS_SSM_START_SESSION_RESPONSE';
const LAST_PLUGIN_WITHOUT_ENV = [1, 2, 497, 0];
const EXEC_AGENT = 'ExecuteCommandAgent';

export type ExecReason = 'notEnabled' | 'agentNotRunning' | 'targetNotConnected' | 'notRunning';

/** Why a session into a task cannot open, in one sentence with what to do next. */
export class ExecProblem extends AwsProblem {
  constructor(readonly reason: ExecReason, message: string) {
    super('other', message);
  }
}

/** `arn:aws:ecs:…:cluster/prod` → `prod`; `…:task/prod/abc` → `abc`. */
function lastSegment(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}

/** The SSM target of a container: `ecs:<cluster name>_<task id>_<container runtime id>`. */
export function execTarget(clusterArn: string, taskArn: string, runtimeId: string): string {
  return `ecs:${lastSegment(clusterArn)}_${lastSegment(taskArn)}_${runtimeId}`;
}

/**
 * Whether a session into `container` of `task` can open now, read from DescribeTasks: the task
 * runs, was started with enableExecuteCommand, and the container's managed agent runs.
 */
export function execReadiness(task: Task, container: Container): ExecProblem | undefined {
  const id = shortTaskId(task.taskArn);
  if (task.lastStatus !== 'RUNNING') {
    return new ExecProblem('notRunning', `Task ${id} is ${(task.lastStatus ?? 'not running').toLowerCase()}: a shell or a forwarded port needs a running task.`);
  }
  if (!task.enableExecuteCommand) {
    return new ExecProblem('notEnabled', `Task ${id} was started without ECS Exec (enableExecuteCommand is off), so nothing can open a session into it.`);
  }
  const agent = (container.managedAgents ?? []).find((a) => a.name === EXEC_AGENT);
  if (agent?.lastStatus !== 'RUNNING' || !container.runtimeId) {
    const state = agent?.lastStatus ? `${agent.lastStatus.toLowerCase()}, not running yet` : 'not running yet';
    return new ExecProblem('agentNotRunning', `The ECS Exec agent in container ${container.name} of task ${id} is ${state}: wait a minute after the task starts and try again.`);
  }
  return undefined;
}

/** ECS's and SSM's answers that mean "no session", as ExecProblems; anything else is left to the caller. */
export function sessionFailure(error: unknown, task: string): ExecProblem | undefined {
  const err = (error ?? {}) as { name?: string; message?: string };
  const name = err.name ?? '';
  if (/^TargetNotConnected/.test(name)) {
    return new ExecProblem('targetNotConnected', `The managed agent of task ${task} is not connected to Systems Manager (${name}): the task role needs the ssmmessages permissions and the task a route to the ssmmessages endpoint. Check the task with amazon-ecs-exec-checker, then try again.`);
  }
  if (name === 'InvalidParameterException' && /execute command was not enabled|agent isn.t running/i.test(err.message ?? '')) {
    // Asked only after DescribeTasks showed exec on and the agent running: the agent is not ready after all.
    return new ExecProblem('agentNotRunning', `ECS refused the session: the ECS Exec agent of task ${task} is not ready yet. Wait a minute and try again.`);
  }
  return undefined;
}

/** Whether the plugin takes the session in SESSION_RESPONSE_ENV (`--version` newer than 1.2.497.0), as the AWS CLI decides. */
export function pluginTakesEnvResponse(version: string): boolean {
  const v = version.replace(/\s+/g, '');
  if (!/^\d+(\.\d+){0,3}$/.test(v)) return false;
  const parts = v.split('.').map(Number);
  while (parts.length < LAST_PLUGIN_WITHOUT_ENV.length) parts.push(0);
  for (let i = 0; i < parts.length; i++) {
    if (parts[i] !== LAST_PLUGIN_WITHOUT_ENV[i]) return parts[i] > LAST_PLUGIN_WITHOUT_ENV[i];
  }
  return false;
}

export interface PluginInvocation {
  /** The session JSON, or the name of the variable that holds it. */
  session: string;
  region: string;
  /** The chosen profile; empty for the default chain, as the AWS CLI passes it. */
  profile?: string;
  /** The StartSession request (for ECS Exec: `{ Target }`). */
  request: object;
  endpoint: string;
}

/** The plugin's arguments, in the order the AWS CLI passes them. */
export function pluginArgs(p: PluginInvocation): string[] {
  return [p.session, p.region, 'StartSession', p.profile ?? '', JSON.stringify(p.request), p.endpoint];
}

/** The StartSession request that forwards `localPort` to `host:remotePort` as seen from the task. */
export function portForwardRequest(target: string, host: string, remotePort: number, localPort: number) {
  return {
    Target: target,
    DocumentName: PORT_FORWARD_DOCUMENT,
    Parameters: { host: [host], portNumber: [String(remotePort)], localPortNumber: [String(localPort)] },
  };
}

/** The port a component serves on by default: the api-server's (or webserver's) 8080, Flower's 5555. */
export function defaultRemotePort(role: AirflowRole | undefined): number | undefined {
  if (servesUi(role)) return 8080;
  return role === 'flower' ? 5555 : undefined;
}

export function validatePort(value: string): string | undefined {
  const n = Number(value.trim());
  return Number.isInteger(n) && n >= 1 && n <= 65535 ? undefined : 'Enter a port number from 1 to 65535.';
}

/** The container a forwarded port goes through: one serving the UI, else the first with a running agent. */
export function forwardingContainer(task: Task, role: (name: string) => AirflowRole | undefined): Container | undefined {
  const containers = task.containers ?? [];
  const running = (c: Container) => (c.managedAgents ?? []).some((a) => a.name === EXEC_AGENT && a.lastStatus === 'RUNNING');
  return containers.find((c) => servesUi(role(c.name ?? '')) && running(c)) ?? containers.find(running) ?? containers[0];
}

/** The real plugin prints this once the local port listens. */
export const FORWARD_READY = /Waiting for connections/;
