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
  /** Task definition only: the container's command, environment and secret names (values come from a fake ARN). */
  command?: string[];
  environment?: Record<string, string>;
  secrets?: string[];
}

export type SeedDeploymentStatus = 'PENDING' | 'IN_PROGRESS' | 'SUCCESSFUL' | 'STOPPED' | 'STOP_REQUESTED' | 'ROLLBACK_REQUESTED' | 'ROLLBACK_IN_PROGRESS' | 'ROLLBACK_SUCCESSFUL' | 'ROLLBACK_FAILED';

/** An earlier deployment of a service: the revision it rolled out and how it went. */
export interface SeedDeployment {
  /** The task definition revision it deployed (of the service's family). */
  revision: number;
  /** The revision's containers (task definition); defaults to the service's. */
  containers?: SeedContainer[];
  status?: SeedDeploymentStatus;
  statusReason?: string;
  strategy?: SeedStrategy;
  startedMinutesAgo?: number;
  /** How long it ran; absent for one still in progress. */
  minutes?: number;
  /** Tasks the circuit breaker counted as failed. */
  failedTasks?: number;
  triggeredAlarms?: string[];
}

export type SeedStrategy = 'ROLLING' | 'BLUE_GREEN' | 'LINEAR' | 'CANARY';

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
  /** Started with ECS Exec (enableExecuteCommand). */
  enableExecuteCommand?: boolean;
  /** lastStatus of the containers' ExecuteCommandAgent when exec is on; RUNNING by default. */
  execAgent?: string;
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
  /** Its tasks start with ECS Exec (enableExecuteCommand). */
  enableExecuteCommand?: boolean;
  execAgent?: string;
  /** What DescribeServices returns as loadBalancers (target groups the service registers in). */
  loadBalancers?: { targetGroupArn: string; containerName: string; containerPort: number }[];
  /** The service's deployment strategy (deploymentConfiguration.strategy); ROLLING by default. */
  strategy?: SeedStrategy;
  /** CloudWatch alarms that watch its deployments. */
  alarms?: string[];
  /** Deployments before the current one, oldest first (ListServiceDeployments history). */
  history?: SeedDeployment[];
  /** Circuit-breaker failures of the current deployment. */
  failedTasks?: number;
  triggeredAlarms?: string[];
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

