import * as assert from 'node:assert/strict';
import type { ArnPage, EcsApi, TaskFilter } from '../../src/core/aws/ecs';
import { loadServices, mapLimit, TaskPager } from '../../src/core/ecs/taskPager';

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
      return ids.map((taskArn) => ({ taskArn }));
    },
  };
  return { api: api as EcsApi, log };
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
        groups.push(arns.length);
        return arns.map((a) => ({ serviceArn: a, serviceName: a.slice(4) }));
      },
    } as unknown as EcsApi;
    const services = await loadServices(api, 'c');
    assert.deepEqual(groups.sort(), [10, 10, 5]);
    assert.equal(services[0].serviceName, 'b');
    assert.equal(services.at(-1)?.serviceName, 'z');
  });
});
