import { createHash, randomBytes } from 'node:crypto';
import { AwsFault, type FakeService } from './server';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';

export interface SeedContainer {
  name: string;
  image?: string;
  lastStatus?: string;
  exitCode?: number;
  reason?: string;
  healthStatus?: string;
  /** What ECS resolved the image to; defaults to a digest derived from the image reference. */
  imageDigest?: string;
}

/** A container definition's logConfiguration; by default awslogs to /ecs/<family>, prefix `ecs`. */
export interface SeedLogConfiguration {
  logDriver: string;
  options?: Record<string, string>;
}

export interface SeedTask {
  family: string;
  logConfiguration?: SeedLogConfiguration;
  revision?: number;
  lastStatus?: string;
  desiredStatus?: string;
  healthStatus?: string;
  startedMinutesAgo?: number;
  stoppedMinutesAgo?: number;
  stopCode?: string;
  stoppedReason?: string;
  containers?: SeedContainer[];
}

export interface SeedService {
  name: string;
  desiredCount: number;
  /** Running tasks to create; defaults to desiredCount. */
  running?: number;
  stopped?: number;
  launchType?: string;
  family?: string;
  revision?: number;
  rollout?: 'COMPLETED' | 'IN_PROGRESS' | 'FAILED' | 'ROLLED_BACK';
  events?: string[];
  containers?: SeedContainer[];
  logConfiguration?: SeedLogConfiguration;
  /** What DescribeServices returns as loadBalancers (target groups the service registers in). */
  loadBalancers?: { targetGroupArn: string; containerName: string; containerPort: number }[];
}

export interface SeedCluster {
  name: string;
  capacityProviders?: string[];
  services?: SeedService[];
  /** Adds this many generated services (see generatedServiceNames), one running task each. */
  generatedServices?: number;
  standaloneTasks?: SeedTask[];
}

type Json = Record<string, unknown>;

const GENERATED_ROLES = ['api-server', 'scheduler', 'worker', 'triggerer', 'dag-processor'];

/**
 * Names of a large cluster's services, `team0042-scheduler`, five Airflow roles per team, in the
 * order ListServices returns them: not by name (ECS lists in no name order), so rows sorted by
 * name move as later pages arrive.
 */
