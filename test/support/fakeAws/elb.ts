import { randomUUID } from 'node:crypto';
import type * as http from 'node:http';
import { StreamReply, type FakeService } from './server';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const NS = 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/';

export interface SeedLoadBalancer {
  name: string;
  scheme?: 'internal' | 'internet-facing';
  listeners: { protocol: 'HTTP' | 'HTTPS'; port: number }[];
  /** Target group names; their ARNs are what an ECS service's loadBalancers name. */
  targetGroups: string[];
}

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function xml(value: unknown): string {
  if (Array.isArray(value)) return value.map((v) => `<member>${xml(v)}</member>`).join('');
  if (value && typeof value === 'object') return Object.entries(value).map(([k, v]) => `<${k}>${xml(v)}</${k}>`).join('');
  return escape(String(value));
}

/** `Names.member.1`, `Names.member.2`... as the Query protocol serialises a list. */
function members(input: Record<string, unknown>, name: string): string[] {
  return Object.keys(input).filter((k) => k.startsWith(`${name}.member.`)).sort().map((k) => String(input[k]));
}

/**
 * Elastic Load Balancing v2 on the AWS Query protocol, as much as the extension reads:
 * which load balancer forwards to a target group, and its listeners.
 */
export class FakeElb implements FakeService {
  readonly targetPrefix = 'elasticloadbalancing';
  readonly queryVersion = '2015-12-01';
  readonly iamPrefix = 'elasticloadbalancing';
  private balancers: SeedLoadBalancer[] = [];

  static targetGroupArn(name: string): string {
    return `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:targetgroup/${name}/0123456789abcdef`;
  }

  static loadBalancerArn(name: string): string {
    return `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:loadbalancer/app/${name}/fedcba9876543210`;
  }

  static dnsName(lb: SeedLoadBalancer): string {
    return `${lb.scheme === 'internet-facing' ? '' : 'internal-'}${lb.name}-1234567890.${REGION}.elb.amazonaws.com`;
  }

  seed(balancers: SeedLoadBalancer[]): void {
    this.balancers = balancers;
  }

  readonly control = {
    seed: (body: Record<string, unknown>) => this.seed(body.balancers as SeedLoadBalancer[]),
  };

  reset(): void {
    this.balancers = [];
  }

  private reply(action: string, result: unknown, status = 200): StreamReply {
    const body = status === 200
      ? `<${action}Response xmlns="${NS}"><${action}Result>${xml(result)}</${action}Result><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${action}Response>`
      : `<ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type>${xml(result)}</Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`;
    return new StreamReply((res: http.ServerResponse) => {
      res.writeHead(status, { 'Content-Type': 'text/xml', 'x-amzn-RequestId': randomUUID() });
      res.end(body);
    });
  }

  readonly operations = {
    DescribeTargetGroups: (input: Record<string, unknown>) => {
      const arns = members(input, 'TargetGroupArns');
      const groups = arns.map((arn) => {
        const name = arn.split('/')[1];
        const lbs = this.balancers.filter((lb) => lb.targetGroups.includes(name));
        // A target group exists here when a seeded load balancer forwards to it.
        return lbs.length ? { TargetGroupArn: arn, TargetGroupName: name, LoadBalancerArns: lbs.map((lb) => FakeElb.loadBalancerArn(lb.name)) } : undefined;
      });
      if (groups.some((g) => !g)) return this.reply('DescribeTargetGroups', { Code: 'TargetGroupNotFound', Message: 'One or more target groups not found' }, 400);
      return this.reply('DescribeTargetGroups', { TargetGroups: groups });
    },
    DescribeLoadBalancers: (input: Record<string, unknown>) => {
      const arns = new Set(members(input, 'LoadBalancerArns'));
      const found = this.balancers.filter((lb) => arns.has(FakeElb.loadBalancerArn(lb.name)));
      return this.reply('DescribeLoadBalancers', {
        LoadBalancers: found.map((lb) => ({
          LoadBalancerArn: FakeElb.loadBalancerArn(lb.name), LoadBalancerName: lb.name, DNSName: FakeElb.dnsName(lb),
          Scheme: lb.scheme ?? 'internal', Type: 'application', State: { Code: 'active' },
        })),
      });
    },
    DescribeListeners: (input: Record<string, unknown>) => {
      const lb = this.balancers.find((b) => FakeElb.loadBalancerArn(b.name) === input.LoadBalancerArn);
      if (!lb) return this.reply('DescribeListeners', { Code: 'LoadBalancerNotFound', Message: 'One or more load balancers not found' }, 400);
      return this.reply('DescribeListeners', {
        Listeners: lb.listeners.map((l, i) => ({ ListenerArn: `${FakeElb.loadBalancerArn(lb.name)}/listener/${i}`, Protocol: l.protocol, Port: l.port })),
      });
    },
  };
}
