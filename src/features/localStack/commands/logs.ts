import * as vscode from 'vscode';
import { DockerLogSource } from '../../../core/docker/dockerLogSource';
import { formatLine } from '../../../core/logs/format';
import { VIEW_TITLE } from '../../../platform/commands';
import { StackContainerNode, StackProjectNode, StackServiceNode } from '../stackTree';
import type { LocalStackDeps } from './deps';

const ALL = '$(layers) All services';
/** Lines are read back this far on every poll: Docker stamps a line when it receives it, so late ones are rare. */
const WINDOW_MS = 10_000;

/**
 * Follows one service (or the whole project) into an output channel through the shared LogTail:
 * containers are found by their compose labels on every poll, so restarts and re-creations
 * need nothing special, and the tail's dedup window keeps every line exactly once.
 */
export const logs = ({ stack, tails }: LocalStackDeps) => async (node?: unknown) => {
  const project = await stack.load(true);
  const names = stack.serviceNames(project);
  let service: string | undefined;
  if (node instanceof StackServiceNode) service = node.name;
  else if (node instanceof StackContainerNode) service = node.container.service;
  else if (!(node instanceof StackProjectNode) && node !== VIEW_TITLE) {
    const picked = await vscode.window.showQuickPick([ALL, ...names], { title: 'Follow the logs of', placeHolder: 'Service' });
    if (!picked) return;
    service = picked === ALL ? undefined : picked;
  }
  const name = `Local Stack Logs: ${project.name}${service ? `/${service}` : ''}`;
  const key = `localStack:${project.name}/${service ?? ''}`;
  const existing = tails.find(key);
  if (existing?.running) return existing.channel.show(true);
  const tracker = stack.tracker;
  if (!tracker) return;
  // `service-n | message`: formatLine keeps a stream name without slashes as it is.
  const session = tails.startSource(key, name, new DockerLogSource(stack.docker(), project.name, service), formatLine, name, { windowMs: WINDOW_MS });
  // Another compose file (another project) makes this tail meaningless: stop it.
  const watched = stack.onDidChange(() => {
    if (stack.tracker !== tracker) {
      watched.dispose();
      if (tails.find(key) === session) void tails.stop(session);
    }
  });
};
