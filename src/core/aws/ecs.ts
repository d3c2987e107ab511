import {
  ECSClient,
  paginateListClusters,
  paginateListServices,
  DescribeClustersCommand,
  DescribeServicesCommand,
  ListServicesCommand,
  ListTasksCommand,
  DescribeTasksCommand,
  StopTaskCommand,
  UpdateServiceCommand,
  DescribeTaskDefinitionCommand,
  ExecuteCommandCommand,
  ListServiceDeploymentsCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServiceRevisionsCommand,
  StopServiceDeploymentCommand,
  type Cluster,
  type ServiceDeployment,
  type ServiceDeploymentBrief,
  type ServiceRevision,
  type TaskDefinition,
  type Service,
  type Task,
  type DesiredStatus,
  type Failure,
} from '@aws-sdk/client-ecs';
import { mapLimit } from '../concurrency';
import type { Logger } from '../log';
import { awsCaller, clientOptions, instrumentClient } from './clients';
import type { AwsConnection } from './connection';
import { clientEndpoint } from './endpoints';
import { sessionFailure } from '../ecs/exec';

export type { Cluster, Service, Task, TaskDefinition, ServiceDeployment, ServiceDeploymentBrief, ServiceRevision };
export type { Container, ContainerDefinition, Deployment } from '@aws-sdk/client-ecs';

export interface TaskFilter {
  serviceName?: string;
  desiredStatus: DesiredStatus;
}

export interface ArnPage {
  arns: string[];
  nextToken?: string;
}

/** A resource the API could not describe, and why (`MISSING`, `INACTIVE`...). */
export interface DescribeFailure {
  arn: string;
  reason: string;
  detail?: string;
}

/** What a Describe* call returns: the resources found and those it reported as failures. */
export interface Described<T> {
  items: T[];
  failures: DescribeFailure[];
}

export interface DeploymentPage {
  deployments: ServiceDeploymentBrief[];
  nextToken?: string;
}

/** What UpdateService changes: the count, a fresh deployment, or another task definition revision. */
export interface ServiceChange {
  desiredCount?: number;
  forceNewDeployment?: boolean;
  taskDefinition?: string;
  /** Tasks started from now on accept ECS Exec. */
  enableExecuteCommand?: boolean;
}

/** The ECS calls the extension makes; tests and the bench can supply their own. */
export interface EcsApi {
  listClusterArns(signal?: AbortSignal): Promise<string[]>;
  /** Any number of clusters: sent 100 at a time, as the API allows. */
  describeClusters(arns: string[], signal?: AbortSignal): Promise<Described<Cluster>>;
  listServiceArns(cluster: string, signal?: AbortSignal): Promise<string[]>;
  /** One ListServices page (up to 100 ARNs) from `nextToken`. */
  listServicePage(cluster: string, nextToken?: string, signal?: AbortSignal): Promise<ArnPage>;
  /** Any number of services: sent 10 at a time, as the API allows. */
  describeServices(cluster: string, arns: string[], signal?: AbortSignal): Promise<Described<Service>>;
  listTaskArns(cluster: string, filter: TaskFilter, nextToken?: string, signal?: AbortSignal): Promise<ArnPage>;
  /** Any number of tasks: sent 100 at a time, as the API allows. */
  describeTasks(cluster: string, arns: string[], signal?: AbortSignal): Promise<Described<Task>>;
  stopTask(cluster: string, task: string, reason: string): Promise<Task | undefined>;
  updateService(cluster: string, service: string, change: ServiceChange): Promise<Service | undefined>;
  describeTaskDefinition(taskDefinition: string, signal?: AbortSignal): Promise<TaskDefinition | undefined>;
  /** One page of a service's deployments (ListServiceDeployments). */
  listServiceDeployments(cluster: string, service: string, pageSize: number, nextToken?: string, signal?: AbortSignal): Promise<DeploymentPage>;
  /** Any number of deployments: sent 20 at a time, as the API allows. */
  describeServiceDeployments(arns: string[], signal?: AbortSignal): Promise<Described<ServiceDeployment>>;
  /** Any number of service revisions: sent 20 at a time, as the API allows. */
  describeServiceRevisions(arns: string[], signal?: AbortSignal): Promise<Described<ServiceRevision>>;
  /** Stops a deployment in progress; ECS rolls the service back to the revision it came from. */
  stopServiceDeployment(deploymentArn: string): Promise<void>;
  /** Opens an interactive ECS Exec session (ExecuteCommand); the Session Manager plugin carries it. */
  executeCommand(cluster: string, task: string, container: string, command: string, signal?: AbortSignal): Promise<ExecSession>;
  /** The endpoint the Session Manager plugin is told, as the AWS CLI tells it. */
  endpoint(): Promise<string>;
}

/** What ExecuteCommand answers: the session the plugin opens, as the API spells it. */
export interface ExecSession {
  sessionId: string;
  streamUrl: string;
  tokenValue: string;
}

/** The most ARNs each Describe* call takes (ECS API reference). */
export const DESCRIBE_LIMITS = { clusters: 100, services: 10, tasks: 100, serviceDeployments: 20, serviceRevisions: 20 } as const;
/** Describe calls of one batch in flight at once. */
const DESCRIBE_PARALLEL = 4;

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Sends `arns` in chunks of `size`, a few at a time, and merges what comes back in order. */
export async function describeInChunks<T>(
  arns: readonly string[],
  size: number,
  describe: (chunk: string[]) => Promise<{ items?: T[]; failures?: Failure[] }>,
): Promise<Described<T>> {
  const parts = await mapLimit(chunk(arns, size), DESCRIBE_PARALLEL, describe);
  return {
    items: parts.flatMap((p) => p.items ?? []),
    failures: parts.flatMap((p) => p.failures ?? []).map((f) => ({ arn: f.arn ?? '', reason: f.reason ?? 'unknown', detail: f.detail })),
  };
}

