import * as assert from 'node:assert/strict';
import type { ImageDetail } from '../../src/core/aws/ecr';
import { describePullFailure } from '../../src/core/docker/pull';
import { networkCause, parseManifest, platformName } from '../../src/core/ecr/labels';
import { formatSize, imageReferences, imageView, scanSummary } from '../../src/core/ecr/present';
import { DEFAULT_LABEL_NAMES } from '../../src/core/ecr/labels';

describe('images: references, sizes, platforms and failure sentences', () => {
  it('offers the build tag and the digest before a moving tag', () => {
    const refs = imageReferences(['latest', 'build-23'], 'sha256:d', '23', false);
    assert.deepEqual(refs.map((r) => r.tag ?? r.digest), ['build-23', 'sha256:d', 'latest']);
    assert.match(refs[2].note, /moves/);
    // build-230 is not build 23's tag; without labels only the digest is known to be immutable.
    assert.deepEqual(imageReferences(['build-230', 'latest'], 'sha256:d', '23', false).map((r) => r.tag ?? r.digest), ['sha256:d', 'build-230', 'latest']);
    assert.deepEqual(imageReferences(['latest', 'build-23'], 'sha256:d', undefined, false).map((r) => r.tag ?? r.digest), ['sha256:d', 'latest', 'build-23']);
    assert.deepEqual(imageReferences(['latest', 'v1'], 'sha256:d', undefined, true).map((r) => r.tag ?? r.digest), ['latest', 'v1', 'sha256:d']);
    assert.deepEqual(imageReferences([], 'sha256:d', '1', false).map((r) => r.digest), ['sha256:d']);
  });

  it('shows sizes in the unit that fits', () => {
    assert.equal(formatSize(512), '512 B');
    assert.equal(formatSize(3400), '3.3 KB');
    assert.equal(formatSize(450 * 1024 * 1024), '450.0 MB');
    assert.equal(formatSize(1.5 * 1024 ** 3), '1.5 GB');
  });

  it('names index children by platform, attestations as such', () => {
    const index = parseManifest('application/vnd.oci.image.index.v1+json', JSON.stringify({ manifests: [
      { digest: 'sha256:a', platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
      { digest: 'sha256:b', platform: { os: 'unknown', architecture: 'unknown' }, annotations: { 'vnd.docker.reference.type': 'attestation-manifest' } },
    ] }));
    assert.ok(index.kind === 'index');
    assert.deepEqual(index.manifests.map(platformName), ['linux/arm64/v8', 'attestation']);
    const view = imageView({ imageDigest: 'sha256:0123456789abcdef', imageSizeInBytes: 2048 }, { labels: undefined, commit: undefined, places: [], platform: 'linux/arm64/v8' }, DEFAULT_LABEL_NAMES, 0);
    assert.match(view.description, /^linux\/arm64\/v8 · labels… · 2\.0 KB/);
    assert.match(view.tooltip, /\*\*Platform:\*\* linux\/arm64\/v8/);
  });

  it('says "scan" once in the tooltip', () => {
    const image: ImageDetail = { imageDigest: 'sha256:1', imageScanStatus: { status: 'COMPLETE' }, imageScanFindingsSummary: { findingSeverityCounts: { CRITICAL: 1, HIGH: 2 } } };
    assert.equal(scanSummary(image).text, 'scan: 1 CRITICAL 2 HIGH');
    const tooltip = imageView(image, { labels: undefined, commit: undefined, places: [] }, DEFAULT_LABEL_NAMES, 0).tooltip;
    assert.match(tooltip, /\*\*Scan:\*\* 1 CRITICAL 2 HIGH/);
    assert.doesNotMatch(tooltip, /Scan:\*\* scan/);
  });

  it('turns a failed fetch into its cause and a failed pull into a sentence naming the registry', () => {
    assert.equal(networkCause(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:9' } })), 'connection refused');
    assert.equal(networkCause(Object.assign(new TypeError('fetch failed'), { cause: { message: 'other socket error' } })), 'other socket error');
    const uri = '123.dkr.ecr.us-east-1.amazonaws.com/airflow:b1';
    assert.equal(
      describePullFailure(uri, '(HTTP code 500) server error - Get "https://123.dkr.ecr.us-east-1.amazonaws.com/v2/": dial tcp: lookup 123.dkr.ecr.us-east-1.amazonaws.com: no such host'),
      'The Docker engine cannot reach the registry 123.dkr.ecr.us-east-1.amazonaws.com: its name does not resolve. Check the engine\'s network, DNS, proxy or VPN, then pull again.',
    );
    assert.match(describePullFailure(uri, 'Get "https://x/v2/": dial tcp 1.2.3.4:443: connect: connection refused'), /cannot reach .*connection was refused/);
    assert.match(describePullFailure(uri, 'no basic auth credentials'), /refused the pull.*ecr:BatchGetImage/);
    assert.equal(describePullFailure(uri, '(HTTP code 500) server error - something else'), `docker pull ${uri} failed: something else`);
  });
});
