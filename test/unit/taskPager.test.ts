import * as assert from 'node:assert/strict';
import { describeInChunks, DESCRIBE_LIMITS, type ArnPage, type EcsApi, type Task, type TaskFilter } from '../../src/core/aws/ecs';
import { mapLimit } from '../../src/core/concurrency';
import { failureText } from '../../src/core/ecs/present';
import { loadServices, PagedTaskList, SelectedTaskList, TaskPager } from '../../src/core/ecs/taskPager';

/** An in-memory EcsApi that records the order of calls and can delay them. */
function memoryEcs(taskCount: number, delayMs = 0, emptyPages = 0) {
  const log: string[] = [];
  const arns = Array.from({ length: taskCount }, (_, i) => `arn:task/${i}`);
  const wait = () => new Promise((r) => setTimeout(r, delayMs));
  const api: Partial<EcsApi> = {
    async listTaskArns(_c: string, _f: TaskFilter, token?: string): Promise<ArnPage> {
      log.push(`list:${token ?? 0}`);
      await wait();
      const start = Number(token ?? 0);
      if (start < emptyPages) return { arns: [], nextToken: String(start + 1) };
      const from = (start - emptyPages) * 100;
      const page = arns.slice(from, from + 100);
      return { arns: page, nextToken: from + 100 < arns.length ? String(start + 1) : undefined };
    },
    async describeTasks(_c: string, ids: string[]) {
      log.push(`describe:${ids.length}`);
      await wait();
      const found = ids.filter((a) => arns.includes(a));
      return { items: found.map((taskArn) => ({ taskArn })), failures: ids.filter((a) => !arns.includes(a)).map((arn) => ({ arn, reason: 'MISSING' })) };
    },
  };
  return { api: api as EcsApi, log, arns };
}

describe('TaskPager', () => {
  it('asks for the next page while describing the current one', async () => {
    const { api, log } = memoryEcs(250, 5);
    const pager = new TaskPager(api, 'c', { desiredStatus: 'RUNNING' });
    await pager.nextPage();
    assert.deepEqual(log, ['list:0', 'list:1', 'describe:100']);
    assert.equal(pager.done, false);
    await pager.nextPage();
    await pager.nextPage();
    assert.equal(pager.done, true);
    assert.equal(log.filter((l) => l.startsWith('list')).length, 3);
    assert.equal(log.filter((l) => l.startsWith('describe')).length, 3);
  });

  it('walks past empty pages that still carry a token', async () => {
    const { api } = memoryEcs(3, 0, 2);
    const pager = new TaskPager(api, 'c', { desiredStatus: 'RUNNING' });
    const tasks = await pager.nextPage();
    assert.equal(tasks.length, 3);
    assert.equal(pager.done, true);
  });

  it('reports a failed prefetch when that page is asked for, not before', async () => {
    const { api } = memoryEcs(150);
    let calls = 0;
    const failing: EcsApi = {
      ...api,
      listTaskArns: async (...args) => {
        if (++calls === 2) throw new Error('page two failed');
        return api.listTaskArns(...args);
      },
    };
    const pager = new TaskPager(failing, 'c', { desiredStatus: 'RUNNING' });
    assert.equal((await pager.nextPage()).length, 100);
    await assert.rejects(pager.nextPage(), /page two failed/);
  });

  it('returns nothing for an empty list without describing', async () => {
    const { api, log } = memoryEcs(0);
    const pager = new TaskPager(api, 'c', { desiredStatus: 'RUNNING' });
    assert.deepEqual(await pager.nextPage(), []);
    assert.deepEqual(log, ['list:0']);
  });
});

describe('mapLimit and loadServices', () => {
  it('never runs more than the limit at once and keeps order', async () => {
    let running = 0;
    let peak = 0;
    const out = await mapLimit([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 5));
      running--;
      return n * 2;
    });
    assert.deepEqual(out, [2, 4, 6, 8, 10, 12, 14]);
    assert.equal(peak, 3);
  });

  it('describes services in groups of 10 and sorts them by name', async () => {
    const groups: number[] = [];
    const api = {
      listServiceArns: async () => Array.from({ length: 25 }, (_, i) => `svc/${String.fromCharCode(122 - i)}`),
      describeServices: async (_c: string, arns: string[]) => {
        return describeInChunks(arns, DESCRIBE_LIMITS.services, async (chunk) => {
          groups.push(chunk.length);
          return { items: chunk.map((a) => ({ serviceArn: a, serviceName: a.slice(4) })) };
        });
      },
    } as unknown as EcsApi;
    const { items: services } = await loadServices(api, 'c');
    assert.deepEqual(groups.sort(), [10, 10, 5]);
    assert.equal(services[0].serviceName, 'b');
    assert.equal(services.at(-1)?.serviceName, 'z');
  });
});

