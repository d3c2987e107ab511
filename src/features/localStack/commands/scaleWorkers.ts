import * as vscode from 'vscode';
import { requireTrust } from '../stack';
import { StackServiceNode } from '../stackTree';
import type { LocalStackDeps } from './deps';

export function validateReplicas(value: string): string | undefined {
  const n = Number(value.trim());
  return Number.isInteger(n) && n >= 0 && n <= 20 ? undefined : 'A whole number from 0 to 20';
}

export const scaleWorkers = ({ stack }: LocalStackDeps) => async (node?: unknown) => {
  requireTrust('Scale');
  const project = await stack.valid();
  const names = project.model.ok ? project.model.services.map((s) => s.name) : [];
  const service = node instanceof StackServiceNode ? node.name
    : names.find((n) => /worker/.test(n)) ?? await vscode.window.showQuickPick(names, { title: 'Scale which service?' });
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
};
