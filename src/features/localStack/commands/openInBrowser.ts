import * as vscode from 'vscode';
import { notRunning } from '../pickers';
import { StackContainerNode, StackServiceNode } from '../stackTree';
import type { LocalStackDeps } from './deps';

/** Opens a published HTTP port (webserver 8080, flower 5555) of a running service. */
export const openInBrowser = ({ stack }: LocalStackDeps) => async (node?: unknown) => {
  await stack.load(true);
  const running = (stack.tracker?.containers ?? []).filter((c) => c.state === 'running');
  const scope = node instanceof StackServiceNode ? running.filter((c) => c.service === node.name)
    : node instanceof StackContainerNode ? [node.container] : running;
  const choices = new Map<string, { label: string; description: string; port: number }>();
  for (const c of scope) {
    for (const p of c.ports.filter((x) => x.type === 'tcp')) {
      choices.set(`${c.service}:${p.publicPort}`, { label: `${c.service} — localhost:${p.publicPort}`, description: `container port ${p.privatePort}`, port: p.publicPort });
    }
  }
  const list = [...choices.values()];
  if (!list.length) throw notRunning('No running service of the local stack publishes a port. Start the stack with Up, or publish a port in the compose file.');
  const picked = list.length === 1 ? list[0] : await vscode.window.showQuickPick(list, { title: 'Open in browser' });
  if (!picked) return;
  await vscode.env.openExternal(vscode.Uri.parse(`http://localhost:${picked.port}/`));
};
