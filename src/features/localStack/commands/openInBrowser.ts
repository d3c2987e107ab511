import * as vscode from 'vscode';
import type { ContainerState } from '../../../core/docker/stackState';
import { notRunning } from '../pickers';
import { StackContainerNode, StackServiceNode } from '../stackTree';
import type { LocalStackDeps } from './deps';

function tcpPorts(containers: ContainerState[]): { label: string; description: string; port: number }[] {
  const choices = new Map<string, { label: string; description: string; port: number }>();
  for (const c of containers) {
    for (const p of c.ports.filter((x) => x.type === 'tcp')) {
      choices.set(`${c.service}:${p.publicPort}`, { label: `${c.service} — localhost:${p.publicPort}`, description: `container port ${p.privatePort}`, port: p.publicPort });
    }
  }
  return [...choices.values()];
}

/**
 * Opens a published HTTP port (api-server 8080, flower 5555) of a running service. A service or
 * container without one offers the ports the rest of the stack publishes.
 */
export const openInBrowser = ({ stack }: LocalStackDeps) => async (node?: unknown) => {
  await stack.load(true);
  const running = (stack.tracker?.containers ?? []).filter((c) => c.state === 'running');
  const scope = node instanceof StackServiceNode ? running.filter((c) => c.service === node.name)
    : node instanceof StackContainerNode ? [node.container] : running;
  const own = tcpPorts(scope);
  const list = own.length ? own : tcpPorts(running);
  if (!list.length) throw notRunning('No running service of the local stack publishes a port. Start the stack with Up, or publish a port in the compose file.');
  const from = node instanceof StackServiceNode ? node.name : node instanceof StackContainerNode ? node.container.name : undefined;
  const title = own.length || !from ? 'Open in browser' : `${from} publishes no port; open one of the stack's`;
  const picked = list.length === 1 && own.length ? list[0] : await vscode.window.showQuickPick(list, { title });
  if (!picked) return;
  await vscode.env.openExternal(vscode.Uri.parse(`http://localhost:${picked.port}/`));
};
