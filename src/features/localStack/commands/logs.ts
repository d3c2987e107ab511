import * as vscode from 'vscode';
import { LogFollower } from '../../../core/docker/logFollower';
import { StackContainerNode, StackProjectNode, StackServiceNode } from '../stackTree';
import type { LocalStackDeps } from './deps';

const ALL = '$(layers) All services';

/** Follows one service (or the whole project) into an output channel that survives container restarts. */
export const logs = ({ stack, followers, logger }: LocalStackDeps) => async (node?: unknown) => {
  const project = await stack.load(true);
  const names = project.model.ok ? project.model.services.map((s) => s.name) : [...new Set((stack.tracker?.containers ?? []).map((c) => c.service))];
  let service: string | undefined;
  if (node instanceof StackServiceNode) service = node.name;
  else if (node instanceof StackContainerNode) service = node.container.service;
  else if (!(node instanceof StackProjectNode)) {
    const picked = await vscode.window.showQuickPick([ALL, ...names], { title: 'Follow the logs of', placeHolder: 'Service' });
    if (!picked) return;
    service = picked === ALL ? undefined : picked;
  }
  const name = `Local Stack Logs: ${project.name}${service ? `/${service}` : ''}`;
  const existing = followers.get(name);
  if (existing) return existing.show();
  const tracker = stack.tracker;
  if (!tracker) return;
  const channel = vscode.window.createOutputChannel(name);
  const follower = new LogFollower(stack.docker(), {
    service,
    tail: 200,
    onLine: (line) => channel.appendLine(line),
    onError: (message) => logger.warn(`Local Stack logs: ${message}`),
  });
  const off = tracker.onEvent((e) => follower.handleEvent(e));
  followers.set(name, { follower, show: () => channel.show(true) });
  const stop = () => {
    off();
    follower.dispose();
    channel.dispose();
    followers.delete(name);
  };
  // A new tracker (another compose file, a retry) means a new event feed: stop this one.
  const watched = stack.onDidChange(() => {
    if (stack.tracker !== tracker) {
      watched.dispose();
      stop();
    }
  });
  channel.show(true);
  await follower.start(tracker.containers);
};
