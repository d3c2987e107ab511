import type { EcsApi, Task, TaskDefinition } from '../aws/ecs';
import { arnName, shortTaskId } from '../ecs/present';
import { TaskPager } from '../ecs/taskPager';

/** What a tail follows in ECS: a whole service, one task, or one container of a task. */
export type EcsLogScope =
  | { kind: 'service'; cluster: string; serviceName: string; taskDefinition?: string }
  | { kind: 'task'; cluster: string; task: Task }
  | { kind: 'container'; cluster: string; task: Task; containerName: string };

/** The streams of one log group a tail reads: exact names, or name prefixes (a service's tasks). */
export interface StreamSet {
  group: string;
  prefixes: string[];
  names: string[];
}

export interface ResolvedStreams {
  sets: StreamSet[];
  /** Task ids seen, to say when one joins. */
  taskIds: Set<string>;
  /** Containers that cannot be tailed, and why. */
  skipped: string[];
}

/** A container, service or task whose logs do not go to CloudWatch through awslogs. */
export class NotTailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotTailable';
  }
}

interface AwslogsContainer {
  container: string;
  group: string;
  prefix: string;
}

/** The awslogs options of each container definition; the others are listed with their driver. */
export function awslogsContainers(def: TaskDefinition): { tailable: AwslogsContainer[]; skipped: string[] } {
  const tailable: AwslogsContainer[] = [];
  const skipped: string[] = [];
  for (const c of def.containerDefinitions ?? []) {
    const name = c.name ?? '';
    const driver = c.logConfiguration?.logDriver;
    const options = c.logConfiguration?.options ?? {};
    if (driver !== 'awslogs') {
      skipped.push(`Container ${name} logs with the ${driver ?? 'default (json-file)'} driver, not awslogs, so its logs cannot be tailed from CloudWatch.`);
    } else if (!options['awslogs-group']) {
      skipped.push(`Container ${name} uses awslogs without an awslogs-group option.`);
    } else if (!options['awslogs-stream-prefix']) {
      skipped.push(`Container ${name} uses awslogs without awslogs-stream-prefix, so its stream names cannot be derived from the task.`);
    } else {
      tailable.push({ container: name, group: options['awslogs-group'], prefix: options['awslogs-stream-prefix'] });
    }
  }
  return { tailable, skipped };
}

/** `prefix/container/task-id`, as the awslogs driver names a stream on ECS. */
export function streamName(prefix: string, container: string, taskArn: string | undefined): string {
  return `${prefix}/${container}/${arnName(taskArn)}`;
}

/** The short task id and container of a stream `prefix/container/task-id`. */
export function streamLabel(stream: string): string {
  const parts = stream.split('/');
  if (parts.length < 3) return stream;
  return `${shortTaskId(parts[parts.length - 1])} ${parts[parts.length - 2]}`;
}

function addTo(sets: Map<string, StreamSet>, group: string, what: { prefix?: string; name?: string }): void {
  let set = sets.get(group);
  if (!set) sets.set(group, (set = { group, prefixes: [], names: [] }));
  if (what.prefix && !set.prefixes.includes(what.prefix)) set.prefixes.push(what.prefix);
  if (what.name && !set.names.includes(what.name)) set.names.push(what.name);
}

async function allRunningTasks(ecs: EcsApi, cluster: string, serviceName: string, signal?: AbortSignal): Promise<Task[]> {
  const pager = new TaskPager(ecs, cluster, { serviceName, desiredStatus: 'RUNNING' });
  const tasks: Task[] = [];
  do tasks.push(...(await pager.nextPage(signal)));
  while (!pager.done);
  return tasks;
}

/**
 * Reads the task definitions of a scope into stream sets. A service is followed by stream
 * prefix (`prefix/container/`), so a task that starts later is covered at once; a task or a
 * container by exact stream names. Task definitions are cached across calls (they never change).
 */
