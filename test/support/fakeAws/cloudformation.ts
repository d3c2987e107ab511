import { randomUUID } from 'node:crypto';
import type * as http from 'node:http';
import { StreamReply, type FakeService } from './server';

const NS = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';

export interface SeedStack {
  name: string;
  outputs: Record<string, string>;
}

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** CloudFormation on the AWS Query protocol, as much as the extension reads: DescribeStacks with outputs, paged by two. */
export class FakeCloudFormation implements FakeService {
  readonly targetPrefix = 'cloudformation';
  readonly queryVersion = '2010-05-15';
  readonly iamPrefix = 'cloudformation';
  private stacks: SeedStack[] = [];

  seed(stacks: SeedStack[]): void {
    this.stacks = stacks;
  }

  readonly control = {
    seed: (body: Record<string, unknown>) => this.seed(body.stacks as SeedStack[]),
  };

  reset(): void {
    this.stacks = [];
  }

  readonly operations = {
    DescribeStacks: (input: Record<string, unknown>) => {
      const start = Number(input.NextToken ?? 0);
      const page = this.stacks.slice(start, start + 2);
      const next = start + 2 < this.stacks.length ? `<NextToken>${start + 2}</NextToken>` : '';
      const members = page.map((s) => `<member><StackName>${escape(s.name)}</StackName><StackId>arn:aws:cloudformation:us-east-1:123456789012:stack/${escape(s.name)}/${randomUUID()}</StackId>`
        + `<CreationTime>2026-01-01T00:00:00.000Z</CreationTime><StackStatus>CREATE_COMPLETE</StackStatus><Outputs>${Object.entries(s.outputs)
          .map(([k, v]) => `<member><OutputKey>${escape(k)}</OutputKey><OutputValue>${escape(v)}</OutputValue></member>`).join('')}</Outputs></member>`).join('');
      const body = `<DescribeStacksResponse xmlns="${NS}"><DescribeStacksResult><Stacks>${members}</Stacks>${next}</DescribeStacksResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></DescribeStacksResponse>`;
      return new StreamReply((res: http.ServerResponse) => {
        res.writeHead(200, { 'Content-Type': 'text/xml', 'x-amzn-RequestId': randomUUID() });
        res.end(body);
      });
    },
  };
}
