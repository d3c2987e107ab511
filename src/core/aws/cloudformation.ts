import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import type { Logger } from '../log';
import { awsCaller, clientOptions, instrumentClient } from './clients';
import type { AwsConnection } from './connection';

export interface StackOutputs {
  stackName: string;
  outputs: { key: string; value: string }[];
}

/** The CloudFormation calls the extension makes; tests can supply their own. */
export interface CloudFormationApi {
  /** Every stack of the region with its outputs (DescribeStacks, all pages). */
  stackOutputs(signal?: AbortSignal): Promise<StackOutputs[]>;
}

export function createCloudFormationApi(conn: AwsConnection, logger: Logger): CloudFormationApi {
  const client = instrumentClient(new CloudFormationClient(clientOptions(conn)), 'cloudformation', logger);
  const call = awsCaller('cloudformation', conn);
  return {
    async stackOutputs(signal) {
      const stacks: StackOutputs[] = [];
      let token: string | undefined;
      do {
        const page = await call('DescribeStacks', () => client.send(new DescribeStacksCommand({ NextToken: token }), { abortSignal: signal }));
        for (const s of page.Stacks ?? []) {
          stacks.push({ stackName: s.StackName ?? '', outputs: (s.Outputs ?? []).map((o) => ({ key: o.OutputKey ?? '', value: o.OutputValue ?? '' })) });
        }
        token = page.NextToken;
      } while (token);
      return stacks;
    },
  };
}
