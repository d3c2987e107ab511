import type { Container, ContainerDefinition, Service, ServiceDeployment, ServiceRevision, TaskDefinition } from '../aws/ecs';
import { arnName, escapeMd, relativeTime, table, taskDefinitionName, type ContainerBuild, type NodeView, type Tone } from './present';

const STATUS_WORDS: Record<string, string> = {
  PENDING: 'pending',
  IN_PROGRESS: 'in progress',
  SUCCESSFUL: 'successful',
  STOPPED: 'stopped',
  STOP_REQUESTED: 'stop requested',
  ROLLBACK_REQUESTED: 'rollback requested',
  ROLLBACK_IN_PROGRESS: 'rolling back',
  ROLLBACK_SUCCESSFUL: 'rolled back',
  ROLLBACK_FAILED: 'rollback failed',
};

const STATUS_TONES: Record<string, Tone> = {
  PENDING: 'progress',
  IN_PROGRESS: 'progress',
  SUCCESSFUL: 'ok',
  STOPPED: 'inactive',
  STOP_REQUESTED: 'progress',
  ROLLBACK_REQUESTED: 'progress',
  ROLLBACK_IN_PROGRESS: 'progress',
  ROLLBACK_SUCCESSFUL: 'warning',
  ROLLBACK_FAILED: 'error',
};

const STRATEGY_WORDS: Record<string, string> = { ROLLING: 'rolling', BLUE_GREEN: 'blue/green', LINEAR: 'linear', CANARY: 'canary' };

export function deploymentStatusText(status: string | undefined): string {
  return status ? STATUS_WORDS[status] ?? status.toLowerCase() : 'unknown';
}

/** StopServiceDeployment (with rollback) moves these to ROLLBACK_REQUESTED; later states it refuses or is already past. */
export function canStopDeployment(deployment: Pick<ServiceDeployment, 'status'>): boolean {
  return deployment.status === 'IN_PROGRESS' || deployment.status === 'PENDING';
}

/** A deployment is still moving: the tree reads it again until it settles. */
export function deploymentSettled(deployment: Pick<ServiceDeployment, 'status'>): boolean {
  return STATUS_TONES[deployment.status ?? ''] !== 'progress';
}

/** Newest first, by creation time (the API does not promise an order). */
export function newestFirst<T extends { createdAt?: Date; startedAt?: Date }>(items: T[]): T[] {
  const at = (d: T) => (d.createdAt ?? d.startedAt)?.getTime() ?? 0;
  return [...items].sort((a, b) => at(b) - at(a));
}

function minutesBetween(from: Date | undefined, to: Date | undefined): string | undefined {
  if (!from || !to) return undefined;
  const minutes = Math.max(0, Math.round((to.getTime() - from.getTime()) / 60_000));
  return minutes < 1 ? 'under a minute' : `${minutes} min`;
}

/** The task definition of a revision, `airflow-worker:8`, or the revision's id when it is not described. */
export function revisionName(arn: string | undefined, revisions: ReadonlyMap<string, ServiceRevision>): string {
  if (!arn) return '';
  const described = revisions.get(arn);
  return described?.taskDefinition ? taskDefinitionName(described.taskDefinition) : `revision ${arnName(arn)}`;
}

function circuitBreakerText(d: ServiceDeployment): string | undefined {
  const cb = d.deploymentCircuitBreaker;
  if (!cb || cb.status === 'DISABLED' || !cb.failureCount) return undefined;
  return `${cb.failureCount}/${cb.threshold ?? '?'} failed tasks${cb.status === 'TRIGGERED' ? ' (circuit breaker triggered)' : ''}`;
}

function alarmText(d: ServiceDeployment): string | undefined {
  const triggered = d.alarms?.triggeredAlarmNames ?? [];
  return triggered.length ? `alarm ${triggered.join(', ')}` : undefined;
}

