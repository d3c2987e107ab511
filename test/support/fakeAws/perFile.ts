import { createEcsApi, type EcsApi } from '../../../src/core/aws/ecs';
import { resolveConnection } from '../../../src/core/aws/connection';
import { silentLogger } from '../../../src/core/log';
import { withAwsProfileFiles } from '../awsProfiles';
import { startFakeAws } from './index';
import type { FakeAws } from './server';
import type { FakeEcs } from './ecs';

export interface FakeAwsPerFile {
  aws: FakeAws;
  ecs: FakeEcs;
  /** The real SDK's ECS client on the fake, through the `test` profile. */
  ecsApi(region?: string): Promise<EcsApi>;
}

/**
 * Mocha hooks for an integration file that calls the local endpoint through the real SDK: one
 * endpoint for the file, the `test` profile in the environment, and a reset before each test.
 */
export function fakeAwsPerFile(): FakeAwsPerFile {
  let restoreEnv: () => void = () => {};
  const fake = {
    ecsApi: async (region = '') => createEcsApi(await resolveConnection({ profile: 'test', region, endpoint: fake.aws.url }), silentLogger),
  } as FakeAwsPerFile;
  before(async () => {
    Object.assign(fake, await startFakeAws());
    restoreEnv = withAwsProfileFiles();
  });
  after(async () => {
    restoreEnv();
    await fake.aws.close();
  });
  beforeEach(() => fake.aws.reset());
  return fake;
}
