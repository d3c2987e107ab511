import { FakeAws } from './server';
import { FakeEcs } from './ecs';
import { FakeLogs } from './logs';

export { FakeAws, AwsFault, control } from './server';
export type { SeedCluster, SeedService, SeedTask } from './ecs';

/** A started fake with every service we speak registered. */
export async function startFakeAws(): Promise<{ aws: FakeAws; ecs: FakeEcs; logs: FakeLogs }> {
  const aws = new FakeAws();
  const ecs = new FakeEcs();
  const logs = new FakeLogs();
  aws.register('ecs', ecs);
  aws.register('logs', logs);
  await aws.start();
  return { aws, ecs, logs };
}
