import * as vscode from 'vscode';
import type { ContainerState } from '../../core/docker/stackState';
import type { LocalStack, LoadedProject } from './stack';
import { VIEW_TITLE } from '../../platform/commands';
import { UserFacingError } from '../../platform/errors';
import { COMMANDS } from './commandIds';
import { StackContainerNode, StackProjectNode, StackServiceNode } from './stackTree';

/** What a command on a stopped stack says: the sentence, and Up as the next step. */
export function notRunning(message: string): UserFacingError {
  return new UserFacingError(message, [{ title: 'Up', run: () => vscode.commands.executeCommand(COMMANDS.up) }]);
}

/**
 * The services of `project` a command acts on: the selected service nodes, none (= all) for the
 * project node or the view title, else a quick pick (several when `many`; all pre-selected, and
 * all picked means "all").
 */
export async function targetServices(stack: LocalStack, project: LoadedProject, node: unknown, nodes: unknown[] | undefined, opts: { many: boolean; title: string }): Promise<string[]> {
  if (node === VIEW_TITLE) return [];
  const selected = nodes?.length ? nodes : node ? [node] : [];
  if (selected.some((n) => n instanceof StackProjectNode)) return [];
  const fromTree = selected.flatMap((n) => (n instanceof StackServiceNode ? [n.name] : n instanceof StackContainerNode ? [n.container.service] : []));
  if (fromTree.length) return [...new Set(fromTree)];
  const names = stack.serviceNames(project);
  if (opts.many) {
    const picked = await vscode.window.showQuickPick(names.map((label) => ({ label, picked: true })), { title: opts.title, canPickMany: true, placeHolder: 'Services (all selected: the whole project)' });
    if (!picked?.length) throw new vscode.CancellationError();
    return picked.length === names.length ? [] : picked.map((p) => p.label);
  }
  const picked = await vscode.window.showQuickPick(names, { title: opts.title, placeHolder: 'Service' });
  if (!picked) throw new vscode.CancellationError();
  return [picked];
}

/** A running container: the selected one, the first of a selected service, else a quick pick (`prefer` picks a service by name first). */
export async function targetContainer(stack: LocalStack, node: unknown, title: string, prefer?: RegExp): Promise<ContainerState> {
  await stack.load(true);
  const running = (stack.tracker?.containers ?? []).filter((c) => c.state === 'running');
  if (node instanceof StackContainerNode) return node.container;
  const ofService = node instanceof StackServiceNode ? running.filter((c) => c.service === node.name) : prefer ? running.filter((c) => prefer.test(c.service)) : [];
  if (ofService.length) return ofService[0];
  if (node instanceof StackServiceNode || running.length === 0) {
    throw notRunning(node instanceof StackServiceNode ? `${node.name} has no running container. Start it with Up first.` : 'No container of the local stack is running. Start it with Up first.');
  }
  const picked = await vscode.window.showQuickPick(running.map((c) => ({ label: c.name, description: c.service, container: c })), { title, placeHolder: 'Container' });
  if (!picked) throw new vscode.CancellationError();
  return picked.container;
}
