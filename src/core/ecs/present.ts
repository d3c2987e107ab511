import type { Cluster, Container, DescribeFailure, Service, Task } from '../aws/ecs';

/** The state a node's icon and colour come from. */
export type Tone = 'ok' | 'progress' | 'warning' | 'error' | 'inactive';

export interface NodeView {
  label: string;
  description: string;
  /** Markdown. */
  tooltip: string;
  tone: Tone;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "less than a minute ago", "5 min ago", "3 h ago": minute granularity, so labels do not tick. */
export function relativeTime(date: Date | undefined, now: number): string {
  if (!date) return '';
  const ago = Math.max(0, now - date.getTime());
  if (ago < MINUTE) return 'less than a minute ago';
  if (ago < HOUR) return `${Math.floor(ago / MINUTE)} min ago`;
  if (ago < DAY) return `${Math.floor(ago / HOUR)} h ago`;
  return `${Math.floor(ago / DAY)} d ago`;
}

export function arnName(arn: string | undefined): string {
  if (!arn) return '';
  return arn.slice(arn.lastIndexOf('/') + 1);
}

/** `airflow-worker:12` from a task definition ARN. */
export function taskDefinitionName(arn: string | undefined): string {
  return arnName(arn);
}

export function shortTaskId(arn: string | undefined): string {
  return arnName(arn).slice(0, 8);
}

export function escapeMd(text: string): string {
  return text.replace(/([\\`*_{}[\]<>()#+\-.!|])/g, '\\$1');
}

function table(rows: [string, string | number | undefined][]): string {
  return rows
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `**${k}:** ${escapeMd(String(v))}`)
    .join('  \n');
}

export function clusterView(cluster: Cluster): NodeView {
  const services = cluster.activeServicesCount ?? 0;
  const running = cluster.runningTasksCount ?? 0;
  const pending = cluster.pendingTasksCount ?? 0;
  const providers = cluster.capacityProviders?.length ? cluster.capacityProviders.join(', ') : 'none';
  const strategy = cluster.defaultCapacityProviderStrategy
    ?.map((s) => `${s.capacityProvider} (weight ${s.weight ?? 0}, base ${s.base ?? 0})`)
    .join(', ');
  return {
    label: cluster.clusterName ?? arnName(cluster.clusterArn),
    description: `${services} service${services === 1 ? '' : 's'} · ${running} running${pending ? ` · ${pending} pending` : ''}`,
    tooltip: [
      `### Cluster ${escapeMd(cluster.clusterName ?? '')}`,
      table([
        ['Status', cluster.status],
        ['Active services', services],
        ['Running tasks', running],
        ['Pending tasks', pending],
        ['Capacity providers', providers],
        ['Default strategy', strategy],
      ]),
    ].join('\n\n'),
    tone: cluster.status === 'ACTIVE' ? 'ok' : 'inactive',
  };
}

export type DeploymentState = 'completed' | 'in progress' | 'failed' | 'rolled back' | 'unknown';

/** The state of the service's rollout, as the console shows it. */
export function deploymentState(service: Service): DeploymentState {
  const deployments = service.deployments ?? [];
  const primary = deployments.find((d) => d.status === 'PRIMARY');
  // The circuit breaker marks the failed deployment and makes the rollback the new primary.
  const rolledBack = deployments.some((d) => d.rolloutState === 'FAILED' && d.status !== 'PRIMARY') ||
    /roll(ed|ing)? ?back/i.test(primary?.rolloutStateReason ?? '');
  if (rolledBack) return 'rolled back';
  switch (primary?.rolloutState) {
    case 'COMPLETED': return 'completed';
    case 'IN_PROGRESS': return 'in progress';
    case 'FAILED': return 'failed';
    default: return primary ? (deployments.length > 1 ? 'in progress' : 'completed') : 'unknown';
  }
}

export function serviceView(service: Service, now: number): NodeView {
  const desired = service.desiredCount ?? 0;
  const running = service.runningCount ?? 0;
  const pending = service.pendingCount ?? 0;
  const launch = service.launchType ?? service.capacityProviderStrategy?.map((s) => s.capacityProvider).join('+') ?? '';
  const state = deploymentState(service);
  const taskDef = taskDefinitionName(service.taskDefinition);
  const events = (service.events ?? []).slice(0, 5);
  const tone: Tone = state === 'failed' || state === 'rolled back'
    ? 'error'
    : service.status !== 'ACTIVE'
      ? 'inactive'
      : state === 'in progress' || pending > 0
        ? 'progress'
        : running < desired
          ? 'warning'
          : 'ok';
  return {
    label: service.serviceName ?? arnName(service.serviceArn),
    description: `${running}/${desired} running${pending ? ` · ${pending} pending` : ''} · ${launch} · ${taskDef}${state === 'completed' ? '' : ` · ${state}`}`,
    tooltip: [
      `### Service ${escapeMd(service.serviceName ?? '')}`,
      table([
        ['Status', service.status],
        ['Desired / running / pending', `${desired} / ${running} / ${pending}`],
        ['Launch', launch],
        ['Task definition', taskDef],
        ['Deployment', state],
      ]),
      events.length
        ? `**Recent events**\n\n${events.map((e) => `- ${relativeTime(e.createdAt, now)}: ${escapeMd(e.message ?? '')}`).join('\n')}`
        : '',
    ].filter(Boolean).join('\n\n'),
    tone,
  };
}

function taskTone(task: Task): Tone {
  if (task.lastStatus === 'STOPPED') {
    // A stop someone asked for ends containers with SIGTERM/SIGKILL codes; that is no failure.
    if (task.stopCode === 'UserInitiated' || task.stopCode === 'ServiceSchedulerInitiated') return 'inactive';
    const badExit = task.containers?.some((c) => c.exitCode !== undefined && c.exitCode !== 0);
    return task.stopCode || badExit ? 'error' : 'inactive';
  }
  if (task.healthStatus === 'UNHEALTHY') return 'error';
  if (task.lastStatus === 'RUNNING' && task.desiredStatus === 'STOPPED') return 'warning';
  if (task.lastStatus === 'RUNNING') return 'ok';
  return 'progress';
}

export function taskView(task: Task, now: number): NodeView {
  const stopped = task.lastStatus === 'STOPPED';
  const status = task.lastStatus === task.desiredStatus ? task.lastStatus : `${task.lastStatus} → ${task.desiredStatus}`;
  const health = task.healthStatus && task.healthStatus !== 'UNKNOWN' ? task.healthStatus : undefined;
  const when = stopped ? `stopped ${relativeTime(task.stoppedAt, now)}` : task.startedAt ? `started ${relativeTime(task.startedAt, now)}` : '';
  return {
    label: shortTaskId(task.taskArn),
    description: [status, health, taskDefinitionName(task.taskDefinitionArn), when, task.availabilityZone, stopped ? task.stopCode : undefined]
      .filter(Boolean)
      .join(' · '),
    tooltip: [
      `### Task ${escapeMd(arnName(task.taskArn))}`,
      table([
        ['Last / desired status', `${task.lastStatus} / ${task.desiredStatus}`],
        ['Health', task.healthStatus],
        ['Task definition', taskDefinitionName(task.taskDefinitionArn)],
        ['Group', task.group],
        ['Started by', task.startedBy],
        ['Started', task.startedAt?.toISOString()],
        ['Availability zone', task.availabilityZone],
        ['Launch type', task.launchType ?? task.capacityProviderName],
        ['CPU / memory', task.cpu ? `${task.cpu} / ${task.memory}` : undefined],
        ['Stopped', task.stoppedAt?.toISOString()],
        ['Stop code', task.stopCode],
        ['Stopped reason', task.stoppedReason],
      ]),
    ].join('\n\n'),
    tone: taskTone(task),
  };
}

/** What the image labels say about a container's image (see core/ecr). */
export interface ContainerBuild {
  tag?: string;
  buildNumber?: string;
  commit?: string;
}

export function containerView(container: Container, build: ContainerBuild = {}): NodeView {
  const exited = container.exitCode !== undefined;
  const health = container.healthStatus && container.healthStatus !== 'UNKNOWN' ? container.healthStatus : undefined;
  const tone: Tone = container.healthStatus === 'UNHEALTHY' || (exited && container.exitCode !== 0)
    ? 'error'
    : container.lastStatus === 'RUNNING'
      ? 'ok'
      : container.lastStatus === 'STOPPED'
        ? 'inactive'
        : 'progress';
  return {
    label: container.name ?? '',
    description: [
      container.lastStatus, health, exited ? `exit ${container.exitCode}` : undefined, container.image,
      build.buildNumber ? `#${build.buildNumber}` : undefined, build.commit?.slice(0, 7),
    ].filter(Boolean).join(' · '),
    tooltip: [
      `### Container ${escapeMd(container.name ?? '')}`,
      table([
        ['Image', container.image],
        ['Image tag', build.tag],
        ['Build number', build.buildNumber],
        ['Commit', build.commit],
        ['Image digest', container.imageDigest],
        ['Status', container.lastStatus],
        ['Health', container.healthStatus],
        ['Exit code', container.exitCode],
        ['Reason', container.reason],
        ['CPU / memory', container.cpu ? `${container.cpu} / ${container.memory ?? '-'}` : undefined],
      ]),
    ].join('\n\n'),
    tone,
  };
}

/** The row for a resource ECS listed but could not describe: "Could not describe task 1a2b3c4d: MISSING". */
export function failureText(kind: 'cluster' | 'service' | 'task', failure: DescribeFailure): string {
  const name = kind === 'task' ? shortTaskId(failure.arn) : arnName(failure.arn);
  return `Could not describe ${kind} ${name || failure.arn}: ${failure.reason}${failure.detail ? ` (${failure.detail})` : ''}`;
}

/** Tasks stopped within the last hour, newest first. */
export function recentlyStopped(tasks: Task[], now: number): Task[] {
  return tasks
    .filter((t) => t.stoppedAt && now - t.stoppedAt.getTime() <= HOUR)
    .sort((a, b) => (b.stoppedAt?.getTime() ?? 0) - (a.stoppedAt?.getTime() ?? 0));
}

export type ConsoleTarget =
  | { kind: 'cluster'; cluster: string }
  | { kind: 'service'; cluster: string; service: string }
  | { kind: 'task'; cluster: string; taskArn: string };

/** The AWS console page for a resource, on the right partition's console host. */
export function consoleUrl(region: string, target: ConsoleTarget): string {
  const host = region.startsWith('cn-')
    ? `${region}.console.amazonaws.cn`
    : region.startsWith('us-gov-')
      ? 'console.amazonaws-us-gov.com'
      : `${region}.console.aws.amazon.com`;
  const base = `https://${host}/ecs/v2/clusters/${encodeURIComponent(target.cluster)}`;
  const query = `?region=${encodeURIComponent(region)}`;
  switch (target.kind) {
    case 'cluster': return `${base}/services${query}`;
    case 'service': return `${base}/services/${encodeURIComponent(target.service)}/health${query}`;
    case 'task': return `${base}/tasks/${encodeURIComponent(arnName(target.taskArn))}/configuration${query}`;
  }
}

/** Input-box validation for a service's desired count. */
export function validateDesiredCount(value: string): string | undefined {
  if (!/^\s*\d+\s*$/.test(value)) return 'Enter a whole number of tasks, 0 or more.';
  const n = Number(value);
  if (n > 5000) return 'An ECS service runs at most 5,000 tasks; enter a smaller number.';
  return undefined;
}
