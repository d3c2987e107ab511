import {
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeTargetGroupsCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Logger } from '../log';
import { awsCaller, clientOptions, instrumentClient } from './clients';
import type { AwsConnection } from './connection';

/** A load balancer in front of a target group, as far as a URL needs it. */
export interface LoadBalancerEntry {
  dnsName: string;
  scheme?: string;
  /** Listener protocols and ports, e.g. HTTPS 443. */
  listeners: { protocol: string; port: number }[];
}

/** The ELBv2 calls the extension makes; tests can supply their own. */
export interface ElbApi {
  /** The load balancers that forward to a target group. */
  loadBalancersOf(targetGroupArn: string, signal?: AbortSignal): Promise<LoadBalancerEntry[]>;
}

export function createElbApi(conn: AwsConnection, logger: Logger): ElbApi {
  const client = instrumentClient(new ElasticLoadBalancingV2Client(clientOptions(conn)), 'elasticloadbalancing', logger);
  const call = awsCaller('elasticloadbalancing', conn);
  return {
    async loadBalancersOf(targetGroupArn, signal) {
      const groups = await call('DescribeTargetGroups', () => client.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [targetGroupArn] }), { abortSignal: signal }));
      const arns = groups.TargetGroups?.[0]?.LoadBalancerArns ?? [];
      if (arns.length === 0) return [];
      const balancers = await call('DescribeLoadBalancers', () => client.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: arns }), { abortSignal: signal }));
      return Promise.all((balancers.LoadBalancers ?? []).map(async (lb) => {
        const listeners = await call('DescribeListeners', () => client.send(new DescribeListenersCommand({ LoadBalancerArn: lb.LoadBalancerArn }), { abortSignal: signal }));
        return {
          dnsName: lb.DNSName ?? '',
          scheme: lb.Scheme,
          listeners: (listeners.Listeners ?? []).map((l) => ({ protocol: l.Protocol ?? 'HTTP', port: l.Port ?? 80 })),
        };
      }));
    },
  };
}

/** The URL a browser should open: HTTPS when a listener offers it, default ports left out. */
export function loadBalancerUrl(entry: LoadBalancerEntry): string | undefined {
  if (!entry.dnsName) return undefined;
  const https = entry.listeners.find((l) => l.protocol === 'HTTPS');
  const http = entry.listeners.find((l) => l.protocol === 'HTTP');
  const chosen = https ?? http;
  if (!chosen) return undefined;
  const scheme = chosen === https ? 'https' : 'http';
  const port = (scheme === 'https' && chosen.port === 443) || (scheme === 'http' && chosen.port === 80) ? '' : `:${chosen.port}`;
  return `${scheme}://${entry.dnsName}${port}/`;
}
