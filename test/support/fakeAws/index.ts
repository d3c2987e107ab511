import { FakeAws } from './server';
import { FakeEcs } from './ecs';
import { FakeCodeBuild } from './codebuild';

export { FakeAws, AwsFault, control } from './server';
export type { SeedCluster, SeedService, SeedTask } from './ecs';

/** A started fake with every service we speak registered. */
export async function startFakeAws(): Promise<{ aws: FakeAws; ecs: FakeEcs; codebuild: FakeCodeBuild }> {
  const aws = new FakeAws();
  const ecs = new FakeEcs();
  const codebuild = new FakeCodeBuild();
  aws.register('ecs', ecs);
  aws.register('codebuild', codebuild);
  await aws.start();
  return { aws, ecs, codebuild };
}
