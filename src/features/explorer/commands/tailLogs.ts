import * as vscode from 'vscode';
import { arnName, shortTaskId } from '../../../core/ecs/present';
import { EcsStreamResolver, type EcsLogScope } from '../../../core/logs/ecsStreams';
import { toAbortSignal } from '../../../platform/commands';
import { ContainerNode, ServiceNode, TaskNode, type NodeContext } from '../nodes';
import { pickService, pickTask } from '../pickers';
import type { ExplorerDeps } from './deps';

interface Target {
  key: string;
  title: string;
  scope: EcsLogScope;
}

function serviceOfTask(group: string | undefined): string {
  return group?.startsWith('service:') ? group.slice('service:'.length) : (group ?? '');
}

/** What a tree node (or a picked one) asks to tail. */
export function targetOf(node: unknown): Target | undefined {
  if (node instanceof ServiceNode) {
    const cluster = arnName(node.clusterArn);
    return { key: node.arn, title: `${node.name} (${cluster})`, scope: { kind: 'service', cluster: node.clusterArn, serviceName: node.name, taskDefinition: node.resource.taskDefinition } };
  }
  if (node instanceof TaskNode) {
    const t = node.resource;
    return { key: node.arn, title: `${serviceOfTask(t.group)} ${shortTaskId(t.taskArn)} (${arnName(node.clusterArn)})`.trim(), scope: { kind: 'task', cluster: node.clusterArn, task: t } };
  }
  if (node instanceof ContainerNode) {
    const name = node.resource.name ?? '';
    return { key: `${node.task.taskArn}#${name}`, title: `${name} ${shortTaskId(node.task.taskArn)} (${arnName(node.clusterArn)})`, scope: { kind: 'container', cluster: node.clusterArn, task: node.task, containerName: name } };
  }
  return undefined;
}

async function pickTarget(ctx: NodeContext): Promise<unknown> {
  const kind = await vscode.window.showQuickPick(
    [{ label: 'Service', description: 'every task of a service, merged', pick: pickService }, { label: 'Task', description: 'one running task', pick: pickTask }],
    { placeHolder: 'Tail the logs of' },
  );
  if (!kind) throw new vscode.CancellationError();
  return kind.pick(ctx);
}

/** "Tail Logs" on a service, task or container node, or from the palette with pickers. */
export const tailLogs = ({ session, tails }: ExplorerDeps) => async (node?: unknown) => {
  const ctx: NodeContext = { ecs: () => session.ecs(), now: () => Date.now() };
  const target = targetOf(node ?? (await pickTarget(ctx)));
  if (!target) return;
  // A running tail is shown; one that stopped on a failure is replaced by a fresh one.
  const running = tails.find(target.key);
  if (running?.running) {
    running.channel.show(true);
    return running;
  }
  const resolver = new EcsStreamResolver(await session.ecs(), target.scope);
  const { sets, changes } = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Finding the log streams of ${target.title}`, cancellable: true },
    (_progress, token) => resolver.resolve(toAbortSignal(token)),
  );
  return tails.start(target.key, target.title, resolver, sets, changes);
};
