import { requireTrust } from '../stack';
import { targetServices } from '../pickers';
import type { LocalStackDeps } from './deps';

export const up = ({ stack }: LocalStackDeps) => async (node?: unknown, nodes?: unknown[]) => {
  requireTrust('Up');
  const services = await targetServices(stack, node, nodes, { many: true, title: 'Up: start which services?' });
  await stack.compose(`Up ${services.join(', ') || 'all services'}`, ['up', '-d', ...services]);
};
