import { requireTrust } from '../stack';
import { targetServices } from '../pickers';
import type { LocalStackDeps } from './deps';

export const build = ({ stack }: LocalStackDeps) => async (node?: unknown, nodes?: unknown[]) => {
  requireTrust('Build');
  const services = await targetServices(stack, await stack.valid(), node, nodes, { many: true, title: 'Build: which services?' });
  await stack.compose(`Build ${services.join(', ') || 'all services'}`, ['build', ...services]);
};
