import { targetServices } from '../pickers';
import { requireTrust } from '../stack';
import type { LocalStackDeps } from './deps';

/** Restart, Stop, Start and Pull share one shape: `compose <verb> [services]`. */
export const serviceVerb = (verb: 'restart' | 'stop' | 'start' | 'pull', title: string) => ({ stack }: LocalStackDeps) => async (node?: unknown, nodes?: unknown[]) => {
  requireTrust(title);
  const services = await targetServices(stack, node, nodes, { many: verb === 'pull', title: `${title}: which service?` });
  await stack.compose(`${title} ${services.join(', ') || 'all services'}`, [verb, ...services]);
};
