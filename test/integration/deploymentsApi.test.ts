import * as assert from 'node:assert/strict';
import { AwsProblem } from '../../src/core/aws/errors';
import { DeploymentHistory } from '../../src/core/ecs/deploymentHistory';
import type { SeedService } from '../support/fakeAws';
import { fakeAwsPerFile } from '../support/fakeAws/perFile';

const IMAGE = (build: number) => `123456789012.dkr.ecr.us-east-1.amazonaws.com/airflow:build-${build}`;

/** A worker on revision 9, after revisions 5..8: 8 was rolled back by the circuit breaker. */
const WORKER: SeedService = {
  name: 'worker', desiredCount: 4, family: 'airflow-worker', revision: 9, strategy: 'BLUE_GREEN', alarms: ['airflow-5xx'],
  containers: [{ name: 'worker', image: IMAGE(49), command: ['celery', 'worker'], environment: { AIRFLOW__CORE__PARALLELISM: '64' }, secrets: ['SQL_ALCHEMY_CONN'] }],
  history: [
    { revision: 5, containers: [{ name: 'worker', image: IMAGE(45) }] },
    { revision: 6, containers: [{ name: 'worker', image: IMAGE(46) }] },
    { revision: 7, containers: [{ name: 'worker', image: IMAGE(47) }] },
    { revision: 8, containers: [{ name: 'worker', image: IMAGE(48) }], status: 'ROLLBACK_SUCCESSFUL', failedTasks: 2, triggeredAlarms: ['airflow-5xx'] },
  ],
};