export function createEcsApi(conn: AwsConnection, logger: Logger): EcsApi {
  const client = instrumentClient(new ECSClient(clientOptions(conn)), 'ecs', logger);

  const call = awsCaller('ecs', conn);

  return {
    listClusterArns: (signal) =>
      call('ListClusters', async () => {
        const arns: string[] = [];
        for await (const page of paginateListClusters({ client, pageSize: 100 }, {}, { abortSignal: signal })) arns.push(...(page.clusterArns ?? []));
        return arns;
      }),

    describeClusters: (arns, signal) =>
      describeInChunks(arns, DESCRIBE_LIMITS.clusters, async (clusters) => {
        const out = await call('DescribeClusters', () =>
          client.send(new DescribeClustersCommand({ clusters, include: ['STATISTICS', 'SETTINGS'] }), { abortSignal: signal }),
        );
        return { items: out.clusters, failures: out.failures };
      }),

    listServiceArns: (cluster, signal) =>
      call('ListServices', async () => {
        const arns: string[] = [];
        for await (const page of paginateListServices({ client, pageSize: 100 }, { cluster }, { abortSignal: signal })) arns.push(...(page.serviceArns ?? []));
        return arns;
      }),

    listServicePage: async (cluster, nextToken, signal) => {
      const out = await call('ListServices', () =>
        client.send(new ListServicesCommand({ cluster, nextToken, maxResults: 100 }), { abortSignal: signal }),
      );
      return { arns: out.serviceArns ?? [], nextToken: out.nextToken };
    },

    describeServices: (cluster, arns, signal) =>
      describeInChunks(arns, DESCRIBE_LIMITS.services, async (services) => {
        const out = await call('DescribeServices', () =>
          client.send(new DescribeServicesCommand({ cluster, services }), { abortSignal: signal }),
        );
        return { items: out.services, failures: out.failures };
      }),

    listTaskArns: async (cluster, filter, nextToken, signal) => {
      const out = await call('ListTasks', () =>
        client.send(
          new ListTasksCommand({ cluster, serviceName: filter.serviceName, desiredStatus: filter.desiredStatus, nextToken, maxResults: 100 }),
          { abortSignal: signal },
        ),
      );
      return { arns: out.taskArns ?? [], nextToken: out.nextToken };
    },

    describeTasks: (cluster, arns, signal) =>
      describeInChunks(arns, DESCRIBE_LIMITS.tasks, async (tasks) => {
        const out = await call('DescribeTasks', () =>
          client.send(new DescribeTasksCommand({ cluster, tasks }), { abortSignal: signal }),
        );
        return { items: out.tasks, failures: out.failures };
      }),

    stopTask: async (cluster, task, reason) => {
      const out = await call('StopTask', () => client.send(new StopTaskCommand({ cluster, task, reason })));
      return out.task;
    },

    updateService: async (cluster, service, change) => {
      const out = await call('UpdateService', () => client.send(new UpdateServiceCommand({ cluster, service, ...change })));
      return out.service;
    },

    describeTaskDefinition: async (taskDefinition, signal) => {
      const out = await call('DescribeTaskDefinition', () =>
        client.send(new DescribeTaskDefinitionCommand({ taskDefinition }), { abortSignal: signal }),
      );
      return out.taskDefinition;
    },

    executeCommand: async (cluster, task, container, command, signal) => {
      const out = await call('ExecuteCommand', () =>
        client.send(new ExecuteCommandCommand({ cluster, task, container, command, interactive: true }), { abortSignal: signal })
          .catch((err: unknown) => { throw sessionFailure(err, task.slice(task.lastIndexOf('/') + 1)) ?? err; }),
      );
      const s = out.session ?? {};
      return { sessionId: s.sessionId ?? '', streamUrl: s.streamUrl ?? '', tokenValue: s.tokenValue ?? '' };
    },

    endpoint: () => clientEndpoint(client, conn),

    listServiceDeployments: async (cluster, service, pageSize, nextToken, signal) => {
      const out = await call('ListServiceDeployments', () =>
        client.send(new ListServiceDeploymentsCommand({ cluster, service, maxResults: pageSize, nextToken }), { abortSignal: signal }),
      );
      return { deployments: out.serviceDeployments ?? [], nextToken: out.nextToken };
    },

    describeServiceDeployments: (arns, signal) =>
      describeInChunks(arns, DESCRIBE_LIMITS.serviceDeployments, async (serviceDeploymentArns) => {
        const out = await call('DescribeServiceDeployments', () =>
          client.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns }), { abortSignal: signal }),
        );
        return { items: out.serviceDeployments, failures: out.failures };
      }),

    describeServiceRevisions: (arns, signal) =>
      describeInChunks(arns, DESCRIBE_LIMITS.serviceRevisions, async (serviceRevisionArns) => {
        const out = await call('DescribeServiceRevisions', () =>
          client.send(new DescribeServiceRevisionsCommand({ serviceRevisionArns }), { abortSignal: signal }),
        );
        return { items: out.serviceRevisions, failures: out.failures };
      }),

    stopServiceDeployment: async (serviceDeploymentArn) => {
      await call('StopServiceDeployment', () => client.send(new StopServiceDeploymentCommand({ serviceDeploymentArn, stopType: 'ROLLBACK' })));
    },
  };
}
