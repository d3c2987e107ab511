import {
  ECSClient,
  ListClustersCommand,
  DescribeClustersCommand,
  ListServicesCommand,
  DescribeServicesCommand,
  ListTasksCommand,
  DescribeTasksCommand,
  StopTaskCommand,
  UpdateServiceCommand,
  DescribeTaskDefinitionCommand,
  type Cluster,
  type TaskDefinition,
  type Service,
  type Task,
  type DesiredStatus,
} from '@aws-sdk/client-ecs';
import type { Logger } from '../log';
import { awsCaller, clientOptions, instrumentClient } from './clients';
import type { AwsConnection } from './connection';

export type { Cluster, Service, Task, TaskDefinition };
export type { Container } from '@aws-sdk/client-ecs';

export interface TaskFilter {
  serviceName?: string;
  desiredStatus: DesiredStatus;
}

export interface ArnPage {
  arns: string[];
  nextToken?: string;
}

/** The ECS calls the extension makes; tests and the bench can supply their own. */
export interface EcsApi {
  listClusterArns(signal?: AbortSignal): Promise<string[]>;
  describeClusters(arns: string[], signal?: AbortSignal): Promise<Cluster[]>;
  listServiceArns(cluster: string, signal?: AbortSignal): Promise<string[]>;
  /** Up to 10 services per call, as the API allows. */
  describeServices(cluster: string, arns: string[], signal?: AbortSignal): Promise<Service[]>;
  listTaskArns(cluster: string, filter: TaskFilter, nextToken?: string, signal?: AbortSignal): Promise<ArnPage>;
  /** Up to 100 tasks per call, as the API allows. */
  describeTasks(cluster: string, arns: string[], signal?: AbortSignal): Promise<Task[]>;
  stopTask(cluster: string, task: string, reason: string): Promise<Task | undefined>;
  updateService(cluster: string, service: string, change: { desiredCount?: number; forceNewDeployment?: boolean }): Promise<Service | undefined>;
  describeTaskDefinition(taskDefinition: string, signal?: AbortSignal): Promise<TaskDefinition | undefined>;
}

export const DESCRIBE_SERVICES_MAX = 10;

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function createEcsApi(conn: AwsConnection, logger: Logger): EcsApi {
  const client = instrumentClient(new ECSClient(clientOptions(conn)), 'ecs', logger);

  const call = awsCaller('ecs', conn);

  async function allPages(action: string, page: (token?: string) => Promise<{ arns?: string[]; nextToken?: string }>): Promise<string[]> {
    const arns: string[] = [];
    let token: string | undefined;
    do {
      const out = await call(action, () => page(token));
      arns.push(...(out.arns ?? []));
      token = out.nextToken;
    } while (token);
    return arns;
  }

  return {
    listClusterArns: (signal) =>
      allPages('ListClusters', async (nextToken) => {
        const out = await client.send(new ListClustersCommand({ nextToken }), { abortSignal: signal });
        return { arns: out.clusterArns, nextToken: out.nextToken };
      }),

    describeClusters: async (arns, signal) => {
      if (arns.length === 0) return [];
      const out = await call('DescribeClusters', () =>
        client.send(new DescribeClustersCommand({ clusters: arns, include: ['STATISTICS', 'SETTINGS'] }), { abortSignal: signal }),
      );
      return out.clusters ?? [];
    },

    listServiceArns: (cluster, signal) =>
      allPages('ListServices', async (nextToken) => {
        const out = await client.send(new ListServicesCommand({ cluster, nextToken, maxResults: 100 }), { abortSignal: signal });
        return { arns: out.serviceArns, nextToken: out.nextToken };
      }),

    describeServices: async (cluster, arns, signal) => {
      if (arns.length === 0) return [];
      const out = await call('DescribeServices', () =>
        client.send(new DescribeServicesCommand({ cluster, services: arns }), { abortSignal: signal }),
      );
      return out.services ?? [];
    },

    listTaskArns: async (cluster, filter, nextToken, signal) => {
      const out = await call('ListTasks', () =>
        client.send(
          new ListTasksCommand({ cluster, serviceName: filter.serviceName, desiredStatus: filter.desiredStatus, nextToken, maxResults: 100 }),
          { abortSignal: signal },
        ),
      );
      return { arns: out.taskArns ?? [], nextToken: out.nextToken };
    },

    describeTasks: async (cluster, arns, signal) => {
      if (arns.length === 0) return [];
      const out = await call('DescribeTasks', () =>
        client.send(new DescribeTasksCommand({ cluster, tasks: arns }), { abortSignal: signal }),
      );
      return out.tasks ?? [];
    },

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
  };
}