describe('ECS service deployments against the local AWS endpoint (real SDK, JSON 1.1 wire format)', () => {
  const fake = fakeAwsPerFile();
  const api = () => fake.ecsApi();

  it('lists deployments newest first and describes them with strategy, circuit breaker, alarms and revisions', async () => {
    fake.ecs.seed([{ name: 'prod', services: [WORKER] }]);
    const ecsApi = await api();
    const page = await ecsApi.listServiceDeployments('prod', 'worker', 20);
    assert.equal(page.deployments.length, 5);
    assert.equal(page.nextToken, undefined);
    assert.match(page.deployments[0].serviceDeploymentArn!, /^arn:aws:ecs:us-east-1:123456789012:service-deployment\/prod\/worker\/[\w-]{22}$/);
    assert.match(page.deployments[0].targetServiceRevisionArn!, /^arn:aws:ecs:us-east-1:123456789012:service-revision\/prod\/worker\/\d+$/);
    assert.ok(page.deployments[0].startedAt instanceof Date, 'timestamps arrive as dates');

    const { items, failures } = await ecsApi.describeServiceDeployments(page.deployments.map((d) => d.serviceDeploymentArn!));
    assert.deepEqual(failures, []);
    assert.deepEqual(items.map((d) => d.status), ['SUCCESSFUL', 'ROLLBACK_SUCCESSFUL', 'SUCCESSFUL', 'SUCCESSFUL', 'SUCCESSFUL']);
    const [current, rolledBack] = items;
    assert.equal(current.deploymentConfiguration?.strategy, 'BLUE_GREEN');
    assert.deepEqual(rolledBack.deploymentCircuitBreaker, { status: 'TRIGGERED', failureCount: 2, threshold: 3 });
    assert.deepEqual(rolledBack.alarms, { status: 'TRIGGERED', alarmNames: ['airflow-5xx'], triggeredAlarmNames: ['airflow-5xx'] });

    const { items: revisions } = await ecsApi.describeServiceRevisions([current.targetServiceRevision!.arn!, current.sourceServiceRevisions![0].arn!]);
    // The rolled-back revision 8 left the service on 7, so 9 was deployed from 7.
    assert.deepEqual(revisions.map((r) => r.taskDefinition?.split('/').pop()), ['airflow-worker:9', 'airflow-worker:7']);
    assert.equal(revisions[0].containerImages?.[0].image, IMAGE(49));
    assert.match(revisions[0].containerImages?.[0].imageDigest ?? '', /^sha256:[0-9a-f]{64}$/);
    assert.ok(revisions[0].createdAt instanceof Date);
  });

  it('pages deployments, describes at most 20 per call, and reports ARNs it does not know as failures', async () => {
    fake.ecs.seed([{ name: 'prod', services: [{ name: 'worker', desiredCount: 1, revision: 40, history: Array.from({ length: 44 }, (_, i) => ({ revision: i + 1 })) }] }]);
    const history = new DeploymentHistory(await api(), 'prod', 'worker');
    await history.reload();
    assert.equal(history.deployments.length, 20);
    assert.ok(history.more);
    await history.loadMore();
    await history.loadMore();
    assert.equal(history.deployments.length, 45);
    assert.ok(!history.more);
    assert.equal(fake.aws.countCalls('ListServiceDeployments'), 3);
    assert.equal(fake.aws.countCalls('DescribeServiceDeployments'), 3);
    // Each page's revisions in one call (20 deployments name 21 revisions: two calls; the last page, 5).
    assert.equal(fake.aws.countCalls('DescribeServiceRevisions'), 5);
    const starts = history.deployments.map((d) => d.startedAt!.getTime());
    assert.deepEqual(starts, [...starts].sort((a, b) => b - a), 'newest first');

    // A refresh reads again the three pages the user loaded.
    fake.aws.calls.length = 0;
    await history.reload();
    assert.equal(history.deployments.length, 45);
    assert.equal(fake.aws.countCalls('ListServiceDeployments'), 3);

    const ecsApi = await api();
    const bogus = 'arn:aws:ecs:us-east-1:123456789012:service-deployment/prod/worker/doesnotexist00000000a';
    const { failures } = await ecsApi.describeServiceDeployments([bogus]);
    assert.deepEqual(failures, [{ arn: bogus, reason: 'MISSING', detail: undefined }]);
  });

  it('UpdateService with another revision starts a deployment that completes, replacing the tasks', async () => {
    fake.ecs.seed([{ name: 'prod', services: [WORKER] }]);
    fake.ecs.control.deploymentDuration({ ms: 300 });
    const ecsApi = await api();
    const updated = await ecsApi.updateService('prod', 'worker', { taskDefinition: 'airflow-worker:7' });
    assert.match(updated!.taskDefinition!, /airflow-worker:7$/);
    assert.deepEqual(updated!.deployments?.map((d) => [d.status, d.taskDefinition?.split('/').pop(), d.rolloutState]), [
      ['PRIMARY', 'airflow-worker:7', 'IN_PROGRESS'], ['ACTIVE', 'airflow-worker:9', 'COMPLETED'],
    ]);
    const [newest] = (await ecsApi.listServiceDeployments('prod', 'worker', 1)).deployments;
    assert.equal(newest.status, 'IN_PROGRESS');

    await new Promise((r) => setTimeout(r, 400));
    const { items: [done] } = await ecsApi.describeServiceDeployments([newest.serviceDeploymentArn!]);
    assert.equal(done.status, 'SUCCESSFUL');
    assert.ok(done.finishedAt instanceof Date);
    const { items: [service] } = await ecsApi.describeServices('prod', ['worker']);
    assert.equal(service.deployments?.length, 1);
    assert.equal(service.deployments?.[0].rolloutState, 'COMPLETED');
    const { arns } = await ecsApi.listTaskArns('prod', { serviceName: 'worker', desiredStatus: 'RUNNING' });
    const { items: tasks } = await ecsApi.describeTasks('prod', arns);
    assert.deepEqual([...new Set(tasks.map((t) => t.taskDefinitionArn?.split('/').pop()))], ['airflow-worker:7']);
    assert.equal(tasks.length, 4);

    await assert.rejects(ecsApi.updateService('prod', 'worker', { taskDefinition: 'airflow-worker:99' }), (err: AwsProblem) => /TaskDefinition not found/.test(err.message));
  });

  it('stops a deployment in progress with rollback, and refuses one that has finished', async () => {
    fake.ecs.seed([{ name: 'prod', services: [WORKER] }]);
    const ecsApi = await api();
    await ecsApi.updateService('prod', 'worker', { taskDefinition: 'airflow-worker:6' });
    const [running, finished] = (await ecsApi.listServiceDeployments('prod', 'worker', 2)).deployments;
    await ecsApi.stopServiceDeployment(running.serviceDeploymentArn!);
    const { items: [stopped] } = await ecsApi.describeServiceDeployments([running.serviceDeploymentArn!]);
    assert.equal(stopped.status, 'ROLLBACK_REQUESTED');
    assert.equal(stopped.rollback?.serviceRevisionArn, stopped.sourceServiceRevisions?.[0].arn);
    const { items: [service] } = await ecsApi.describeServices('prod', ['worker']);
    assert.match(service.taskDefinition!, /airflow-worker:9$/, 'the service goes back to the revision it came from');

    await assert.rejects(ecsApi.stopServiceDeployment(finished.serviceDeploymentArn!), (err: AwsProblem) =>
      err.kind === 'other' && /ecs:StopServiceDeployment failed: The service deployment is SUCCESSFUL and cannot be stopped/.test(err.message));
    await assert.rejects(ecsApi.stopServiceDeployment('arn:aws:ecs:us-east-1:123456789012:service-deployment/prod/worker/nope'), (err: AwsProblem) => err.kind === 'notFound');
  });

  it('an endpoint without the deployment operations is "unsupported": the history says so and the service still describes', async () => {
    fake.ecs.seed([{ name: 'prod', services: [WORKER] }]);
    fake.ecs.control.withoutDeploymentOperations();
    const ecsApi = await api();
    await assert.rejects(ecsApi.listServiceDeployments('prod', 'worker', 20), (err: AwsProblem) =>
      err.kind === 'unsupported' && /does not support ecs:ListServiceDeployments \(UnknownOperationException\)/.test(err.message));
    const history = new DeploymentHistory(ecsApi, 'prod', 'worker');
    fake.ecs.reset();
    fake.ecs.seed([{ name: 'prod', services: [WORKER] }]);
    await history.reload();
    assert.equal(history.deployments.length, 5);
    fake.ecs.control.withoutDeploymentOperations();
    await history.reload();
    assert.ok(history.loaded);
    assert.equal(history.revisions.size, 0, 'what was read before is gone');
    assert.match(history.unsupported ?? '', /ListServiceDeployments/);
    assert.deepEqual(history.deployments, []);
    const { items: [service] } = await ecsApi.describeServices('prod', ['worker']);
    assert.match(service.taskDefinition!, /airflow-worker:9$/);
    assert.ok(await ecsApi.describeTaskDefinition('airflow-worker:8'));
  });

  it('access denied on DescribeServiceRevisions only: deployments still listed, the revisions say why', async () => {
    fake.ecs.seed([{ name: 'prod', services: [WORKER] }]);
    fake.aws.injectFault({ operation: 'DescribeServiceRevisions', kind: 'accessDenied', count: 1 });
    const history = new DeploymentHistory(await api(), 'prod', 'worker');
    await history.reload();
    assert.equal(history.deployments.length, 5);
    assert.equal(history.revisions.size, 0);
    assert.match(history.revisionProblem ?? '', /not allowed to call ecs:DescribeServiceRevisions/);
    await history.reload();
    assert.equal(history.revisionProblem, undefined);
    assert.ok(history.revisions.size > 0);
  });

  it('an HTML error page on ListServiceDeployments is a failure of the read, not "unsupported"', async () => {
    fake.ecs.seed([{ name: 'prod', services: [WORKER] }]);
    // Every attempt of the SDK's four (a 502 is retried).
    fake.aws.injectFault({ operation: 'ListServiceDeployments', kind: 'html', count: 4 });
    const history = new DeploymentHistory(await api(), 'prod', 'worker');
    await assert.rejects(history.reload(), (err: AwsProblem) => err.kind === 'badResponse');
    assert.ok(!history.loaded);
    await history.reload();
    assert.equal(history.deployments.length, 5);
  });
});
