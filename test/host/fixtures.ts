// Local servers the in-host suite talks to. run.ts starts them before code-server and passes
// their env and settings on; the suite reaches them through AIRFLOW_ECS_TEST_* variables.
import { startFakeAws } from '../support/fakeAws';
import { writeAwsProfileFiles } from '../support/awsProfiles';
import { sampleProject, startFakeSonar } from '../support/fakeSonar';
import { ensureDocker } from '../support/docker';
import { startHostAirflow } from '../support/hostAirflow';

export interface Fixtures {
  env: Record<string, string>;
  userSettings: object;
  machineSettings: object;
  dispose(): Promise<void>;
}

export async function startFixtures(): Promise<Fixtures> {
  const { aws } = await startFakeAws();
  const sonar = await startFakeSonar();
  sonar.seed(sampleProject());
  await ensureDocker();
  const airflow = await startHostAirflow();
  return {
    env: { ...writeAwsProfileFiles(), AIRFLOW_ECS_TEST_AWS: aws.url, AWS_EC2_METADATA_DISABLED: 'true', AIRFLOW_ECS_TEST_SONAR: sonar.url, ...airflow.env },
    userSettings: { 'airflowEcs.aws.profile': 'test', 'airflowEcs.aws.region': 'us-east-1', 'airflowEcs.explorer.refreshInterval': 0 },
    machineSettings: { 'airflowEcs.aws.endpointUrl': aws.url, 'airflowEcs.sonar.hostUrl': sonar.url },
    dispose: async () => { await aws.close(); await sonar.close(); await airflow.stop(); },
  };
}
