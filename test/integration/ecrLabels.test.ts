import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createEcrApi, type EcrApi } from '../../src/core/aws/ecr';
import { resolveConnection } from '../../src/core/aws/connection';
import { findDeployments } from '../../src/core/ecr/deployments';
import { buildInfo, DEFAULT_LABEL_NAMES, LabelCache, LabelLoader, readImageLabels } from '../../src/core/ecr/labels';
import { normalizeFindings } from '../../src/core/ecr/present';
import { createEcsApi } from '../../src/core/aws/ecs';
import { AwsProblem } from '../../src/core/aws/errors';
import { silentLogger } from '../../src/core/log';
import { startFakeAws, type FakeAws } from '../support/fakeAws';
import type { FakeEcr } from '../support/fakeAws/ecr';
import type { FakeEcs } from '../support/fakeAws/ecs';
import { withAwsProfileFiles } from '../support/awsProfiles';

const LABELS = { BUILD_NUMBER: '42', SOURCE_VERSION: 'a'.repeat(40) };

describe('ECR labels, scans and deployments against the local AWS endpoint', () => {
  let aws: FakeAws;
  let ecr: FakeEcr;
  let ecs: FakeEcs;
  let restoreEnv: () => void;
  let api: EcrApi;

  before(async () => {
    ({ aws, ecr, ecs } = await startFakeAws());
    restoreEnv = withAwsProfileFiles();
    api = createEcrApi(await resolveConnection({ profile: 'test', region: '', endpoint: aws.url }), silentLogger);
  });
  after(async () => {
    restoreEnv();
    await aws.close();
  });
  beforeEach(() => aws.reset());

  it('reads labels through manifest, config digest and presigned URL; multi-arch resolves to linux/amd64', async () => {
    const { digests } = ecr.control.seed({ repositories: [{ name: 'airflow', images: [{ tags: ['a'], labels: LABELS }, { tags: ['multi'], kind: 'index', labels: { BUILD_NUMBER: '43' } }] }] });
    const plain = await readImageLabels(api, 'airflow', digests.airflow[0], undefined, 5000);
    assert.deepEqual(plain, { state: 'labels', labels: LABELS });
    const multi = await readImageLabels(api, 'airflow', digests.airflow[1], undefined, 5000);
    assert.equal(multi.state, 'labels');
    assert.deepEqual(multi.state === 'labels' && multi.labels, { BUILD_NUMBER: '43' });
    assert.deepEqual(Object.values(multi.index?.platforms ?? {}), ['linux/arm64', 'linux/amd64']);
    assert.equal(aws.countCalls('BatchGetImage'), 3, 'the index costs a second BatchGetImage');
  });

  it('names schema-1, artifacts and label-less images instead of failing', async () => {
    const { digests } = ecr.control.seed({ repositories: [{ name: 'r', images: [{ tags: ['old'], kind: 'schema1' }, { tags: ['chart'], kind: 'artifact' }, { tags: ['bare'], labels: null }] }] });
    const [schema1, artifact, bare] = await Promise.all(digests.r.map((d) => readImageLabels(api, 'r', d, undefined, 5000)));
    assert.equal(schema1.state, 'unsupported');
    assert.match((schema1 as { reason: string }).reason, /schema 1/);
    assert.match((artifact as { reason: string }).reason, /not a container image .*helm/);
    assert.deepEqual(bare, { state: 'labels', labels: {} });
    assert.deepEqual(buildInfo({}, DEFAULT_LABEL_NAMES), { buildNumber: undefined, commit: undefined, source: undefined });
  });

  it('turns a 403 blob, a hanging blob and AccessDenied into error outcomes that are not cached', async () => {
    const { digests } = ecr.control.seed({ repositories: [{ name: 'r', images: [{ tags: ['x'], labels: LABELS, blob: 'forbidden' }, { tags: ['y'], labels: LABELS, blob: 'hang' }, { tags: ['z'], labels: LABELS }] }] });
    const cache = new LabelCache(undefined, silentLogger);
    const loader = new LabelLoader(() => Promise.resolve(api), cache, 300);
    aws.injectFault({ operation: 'BatchGetImage', kind: 'accessDenied', count: 1 });
    const denied = await loader.load('r', digests.r[2]);
    assert.equal(denied.state, 'error');
    assert.match((denied as { message: string }).message, /ecr:BatchGetImage/);
    const forbidden = await loader.load('r', digests.r[0]);
    assert.match((forbidden as { message: string }).message, /refused \(HTTP 403\)/);
    const hung = await loader.load('r', digests.r[1]);
    assert.match((hung as { message: string }).message, /timed out/);
    assert.equal(cache.size, 0);
    assert.equal((await loader.load('r', digests.r[2])).state, 'labels', 'a retry after AccessDenied succeeds');
  });

  it('caches by digest on disk: a second loader makes no calls', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'labels-')), 'cache.json');
    const { digests } = ecr.control.seed({ repositories: [{ name: 'r', images: Array.from({ length: 20 }, (_, i) => ({ tags: [`t${i}`], labels: LABELS })) }] });
    await new LabelLoader(() => Promise.resolve(api), new LabelCache(file, silentLogger)).loadAll('r', digests.r);
    assert.equal(ecr.blobFetches, 20);
    aws.calls.length = 0;
    const warm = new LabelLoader(() => Promise.resolve(api), new LabelCache(file, silentLogger));
    const results = await warm.loadAll('r', digests.r);
    assert.equal(aws.countCalls(), 0);
    assert.equal(warm.lookups, 0);
    assert.equal([...results.values()].filter((r) => r.state === 'labels').length, 20);
  });

  it('lists basic and enhanced findings, pages images and reports scanless images as not found', async () => {
    const findings = [{ name: 'CVE-2024-1', severity: 'HIGH', packageName: 'openssl', packageVersion: '3.0.1', uri: 'https://nvd.example/CVE-2024-1' }, { name: 'CVE-2024-2', severity: 'CRITICAL', packageName: 'zlib', packageVersion: '1.2' }];
    const { digests } = ecr.control.seed({ repositories: [
      { name: 'basic', images: [{ tags: ['a'], scan: 'COMPLETE', findings }, { tags: ['b'] }] },
      { name: 'enhanced', scanType: 'ENHANCED', images: [{ tags: ['a'], scan: 'COMPLETE', findings }] },
    ] });
    for (const repo of ['basic', 'enhanced']) {
      const page = await api.scanFindings(repo, digests[repo][0]);
      const list = normalizeFindings(page.findings);
      assert.deepEqual(list.map((f) => [f.name, f.severity, f.packageName, f.packageVersion]), [['CVE-2024-2', 'CRITICAL', 'zlib', '1.2'], ['CVE-2024-1', 'HIGH', 'openssl', '3.0.1']], repo);
      assert.equal(list[1].uri, 'https://nvd.example/CVE-2024-1');
    }
    await assert.rejects(api.scanFindings('basic', digests.basic[1]), (e: unknown) => e instanceof AwsProblem && e.kind === 'notFound');
    assert.equal(await api.startScan('basic', digests.basic[1]), 'IN_PROGRESS');
    // ECR allows one basic scan per image a day; the SDK would retry LimitExceededException as throttling.
    aws.calls.length = 0;
    await assert.rejects(api.startScan('basic', digests.basic[1]), /scan quota for this image is used up/);
    assert.equal(aws.countCalls('StartImageScan'), 1, 'the quota error is not retried');
    const auth = await api.authorization();
    assert.deepEqual([auth.username, auth.password], ['AWS', 'fake-ecr-password']);
  });

  it('finds where each digest runs from the running tasks', async () => {
    ecs.seed([{ name: 'airflow-prod', services: [{ name: 'worker', desiredCount: 2, containers: [{ name: 'worker', image: 'x/airflow:1', imageDigest: 'sha256:abc' }] }, { name: 'scheduler', desiredCount: 1, containers: [{ name: 's', image: 'x/airflow:1', imageDigest: 'sha256:abc' }] }] }]);
    const conn = await resolveConnection({ profile: 'test', region: '', endpoint: aws.url });
    const found = await findDeployments(createEcsApi(conn, silentLogger));
    assert.deepEqual(found.get('sha256:abc')?.places, [{ cluster: 'airflow-prod', service: 'worker' }, { cluster: 'airflow-prod', service: 'scheduler' }]);
  });
});