/** The deployment operations an endpoint older than late 2024 (or an emulator) does not know. */
const DEPLOYMENT_OPERATIONS = ['ListServiceDeployments', 'DescribeServiceDeployments', 'DescribeServiceRevisions', 'StopServiceDeployment'];
/** Statuses StopServiceDeployment accepts (Stopping Amazon ECS service deployments, developer guide). */
const STOPPABLE = new Set(['PENDING', 'IN_PROGRESS', 'STOP_REQUESTED', 'ROLLBACK_REQUESTED', 'ROLLBACK_IN_PROGRESS']);
const FINAL = new Set(['SUCCESSFUL', 'STOPPED', 'ROLLBACK_SUCCESSFUL', 'ROLLBACK_FAILED']);

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
  /** ServiceDeployment and ServiceRevision objects by ARN, as Describe* returns them. */
  private serviceDeployments = new Map<string, Json>();
  private serviceRevisions = new Map<string, Json>();
  private revisionSeq = 0;
  /** The digest a seeded image reference resolves to, as ECS records it in a service revision. */
  private digests = new Map<string, string>();
  /** How long a deployment runs before it completes; by default it stays in progress until told. */
  private deploymentMs = Infinity;
  /** Operations this endpoint answers with UnknownOperationException, as an older one does. */
  private unknown = new Set<string>();
  /** Services whose DescribeServices call answers 500, whatever else it asks for (a backend shard down). */
  private brokenDescribes = new Set<string>();

  reset(): void {
    this.brokenDescribes.clear();
    this.clusters.clear();
    this.taskDefinitions.clear();
    this.schedulerDelayMs = 0;
    this.describeFailures.clear();
    this.serviceDeployments.clear();
    this.serviceRevisions.clear();
    this.digests.clear();
    this.deploymentMs = Infinity;
    this.unknown.clear();
  }

  /** Starts or stops service tasks whose desired count changed, once the scheduler delay has passed. */
  private settle(): void {
    const now = Date.now();
    for (const [clusterName, state] of this.clusters) {
      for (const [name, s] of state.services) {
        if (s.__completeAt !== undefined && Number(s.__completeAt) <= now) this.completeDeployment(clusterName, s);
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
      this.makeTask(clusterName, { family: family.name, revision: family.revision, containers: service.__containers as SeedContainer[], logConfiguration: service.__logConfiguration as SeedLogConfiguration | undefined, enableExecuteCommand: service.enableExecuteCommand === true, execAgent: service.__execAgent as string | undefined }, `service:${serviceName}`, `ecs-svc/${service.__deploymentId}`),
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
    /** `{ task, agent?, connected? }`: the ExecuteCommandAgent's lastStatus, and whether the agent reaches SSM. */
    execAgent: (body: Json) => {
      const t = this.findTask(String(body.task));
      if (!t) throw new AwsFault('InvalidParameterException', 'The referenced task was not found.');
      if (body.agent) for (const c of t.containers as Json[]) c.managedAgents = [{ ...(c.managedAgents as Json[])[0], lastStatus: body.agent }];
      if (body.connected !== undefined) t.__connected = body.connected;
    },
    /** `{ ms }`: a deployment started from now on completes this long after it starts (default: never). */
    deploymentDuration: (body: Json) => {
      this.deploymentMs = Number(body.ms);
    },
    /** The endpoint forgets the deployment operations (UnknownOperationException), as an older one. */
    withoutDeploymentOperations: () => {
      for (const op of DEPLOYMENT_OPERATIONS) this.unknown.add(op);
    },
    /** `{ cluster, service }`: the service's deployments, newest first, as DescribeServiceDeployments shows them. */
    deployments: (body: Json) => {
      const s = this.cluster(String(body.cluster)).services.get(String(body.service));
      return { serviceDeployments: [...(s?.__history as string[] ?? [])].reverse().map((a) => this.serviceDeployments.get(a)) };
    },
    /** `{ names }`: a DescribeServices call naming any of these services fails with a 500, every time. */
    breakDescribe: (body: Json) => {
      for (const n of body.names as string[]) this.brokenDescribes.add(n);
    },
  };

  private findTask(idOrArn: string): Json | undefined {
    for (const state of this.clusters.values()) {
      const t = state.tasks.find((x) => x.taskArn === idOrArn || String(x.taskArn).endsWith(`/${idOrArn}`));
      if (t) return t;
    }
    return undefined;
  }

  /**
   * Whether SSM reaches the agent behind `ecs:<cluster>_<task id>_<runtime id>` (the fake SSM asks):
   * the task runs with exec on, its agent runs, and no test cut it off.
   */
  execTargetConnected(target: string): boolean {
    const m = /^ecs:(.+)_([0-9a-f]{32})_(.+)$/.exec(target);
    if (!m) return false;
    const state = this.clusters.get(m[1]);
    const t = state?.tasks.find((x) => String(x.taskArn).endsWith(`/${m[2]}`));
    const c = (t?.containers as Json[] | undefined)?.find((x) => x.runtimeId === m[3]);
    return !!t && !!c && t.lastStatus === 'RUNNING' && t.enableExecuteCommand === true && t.__connected !== false
      && (c.managedAgents as Json[] | undefined)?.[0]?.lastStatus === 'RUNNING';
  }

  readonly operations: Record<string, (input: Json) => unknown> = {
    ListServiceDeployments: (input: Json) => {
      this.known('ListServiceDeployments');
      this.settle();
      if (!input.service) throw new AwsFault('InvalidParameterException', 'service must not be empty.');
      const state = this.cluster(String(input.cluster ?? 'default'));
      const s = state.services.get(nameOf(String(input.service)));
      if (!s) throw new AwsFault('ServiceNotFoundException', 'Service not found.');
      const statuses = input.status as string[] | undefined;
      const all = [...(s.__history as string[])].reverse().map((a) => this.serviceDeployments.get(a)!)
        .filter((d) => !statuses?.length || statuses.includes(String(d.status)));
      const p = page(all, input, 20, 100);
      return {
        serviceDeployments: p.items.map((d) => ({
          serviceDeploymentArn: d.serviceDeploymentArn, serviceArn: d.serviceArn, clusterArn: d.clusterArn, startedAt: d.startedAt,
          createdAt: d.createdAt, finishedAt: d.finishedAt, targetServiceRevisionArn: (d.targetServiceRevision as Json).arn,
          status: d.status, statusReason: d.statusReason,
        })),
        nextToken: p.nextToken,
      };
    },
    DescribeServiceDeployments: (input: Json) => {
      this.known('DescribeServiceDeployments');
      this.settle();
      const arns = input.serviceDeploymentArns as string[] | undefined;
      if (!arns?.length) throw new AwsFault('InvalidParameterException', 'serviceDeploymentArns must not be empty.');
      if (arns.length > 20) throw new AwsFault('InvalidParameterException', 'serviceDeploymentArns can have at most 20 items.');
      const found = arns.map((a) => [a, this.serviceDeployments.get(a)] as const);
      return {
        serviceDeployments: found.filter(([, d]) => d).map(([, d]) => d),
        failures: found.filter(([, d]) => !d).map(([a]) => ({ arn: a, reason: 'MISSING' })),
      };
    },
    DescribeServiceRevisions: (input: Json) => {
      this.known('DescribeServiceRevisions');
      const arns = input.serviceRevisionArns as string[] | undefined;
      if (!arns?.length) throw new AwsFault('InvalidParameterException', 'serviceRevisionArns must not be empty.');
      if (arns.length > 20) throw new AwsFault('InvalidParameterException', 'serviceRevisionArns can have at most 20 items.');
      const found = arns.map((a) => [a, this.serviceRevisions.get(a)] as const);
      return {
        serviceRevisions: found.filter(([, r]) => r).map(([, r]) => r),
        failures: found.filter(([, r]) => !r).map(([a]) => ({ arn: a, reason: 'MISSING' })),
      };
    },
    StopServiceDeployment: (input: Json) => {
      this.known('StopServiceDeployment');
      this.settle();
      const d = this.serviceDeployments.get(String(input.serviceDeploymentArn));
      if (!d) throw new AwsFault('ServiceDeploymentNotFoundException', 'The service deployment does not exist.');
      if (input.stopType !== undefined && input.stopType !== 'ROLLBACK') throw new AwsFault('InvalidParameterException', 'The valid values for stopType are ROLLBACK.');
      if (!STOPPABLE.has(String(d.status))) throw new AwsFault('ConflictException', `The service deployment is ${d.status} and cannot be stopped.`);
      if (d.status === 'PENDING' || d.status === 'IN_PROGRESS') this.rollBack(d);
      return { serviceDeploymentArn: d.serviceDeploymentArn };
    },
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
    ExecuteCommand: (input: Json) => {
      const state = this.cluster(String(input.cluster ?? 'default'));
      const t = state.tasks.find((x) => x.taskArn === input.task || String(x.taskArn).endsWith(`/${input.task}`));
      if (!t) throw new AwsFault('InvalidParameterException', 'The referenced task was not found.');
      if (input.interactive !== true) throw new AwsFault('InvalidParameterException', 'Interactive is the only mode supported currently.');
      const containers = t.containers as Json[];
      const c = input.container ? containers.find((x) => x.name === input.container) : containers.length === 1 ? containers[0] : undefined;
      if (!c) throw new AwsFault('InvalidParameterException', input.container ? 'The container name provided in the request was not found.' : 'A container name must be specified when the task has more than one container.');
      // ECS's own words (one message for both causes).
      if (t.enableExecuteCommand !== true || (c.managedAgents as Json[] | undefined)?.[0]?.lastStatus !== 'RUNNING') {
        throw new AwsFault('InvalidParameterException', 'The execute command failed because execute command was not enabled when the task was run or the execute command agent isn’t running. Wait and try again or run a new task with execute command enabled and try again.');
      }
      if (t.__connected === false) throw new AwsFault('TargetNotConnectedException', 'The execute command failed due to an internal error. Try again later.');
      const sessionId = `ecs-execute-command-${hexId().slice(0, 17)}`;
      return {
        clusterArn: t.clusterArn, taskArn: t.taskArn, containerArn: c.containerArn, containerName: c.name, interactive: true,
        session: {
          sessionId,
          streamUrl: `wss://ssmmessages.${REGION}.amazonaws.com/v1/data-channel/${sessionId}?role=publish_subscribe&cell-number=AAEAAQ`,
          tokenValue: randomBytes(96).toString('base64'),
        },
      };
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
      if (input.enableExecuteCommand !== undefined) s.enableExecuteCommand = input.enableExecuteCommand === true;
      const taskDefinition = input.taskDefinition === undefined ? undefined : this.taskDefinitionArn(String(input.taskDefinition));
      if (input.forceNewDeployment || (taskDefinition && taskDefinition !== s.taskDefinition)) {
        s.__previousDeploymentId = s.__deploymentId;
        s.__previousTaskDefinition = s.taskDefinition;
        s.__deploymentId = hexId().slice(0, 8);
        s.__rollout = 'IN_PROGRESS';
        if (taskDefinition) s.taskDefinition = taskDefinition;
        this.startDeployment(state, s);
        this.event(s, `(service ${s.serviceName}) has started a new deployment ${s.__deploymentId}.`);
      }
      return { service: this.serviceOut(state, s) };
    },
  };

  private known(operation: string): void {
    if (this.unknown.has(operation)) throw new AwsFault('UnknownOperationException', `The endpoint does not know ${this.targetPrefix}.${operation}.`);
  }

  /** A task definition as UpdateService names it (ARN or family:revision), or ClientException. */
  private taskDefinitionArn(ref: string): string {
    const def = this.taskDefinitions.get(nameOf(ref));
    if (!def) throw new AwsFault('ClientException', 'TaskDefinition not found.');
    return String(def.taskDefinitionArn);
  }

  /** A service revision: the task definition and the images ECS resolved for it. */
  private addRevision(state: ClusterState, s: Json, taskDefinition: string, createdAt: number): string {
    const cluster = String(state.cluster.clusterName);
    const revisionArn = arn(`service-revision/${cluster}/${s.serviceName}/${4980306466373577000n + BigInt(++this.revisionSeq)}`);
    const def = this.taskDefinitions.get(nameOf(taskDefinition));
    this.serviceRevisions.set(revisionArn, {
      serviceRevisionArn: revisionArn, serviceArn: s.serviceArn, clusterArn: state.cluster.clusterArn, taskDefinition,
      launchType: s.launchType, platformVersion: '1.4.0', platformFamily: 'Linux', loadBalancers: s.loadBalancers, createdAt,
      containerImages: ((def?.containerDefinitions as Json[] | undefined) ?? []).map((c) => ({
        containerName: c.name, image: c.image, imageDigest: this.digests.get(String(c.image)) ?? `sha256:${createHash('sha256').update(String(c.image)).digest('hex')}`,
      })),
    });
    return revisionArn;
  }

  /** A ServiceDeployment in the wire shape (epoch seconds), recorded as the service's newest. */
  private addDeployment(state: ClusterState, s: Json, d: {
    source?: string; target: string; status: string; statusReason?: string; strategy?: string; startedAt: number; finishedAt?: number; failedTasks?: number; triggeredAlarms?: string[];
  }): Json {
    const desired = Number(s.desiredCount);
    const final = FINAL.has(d.status);
    const alarmNames = (s.__alarms as string[] | undefined) ?? [];
    const triggered = d.triggeredAlarms ?? [];
    const deploymentArn = arn(`service-deployment/${state.cluster.clusterName}/${s.serviceName}/${randomBytes(16).toString('base64url').slice(0, 22)}`);
    const deployment: Json = {
      serviceDeploymentArn: deploymentArn, serviceArn: s.serviceArn, clusterArn: state.cluster.clusterArn,
      createdAt: d.startedAt, startedAt: d.startedAt, finishedAt: d.finishedAt, updatedAt: d.finishedAt ?? nowSeconds(),
      sourceServiceRevisions: d.source ? [{ arn: d.source, requestedTaskCount: final ? 0 : desired, runningTaskCount: final ? 0 : desired, pendingTaskCount: 0 }] : [],
      targetServiceRevision: { arn: d.target, requestedTaskCount: desired, runningTaskCount: final ? desired : 0, pendingTaskCount: final ? 0 : desired },
      status: d.status, statusReason: d.statusReason,
      deploymentConfiguration: {
        strategy: d.strategy ?? s.__strategy ?? 'ROLLING', maximumPercent: 200, minimumHealthyPercent: 100,
        deploymentCircuitBreaker: { enable: true, rollback: true },
        alarms: { alarmNames, enable: alarmNames.length > 0, rollback: true },
      },
      // ECS's threshold: half the desired count, at least 3 and at most 200.
      deploymentCircuitBreaker: {
        status: (d.failedTasks ?? 0) > 0 && d.status.startsWith('ROLLBACK') ? 'TRIGGERED' : final ? 'MONITORING_COMPLETE' : 'MONITORING',
        failureCount: d.failedTasks ?? 0, threshold: Math.min(200, Math.max(3, Math.ceil(desired / 2))),
      },
      alarms: alarmNames.length
        ? { status: triggered.length ? 'TRIGGERED' : final ? 'MONITORING_COMPLETE' : 'MONITORING', alarmNames, triggeredAlarmNames: triggered }
        : { status: 'DISABLED' },
    };
    this.serviceDeployments.set(deploymentArn, deployment);
    (s.__history as string[]).push(deploymentArn);
    s.__revision = d.target;
    return deployment;
  }

  private currentDeployment(s: Json): Json | undefined {
    return this.serviceDeployments.get((s.__history as string[]).at(-1) ?? '');
  }

  /** UpdateService with a new task definition or forceNewDeployment: the old revision stays until the new one is up. */
  private startDeployment(state: ClusterState, s: Json): void {
    const current = this.currentDeployment(s);
    if (current && !FINAL.has(String(current.status))) Object.assign(current, { status: 'STOPPED', statusReason: 'Superseded by a newer deployment.', finishedAt: nowSeconds() });
    const now = nowSeconds();
    this.addDeployment(state, s, { source: String(s.__revision), target: this.addRevision(state, s, String(s.taskDefinition), now), status: 'IN_PROGRESS', startedAt: now });
    s.__completeAt = Date.now() + this.deploymentMs;
  }

  /** StopServiceDeployment ROLLBACK: the service goes back to the deployment's source revision. */
  private rollBack(d: Json): void {
    const [cluster, service] = String(d.serviceDeploymentArn).split('/').slice(1, 3);
    const s = this.cluster(cluster).services.get(service)!;
    const source = ((d.sourceServiceRevisions as Json[])[0]?.arn as string | undefined) ?? String(s.__revision);
    Object.assign(d, { status: 'ROLLBACK_REQUESTED', statusReason: 'Rollback requested by StopServiceDeployment.', rollback: { reason: 'Service deployment stopped with rollback.', startedAt: nowSeconds(), serviceRevisionArn: source } });
    s.taskDefinition = this.serviceRevisions.get(source)?.taskDefinition ?? s.taskDefinition;
    s.__revision = source;
    s.__completeAt = Date.now() + this.deploymentMs;
    this.event(s, `(service ${s.serviceName}) is rolling back deployment ${nameOf(String(d.serviceDeploymentArn))}.`);
  }

  /** The deployment reached its end: tasks of the old revision replaced, the deployment final. */
  private completeDeployment(clusterName: string, s: Json): void {
    delete s.__completeAt;
    const d = this.currentDeployment(s);
    if (d && !FINAL.has(String(d.status))) {
      const rolledBack = String(d.status).startsWith('ROLLBACK');
      const desired = Number(s.desiredCount);
      Object.assign(d, {
        status: rolledBack ? 'ROLLBACK_SUCCESSFUL' : 'SUCCESSFUL', finishedAt: nowSeconds(), updatedAt: nowSeconds(),
        targetServiceRevision: { ...(d.targetServiceRevision as Json), runningTaskCount: rolledBack ? 0 : desired, pendingTaskCount: 0 },
        sourceServiceRevisions: (d.sourceServiceRevisions as Json[]).map((r) => ({ ...r, requestedTaskCount: rolledBack ? desired : 0, runningTaskCount: rolledBack ? desired : 0 })),
        deploymentCircuitBreaker: { ...(d.deploymentCircuitBreaker as Json), status: 'MONITORING_COMPLETE' },
      });
    }
    s.__rollout = 'COMPLETED';
    delete s.__previousDeploymentId;
    const state = this.cluster(clusterName);
    const def = this.taskDefinitions.get(nameOf(String(s.taskDefinition)));
    s.__containers = ((def?.containerDefinitions as Json[] | undefined) ?? []).map((c) => ({ name: c.name, image: c.image }));
    const own = state.tasks.filter((t) => t.group === `service:${s.serviceName}` && t.desiredStatus === 'RUNNING');
    for (const t of own.filter((t) => t.taskDefinitionArn !== s.taskDefinition)) this.stop(t, 'ServiceSchedulerInitiated', 'Deployment replaced the task');
    const missing = Number(s.desiredCount) - own.filter((t) => t.taskDefinitionArn === s.taskDefinition).length;
    if (missing > 0) this.addTasks(clusterName, String(s.serviceName), missing);
    this.event(s, `(service ${s.serviceName}) deployment ${s.__deploymentId} completed.`);
  }

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
      deploymentConfiguration: {
        strategy: s.strategy ?? 'ROLLING', maximumPercent: 200, minimumHealthyPercent: 100,
        deploymentCircuitBreaker: { enable: true, rollback: true },
        ...(s.alarms?.length ? { alarms: { alarmNames: s.alarms, enable: true, rollback: true } } : {}),
      },
      __deploymentId: hexId().slice(0, 8),
      __rollout: s.rollout ?? 'COMPLETED',
      enableExecuteCommand: s.enableExecuteCommand === true,
      __execAgent: s.execAgent,
      __containers: s.containers,
      __logConfiguration: s.logConfiguration,
      __strategy: s.strategy,
      __alarms: s.alarms,
      __history: [],
    };
    state.services.set(s.name, service);
    this.seedHistory(state, service, s, family, revision);
    const running = s.running ?? s.desiredCount;
    for (let i = 0; i < running; i++) {
      state.tasks.push(this.makeTask(clusterName, { family, revision, containers: s.containers, logConfiguration: s.logConfiguration, startedMinutesAgo: 30 + i % 50, enableExecuteCommand: s.enableExecuteCommand, execAgent: s.execAgent }, `service:${s.name}`, `ecs-svc/${service.__deploymentId}`));
    }
    for (let i = 0; i < (s.stopped ?? 0); i++) {
      state.tasks.push(this.makeTask(clusterName, {
        family, revision, containers: s.containers, logConfiguration: s.logConfiguration, lastStatus: 'STOPPED', desiredStatus: 'STOPPED', startedMinutesAgo: 90,
        stoppedMinutesAgo: 10 + i, stopCode: 'EssentialContainerExited', stoppedReason: 'Essential container in task exited',
      }, `service:${s.name}`, `ecs-svc/${service.__deploymentId}`));
    }
  }

  /** The seeded deployments, oldest first, then the current one (the service's own revision). */
  private seedHistory(state: ClusterState, service: Json, s: SeedService, family: string, revision: number): void {
    const history = s.history ?? [];
    let source: string | undefined;
    history.forEach((h, i) => {
      this.registerTaskDefinition({ family, revision: h.revision, logConfiguration: s.logConfiguration }, h.containers ?? s.containers ?? defaultContainers(family));
      const status = h.status ?? 'SUCCESSFUL';
      const startedAt = minutesAgo(h.startedMinutesAgo ?? 60 + (history.length - i) * 180);
      const minutes = h.minutes ?? (FINAL.has(status) ? 6 : undefined);
      const target = this.addRevision(state, service, arn(`task-definition/${family}:${h.revision}`), startedAt);
      this.addDeployment(state, service, {
        source, target, status, statusReason: h.statusReason, strategy: h.strategy, startedAt,
        finishedAt: minutes === undefined ? undefined : startedAt + minutes * 60, failedTasks: h.failedTasks, triggeredAlarms: h.triggeredAlarms,
      });
      // A rolled-back deployment leaves the service on the revision it came from.
      if (!status.startsWith('ROLLBACK')) source = target;
    });
    this.registerTaskDefinition({ family, revision, logConfiguration: s.logConfiguration }, s.containers ?? defaultContainers(family));
    const rollout = s.rollout ?? 'COMPLETED';
    const status = { COMPLETED: 'SUCCESSFUL', IN_PROGRESS: 'IN_PROGRESS', FAILED: 'STOPPED', ROLLED_BACK: 'ROLLBACK_IN_PROGRESS' }[rollout];
    const startedAt = minutesAgo(60);
    this.addDeployment(state, service, {
      source, target: this.addRevision(state, service, String(service.taskDefinition), startedAt), status, startedAt,
      statusReason: rollout === 'FAILED' || rollout === 'ROLLED_BACK' ? 'ECS deployment circuit breaker: tasks failed to start.' : undefined,
      finishedAt: status === 'SUCCESSFUL' || status === 'STOPPED' ? startedAt + 5 * 60 : undefined,
      failedTasks: s.failedTasks ?? (rollout === 'FAILED' || rollout === 'ROLLED_BACK' ? 3 : 0), triggeredAlarms: s.triggeredAlarms,
    });
  }

  private makeTask(clusterName: string, t: SeedTask, group: string, startedBy: string): Json {
    const id = hexId();
    const taskArn = arn(`task/${clusterName}/${id}`);
    const lastStatus = t.lastStatus ?? 'RUNNING';
    const stopped = lastStatus === 'STOPPED';
    const containers = t.containers ?? defaultContainers(t.family);
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
      enableExecuteCommand: t.enableExecuteCommand === true,
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
        runtimeId: lastStatus === 'PENDING' ? undefined : `${id}-${hexId().slice(0, 10)}`,
        // ECS reports the exec agent only for tasks started with enableExecuteCommand.
        managedAgents: t.enableExecuteCommand ? [{ name: 'ExecuteCommandAgent', lastStatus: t.execAgent ?? (stopped ? 'STOPPED' : 'RUNNING'), lastStartedAt: minutesAgo(t.startedMinutesAgo ?? 30) }] : undefined,
      })),
    };
  }

  /** The task definition a seeded task runs, registered on first use. */
  private registerTaskDefinition(t: SeedTask, containers: SeedContainer[]): void {
    for (const c of containers) if (c.image && c.imageDigest) this.digests.set(c.image, c.imageDigest);
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
      executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/${t.family}-execution`,
      taskRoleArn: `arn:aws:iam::${ACCOUNT}:role/${t.family}-task`,
      containerDefinitions: containers.map((c) => ({
        name: c.name,
        image: c.image ?? `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/airflow:build-42`,
        essential: true,
        ...(c.command ? { command: c.command } : {}),
        environment: Object.entries(c.environment ?? {}).map(([name, value]) => ({ name, value })),
        secrets: (c.secrets ?? []).map((name) => ({ name, valueFrom: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${t.family}/${name}` })),
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
      deployments.push({ id: `ecs-svc/${s.__previousDeploymentId}`, status: 'ACTIVE', taskDefinition: s.__previousTaskDefinition ?? s.taskDefinition, desiredCount: s.desiredCount, runningCount: running, rolloutState: 'COMPLETED' });
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

function defaultContainers(family: string): SeedContainer[] {
  return [{ name: family.replace(/^airflow-/, '') || 'main', image: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/airflow:build-42` }];
}

function nameOf(arnOrName: string): string {
  return arnOrName.slice(arnOrName.lastIndexOf('/') + 1);
}

function taskDefFamily(taskDefArn: string): { name: string; revision: number } {
  const [name, revision] = nameOf(taskDefArn).split(':');
  return { name, revision: Number(revision) };
}
