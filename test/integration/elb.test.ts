// The real ELBv2 SDK client (AWS Query protocol: form-encoded requests, XML answers) against the
// local fake, as the Clusters view's Open Airflow UI uses it.
import * as assert from 'node:assert/strict';
import { createElbApi, loadBalancerUrl } from '../../src/core/aws/elb';
import { AwsProblem } from '../../src/core/aws/errors';
import { silentLogger } from '../../src/core/log';
import { withAwsProfileFiles } from '../support/awsProfiles';
import { FakeElb, startFakeAws } from '../support/fakeAws';

describe('ELBv2 against the local Query-protocol endpoint', () => {
  let fakes: Awaited<ReturnType<typeof startFakeAws>>;
  let restore: () => void;

  before(async () => {
    restore = withAwsProfileFiles();
    fakes = await startFakeAws();
  });
  after(async () => {
    await fakes.aws.close();
    restore();
  });
  beforeEach(() => fakes.aws.reset());

  const api = () => createElbApi({ profile: 'test', source: 'test', region: 'us-east-1', endpoint: fakes.aws.url }, silentLogger);

  it('follows a target group to its load balancer and listeners', async () => {
    fakes.elb.seed([{ name: 'airflow-api', scheme: 'internal', listeners: [{ protocol: 'HTTP', port: 80 }], targetGroups: ['airflow-api'] }]);
    const [entry, ...rest] = await api().loadBalancersOf(FakeElb.targetGroupArn('airflow-api'));
    assert.equal(rest.length, 0);
    assert.equal(entry.scheme, 'internal');
    assert.equal(loadBalancerUrl(entry), 'http://internal-airflow-api-1234567890.us-east-1.elb.amazonaws.com/');
    assert.deepEqual(fakes.aws.calls.map((c) => c.operation), ['DescribeTargetGroups', 'DescribeLoadBalancers', 'DescribeListeners']);
  });

  it('turns a Query-protocol error into a typed problem naming the action', async () => {
    await assert.rejects(api().loadBalancersOf(FakeElb.targetGroupArn('gone')), (err: unknown) => {
      assert.ok(err instanceof AwsProblem, String(err));
      assert.match(err.message, /elasticloadbalancing:DescribeTargetGroups|target group/i);
      return true;
    });
  });
});
