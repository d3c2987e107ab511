// Where Connect to Airflow finds URLs: the real SDK clients (ECS, ELBv2, CloudFormation) against
// the local AWS endpoint, as the connect command calls them.
import * as assert from 'node:assert/strict';
import { clusterUrls, stackUrls } from '../../src/core/airflow/urls';
import { createCloudFormationApi } from '../../src/core/aws/cloudformation';
import { createEcsApi } from '../../src/core/aws/ecs';
import { createElbApi } from '../../src/core/aws/elb';
import { silentLogger } from '../../src/core/log';
import { withAwsProfileFiles } from '../support/awsProfiles';
import { FakeElb, startFakeAws } from '../support/fakeAws';

describe('Airflow URLs from the AWS account (local endpoint, real SDK)', () => {
  let fakes: Awaited<ReturnType<typeof startFakeAws>>;
  let restore: () => void;
  const conn = () => ({ profile: 'test', source: 'test', region: 'us-east-1', endpoint: fakes.aws.url });

  before(async () => {
    restore = withAwsProfileFiles();
    fakes = await startFakeAws();
  });
  after(async () => {
    await fakes.aws.close();
    restore();
  });
  beforeEach(() => {
    fakes.aws.reset();
    fakes.cloudformation.reset();
  });

  it('follows the api-server service of each cluster to its load balancer, leaving other services out', async () => {
    fakes.ecs.seed([{
      name: 'airflow-prod',
      services: [
        { name: 'airflow-api-server', desiredCount: 1, loadBalancers: [{ targetGroupArn: FakeElb.targetGroupArn('airflow-api'), containerName: 'api-server', containerPort: 8080 }] },
        { name: 'airflow-scheduler', desiredCount: 1 },
      ],
    }]);
    fakes.elb.seed([{ name: 'airflow-api', scheme: 'internet-facing', listeners: [{ protocol: 'HTTPS', port: 443 }], targetGroups: ['airflow-api'] }]);
    const urls = await clusterUrls(createEcsApi(conn(), silentLogger), createElbApi(conn(), silentLogger));
    assert.deepEqual(urls, [{ url: 'https://airflow-api-1234567890.us-east-1.elb.amazonaws.com', source: 'cluster airflow-prod, service airflow-api-server', internal: false }]);
  });

  it('reads the AirflowUrl output of every stack, over pages', async () => {
    fakes.cloudformation.seed([
      { name: 'network', outputs: { VpcId: 'vpc-1' } },
      { name: 'airflow-ecs', outputs: { AirflowUrl: 'https://airflow.example.com/', ClusterName: 'airflow-ecs' } },
      { name: 'airflow-ecs-staging', outputs: { AirflowUrl: 'http://internal-staging.elb.amazonaws.com/' } },
    ]);
    const urls = await stackUrls(createCloudFormationApi(conn(), silentLogger));
    assert.deepEqual(urls, [
      { url: 'https://airflow.example.com', source: 'stack airflow-ecs, output AirflowUrl' },
      { url: 'http://internal-staging.elb.amazonaws.com', source: 'stack airflow-ecs-staging, output AirflowUrl' },
    ]);
    assert.equal(fakes.aws.calls.filter((c) => c.operation === 'DescribeStacks').length, 2);
  });
});