export async function resolveEcsStreams(
  ecs: EcsApi,
  scope: EcsLogScope,
  definitions: Map<string, Promise<TaskDefinition | undefined>>,
  signal?: AbortSignal,
): Promise<ResolvedStreams> {
  const describe = (arn: string) => {
    let def = definitions.get(arn);
    if (!def) {
      def = ecs.describeTaskDefinition(arn, signal);
      definitions.set(arn, def);
      def.catch(() => definitions.delete(arn));
    }
    return def;
  };
  const sets = new Map<string, StreamSet>();
  const skipped = new Set<string>();
  const taskIds = new Set<string>();

  const tasks = scope.kind === 'service' ? await allRunningTasks(ecs, scope.cluster, scope.serviceName, signal) : [scope.task];
  const defArns = new Set(tasks.map((t) => t.taskDefinitionArn ?? '').filter(Boolean));
  if (scope.kind === 'service' && scope.taskDefinition) defArns.add(scope.taskDefinition);
  const defs = new Map<string, TaskDefinition | undefined>();
  for (const arn of defArns) defs.set(arn, await describe(arn));

  if (scope.kind === 'service') {
    for (const t of tasks) taskIds.add(arnName(t.taskArn));
    for (const def of defs.values()) {
      if (!def) continue;
      const { tailable, skipped: s } = awslogsContainers(def);
      s.forEach((x) => skipped.add(x));
      for (const c of tailable) addTo(sets, c.group, { prefix: `${c.prefix}/${c.container}/` });
    }
  } else {
    const task = scope.task;
    taskIds.add(arnName(task.taskArn));
    const def = defs.get(task.taskDefinitionArn ?? '');
    const { tailable, skipped: s } = def ? awslogsContainers(def) : { tailable: [], skipped: [] };
    for (const c of tailable) {
      if (scope.kind === 'container' && c.container !== scope.containerName) continue;
      addTo(sets, c.group, { name: streamName(c.prefix, c.container, task.taskArn) });
    }
    for (const x of s) if (scope.kind === 'task' || x.startsWith(`Container ${scope.containerName} `)) skipped.add(x);
  }

  if (sets.size === 0) {
    const what = scope.kind === 'service' ? `Service ${scope.serviceName}` : scope.kind === 'task' ? `Task ${shortTaskId(scope.task.taskArn)}` : `Container ${scope.containerName}`;
    const why = [...skipped].join(' ') || 'Its task definition has no container definitions.';
    throw new NotTailable(`${what} has no logs in CloudWatch to tail. ${why}`);
  }
  return { sets: [...sets.values()], taskIds, skipped: [...skipped] };
}

function describeSet(set: StreamSet): string {
  return `${set.group} (${[...set.prefixes.map((p) => `${p}*`), ...set.names].join(', ')})`;
}

/** Re-reads a scope's streams (every 30 s while tailing) and says what changed. */
export class EcsStreamResolver {
  private last: ResolvedStreams | undefined;
  private readonly definitions = new Map<string, Promise<TaskDefinition | undefined>>();

  constructor(private readonly ecs: EcsApi, readonly scope: EcsLogScope) {}

  async resolve(signal?: AbortSignal): Promise<{ sets: StreamSet[]; changes: string[] }> {
    const next = await resolveEcsStreams(this.ecs, this.scope, this.definitions, signal);
    const before = this.last;
    this.last = next;
    if (!before) return { sets: next.sets, changes: [...next.skipped, ...next.sets.map((s) => `Reading ${describeSet(s)}.`)] };
    const changes: string[] = [];
    for (const id of next.taskIds) if (!before.taskIds.has(id)) changes.push(`Task ${shortTaskId(id)} joined the tail.`);
    const known = new Set(before.sets.map(describeSet));
    for (const s of next.sets) if (!known.has(describeSet(s))) changes.push(`Now also reading ${describeSet(s)}.`);
    // Streams of tasks that stopped stay in the set: their last lines can still arrive.
    const merged = mergeSets(before.sets, next.sets);
    this.last = { ...next, sets: merged, taskIds: new Set([...before.taskIds, ...next.taskIds]) };
    return { sets: merged, changes };
  }
}

function mergeSets(a: StreamSet[], b: StreamSet[]): StreamSet[] {
  const sets = new Map<string, StreamSet>();
  for (const s of [...a, ...b]) {
    for (const prefix of s.prefixes) addTo(sets, s.group, { prefix });
    for (const name of s.names) addTo(sets, s.group, { name });
  }
  return [...sets.values()];
}
