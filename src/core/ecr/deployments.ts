import type { EcsApi, Task } from '../aws/ecs';
import { arnName } from '../ecs/present';
import { TaskPager } from '../ecs/taskPager';
import { shortSha, type Placement } from './present';

export interface DeployedImage {
  digest: string;
  /** The image reference the task definition names. */
  image?: string;
  places: Placement[];
}

function placementOf(clusterArn: string, task: Task): Placement {
  const service = task.group?.startsWith('service:') ? task.group.slice('service:'.length) : task.group ?? 'standalone';
  return { cluster: arnName(clusterArn), service };
}

/** Every image digest running in an ECS task of this region, with the cluster/service it runs in. */
export async function findDeployments(ecs: EcsApi, signal?: AbortSignal): Promise<Map<string, DeployedImage>> {
  const found = new Map<string, DeployedImage>();
  for (const cluster of await ecs.listClusterArns(signal)) {
    const pager = new TaskPager(ecs, cluster, { desiredStatus: 'RUNNING' });
    do {
      for (const task of await pager.nextPage(signal)) {
        for (const c of task.containers ?? []) {
          if (!c.imageDigest) continue;
          const entry = found.get(c.imageDigest) ?? { digest: c.imageDigest, image: c.image, places: [] };
          const place = placementOf(cluster, task);
          if (!entry.places.some((p) => p.cluster === place.cluster && p.service === place.service)) entry.places.push(place);
          found.set(c.imageDigest, entry);
        }
      }
    } while (!pager.done);
  }
  return found;
}

export interface HeadStatus {
  text: string;
  tooltip: string;
  /** The deployed image the status points at (clicking reveals it). */
  target?: DeployedImage;
}

export interface DeployedCommit {
  image: DeployedImage;
  commit?: string;
}

/**
 * Answers "is my HEAD deployed?": HEAD's image and where it runs, else the deployed commit
 * closest to HEAD and how many commits behind it is. `behind` returns undefined for a commit
 * this clone does not have.
 */
export async function headStatus(head: string, deployed: DeployedCommit[], behind: (commit: string) => Promise<number | undefined>): Promise<HeadStatus> {
  const same = (c: string | undefined) => !!c && c.length >= 7 && (head.startsWith(c) || c.startsWith(head));
  const here = deployed.filter((d) => same(d.commit));
  if (here.length) {
    const places = here.flatMap((d) => d.image.places).map((p) => `${p.cluster}/${p.service}`);
    return { text: `HEAD ${shortSha(head)} deployed to ${places[0]}${places.length > 1 ? ` +${places.length - 1}` : ''}`, tooltip: `HEAD ${head} runs in ${places.join(', ')}`, target: here[0].image };
  }
  const withCommit = deployed.filter((d) => d.commit);
  if (!withCommit.length) {
    return deployed.length
      ? { text: `HEAD ${shortSha(head)}: deployed images have no build labels`, tooltip: 'The running images carry no commit label, so they cannot be traced to a commit.', target: deployed[0].image }
      : { text: `HEAD ${shortSha(head)} not deployed`, tooltip: 'No running ECS task uses an image of these repositories.' };
  }
  let best: { d: DeployedCommit; n: number } | undefined;
  for (const d of withCommit) {
    const n = await behind(d.commit!);
    if (n !== undefined && (!best || n < best.n)) best = { d, n };
  }
  if (!best) {
    const d = withCommit[0];
    return { text: `deployed: ${shortSha(d.commit)} (not in this clone)`, tooltip: `The deployed commit ${d.commit} is not in this clone: fetch to compare it with HEAD.`, target: d.image };
  }
  const where = best.d.image.places.map((p) => `${p.cluster}/${p.service}`).join(', ');
  return {
    text: `deployed: ${shortSha(best.d.commit)} (${best.n} commit${best.n === 1 ? '' : 's'} behind HEAD)`,
    tooltip: `${where} runs ${best.d.commit}, ${best.n} commit${best.n === 1 ? '' : 's'} behind HEAD ${head}.`,
    target: best.d.image,
  };
}
