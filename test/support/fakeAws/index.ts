import { FakeAws } from './server';
import { FakeEcs } from './ecs';
import { FakeEcr } from './ecr';
import { FakeCodeBuild } from './codebuild';
import { FakeLogs } from './logs';
import { FakeElb } from './elb';
import { FakeSsm } from './ssm';
import { FakeCloudFormation } from './cloudformation';

export { FakeAws, AwsFault, control } from './server';
export type { SeedCluster, SeedService, SeedTask, SeedDeployment } from './ecs';
export type { SeedRepository, SeedImage } from './ecr';
export { FakeElb, type SeedLoadBalancer } from './elb';
export { FakeSsm } from './ssm';
export { FakeCloudFormation, type SeedStack } from './cloudformation';
export type { SeedProject, SeedBuild } from './codebuild';

/** A started fake with every service we speak registered. */
export async function startFakeAws(): Promise<{ aws: FakeAws; ecs: FakeEcs; ecr: FakeEcr; codebuild: FakeCodeBuild; logs: FakeLogs; elb: FakeElb; ssm: FakeSsm; cloudformation: FakeCloudFormation }> {
  const aws = new FakeAws();
  const ecs = new FakeEcs();
  const ecr = new FakeEcr();
  const logs = new FakeLogs();
  const elb = new FakeElb();
  const ssm = new FakeSsm((target) => ecs.execTargetConnected(target));
  const cloudformation = new FakeCloudFormation();
  // CodeBuild writes its build output where CodeBuild does: /aws/codebuild/<project>, one stream per build.
  const codebuild = new FakeCodeBuild((group, stream, lines, at = Date.now()) => {
    logs.addEvents(group, stream, lines.map((message) => ({ timestamp: at, message })));
  });
  aws.register('ecs', ecs);
  aws.register('ecr', ecr);
  aws.register('codebuild', codebuild);
  aws.register('logs', logs);
  aws.register('elb', elb);
  aws.register('ssm', ssm);
  aws.register('cloudformation', cloudformation);
  ecr.baseUrl = await aws.start();
  return { aws, ecs, ecr, codebuild, logs, elb, ssm, cloudformation };
}