export function generatedServiceNames(count: number): string[] {
  if (count <= 0) return [];
  const names = Array.from({ length: count }, (_, i) => `team${String(Math.floor(i / GENERATED_ROLES.length)).padStart(4, '0')}-${GENERATED_ROLES[i % GENERATED_ROLES.length]}`);
  // A fixed stride coprime with the count scatters the names over the pages, the same every run.
  let stride = 7919;
  while (gcd(stride, count) !== 1) stride++;
  return names.map((_, i) => names[(i * stride) % count]);
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

interface ClusterState {
  cluster: Json;
  services: Map<string, Json>;
  tasks: Json[];
}

const arn = (resource: string) => `arn:aws:ecs:${REGION}:${ACCOUNT}:${resource}`;
const hexId = () => randomBytes(16).toString('hex');
/** Timestamps are kept as the wire carries them: epoch seconds. */
const minutesAgo = (m: number) => (Date.now() - m * 60_000) / 1000;
const nowSeconds = () => Date.now() / 1000;

function page<T>(items: T[], input: Json, defaultSize: number, max: number): { items: T[]; nextToken?: string } {
  const size = Number(input.maxResults ?? defaultSize);
  if (size > max) throw new AwsFault('InvalidParameterException', `maxResults must be at most ${max}.`);
  const start = input.nextToken ? Number(Buffer.from(String(input.nextToken), 'base64').toString()) : 0;
  const end = start + size;
  return { items: items.slice(start, end), nextToken: end < items.length ? Buffer.from(String(end)).toString('base64') : undefined };
}

/** ECS as the JSON 1.1 API shows it, for the operations the extension uses. */
export class FakeEcs implements FakeService {
  readonly targetPrefix = 'AmazonEC2ContainerServiceV20141113';
  private clusters = new Map<string, ClusterState>();
  private taskDefinitions = new Map<string, Json>();
  /** How long the service scheduler takes to start or stop tasks after a desired-count change. */
  private schedulerDelayMs = 0;
  /** Resources that are listed but that Describe* reports as failures (eventual consistency, as ECS does). */
  private describeFailures = new Map<string, string>();
  /** Services whose DescribeServices call answers 500, whatever else it asks for (a backend shard down). */
  private brokenDescribes = new Set<string>();

  reset(): void {
    this.brokenDescribes.clear();
    this.clusters.clear();
    this.taskDefinitions.clear();
    this.schedulerDelayMs = 0;
    this.describeFailures.clear();
  }

  /** Starts or stops service tasks whose desired count changed, once the scheduler delay has passed. */
  private settle(): void {
    const now = Date.now();
    for (const [clusterName, state] of this.clusters) {
      for (const [name, s] of state.services) {
        if (s.__settleAt === undefined || Number(s.__settleAt) > now) continue;
        delete s.__settleAt;
        const running = state.tasks.filter((t) => t.group === `service:${name}` && t.desiredStatus === 'RUNNING');
        const missing = Number(s.desiredCount) - running.length;
        if (missing > 0) this.addTasks(clusterName, name, missing);
        for (const t of running.slice(0, Math.max(0, -missing))) this.stop(t, 'ServiceSchedulerInitiated', 'Scaling activity initiated by (deployment)');
      }
    }
  }

  private failure(arnOrName: string): Json | undefined {
    const reason = this.describeFailures.get(arnOrName) ?? this.describeFailures.get(nameOf(arnOrName));
    return reason ? { arn: arnOrName, reason } : undefined;
  }

  private stop(t: Json, stopCode: string, reason: string): void {
    const now = nowSeconds();
    Object.assign(t, {
      desiredStatus: 'STOPPED', lastStatus: 'STOPPED', stoppingAt: now, stoppedAt: now, stopCode,
      stoppedReason: reason, healthStatus: 'UNKNOWN',
      containers: (t.containers as Json[]).map((c) => ({ ...c, lastStatus: 'STOPPED', exitCode: 137, healthStatus: 'UNKNOWN' })),
    });
  }

  seed(clusters: SeedCluster[]): void {
    for (const c of clusters) {
      const state: ClusterState = {
        cluster: {
          clusterArn: arn(`cluster/${c.name}`),
          clusterName: c.name,
          status: 'ACTIVE',
          capacityProviders: c.capacityProviders ?? ['FARGATE', 'FARGATE_SPOT'],
          defaultCapacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1, base: 0 }],
        },
        services: new Map(),
        tasks: [],
      };
      this.clusters.set(c.name, state);
      for (const s of c.services ?? []) this.addService(state, s);
      for (const name of generatedServiceNames(c.generatedServices ?? 0)) this.addService(state, { name, desiredCount: 1 });
      for (const t of c.standaloneTasks ?? []) state.tasks.push(this.makeTask(c.name, t, `family:${t.family}`, 'ecs-cli/run'));
    }
  }

  /** Adds running tasks to a service (scale-out, replacements). */
  addTasks(clusterName: string, serviceName: string, count: number): string[] {
    const state = this.cluster(clusterName);
    const service = state.services.get(serviceName);
    if (!service) throw new AwsFault('ServiceNotFoundException', 'Service not found.');
    const family = taskDefFamily(String(service.taskDefinition));
    const added = Array.from({ length: count }, () =>
      this.makeTask(clusterName, { family: family.name, revision: family.revision, containers: service.__containers as SeedContainer[], logConfiguration: service.__logConfiguration as SeedLogConfiguration | undefined }, `service:${serviceName}`, `ecs-svc/${service.__deploymentId}`),
    );
    state.tasks.push(...added);
    return added.map((t) => String(t.taskArn));
  }

  readonly control = {
    seed: (body: Json) => this.seed(body.clusters as SeedCluster[]),
    addTasks: (body: Json) => ({ taskArns: this.addTasks(String(body.cluster), String(body.service), Number(body.count)) }),
    tasks: (body: Json) => ({ tasks: this.cluster(String(body.cluster)).tasks }),
    /** `{ ms }`: the scheduler starts or stops tasks this long after a desired-count change. */
    schedulerDelay: (body: Json) => {
      this.schedulerDelayMs = Number(body.ms);
    },
    /** `{ arns, reason? }`: Describe* reports these (ARNs or names) as failures, though List* still names them. */
    failDescribe: (body: Json) => {
      for (const a of body.arns as string[]) this.describeFailures.set(a, String(body.reason ?? 'MISSING'));
    },
    /** `{ names }`: a DescribeServices call naming any of these services fails with a 500, every time. */
    breakDescribe: (body: Json) => {
      for (const n of body.names as string[]) this.brokenDescribes.add(n);
    },
  };

  readonly operations = {
    DescribeTaskDefinition: (input: Json) => {
      const def = this.taskDefinitions.get(nameOf(String(input.taskDefinition)));
      if (!def) throw new AwsFault('ClientException', 'Unable to describe task definition.');
      return { taskDefinition: def };
    },
    ListClusters: (input: Json) => {
      this.settle();
      const p = page([...this.clusters.values()].map((c) => String(c.cluster.clusterArn)), input, 100, 100);
      return { clusterArns: p.items, nextToken: p.nextToken };
    },
    DescribeClusters: (input: Json) => {
      this.settle();
      const names = (input.clusters as string[] | undefined) ?? ['default'];
      if (names.length > 100) throw new AwsFault('InvalidParameterException', 'Clusters cannot have more than 100 elements.');
      const clusters: Json[] = [];
      const failures: Json[] = [];
      for (const n of names) {
        const state = this.clusters.get(nameOf(n));
        const failed = this.failure(n);
        if (failed) {
          failures.push(failed);
          continue;
        }
        if (!state) {
          failures.push({ arn: n, reason: 'MISSING' });
          continue;
        }
        const running = state.tasks.filter((t) => t.lastStatus === 'RUNNING').length;
        const pending = state.tasks.filter((t) => t.lastStatus === 'PENDING' || t.lastStatus === 'PROVISIONING').length;
        clusters.push({ ...state.cluster, activeServicesCount: state.services.size, runningTasksCount: running, pendingTasksCount: pending, registeredContainerInstancesCount: 0 });
      }
      return { clusters, failures };
    },
    ListServices: (input: Json) => {
      this.settle();
      const state = this.cluster(String(input.cluster ?? 'default'));
      const p = page([...state.services.values()].map((s) => String(s.serviceArn)), input, 10, 100);
      return { serviceArns: p.items, nextToken: p.nextToken };
    },
    DescribeServices: (input: Json) => {
      this.settle();
      const state = this.cluster(String(input.cluster ?? 'default'));
      const names = input.services as string[];
      if (names.length > 10) throw new AwsFault('InvalidParameterException', 'services can have at most 10 items.');
      if (names.some((n) => this.brokenDescribes.has(nameOf(n)))) throw new AwsFault('ServerException', 'Service unavailable', 500);
      const services: Json[] = [];
      const failures: Json[] = [];
      // Tasks by group once per call, not a scan of the cluster per service (2,000-service clusters).
      const byGroup = new Map<unknown, Json[]>();
      for (const t of state.tasks) byGroup.set(t.group, [...(byGroup.get(t.group) ?? []), t]);
      for (const n of names) {
        const s = state.services.get(nameOf(n));
        const failed = this.failure(n);
        if (failed) failures.push(failed);
        else if (s) services.push(this.serviceOut(state, s, byGroup.get(`service:${s.serviceName}`) ?? []));
        else failures.push({ arn: n, reason: 'MISSING' });
      }
      return { services, failures };
    },
    ListTasks: (input: Json) => {
      this.settle();
      const state = this.cluster(String(input.cluster ?? 'default'));
      const desired = String(input.desiredStatus ?? 'RUNNING');
      let tasks = state.tasks.filter((t) => t.desiredStatus === desired);
      if (input.serviceName) {
        if (!state.services.has(String(input.serviceName))) throw new AwsFault('ServiceNotFoundException', 'Service not found.');
        tasks = tasks.filter((t) => t.group === `service:${input.serviceName}`);
      }
      const p = page(tasks.map((t) => String(t.taskArn)), input, 100, 100);
      return { taskArns: p.items, nextToken: p.nextToken };
    },
    DescribeTasks: (input: Json) => {
      this.settle();
      const state = this.cluster(String(input.cluster ?? 'default'));
      const ids = input.tasks as string[];
      if (!ids?.length) throw new AwsFault('InvalidParameterException', 'Tasks cannot be empty.');
      if (ids.length > 100) throw new AwsFault('InvalidParameterException', 'Tasks cannot have more than 100 elements.');
      const tasks: Json[] = [];
      const failures: Json[] = [];
      for (const id of ids) {
        const t = state.tasks.find((x) => x.taskArn === id || String(x.taskArn).endsWith(`/${id}`));
        const failed = this.failure(id);
        if (failed) failures.push(failed);
        else if (t) tasks.push(t);
        else failures.push({ arn: id, reason: 'MISSING' });
      }
      return { tasks, failures };
    },
    StopTask: (input: Json) => {
      const state = this.cluster(String(input.cluster ?? 'default'));
      const t = state.tasks.find((x) => x.taskArn === input.task || String(x.taskArn).endsWith(`/${input.task}`));
      if (!t) throw new AwsFault('InvalidParameterException', 'The referenced task was not found.');
      this.stop(t, 'UserInitiated', String(input.reason ?? 'Task stopped by user'));
      return { task: t };
    },
    UpdateService: (input: Json) => {
      const state = this.cluster(String(input.cluster ?? 'default'));
      const s = state.services.get(nameOf(String(input.service)));
      if (!s) throw new AwsFault('ServiceNotFoundException', 'Service not found.');
      if (input.desiredCount !== undefined) {
        s.desiredCount = Number(input.desiredCount);
        s.__settleAt = Date.now() + this.schedulerDelayMs;
        this.event(s, `(service ${s.serviceName}) desired count changed to ${s.desiredCount}.`);
      }
      if (input.forceNewDeployment) {
        s.__previousDeploymentId = s.__deploymentId;
        s.__deploymentId = hexId().slice(0, 8);
        s.__rollout = 'IN_PROGRESS';
        this.event(s, `(service ${s.serviceName}) has started a new deployment ${s.__deploymentId}.`);
      }
      return { service: this.serviceOut(state, s) };
    },
  };

  private cluster(name: string): ClusterState {
    const state = this.clusters.get(nameOf(name));
    if (!state) throw new AwsFault('ClusterNotFoundException', 'Cluster not found.');
    return state;
  }

  private addService(state: ClusterState, s: SeedService): void {
    const clusterName = String(state.cluster.clusterName);
    const family = s.family ?? `airflow-${s.name}`;
    const revision = s.revision ?? 3;
    const service: Json = {
      serviceArn: arn(`service/${clusterName}/${s.name}`),
      serviceName: s.name,
      clusterArn: state.cluster.clusterArn,
      status: 'ACTIVE',
      desiredCount: s.desiredCount,
      launchType: s.launchType ?? 'FARGATE',
      taskDefinition: arn(`task-definition/${family}:${revision}`),
      createdAt: minutesAgo(600),
      events: (s.events ?? [`(service ${s.name}) has reached a steady state.`]).map((message, i) => ({ id: hexId(), createdAt: minutesAgo(5 + i * 10), message })),
      loadBalancers: s.loadBalancers ?? [],
      __deploymentId: hexId().slice(0, 8),
      __rollout: s.rollout ?? 'COMPLETED',
      __containers: s.containers,
      __logConfiguration: s.logConfiguration,
    };
    state.services.set(s.name, service);
    const running = s.running ?? s.desiredCount;
    for (let i = 0; i < running; i++) {
      state.tasks.push(this.makeTask(clusterName, { family, revision, containers: s.containers, logConfiguration: s.logConfiguration, startedMinutesAgo: 30 + i % 50 }, `service:${s.name}`, `ecs-svc/${service.__deploymentId}`));
    }
    for (let i = 0; i < (s.stopped ?? 0); i++) {
      state.tasks.push(this.makeTask(clusterName, {
        family, revision, containers: s.containers, logConfiguration: s.logConfiguration, lastStatus: 'STOPPED', desiredStatus: 'STOPPED', startedMinutesAgo: 90,
        stoppedMinutesAgo: 10 + i, stopCode: 'EssentialContainerExited', stoppedReason: 'Essential container in task exited',
      }, `service:${s.name}`, `ecs-svc/${service.__deploymentId}`));
    }
  }

  private makeTask(clusterName: string, t: SeedTask, group: string, startedBy: string): Json {
    const id = hexId();
    const taskArn = arn(`task/${clusterName}/${id}`);
    const lastStatus = t.lastStatus ?? 'RUNNING';
    const stopped = lastStatus === 'STOPPED';
    const containers = t.containers ?? [{ name: t.family.replace(/^airflow-/, '') || 'main', image: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/airflow:build-42` }];
    this.registerTaskDefinition(t, containers);
    return {
      taskArn,
      clusterArn: arn(`cluster/${clusterName}`),
      taskDefinitionArn: arn(`task-definition/${t.family}:${t.revision ?? 3}`),
      group,
      startedBy,
      lastStatus,
      desiredStatus: t.desiredStatus ?? (stopped ? 'STOPPED' : 'RUNNING'),
      healthStatus: t.healthStatus ?? (stopped ? 'UNKNOWN' : 'HEALTHY'),
      availabilityZone: `${REGION}${'abc'[id.charCodeAt(0) % 3]}`,
      launchType: 'FARGATE',
      cpu: '1024',
      memory: '2048',
      createdAt: minutesAgo((t.startedMinutesAgo ?? 30) + 1),
      startedAt: lastStatus === 'PENDING' ? undefined : minutesAgo(t.startedMinutesAgo ?? 30),
      stoppedAt: stopped ? minutesAgo(t.stoppedMinutesAgo ?? 5) : undefined,
      stopCode: t.stopCode,
      stoppedReason: t.stoppedReason,
      containers: containers.map((c) => ({
        containerArn: arn(`container/${clusterName}/${id}/${hexId()}`),
        taskArn,
        name: c.name,
        image: c.image ?? `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/airflow:build-42`,
        imageDigest: c.imageDigest ?? `sha256:${createHash('sha256').update(c.image ?? 'airflow:build-42').digest('hex')}`,
        lastStatus: c.lastStatus ?? lastStatus,
        exitCode: c.exitCode ?? (stopped ? 1 : undefined),
        reason: c.reason,
        healthStatus: c.healthStatus ?? (stopped ? 'UNKNOWN' : 'HEALTHY'),
      })),
    };
  }

  /** The task definition a seeded task runs, registered on first use. */
  private registerTaskDefinition(t: SeedTask, containers: SeedContainer[]): void {
    const revision = t.revision ?? 3;
    const key = `${t.family}:${revision}`;
    if (this.taskDefinitions.has(key)) return;
    const logConfiguration = t.logConfiguration ?? {
      logDriver: 'awslogs',
      options: { 'awslogs-group': `/ecs/${t.family}`, 'awslogs-region': REGION, 'awslogs-stream-prefix': 'ecs' },
    };
    this.taskDefinitions.set(key, {
      taskDefinitionArn: arn(`task-definition/${key}`),
      family: t.family,
      revision,
      status: 'ACTIVE',
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '1024',
      memory: '2048',
      containerDefinitions: containers.map((c) => ({
        name: c.name,
        image: c.image ?? `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/airflow:build-42`,
        essential: true,
        logConfiguration,
      })),
    });
  }

  private serviceOut(state: ClusterState, s: Json, tasks = state.tasks.filter((t) => t.group === `service:${s.serviceName}`)): Json {
    const running = tasks.filter((t) => t.lastStatus === 'RUNNING').length;
    const pending = tasks.filter((t) => t.lastStatus === 'PENDING').length;
    const rollout = String(s.__rollout);
    const primary = {
      id: `ecs-svc/${s.__deploymentId}`, status: 'PRIMARY', taskDefinition: s.taskDefinition, desiredCount: s.desiredCount,
      runningCount: running, pendingCount: pending, createdAt: minutesAgo(60), updatedAt: minutesAgo(1),
      rolloutState: rollout === 'ROLLED_BACK' ? 'IN_PROGRESS' : rollout,
      rolloutStateReason: rollout === 'ROLLED_BACK' ? 'ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/0' : undefined,
    };
    const deployments: Json[] = [primary];
    // A forced deployment keeps the old one ACTIVE until the new one has replaced its tasks.
    if (rollout === 'IN_PROGRESS' && s.__previousDeploymentId) {
      deployments.push({ id: `ecs-svc/${s.__previousDeploymentId}`, status: 'ACTIVE', taskDefinition: s.taskDefinition, desiredCount: s.desiredCount, runningCount: running, rolloutState: 'COMPLETED' });
    }
    if (rollout === 'ROLLED_BACK') {
      deployments.push({ id: 'ecs-svc/failed', status: 'ACTIVE', rolloutState: 'FAILED', rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.' });
    }
    const out: Json = { ...s, runningCount: running, pendingCount: pending, deployments };
    for (const k of Object.keys(out)) if (k.startsWith('__')) delete out[k];
    return out;
  }

  private event(s: Json, message: string): void {
    (s.events as Json[]).unshift({ id: hexId(), createdAt: nowSeconds(), message });
  }
}

function nameOf(arnOrName: string): string {
  return arnOrName.slice(arnOrName.lastIndexOf('/') + 1);
}

function taskDefFamily(taskDefArn: string): { name: string; revision: number } {
  const [name, revision] = nameOf(taskDefArn).split(':');
  return { name, revision: Number(revision) };
}
