import { containerVerbByLabel } from '../../../core/docker/projectByLabel';
import { targetServices } from '../pickers';
import { requireTrust } from '../stack';
import type { LocalStackDeps } from './deps';

/**
 * Restart, Stop, Start and Pull share one shape: `compose <verb> [services]`. While the file does
 * not parse, all but Pull (which needs the images the file names) act on the project by name.
 */
export const serviceVerb = (verb: 'restart' | 'stop' | 'start' | 'pull', title: string) => ({ stack }: LocalStackDeps) => async (node?: unknown, nodes?: unknown[]) => {
  // Refused when untrusted on either path: stopping by label changes containers as compose would.
  requireTrust(title);
  const project = verb === 'pull' ? await stack.valid() : await stack.load(true);
  const services = await targetServices(stack, project, node, nodes, { many: verb === 'pull', title: `${title}: which service?` });
  const what = `${title} ${services.join(', ') || 'all services'}`;
  if (project.model.ok || verb === 'pull') await stack.compose(what, [verb, ...services]);
  else await stack.withoutFile(what, (docker, signal) => containerVerbByLabel(docker, project.name, verb, services, signal));
};
