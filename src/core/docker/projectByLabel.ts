import type Docker from 'dockerode';
import { LABELS } from './stackState';

export type LabelDocker = Pick<Docker, 'listContainers' | 'getContainer' | 'listNetworks' | 'getNetwork' | 'listVolumes' | 'getVolume'>;

export type ContainerVerb = 'stop' | 'start' | 'restart';

/** Seconds a container gets to stop before SIGKILL, as compose's default. */
const STOP_TIMEOUT_S = 10;

function labelFilter(project: string, services: string[] = []): { label: string[] } {
  return { label: [`${LABELS.project}=${project}`, ...(services.length === 1 ? [`${LABELS.service}=${services[0]}`] : [])] };
}

async function projectContainers(docker: LabelDocker, project: string, services: string[]): Promise<Docker.ContainerInfo[]> {
  const all = await docker.listContainers({ all: true, filters: labelFilter(project, services) });
  return services.length ? all.filter((c) => services.includes(c.Labels?.[LABELS.service] ?? '')) : all;
}

function names(list: Docker.ContainerInfo[]): string {
  return list.map((c) => (c.Names?.[0] ?? c.Id).replace(/^\//, '')).join(', ');
}

/**
 * Stop, Start or Restart the project's containers (of `services`, or all) found by their compose
 * label: what compose would do, without the compose file. Returns what was done, in a sentence.
 */
export async function containerVerbByLabel(docker: LabelDocker, project: string, verb: ContainerVerb, services: string[], signal?: AbortSignal): Promise<string> {
  const targets = (await projectContainers(docker, project, services)).filter((c) => (verb === 'start' ? c.State !== 'running' : verb === 'stop' ? c.State === 'running' : true));
  for (const c of targets) {
    if (signal?.aborted) break;
    const container = docker.getContainer(c.Id);
    if (verb === 'start') await container.start();
    else if (verb === 'stop') await container.stop({ t: STOP_TIMEOUT_S });
    else await container.restart({ t: STOP_TIMEOUT_S });
  }
  const past = { stop: 'Stopped', start: 'Started', restart: 'Restarted' }[verb];
  return targets.length ? `${past} ${targets.length} container(s): ${names(targets)}.` : `No container of ${project} needed to be ${past.toLowerCase()}.`;
}

/**
 * Leaves `count` containers of a scaled service: removes those numbered above it. Compose v1 and
 * v2 have done so already; podman-compose starts new ones but never removes any when scaling down.
 */
export async function trimScale(docker: LabelDocker, project: string, service: string, count: number): Promise<string[]> {
  const extra = (await projectContainers(docker, project, [service])).filter((c) => Number(c.Labels?.[LABELS.number] ?? 1) > count);
  for (const c of extra) await docker.getContainer(c.Id).remove({ force: true, v: true });
  return extra.map((c) => (c.Names?.[0] ?? c.Id).replace(/^\//, ''));
}

/**
 * Down without the compose file: removes the project's containers (with their anonymous
 * volumes), its networks and, when asked, its named volumes, all found by the compose label.
 */
export async function downByLabel(docker: LabelDocker, project: string, opts: { volumes: boolean; signal?: AbortSignal }): Promise<string> {
  const containers = await projectContainers(docker, project, []);
  // podman refuses to remove a container that another depends on (depends_on): passes until none is left.
  let left = containers;
  while (left.length) {
    const refused: { c: Docker.ContainerInfo; err: unknown }[] = [];
    for (const c of left) {
      if (opts.signal?.aborted) return `Down cancelled after some containers of ${project}.`;
      const container = docker.getContainer(c.Id);
      if (c.State === 'running') await container.stop({ t: STOP_TIMEOUT_S }).catch(() => undefined);
      await container.remove({ force: true, v: true }).catch((err: unknown) => refused.push({ c, err }));
    }
    if (refused.length === left.length) throw refused[0].err;
    left = refused.map((r) => r.c);
  }
  const networks = await docker.listNetworks({ filters: labelFilter(project) });
  for (const n of networks) await docker.getNetwork(n.Id).remove();
  const volumes = opts.volumes ? (await docker.listVolumes({ filters: labelFilter(project) })).Volumes ?? [] : [];
  for (const v of volumes) await docker.getVolume(v.Name).remove();
  return `Removed ${containers.length} container(s)${containers.length ? ` (${names(containers)})` : ''}, ${networks.length} network(s)${opts.volumes ? ` and ${volumes.length} volume(s)` : ''} of ${project}.`;
}
