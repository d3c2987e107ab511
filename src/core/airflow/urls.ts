// Where the deployment's Airflow API may be, found for the user: the load balancer in front of
// the api-server (or webserver) service of each ECS cluster, and the Local Stack's published port.
import { parse } from 'yaml';
import { mapLimit } from '../concurrency';
import type { CloudFormationApi } from '../aws/cloudformation';
import type { EcsApi } from '../aws/ecs';
import { loadBalancerUrl, type ElbApi } from '../aws/elb';
import { airflowRole, servesUi } from './roles';

export interface UrlCandidate {
  url: string;
  /** Where it was found, in words: "cluster prod, service airflow-api-server". */
  source: string;
  /** An internal load balancer answers only from inside the VPC. */
  internal?: boolean;
}

/** The UI-serving services' load balancer URLs, across all clusters. */
export async function clusterUrls(ecs: EcsApi, elb: ElbApi, signal?: AbortSignal): Promise<UrlCandidate[]> {
  const clusters = await ecs.listClusterArns(signal);
  const perCluster = await mapLimit(clusters, 4, async (cluster) => {
    const arns = await ecs.listServiceArns(cluster, signal);
    const services = (await ecs.describeServices(cluster, arns, signal)).items
      .filter((s) => servesUi(airflowRole(s.serviceName ?? '')));
    const found: UrlCandidate[] = [];
    for (const s of services) {
      for (const tg of (s.loadBalancers ?? []).map((lb) => lb.targetGroupArn).filter((a): a is string => !!a)) {
        for (const entry of await elb.loadBalancersOf(tg, signal)) {
          const url = loadBalancerUrl(entry);
          if (url) found.push({ url: url.replace(/\/$/, ''), source: `cluster ${cluster.split('/').pop()}, service ${s.serviceName}`, internal: entry.scheme === 'internal' });
        }
      }
    }
    return found;
  });
  return perCluster.flat();
}

/** The `AirflowUrl` output of the region's stacks (the reference template's). */
export async function stackUrls(cfn: CloudFormationApi, signal?: AbortSignal): Promise<UrlCandidate[]> {
  return (await cfn.stackOutputs(signal)).flatMap((s) => s.outputs
    .filter((o) => o.key === 'AirflowUrl' && o.value)
    .map((o) => ({ url: o.value.replace(/\/+$/, ''), source: `stack ${s.stackName}, output AirflowUrl` })));
}

/**
 * The host port a compose file publishes the api-server (or webserver) on: `"8081:8080"` -> 8081;
 * undefined when it publishes none (or the file does not parse).
 */
export function publishedApiPort(composeText: string): number | undefined {
  let data: unknown;
  try {
    data = parse(composeText, { merge: true });
  } catch {
    return undefined;
  }
  const services = (data as { services?: Record<string, { command?: unknown; ports?: unknown[] } | null> } | null)?.services ?? {};
  for (const [name, def] of Object.entries(services)) {
    const command = typeof def?.command === 'string' ? def.command.split(/\s+/) : Array.isArray(def?.command) ? def.command.map(String) : undefined;
    if (!servesUi(airflowRole(name, command))) continue;
    for (const entry of def?.ports ?? []) {
      if (entry && typeof entry === 'object' && 'published' in entry) return Number((entry as { published: unknown }).published) || undefined;
      const parts = String(entry).split('/')[0].split(':');
      // "8080" alone publishes on a random host port: nothing to tell.
      if (parts.length >= 2) return Number(parts[parts.length - 2]) || undefined;
    }
  }
  return undefined;
}
