import * as assert from 'node:assert/strict';
import { describeInChunks, DESCRIBE_LIMITS, type ArnPage, type EcsApi, type Service } from '../../src/core/aws/ecs';
import { limiter } from '../../src/core/concurrency';
import { serviceFilterText } from '../../src/core/ecs/present';
import { BACKGROUND_DESCRIBES, FIRST_SCREEN, ServiceList, serviceNameOfArn } from '../../src/core/ecs/serviceList';

/**
 * An ECS whose calls all wait for `roundTrip()`, which answers every call in flight at once:
 * one network round trip. So the tests count round trips exactly, whatever the machine's speed.
 */
function roundTripEcs(names: string[]) {
  let services = [...names];
  const waiting: (() => void)[] = [];
  const calls: { op: string; size: number; round: number }[] = [];
  let rounds = 0;
  let inFlightDescribes = 0;
  let peakDescribes = 0;
  /** Service names whose DescribeServices call fails (a 5xx after the SDK's retries). */
  const broken = new Set<string>();
  /** ListServices pages (1-based) that fail. */
  const brokenPages = new Set<number>();
  const missing = new Set<string>();
  const arn = (name: string) => `arn:aws:ecs:us-east-1:1:service/c/${name}`;
  const answer = <T>(op: string, size: number, value: () => T): Promise<T> => {
    calls.push({ op, size, round: rounds + 1 });
    return new Promise<T>((resolve, reject) => waiting.push(() => {
      try {
        resolve(value());
      } catch (err) {
        reject(err);
      }
    }));
  };
  const api = {
    listServicePage: (_c: string, token?: string): Promise<ArnPage> => answer('list', 0, () => {
      const start = Number(token ?? 0);
      if (brokenPages.has(start / 100 + 1)) throw new Error('Service unavailable');
      const page = services.slice(start, start + 100);
      return { arns: page.map(arn), nextToken: start + 100 < services.length ? String(start + 100) : undefined };
    }),
    describeServices: (_c: string, arns: string[]) => describeInChunks<Service>(arns, DESCRIBE_LIMITS.services, (group) => {
      inFlightDescribes++;
      peakDescribes = Math.max(peakDescribes, inFlightDescribes);
      return answer('describe', group.length, () => {
        inFlightDescribes--;
        if (group.some((a) => broken.has(serviceNameOfArn(a)))) throw new Error('Service unavailable');
        const found = group.filter((a) => !missing.has(serviceNameOfArn(a)));
        return {
          items: found.map((a) => ({ serviceArn: a, serviceName: serviceNameOfArn(a), status: 'ACTIVE', runningCount: 1, desiredCount: 1 })),
          failures: group.filter((a) => missing.has(serviceNameOfArn(a))).map((a) => ({ arn: a, reason: 'MISSING' })),
        };
      });
    }),
  } as unknown as EcsApi;
  /** Answers every call in flight, then lets the code under test issue what follows. */
  async function roundTrip(): Promise<void> {
    rounds++;
    for (const done of waiting.splice(0)) done();
    await new Promise((r) => setImmediate(r));
  }
  return {
    api, calls, broken, brokenPages, missing, roundTrip,
    get rounds() { return rounds; },
    get peakDescribes() { return peakDescribes; },
    set services(next: string[]) { services = next; },
  };
}

/** `count` names in an order that is not by name, as ListServices gives them. */
const scattered = (count: number) => Array.from({ length: count }, (_, i) => `svc-${String((i * 7919) % count).padStart(4, '0')}`);

async function untilSettled(list: ServiceList, fake: ReturnType<typeof roundTripEcs>): Promise<void> {
  let done = false;
  void list.settled.then(() => { done = true; });
  for (let i = 0; i < 100 && !done; i++) await fake.roundTrip();
  assert.ok(done, 'the list never settled');
}

