import * as vscode from 'vscode';
import { requireTrust } from '../stack';
import { targetServices } from '../pickers';
import type { LocalStackDeps } from './deps';

export const up = (deps: LocalStackDeps) => async function upCommand(node?: unknown, nodes?: unknown[]): Promise<void> {
  const { stack } = deps;
  requireTrust('Up');
  const services = await targetServices(stack, await stack.valid(), node, nodes, { many: true, title: 'Up: start which services?' });
  const title = `Up ${services.join(', ') || 'all services'}`;
  try {
    await stack.compose(title, ['up', '-d', ...services]);
  } catch (err) {
    // A cancelled Up leaves some services up: say which, and offer Down or the same Up again.
    if (!(err instanceof vscode.CancellationError)) throw err;
    await stack.reportHalfUp(title, () => upCommand(node, nodes));
  }
};