/** A row of the Deployments list: the target revision, its status, strategy, times and what failed. */
export function deploymentView(d: ServiceDeployment, revisions: ReadonlyMap<string, ServiceRevision>, now: number): NodeView {
  const target = revisionName(d.targetServiceRevision?.arn, revisions);
  const sources = (d.sourceServiceRevisions ?? []).map((r) => revisionName(r.arn, revisions));
  const strategy = STRATEGY_WORDS[d.deploymentConfiguration?.strategy ?? ''] ?? d.deploymentConfiguration?.strategy?.toLowerCase();
  const ended = d.finishedAt ?? d.stoppedAt;
  const when = ended
    ? `finished ${relativeTime(ended, now)}, took ${minutesBetween(d.startedAt ?? d.createdAt, ended)}`
    : d.startedAt ? `started ${relativeTime(d.startedAt, now)}` : `created ${relativeTime(d.createdAt, now)}`;
  const cb = d.deploymentCircuitBreaker;
  const alarms = d.alarms;
  return {
    label: target || arnName(d.serviceDeploymentArn),
    description: [deploymentStatusText(d.status), strategy, when, circuitBreakerText(d), alarmText(d), sources.length ? `from ${sources.join(', ')}` : undefined]
      .filter(Boolean).join(' · '),
    tooltip: [
      `### Deployment ${escapeMd(arnName(d.serviceDeploymentArn))}`,
      table([
        ['Status', deploymentStatusText(d.status)],
        ['Reason', d.statusReason],
        ['Strategy', strategy],
        ['Lifecycle stage', d.lifecycleStage],
        ['Source revision', sources.join(', ')],
        ['Target revision', target],
        ['Started', d.startedAt?.toISOString()],
        ['Finished', d.finishedAt?.toISOString()],
        ['Stopped', d.stoppedAt?.toISOString()],
        ['Circuit breaker', cb && cb.status !== 'DISABLED' ? `${cb.status?.toLowerCase().replace(/_/g, ' ')}, ${cb.failureCount ?? 0} of ${cb.threshold ?? '?'} failed tasks` : undefined],
        ['Alarms', alarms?.alarmNames?.length ? `${alarms.alarmNames.join(', ')} (${alarms.status?.toLowerCase().replace(/_/g, ' ')})` : undefined],
        ['Triggered alarms', alarms?.triggeredAlarmNames?.join(', ')],
        ['Rolled back to', d.rollback?.serviceRevisionArn ? revisionName(d.rollback.serviceRevisionArn, revisions) : undefined],
        ['Rollback reason', d.rollback?.reason],
      ]),
    ].join('\n\n'),
    tone: STATUS_TONES[d.status ?? ''] ?? 'inactive',
  };
}

/** A service revision under its deployment: what it runs (images with their builds) and how many tasks. */
export function revisionView(
  role: 'source' | 'target',
  summary: { arn?: string; requestedTaskCount?: number; runningTaskCount?: number; pendingTaskCount?: number },
  revision: ServiceRevision | undefined,
  build: (container: Container) => ContainerBuild,
): NodeView {
  const images = (revision?.containerImages ?? []).map((c) => {
    const b = build({ name: c.containerName, image: c.image, imageDigest: c.imageDigest });
    return { name: c.containerName ?? '', image: c.image ?? '', build: b };
  });
  const imageText = images.map((i) => [tagOf(i.image), i.build.buildNumber ? `#${i.build.buildNumber}` : undefined, i.build.commit?.slice(0, 7)].filter(Boolean).join(' ')).join(', ');
  const counts = `${summary.runningTaskCount ?? 0}/${summary.requestedTaskCount ?? 0} running${summary.pendingTaskCount ? ` · ${summary.pendingTaskCount} pending` : ''}`;
  return {
    label: `${role === 'source' ? 'Source' : 'Target'}: ${revision?.taskDefinition ? taskDefinitionName(revision.taskDefinition) : `revision ${arnName(summary.arn)}`}`,
    description: [counts, imageText].filter(Boolean).join(' · '),
    tooltip: [
      `### ${role === 'source' ? 'Source' : 'Target'} revision ${escapeMd(arnName(summary.arn))}`,
      table([
        ['Task definition', revision?.taskDefinition ? taskDefinitionName(revision.taskDefinition) : undefined],
        ['Launch', revision?.launchType ?? revision?.capacityProviderStrategy?.map((s) => s.capacityProvider).join('+')],
        ['Platform', revision?.platformVersion],
        ['Tasks', counts],
        ['Created', revision?.createdAt?.toISOString()],
      ]),
      images.map((i) => `- **${escapeMd(i.name)}:** ${escapeMd(i.image)}${i.build.buildNumber ? ` (build ${escapeMd(i.build.buildNumber)}${i.build.commit ? `, commit ${escapeMd(i.build.commit.slice(0, 12))}` : ''})` : ''}`).join('\n'),
    ].filter(Boolean).join('\n\n'),
    tone: 'ok',
  };
}

function tagOf(image: string): string {
  const at = image.indexOf('@');
  const ref = at >= 0 ? image.slice(0, at) : image;
  const slash = ref.lastIndexOf('/');
  return ref.slice(slash + 1);
}

/**
 * The revision Roll Back goes to, and Compare Revisions compares the running one with: the older
 * task definition a deployment still in progress is replacing; else the source of the deployment
 * that brought the running revision (not a later one the circuit breaker rolled back), when the
 * deployments are known; else the family's revision before the running one. Undefined for revision 1.
 */
