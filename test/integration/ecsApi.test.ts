import * as assert from 'node:assert/strict';
import { createEcsApi } from '../../src/core/aws/ecs';
import { AwsProblem } from '../../src/core/aws/errors';
import { resolveConnection } from '../../src/core/aws/connection';
import { belongsToService, loadServices, PagedTaskList, SelectedTaskList, TaskPager } from '../../src/core/ecs/taskPager';
import { silentLogger } from '../../src/core/log';
import { fakeAwsPerFile } from '../support/fakeAws/perFile';

describe('ECS API against the local AWS endpoint (real SDK, JSON 1.1 wire format)', () => {
  const fake = fakeAwsPerFile();
  const api = () => fake.ecsApi();

  it('lists and describes clusters with their counts', async () => {
    fake.ecs.seed([{ name: 'airflow-prod', services: [{ name: 'worker', desiredCount: 3 }, { name: 'scheduler', desiredCount: 1 }] }]);
    const ecsApi = await api();
    const arns = await ecsApi.listClusterArns();
    assert.deepEqual(arns, ['arn:aws:ecs:us-east-1:123456789012:cluster/airflow-prod']);
    const { items: [cluster], failures } = await ecsApi.describeClusters(arns);
    assert.deepEqual(failures, []);
    assert.equal(cluster.clusterName, 'airflow-prod');
    assert.equal(cluster.activeServicesCount, 2);
    assert.equal(cluster.runningTasksCount, 4);
  });

  it('describes services 10 per call, following ListServices pages', async () => {
    fake.ecs.seed([{ name: 'c', services: Array.from({ length: 23 }, (_, i) => ({ name: `svc-${String(i).padStart(2, '0')}`, desiredCount: 0 })) }]);
    const { items: services } = await loadServices(await api(), 'c');
    assert.equal(services.length, 23);
    assert.equal(services[0].serviceName, 'svc-00');
    assert.equal(fake.aws.countCalls('ListServices'), 1);
    assert.equal(fake.aws.countCalls('DescribeServices'), 3);
    assert.ok(services[0].createdAt instanceof Date, 'timestamps arrive as dates');
  });

  it('pages tasks 100 at a time, describing each page once', async () => {
    fake.ecs.seed([{ name: 'c', services: [{ name: 'worker', desiredCount: 250 }] }]);
    const pager = new TaskPager(await api(), 'c', { serviceName: 'worker', desiredStatus: 'RUNNING' });
    const first = await pager.nextPage();
    assert.equal(first.length, 100);
    assert.equal(fake.aws.countCalls('DescribeTasks'), 1);
    const second = await pager.nextPage();
    const third = await pager.nextPage();
    assert.equal(second.length + third.length, 150);
    assert.ok(pager.done);
    assert.equal(fake.aws.countCalls('ListTasks'), 3);
    assert.equal(fake.aws.countCalls('DescribeTasks'), 3);
    const ids = new Set([...first, ...second, ...third].map((t) => t.taskArn));
    assert.equal(ids.size, 250, 'no task twice');
  });

  it('finds standalone tasks that belong to no service', async () => {
    fake.ecs.seed([{ name: 'c', services: [{ name: 'worker', desiredCount: 2 }], standaloneTasks: [{ family: 'airflow-db-migrate' }] }]);
    const real = await api();
    const described: number[] = [];
    const spy = { ...real, describeTasks: (c: string, arns: string[], signal?: AbortSignal) => (described.push(arns.length), real.describeTasks(c, arns, signal)) };
    const list = new SelectedTaskList(spy, 'c', { desiredStatus: 'RUNNING' }, (tasks) => tasks.filter((t) => !belongsToService(t)));
    await list.load();
    assert.equal(list.tasks.length, 1);
    assert.equal(list.tasks[0].group, 'family:airflow-db-migrate');
    // Loaded again: the service tasks, known to be outside, are not described again.
    await list.load();
    assert.equal(list.tasks.length, 1);
    assert.deepEqual(described, [3, 1], 'all three at first, then only the standalone task');
  });

  it('retries throttling (adaptive mode) and succeeds', async () => {
    fake.ecs.seed([{ name: 'c' }]);
    fake.aws.injectFault({ operation: 'ListClusters', kind: 'throttle', count: 2 });
    const arns = await (await api()).listClusterArns();
    assert.equal(arns.length, 1);
    assert.equal(fake.aws.countCalls('ListClusters'), 3);
  });

  it('names the denied IAM action', async () => {
    fake.ecs.seed([{ name: 'c', services: [{ name: 'worker', desiredCount: 1 }] }]);
    fake.aws.injectFault({ operation: 'StopTask', kind: 'accessDenied', count: 1 });
    const { items: [task] } = await (await api()).describeTasks('c', (await (await api()).listTaskArns('c', { desiredStatus: 'RUNNING' })).arns);
    await assert.rejects((await api()).stopTask('c', task.taskArn!, 'test'), (err: unknown) => {
      assert.ok(err instanceof AwsProblem);
      assert.equal(err.kind, 'accessDenied');
      assert.equal(err.action, 'ecs:StopTask');
      return true;
    });
  });

  it('turns a dead endpoint into a network problem naming it', async () => {
    const conn = await resolveConnection({ profile: 'test', region: '', endpoint: 'http://127.0.0.1:9' });
    await assert.rejects(createEcsApi(conn, silentLogger).listClusterArns(), (err: unknown) => {
      assert.ok(err instanceof AwsProblem);
      assert.equal(err.kind, 'network');
      assert.match(err.message, /127\.0\.0\.1:9/);
      return true;
    });
  });

  it('rejects an unknown profile and an invalid endpoint before any call', async () => {
    await assert.rejects(resolveConnection({ profile: 'nope', region: '', endpoint: '' }), /profile "nope"/);
    await assert.rejects(resolveConnection({ profile: 'test', region: '', endpoint: 'localhost:4566' }), (err: unknown) => {
      assert.ok(err instanceof AwsProblem);
      assert.equal(err.kind, 'invalidEndpoint');
      return true;
    });
  });

  it('stops a task and scales a service', async () => {
    fake.ecs.seed([{ name: 'c', services: [{ name: 'worker', desiredCount: 2 }] }]);
    const ecsApi = await api();
    const { arns } = await ecsApi.listTaskArns('c', { serviceName: 'worker', desiredStatus: 'RUNNING' });
    const stopped = await ecsApi.stopTask('c', arns[0], 'because');
    assert.equal(stopped?.desiredStatus, 'STOPPED');
    const after = await ecsApi.listTaskArns('c', { serviceName: 'worker', desiredStatus: 'STOPPED' });
    assert.deepEqual(after.arns, [arns[0]]);
    const service = await ecsApi.updateService('c', 'worker', { desiredCount: 5 });
    assert.equal(service?.desiredCount, 5);
  });

  it('lists and describes more than 100 clusters: ListClusters pages, DescribeClusters 100 at a time', async () => {
    fake.ecs.seed(Array.from({ length: 130 }, (_, i) => ({ name: `c-${String(i).padStart(3, '0')}` })));
    const ecsApi = await api();
    const arns = await ecsApi.listClusterArns();
    assert.equal(arns.length, 130);
    assert.equal(fake.aws.countCalls('ListClusters'), 2);
    const { items, failures } = await ecsApi.describeClusters(arns);
    assert.equal(items.length, 130);
    assert.deepEqual(failures, []);
    assert.equal(fake.aws.countCalls('DescribeClusters'), 2);
  });

  it('returns the failures of DescribeClusters, DescribeServices and DescribeTasks', async () => {
    fake.ecs.seed([{ name: 'c', services: [{ name: 'worker', desiredCount: 3 }, { name: 'gone', desiredCount: 0 }] }, { name: 'half' }]);
    const ecsApi = await api();
    const { arns } = await ecsApi.listTaskArns('c', { serviceName: 'worker', desiredStatus: 'RUNNING' });
    fake.ecs.control.failDescribe({ arns: [arns[1], 'gone', 'half'] });

    const clusters = await ecsApi.describeClusters(await ecsApi.listClusterArns());
    assert.deepEqual(clusters.items.map((c) => c.clusterName), ['c']);
    assert.deepEqual(clusters.failures, [{ arn: 'arn:aws:ecs:us-east-1:123456789012:cluster/half', reason: 'MISSING', detail: undefined }]);

    const services = await loadServices(ecsApi, 'c');
    assert.deepEqual(services.items.map((s) => s.serviceName), ['worker']);
    assert.equal(services.failures[0].reason, 'MISSING');

    const list = new PagedTaskList(ecsApi, 'c', { serviceName: 'worker', desiredStatus: 'RUNNING' });
    await list.loadMore();
    assert.equal(list.tasks.length, 2);
    assert.deepEqual(list.failures.map((f) => f.arn), [arns[1]]);
  });

  it('reloads the loaded pages of a task list in place, keeping "Load more" progress', async () => {
    fake.ecs.seed([{ name: 'c', services: [{ name: 'worker', desiredCount: 350 }] }]);
    const list = new PagedTaskList(await api(), 'c', { serviceName: 'worker', desiredStatus: 'RUNNING' });
    await list.loadMore();
    await list.loadMore();
    assert.equal(list.tasks.length, 200);
    fake.aws.calls.length = 0;
    await list.reload();
    assert.equal(list.tasks.length, 200, 'two pages again, not one and not all');
    assert.ok(list.more);
    assert.equal(fake.aws.countCalls('DescribeTasks'), 2);
    await list.loadMore();
    assert.equal(list.tasks.length, 300);
  });

  it('starts the tasks of a scaled service after the scheduler delay', async () => {
    fake.ecs.seed([{ name: 'c', services: [{ name: 'worker', desiredCount: 2 }] }]);
    fake.ecs.control.schedulerDelay({ ms: 300 });
    const ecsApi = await api();
    const updated = await ecsApi.updateService('c', 'worker', { desiredCount: 4 });
    assert.equal(updated?.runningCount, 2, 'UpdateService answers before the scheduler acts');
    assert.equal((await ecsApi.describeServices('c', ['worker'])).items[0].runningCount, 2);
    await new Promise((r) => setTimeout(r, 350));
    assert.equal((await ecsApi.describeServices('c', ['worker'])).items[0].runningCount, 4);
    assert.equal((await ecsApi.describeClusters(['c'])).items[0].runningTasksCount, 4);
  });
});
