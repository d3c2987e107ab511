import { FakeAws } from './server';
import { FakeEcs } from './ecs';

export { FakeAws, AwsFault, control } from './server';
export type { SeedCluster, SeedService, SeedTask } from './ecs';

/** A started fake with every service we speak registered. */
export async function startFakeAws(): Promise<{ aws: FakeAws; ecs: FakeEcs }> {
  const aws = new FakeAws();
  const ecs = new FakeEcs();
  aws.register('ecs', ecs);
  await aws.start();
  return { aws, ecs };
}
