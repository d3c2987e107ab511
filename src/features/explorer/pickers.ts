import * as vscode from 'vscode';
import type { DescribeFailure } from '../../core/aws/ecs';
import { arnName, failureText, shortTaskId, taskDefinitionName } from '../../core/ecs/present';
import { loadServices, TaskPager } from '../../core/ecs/taskPager';
import type { TreeNode } from '../../platform/nodeTree';
import { ClusterNode, ServiceNode, TaskNode, type NodeContext, type ResourceNode } from './nodes';

/** Quick picks that stand in for a tree node when a command runs from the palette. */
type Pick<T> = vscode.QuickPickItem & { node: T };

async function choose<T>(items: Promise<Pick<T>[]>, placeHolder: string): Promise<T> {
  const picked = await vscode.window.showQuickPick(items, { placeHolder, matchOnDescription: true });
  if (!picked) throw new vscode.CancellationError();
  return picked.node;
}

/** What ECS listed but could not describe, as rows that say so and cannot be chosen. */
function failureRows(kind: 'cluster' | 'service', failures: DescribeFailure[]): Pick<never>[] {
  return failures.map((f) => ({ label: failureText(kind, f), kind: vscode.QuickPickItemKind.Separator }) as unknown as Pick<never>);
}

export function pickCluster(ctx: NodeContext): Promise<ClusterNode> {
  return choose((async () => {
    const ecs = await ctx.ecs();
    const { items: clusters, failures } = await ecs.describeClusters(await ecs.listClusterArns());
    if (clusters.length === 0 && failures.length === 0) throw new Error('There are no ECS clusters in this region. Select another region with "Airflow on ECS: Select Region".');
    return [
      ...clusters.map((c) => ({ label: c.clusterName ?? '', description: `${c.runningTasksCount ?? 0} running tasks`, node: new ClusterNode(ctx, c) })),
      ...failureRows('cluster', failures),
    ];
  })(), 'Select a cluster');
}

export async function pickService(ctx: NodeContext): Promise<ServiceNode> {
  const cluster = await pickCluster(ctx);
  return choose((async () => {
    const { items: services, failures } = await loadServices(await ctx.ecs(), cluster.arn);
    if (services.length === 0 && failures.length === 0) throw new Error(`Cluster ${cluster.name} has no services.`);
    return [
      ...services.map((s) => ({ label: s.serviceName ?? '', description: `${s.runningCount ?? 0}/${s.desiredCount ?? 0} running`, node: new ServiceNode(ctx, cluster.arn, s) })),
      ...failureRows('service', failures),
    ];
  })(), `Select a service of ${cluster.name}`);
}

/** The first 100 running tasks of a cluster, labelled with their service or family. */
async function runningTaskPicks(ctx: NodeContext, cluster: ClusterNode): Promise<Pick<TaskNode>[]> {
  const tasks = await new TaskPager(await ctx.ecs(), cluster.arn, { desiredStatus: 'RUNNING' }).nextPage();
  return tasks.map((t) => ({
    label: shortTaskId(t.taskArn),
    description: `${t.group ?? ''} · ${t.lastStatus} · ${taskDefinitionName(t.taskDefinitionArn)}`,
    node: new TaskNode(ctx, cluster.arn, t),
  }));
}

export async function pickTask(ctx: NodeContext): Promise<TaskNode> {
  const cluster = await pickCluster(ctx);
  return choose((async () => {
    const picks = await runningTaskPicks(ctx, cluster);
    if (picks.length === 0) throw new Error(`Cluster ${cluster.name} has no running tasks.`);
    return picks;
  })(), `Select a running task of ${cluster.name}`);
}

/** A cluster, one of its services or one of its running tasks. */
export async function pickResource(ctx: NodeContext): Promise<TreeNode & ResourceNode> {
  const cluster = await pickCluster(ctx);
  return choose<TreeNode & ResourceNode>((async () => {
    const [{ items: services }, tasks] = await Promise.all([loadServices(await ctx.ecs(), cluster.arn), runningTaskPicks(ctx, cluster)]);
    const separator = (label: string) => ({ label, kind: vscode.QuickPickItemKind.Separator }) as unknown as Pick<never>;
    return [
      { label: cluster.name, description: 'cluster', node: cluster },
      separator('Services'),
      ...services.map((s) => ({ label: s.serviceName ?? arnName(s.serviceArn), description: 'service', node: new ServiceNode(ctx, cluster.arn, s) })),
      separator('Running tasks'),
      ...tasks,
    ];
  })(), `Select a resource of ${cluster.name}`);
}