describe('describeInChunks', () => {
  it('sends at most the API limit per call, a few at a time, and merges results and failures in order', async () => {
    const arns = Array.from({ length: 250 }, (_, i) => `arn:cluster/c${i}`);
    const sent: number[] = [];
    let running = 0;
    let peak = 0;
    const out = await describeInChunks(arns, DESCRIBE_LIMITS.clusters, async (chunk) => {
      sent.push(chunk.length);
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 2));
      running--;
      return { items: chunk.filter((a) => !a.endsWith('7')).map((clusterArn) => ({ clusterArn })), failures: chunk.filter((a) => a.endsWith('7')).map((arn) => ({ arn, reason: 'MISSING' })) };
    });
    assert.deepEqual(sent, [100, 100, 50]);
    assert.ok(peak <= 4);
    assert.equal(out.items.length + out.failures.length, 250);
    assert.equal(out.items[0].clusterArn, 'arn:cluster/c0');
    assert.deepEqual(out.failures[0], { arn: 'arn:cluster/c7', reason: 'MISSING', detail: undefined });
  });

  it('makes no call for no ARNs', async () => {
    let calls = 0;
    const out = await describeInChunks([], 10, async () => (calls++, {}));
    assert.equal(calls, 0);
    assert.deepEqual(out, { items: [], failures: [] });
  });

  it('keeps to the documented limits', () => {
    assert.deepEqual(DESCRIBE_LIMITS, { clusters: 100, services: 10, tasks: 100, serviceDeployments: 20, serviceRevisions: 20 });
  });
});

describe('failure rows', () => {
  it('name the resource and the reason', () => {
    assert.equal(failureText('task', { arn: 'arn:aws:ecs:us-east-1:1:task/c/0123456789abcdef', reason: 'MISSING' }), 'Could not describe task 01234567: MISSING');
    assert.equal(failureText('service', { arn: 'arn:aws:ecs:us-east-1:1:service/c/worker', reason: 'INACTIVE', detail: 'draining' }), 'Could not describe service worker: INACTIVE (draining)');
    assert.equal(failureText('cluster', { arn: 'arn:aws:ecs:us-east-1:1:cluster/prod', reason: 'MISSING' }), 'Could not describe cluster prod: MISSING');
  });
});

describe('PagedTaskList', () => {
  it('reloads as many pages as were loaded, and a Load more during a reload waits for it', async () => {
    const { api, log } = memoryEcs(350);
    const list = new PagedTaskList(api, 'c', { desiredStatus: 'RUNNING' });
    await list.loadMore();
    await list.loadMore();
    assert.equal(list.tasks.length, 200);
    log.length = 0;
    const reload = list.reload();
    const more = list.loadMore();
    await Promise.all([reload, more]);
    assert.equal(list.tasks.length, 300, 'the reload kept two pages and Load more added the third after it');
    assert.equal(log.filter((l) => l.startsWith('describe')).length, 3);
    assert.ok(list.more);
  });

  it('leaves the list as it was when a reload fails or is aborted', async () => {
    const { api } = memoryEcs(150);
    const list = new PagedTaskList(api, 'c', { desiredStatus: 'RUNNING' });
    await list.loadMore();
    const failing = new PagedTaskList({ ...api, listTaskArns: async () => { throw new Error('offline'); } }, 'c', { desiredStatus: 'RUNNING' });
    await assert.rejects(failing.reload(), /offline/);
    assert.equal(failing.tasks.length, 0);
    const aborting: EcsApi = { ...api, describeTasks: async (_c, _a, signal) => { if (signal?.aborted) throw Object.assign(new Error('aborted'), { name: 'AbortError' }); return api.describeTasks(_c, _a); } };
    const kept = new PagedTaskList(aborting, 'c', { desiredStatus: 'RUNNING' });
    await kept.loadMore();
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(kept.reload(controller.signal), /aborted/);
    assert.equal(kept.tasks.length, 100);
  });

  it('keeps the failures of the pages it shows', async () => {
    const { api } = memoryEcs(5);
    const list = new PagedTaskList({ ...api, listTaskArns: async () => ({ arns: ['arn:task/0', 'arn:task/gone'] }) }, 'c', { desiredStatus: 'RUNNING' });
    await list.loadMore();
    assert.deepEqual(list.failures, [{ arn: 'arn:task/gone', reason: 'MISSING' }]);
    await list.reload();
    assert.equal(list.failures.length, 1, 'not counted twice');
  });
});

describe('SelectedTaskList', () => {
  it('describes on a reload only what it shows and what is new', async () => {
    const tasks: Task[] = [
      { taskArn: 'arn:task/s1', group: 'service:worker' },
      { taskArn: 'arn:task/a', group: 'family:migrate' },
      { taskArn: 'arn:task/s2', group: 'service:worker' },
    ];
    const described: string[][] = [];
    const api = {
      listTaskArns: async () => ({ arns: tasks.map((t) => t.taskArn!) }),
      describeTasks: async (_c: string, arns: string[]) => {
        described.push(arns);
        return { items: tasks.filter((t) => arns.includes(t.taskArn!)), failures: [] };
      },
    } as unknown as EcsApi;
    const list = new SelectedTaskList(api, 'c', { desiredStatus: 'RUNNING' }, (ts) => ts.filter((t) => !t.group?.startsWith('service:')));
    await list.load();
    assert.deepEqual(list.tasks.map((t) => t.taskArn), ['arn:task/a']);
    tasks.push({ taskArn: 'arn:task/b', group: 'family:backfill' });
    await list.load();
    assert.deepEqual(list.tasks.map((t) => t.taskArn), ['arn:task/a', 'arn:task/b']);
    assert.deepEqual(described[1], ['arn:task/a', 'arn:task/b']);
  });
});
