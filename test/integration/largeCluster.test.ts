import * as assert from 'node:assert/strict';
import { createEcsApi, type EcsApi } from '../../src/core/aws/ecs';
import { AwsProblem } from '../../src/core/aws/errors';
import { resolveConnection } from '../../src/core/aws/connection';
import { FIRST_SCREEN, ServiceList } from '../../src/core/ecs/serviceList';
import { silentLogger } from '../../src/core/log';
import { generatedServiceNames } from '../support/fakeAws/ecs';
import { fakeAwsPerFile } from '../support/fakeAws/perFile';

describe('A 2,000-service cluster against the local ECS endpoint (real SDK)', () => {
  const fake = fakeAwsPerFile();

  beforeEach(() => {
    fake.ecs.seed([{ name: 'big', generatedServices: 2000 }]);
  });

  /**
   * The real API, each call given its round trip: one more than the deepest call answered
   * before it was made. What the first screen needed can then be told apart from what follows.
   */
  async function list(): Promise<{ services: ServiceList; answeredRounds: () => number }> {
    const conn = await resolveConnection({ profile: 'test', region: 'us-east-1', endpoint: fake.aws.url });
    const api = createEcsApi(conn, silentLogger);
    let answered = 0;
    const counted = <A extends unknown[], R>(call: (...args: A) => Promise<R>) => async (...args: A): Promise<R> => {
      const round = answered + 1;
      const out = await call(...args);
      answered = Math.max(answered, round);
      return out;
    };
    const roundsApi: EcsApi = { ...api, listServicePage: counted(api.listServicePage), describeServices: counted(api.describeServices) };
    return { services: new ServiceList(roundsApi, 'big'), answeredRounds: () => answered };
  }

  it('shows the first screen after one ListServices page and one round of DescribeServices, then streams in the rest', async () => {
    const { services, answeredRounds } = await list();
    await services.load(new AbortController().signal);
    // Round 1: ListServices. Round 2: the first screen's describes, with the next page listed meanwhile.
    assert.equal(answeredRounds(), 2);
    assert.equal(fake.aws.calls[0].operation, 'ListServices');
    assert.equal(services.services.filter((e) => e.state === 'described').length, FIRST_SCREEN);
    assert.ok(services.services.filter((e) => e.state === 'loading').length >= 70, 'the rest of the first page says it is loading');

    await services.settled;
    assert.equal(fake.aws.countCalls('ListServices'), 20);
    assert.equal(fake.aws.countCalls('DescribeServices'), 200, 'each service described once, 10 a call');
    assert.equal(services.size, 2000);
    assert.ok(services.services.every((e) => e.state === 'described'));
    assert.deepEqual(services.services.map((e) => e.name), [...generatedServiceNames(2000)].sort((a, b) => a.localeCompare(b)));
    const scheduler = services.services.find((e) => e.name === 'team0042-scheduler');
    assert.equal(scheduler?.state === 'described' && scheduler.service.runningCount, 1);
  });

  it('a DescribeServices call that keeps failing marks only its own rows; a service ECS cannot describe says why', async () => {
    fake.ecs.control.breakDescribe({ names: ['team0300-worker'] });
    fake.ecs.control.failDescribe({ arns: ['team0007-triggerer'], reason: 'MISSING' });
    const { services } = await list();
    await services.load(new AbortController().signal);
    await services.settled;
    const errors = services.services.filter((e) => e.state === 'error');
    assert.equal(errors.length, 10, 'the ten services of the failed call');
    assert.ok(errors.some((e) => e.name === 'team0300-worker'));
    for (const e of errors) {
      assert.ok(e.state === 'error' && e.error instanceof AwsProblem, 'a typed problem the view turns into a sentence');
      assert.doesNotMatch((e.error as Error).message, /<html|\n\s+at /i);
    }
    const missing = services.services.find((e) => e.name === 'team0007-triggerer');
    assert.equal(missing?.state === 'failed' && missing.failure.reason, 'MISSING');
    assert.equal(services.services.filter((e) => e.state === 'described').length, 2000 - 11);
  });

  it('a ListServices page denied after the first screen keeps every row listed so far, described, and says listing stopped', async () => {
    const { services } = await list();
    await services.load(new AbortController().signal);
    fake.aws.injectFault({ operation: 'ListServices', kind: 'accessDenied', count: 1 });
    await services.settled;
    assert.ok(services.listError instanceof AwsProblem);
    assert.equal((services.listError as AwsProblem).kind, 'accessDenied');
    assert.equal(services.listedAll, false);
    assert.ok(services.size >= 100 && services.size < 2000 && services.size % 100 === 0, `${services.size} listed`);
    assert.ok(services.services.every((e) => e.state === 'described'));
  });
});