export function previousTaskDefinition(
  service: Service,
  deployments: readonly ServiceDeployment[] = [],
  revisions: ReadonlyMap<string, ServiceRevision> = new Map(),
): string | undefined {
  const current = service.taskDefinition;
  if (!current) return undefined;
  const older = service.deployments?.find((d) => d.status !== 'PRIMARY' && d.taskDefinition && d.taskDefinition !== current);
  if (older?.taskDefinition) return older.taskDefinition;
  const taskDefinitionOf = (arn: string | undefined) => revisions.get(arn ?? '')?.taskDefinition;
  const brought = newestFirst([...deployments]).find((d) => !d.status?.startsWith('ROLLBACK') && taskDefinitionOf(d.targetServiceRevision?.arn) === current);
  const source = brought?.sourceServiceRevisions?.map((r) => taskDefinitionOf(r.arn)).find((td) => td && td !== current);
  if (source) return source;
  const match = /^(.*:)(\d+)$/.exec(current);
  if (!match || Number(match[2]) <= 1) return undefined;
  return `${match[1]}${Number(match[2]) - 1}`;
}

/** A task definition's containers with the image each runs and its build, for a modal: "worker airflow:build-43 (#43)". */
export function imagesLine(td: TaskDefinition, build: (container: Container) => ContainerBuild): string {
  return (td.containerDefinitions ?? [])
    .map((c) => {
      const b = build({ name: c.name, image: c.image });
      return `${c.name}: ${tagOf(c.image ?? '')}${b.buildNumber ? ` (build ${b.buildNumber}${b.commit ? `, ${b.commit.slice(0, 7)}` : ''})` : ''}`;
    })
    .join('; ');
}

const NONE = '-';

function list(values: string[] | undefined): string {
  return values?.length ? values.join(' ') : NONE;
}

function containerLines(c: ContainerDefinition, digest: string | undefined, build: ContainerBuild): string[] {
  const lines = [`Container ${c.name ?? ''}`, `  Image: ${c.image ?? NONE}`];
  if (digest) lines.push(`  Image digest: ${digest}`);
  const parts = [build.buildNumber ? `build ${build.buildNumber}` : undefined, build.commit ? `commit ${build.commit}` : undefined].filter(Boolean);
  lines.push(`  Build: ${parts.length ? parts.join(', ') : 'unknown (no image labels cached)'}`);
  lines.push(
    `  Essential: ${c.essential === false ? 'no' : 'yes'}`,
    `  Entry point: ${list(c.entryPoint)}`,
    `  Command: ${list(c.command)}`,
    `  CPU / memory: ${c.cpu ?? NONE} / ${c.memory ?? c.memoryReservation ?? NONE}`,
    `  Ports: ${c.portMappings?.length ? c.portMappings.map((p) => `${p.containerPort}/${p.protocol ?? 'tcp'}`).join(', ') : NONE}`,
  );
  // Sorted by name, so two revisions line up in the diff.
  const env = [...(c.environment ?? [])].sort((a, b) => (a.name ?? '').localeCompare(b.name ?? ''));
  lines.push(`  Environment:${env.length ? '' : ` ${NONE}`}`, ...env.map((e) => `    ${e.name}=${e.value ?? ''}`));
  // Names only: where a secret comes from is the account's business, its value never shows.
  const secrets = (c.secrets ?? []).map((s) => s.name ?? '').sort();
  lines.push(`  Secrets (names only):${secrets.length ? '' : ` ${NONE}`}`, ...secrets.map((s) => `    ${s}`));
  const log = c.logConfiguration;
  lines.push(`  Log configuration: ${log?.logDriver ?? NONE}`, ...Object.entries(log?.options ?? {}).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `    ${k}=${v}`));
  return lines;
}

/**
 * A task definition as one readable text, the same layout for every revision so that
 * `vscode.diff` of two shows what changed: images and their builds, command, environment,
 * secret names, CPU/memory, log configuration.
 */
export function taskDefinitionDocument(
  td: TaskDefinition,
  build: (container: Container) => ContainerBuild,
  digests: ReadonlyMap<string, string> = new Map(),
): string {
  const lines = [
    `Task definition ${taskDefinitionName(td.taskDefinitionArn) || `${td.family}:${td.revision}`}`,
    `  Status: ${td.status ?? NONE}`,
    `  CPU / memory: ${td.cpu ?? NONE} / ${td.memory ?? NONE}`,
    `  Network mode: ${td.networkMode ?? NONE}`,
    `  Compatibilities: ${list(td.requiresCompatibilities)}`,
    `  Task role: ${td.taskRoleArn ? arnName(td.taskRoleArn) : NONE}`,
    `  Execution role: ${td.executionRoleArn ? arnName(td.executionRoleArn) : NONE}`,
    '',
  ];
  for (const c of td.containerDefinitions ?? []) {
    const digest = digests.get(c.name ?? '');
    lines.push(...containerLines(c, digest, build({ name: c.name, image: c.image, imageDigest: digest })), '');
  }
  return lines.join('\n');
}

/** The image digests a service revision resolved, by container name. */
export function revisionDigests(revision: ServiceRevision | undefined): Map<string, string> {
  return new Map((revision?.containerImages ?? []).filter((c) => c.containerName && c.imageDigest).map((c) => [c.containerName!, c.imageDigest!]));
}
