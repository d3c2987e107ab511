import { FakeAws } from './server';
import { FakeEcs } from './ecs';
import { FakeEcr } from './ecr';
import { FakeCodeBuild } from './codebuild';

export { FakeAws, AwsFault, control } from './server';
export type { SeedCluster, SeedService, SeedTask } from './ecs';
export type { SeedRepository, SeedImage } from './ecr';

/** A started fake with every service we speak registered. */
export async function startFakeAws(): Promise<{ aws: FakeAws; ecs: FakeEcs; ecr: FakeEcr; codebuild: FakeCodeBuild }> {
  const aws = new FakeAws();
  const ecs = new FakeEcs();
  const ecr = new FakeEcr();
  const codebuild = new FakeCodeBuild();
  aws.register('ecs', ecs);
  aws.register('ecr', ecr);
  aws.register('codebuild', codebuild);
  ecr.baseUrl = await aws.start();
  return { aws, ecs, ecr, codebuild };
}
