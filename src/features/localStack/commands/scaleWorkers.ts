import * as vscode from 'vscode';
import { isCeleryWorker } from '../../../core/docker/composeFile';
import { trimScale } from '../../../core/docker/projectByLabel';
import { UserFacingError } from '../../../platform/errors';
import { requireTrust } from '../stack';
import { StackServiceNode } from '../stackTree';
import type { LocalStackDeps } from './deps';

export function validateReplicas(value: string): string | undefined {
  const n = Number(value.trim());
  return Number.isInteger(n) && n >= 0 && n <= 20 ? undefined : 'A whole number from 0 to 20';
}

/** Scales a Celery worker service (by its command or name); the palette offers only those. */
export const scaleWorkers = ({ stack }: LocalStackDeps) => async (node?: unknown) => {
  requireTrust('Scale');
  const project = await stack.valid();
  const workers = project.model.ok ? project.model.services.filter(isCeleryWorker).map((s) => s.name) : [];
  if (!(node instanceof StackServiceNode) && !workers.length) {
    throw new UserFacingError(`No Celery worker service is in ${project.display}: Scale Workers looks for a command running "celery worker" or a service named *worker*.`);
  }
  const service = node instanceof StackServiceNode ? node.name
    : workers.length === 1 ? workers[0] : await vscode.window.showQuickPick(workers, { title: 'Scale which worker service?' });
  if (!service) return;
  const current = (stack.tracker?.containers ?? []).filter((c) => c.service === service && c.state === 'running').length;
  const value = await vscode.window.showInputBox({
    title: `Scale ${service}`,
    prompt: `Number of ${service} containers (${current} running now)`,
    value: String(current || 1),
    validateInput: validateReplicas,
  });
  if (value === undefined) return;
  const count = Number(value.trim());
  await stack.compose(`Scale ${service} to ${count}`, ['up', '-d', '--no-recreate', '--scale', `${service}=${count}`, service]);
  const removed = await trimScale(stack.docker(), project.name, service, count);
  if (removed.length) stack.output.appendLine(`(Scale ${service} to ${count}: removed ${removed.join(', ')}, which the compose command left running)`);
};
