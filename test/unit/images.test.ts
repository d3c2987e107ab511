import * as assert from 'node:assert/strict';
import { headStatus, type DeployedImage } from '../../src/core/ecr/deployments';
import { LABEL_CONCURRENCY, Limiter, parseManifest, pickPlatform } from '../../src/core/ecr/labels';
import { ecrRepositoryOf, imageUri, imageView, scanSummary, tagOf } from '../../src/core/ecr/present';
import { DEFAULT_LABEL_NAMES } from '../../src/core/ecr/labels';

const deployed = (digest: string): DeployedImage => ({ digest, image: '1.dkr.ecr.us-east-1.amazonaws.com/airflow:b', places: [{ cluster: 'airflow-prod', service: 'worker' }] });

describe('images: manifests, presentation, HEAD status', () => {
  it('parses docker v2, OCI index and schema 1 manifests', () => {
    assert.deepEqual(parseManifest(undefined, JSON.stringify({ schemaVersion: 2, config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: 'sha256:c' } })), { kind: 'image', configDigest: 'sha256:c' });
    const index = parseManifest('application/vnd.oci.image.index.v1+json', JSON.stringify({ manifests: [{ digest: 'sha256:arm', platform: { os: 'linux', architecture: 'arm64' } }, { digest: 'sha256:amd', platform: { os: 'linux', architecture: 'amd64' } }] }));
    assert.equal(index.kind, 'index');
    assert.equal(index.kind === 'index' ? pickPlatform(index.manifests) : undefined, 'sha256:amd');
    assert.equal(parseManifest('application/vnd.docker.distribution.manifest.v1+prettyjws', '{"schemaVersion":1}').kind, 'unsupported');
    assert.equal(parseManifest(undefined, 'not json').kind, 'unsupported');
  });

  it('never runs more than the limit at once', async () => {
    const limiter = new Limiter(LABEL_CONCURRENCY);
    let active = 0;
    let peak = 0;
    await Promise.all(Array.from({ length: 30 }, () => limiter.run(async () => {
      peak = Math.max(peak, ++active);
      await new Promise((r) => setTimeout(r, 2));
      active--;
    })));
    assert.equal(peak, 8);
  });

  it('describes a tag with build number, commit, size, scan and where it runs', () => {
    const view = imageView(
      { imageTags: ['build-42'], imageDigest: 'sha256:0123456789abcdef', imageSizeInBytes: 450 * 1024 * 1024, imagePushedAt: new Date(0), imageScanStatus: { status: 'COMPLETE' }, imageScanFindingsSummary: { findingSeverityCounts: { HIGH: 2, CRITICAL: 1 } } },
      { labels: { state: 'labels', labels: { BUILD_NUMBER: '42', SOURCE_VERSION: 'abcdef0123456789' } }, commit: undefined, places: [{ cluster: 'airflow-prod', service: 'worker' }] },
      DEFAULT_LABEL_NAMES,
      3 * 3_600_000,
    );
    assert.equal(view.label, 'build-42');
    assert.equal(view.description, '#42 · abcdef0 · ▶ airflow-prod/worker · 450.0 MB · 3 h ago · scan: 1 CRITICAL 2 HIGH');
    assert.equal(view.tone, 'error');
    const bare = imageView({ imageDigest: 'sha256:0123456789abcdef' }, { labels: { state: 'labels', labels: { BUILD_NUMBER: 'local' } }, commit: undefined, places: [] }, DEFAULT_LABEL_NAMES, 0);
    assert.equal(bare.description, 'no build labels · not scanned');
    assert.equal(bare.label, '0123456789ab');
  });

  it('names every scan status', () => {
    assert.equal(scanSummary({}).text, 'not scanned');
    assert.equal(scanSummary({ imageScanStatus: { status: 'IN_PROGRESS' } }).text, 'scan in progress');
    assert.equal(scanSummary({ imageScanStatus: { status: 'FAILED' } }).text, 'scan failed');
    assert.equal(scanSummary({ imageScanStatus: { status: 'UNSUPPORTED_IMAGE' } }).text, 'scan: unsupported image');
    assert.equal(scanSummary({ imageScanStatus: { status: 'COMPLETE' } }).text, 'scan: clean');
  });

  it('builds image URIs and reads repositories and tags back', () => {
    assert.equal(imageUri('123', 'eu-west-1', 'airflow', { tag: 'b1' }), '123.dkr.ecr.eu-west-1.amazonaws.com/airflow:b1');
    assert.equal(imageUri('123', 'cn-north-1', 'airflow', { digest: 'sha256:x' }), '123.dkr.ecr.cn-north-1.amazonaws.com.cn/airflow@sha256:x');
    assert.equal(ecrRepositoryOf('123.dkr.ecr.us-east-1.amazonaws.com/team/airflow:b1'), 'team/airflow');
    assert.equal(ecrRepositoryOf('apache/airflow:2.10'), undefined);
    assert.equal(tagOf('123.dkr.ecr.us-east-1.amazonaws.com/airflow:b1'), 'b1');
    assert.equal(tagOf('localhost:5000/airflow'), undefined);
  });

  it('answers "is my HEAD deployed?"', async () => {
    const head = 'a'.repeat(40);
    const same = await headStatus(head, [{ image: deployed('d1'), commit: head }], () => Promise.resolve(0));
    assert.equal(same.text, `HEAD aaaaaaa deployed to airflow-prod/worker`);
    const behind = await headStatus(head, [{ image: deployed('d1'), commit: 'b'.repeat(40) }], () => Promise.resolve(3));
    assert.equal(behind.text, 'deployed: bbbbbbb (3 commits behind HEAD)');
    const unknown = await headStatus(head, [{ image: deployed('d1'), commit: 'c'.repeat(40) }], () => Promise.resolve(undefined));
    assert.equal(unknown.text, 'deployed: ccccccc (not in this clone)');
    assert.equal((await headStatus(head, [], () => Promise.resolve(0))).text, 'HEAD aaaaaaa not deployed');
  });
});