describe('ServiceList: a large cluster', () => {
  it('shows the first screen after two round trips: one ListServices page, the first rows described', async () => {
    const fake = roundTripEcs(scattered(2000));
    const list = new ServiceList(fake.api, 'c');
    let loaded = false;
    void list.load(new AbortController().signal).then(() => { loaded = true; });
    await fake.roundTrip();
    assert.equal(loaded, false);
    await fake.roundTrip();
    assert.equal(loaded, true);
    assert.equal(fake.rounds, 2);
    // Round 1: ListServices. Round 2: the next page and the first screen's describes, 10 each.
    assert.deepEqual(fake.calls.filter((c) => c.round === 1).map((c) => c.op), ['list']);
    const second = fake.calls.filter((c) => c.round === 2);
    assert.equal(second.filter((c) => c.op === 'list').length, 1);
    assert.deepEqual(second.filter((c) => c.op === 'describe').map((c) => c.size), Array(FIRST_SCREEN / 10).fill(10));
    // The first rows by name of the first page are described; every other row listed says it is loading.
    const shown = list.services;
    const firstPage = scattered(2000).slice(0, 100).sort();
    assert.deepEqual(shown.filter((e) => e.state === 'described').map((e) => e.name), firstPage.slice(0, FIRST_SCREEN));
    assert.deepEqual(new Set(shown.filter((e) => e.state !== 'described').map((e) => e.state)), new Set(['loading']));
    assert.deepEqual(shown.map((e) => e.name), [...shown.map((e) => e.name)].sort());
    assert.equal(list.streaming, true);
  });

  it('has the whole list within the ListServices pages plus two round trips, each service described once, 10 a call, bounded', async () => {
    const fake = roundTripEcs(scattered(2000));
    let changes = 0;
    const list = new ServiceList(fake.api, 'c', () => changes++);
    await Promise.all([list.load(new AbortController().signal), fake.roundTrip().then(() => fake.roundTrip())]);
    await untilSettled(list, fake);
    const pages = 20;
    assert.ok(fake.rounds <= pages + 2, `${fake.rounds} round trips for ${pages} pages`);
    assert.equal(fake.calls.filter((c) => c.op === 'list').length, pages);
    const describes = fake.calls.filter((c) => c.op === 'describe');
    assert.equal(describes.length, 200);
    assert.ok(describes.every((c) => c.size === 10));
    assert.ok(fake.peakDescribes <= BACKGROUND_DESCRIBES, `${fake.peakDescribes} describes in flight`);
    assert.equal(list.size, 2000);
    assert.ok(list.services.every((e) => e.state === 'described'));
    assert.equal(list.listedAll, true);
    assert.equal(list.streaming, false);
    assert.ok(changes > 0 && changes < 100, `${changes} redraws`);
  });

  it('a service ECS reports missing and a failed describe call are rows that say so; the rest load', async () => {
    const fake = roundTripEcs(scattered(250));
    fake.missing.add('svc-0003');
    fake.broken.add('svc-0200');
    const list = new ServiceList(fake.api, 'c');
    await Promise.all([list.load(new AbortController().signal), fake.roundTrip().then(() => fake.roundTrip())]);
    await untilSettled(list, fake);
    const states = new Map(list.services.map((e) => [e.name, e.state]));
    assert.equal(states.get('svc-0003'), 'failed');
    assert.equal(states.get('svc-0200'), 'error');
    const errors = list.services.filter((e) => e.state === 'error');
    assert.equal(errors.length, 10, 'only the services of the failed call');
    assert.equal(list.services.filter((e) => e.state === 'described').length, 250 - 1 - 10);
    assert.ok(list.services.every((e) => e.state !== 'loading'));
  });

  it('a page that fails after the first screen keeps the rows listed and says listing stopped', async () => {
    const fake = roundTripEcs(scattered(500));
    fake.brokenPages.add(3);
    const list = new ServiceList(fake.api, 'c');
    await Promise.all([list.load(new AbortController().signal), fake.roundTrip().then(() => fake.roundTrip())]);
    await untilSettled(list, fake);
    assert.equal(list.size, 200);
    assert.match(String(list.listError), /Service unavailable/);
    assert.equal(list.listedAll, false);
    assert.ok(list.services.every((e) => e.state === 'described'));
  });

  it('a failed first screen rejects the load and changes nothing', async () => {
    const fake = roundTripEcs(scattered(50));
    fake.broken.add(scattered(50).sort()[0]);
    const list = new ServiceList(fake.api, 'c');
    const rejected = assert.rejects(list.load(new AbortController().signal), /Service unavailable/);
    await fake.roundTrip();
    await fake.roundTrip();
    await rejected;
    assert.equal(list.size, 0);
  });

  it('a reload keeps every row until it is described again; services gone leave once every page is read', async () => {
    const fake = roundTripEcs(scattered(300));
    const list = new ServiceList(fake.api, 'c');
    await Promise.all([list.load(new AbortController().signal), fake.roundTrip().then(() => fake.roundTrip())]);
    await untilSettled(list, fake);
    const before = new Map(list.services.map((e) => [e.name, e]));
    fake.services = [...scattered(300).filter((n) => n !== 'svc-0299'), 'svc-new'];
    await Promise.all([list.load(new AbortController().signal), fake.roundTrip().then(() => fake.roundTrip())]);
    // Between the first screen and the end: nothing went missing, nothing went back to "loading".
    assert.ok(list.services.some((e) => e.name === 'svc-0299'));
    assert.ok(list.services.filter((e) => before.has(e.name)).every((e) => e.state === 'described'));
    await untilSettled(list, fake);
    assert.ok(!list.services.some((e) => e.name === 'svc-0299'));
    assert.equal(list.services.find((e) => e.name === 'svc-new')?.state, 'described');
    assert.equal(list.size, 300);
  });

  it('a newer load or an abort stops the older one writing; nothing claims to load after an abort', async () => {
    const fake = roundTripEcs(scattered(1000));
    const list = new ServiceList(fake.api, 'c');
    const controller = new AbortController();
    await Promise.all([list.load(controller.signal), fake.roundTrip().then(() => fake.roundTrip())]);
    const listed = list.size;
    const callsAtAbort = fake.calls.length;
    controller.abort();
    await untilSettled(list, fake);
    assert.equal(list.streaming, false);
    assert.equal(fake.calls.length, callsAtAbort, 'no call after the abort');
    assert.equal(list.size, listed, 'nothing written after the abort');
    // A newer load takes over; the older one's late answers change nothing.
    const older = new ServiceList(fake.api, 'c');
    await Promise.all([older.load(new AbortController().signal), fake.roundTrip().then(() => fake.roundTrip())]);
    const newer = older.load(new AbortController().signal);
    await fake.roundTrip();
    await fake.roundTrip();
    await newer;
    await untilSettled(older, fake);
    assert.equal(older.size, 1000);
    assert.ok(older.services.every((e) => e.state === 'described'));
  });
});

describe('serviceFilterText', () => {
  it('says the filter and how many of the loaded services match', () => {
    assert.equal(serviceFilterText('sched', { shown: 3, loaded: 2000, complete: true }), 'filter: sched · 3 of 2,000');
    assert.equal(serviceFilterText('sched', { shown: 3, loaded: 400, complete: false }), 'filter: sched · 3 of 400 so far');
    assert.equal(serviceFilterText('sched'), 'filter: sched');
  });
});

describe('limiter', () => {
  it('runs work as it arrives, never more than the limit at once, in arrival order, through failures', async () => {
    const gate = limiter(2);
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    const job = (n: number, fail = false) => gate(async () => {
      started.push(n);
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 2));
      running--;
      if (fail) throw new Error(`job ${n} failed`);
      return n;
    });
    const first = [job(1), job(2, true), job(3)];
    await new Promise((r) => setTimeout(r, 1));
    const later = [job(4), job(5)];
    const results = await Promise.allSettled([...first, ...later]);
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled']);
    assert.deepEqual(started, [1, 2, 3, 4, 5]);
    assert.equal(peak, 2);
  });
});
