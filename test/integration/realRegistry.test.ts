import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { createEcrApi, type EcrApi } from '../../src/core/aws/ecr';
import { resolveConnection } from '../../src/core/aws/connection';
import { pullImage } from '../../src/core/docker/pull';
import { fetchConfigBlob, LabelCache, LabelLoader, type LabelOutcome } from '../../src/core/ecr/labels';
import { imageView } from '../../src/core/ecr/present';
import { DEFAULT_LABEL_NAMES } from '../../src/core/ecr/labels';
import { commitInfo, fetchRemotes } from '../../src/core/git/git';
import { silentLogger } from '../../src/core/log';
import { startFakeAws, type FakeAws } from '../support/fakeAws';
import type { FakeEcr } from '../support/fakeAws/ecr';
import { withAwsProfileFiles } from '../support/awsProfiles';
import { MEDIA, startRegistry, type Descriptor, type Registry } from '../support/registry';

/**
 * Images built with `docker build` (LABELs on the imported busybox base), pushed to a real
 * registry, a Docker manifest list and an OCI index (with a BuildKit-style attestation) and a Helm
 * chart assembled through the registry API, all read through the local ECR endpoint, which
 * serves the registry's own manifests and config blobs.
 */
describe('Images against a real registry behind the local ECR endpoint', function () {
  this.timeout(240_000);
  let registry: Registry;
  let aws: FakeAws;
  let ecr: FakeEcr;
  let api: EcrApi;
  let restoreEnv: () => void;
  let repo: string;
  let sha: string;
  let mainSha: string;
  const digests: Record<string, string> = {};
  const children: Record<string, string> = {};

  /** The amd64 image as an OCI manifest: same config blob and layers, OCI media types. */
  async function ociCopy(name: string, dockerDigest: string): Promise<Descriptor> {
    const m = JSON.parse((await registry.getManifest(name, dockerDigest)).body) as { config: Descriptor; layers: Descriptor[] };
    return registry.putManifest(name, '', MEDIA.ociManifest, {
      schemaVersion: 2, mediaType: MEDIA.ociManifest,
      config: { ...m.config, mediaType: MEDIA.ociConfig },
      layers: m.layers.map((l) => ({ ...l, mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip' })),
    });
  }

  before(async () => {
    // A DAG repository whose branch `main` is a SOURCE_VERSION.
    repo = fs.mkdtempSync(path.join(os.tmpdir(), 'airflow-ecs-registry-git-'));
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=Dag Author', '-c', 'user.email=d@example.com', ...args], { cwd: repo, encoding: 'utf8' }).trim();
    git('init', '-q', '-b', 'main');
    git('commit', '-q', '--allow-empty', '-m', 'First DAG');
    sha = git('rev-parse', 'HEAD');
    git('commit', '-q', '--allow-empty', '-m', 'Retry the load step');
    mainSha = git('rev-parse', 'HEAD');

    registry = await startRegistry();
    const name = 'airflow';
    digests.build23 = await registry.buildAndPush(name, ['build-23', 'latest'], { BUILD_NUMBER: '23', SOURCE_VERSION: sha });
    digests.build22 = await registry.buildAndPush(name, ['build-22'], { 'org.opencontainers.image.version': '22', 'org.opencontainers.image.revision': 'main' });
    digests.bare = await registry.buildAndPush(name, ['bare'], {});
    const amd64 = await registry.buildAndPush(name, ['staging-amd64'], { BUILD_NUMBER: '24', SOURCE_VERSION: mainSha });

    // An arm64 sibling: the amd64 config with another architecture (and labels that must not win).
    const amdManifest = JSON.parse((await registry.getManifest(name, amd64)).body) as { config: Descriptor; layers: Descriptor[] };
    const amdConfig = await (await fetch(`${registry.url}/v2/${name}/blobs/${amdManifest.config.digest}`)).json() as { config: { Labels: Record<string, string> } };
    const armConfig = await registry.putBlob(name, JSON.stringify({ ...amdConfig, architecture: 'arm64', variant: 'v8', config: { ...amdConfig.config, Labels: { BUILD_NUMBER: 'wrong-arch' } } }));
    const arm = await registry.putManifest(name, '', MEDIA.dockerManifest, { schemaVersion: 2, mediaType: MEDIA.dockerManifest, config: { ...armConfig, mediaType: MEDIA.dockerConfig }, layers: amdManifest.layers });
    const amdDescriptor = { mediaType: MEDIA.dockerManifest, digest: amd64, size: Buffer.byteLength((await registry.getManifest(name, amd64)).body) };
    digests.multi = (await registry.putManifest(name, 'multi', MEDIA.dockerList, {
      schemaVersion: 2, mediaType: MEDIA.dockerList,
      manifests: [{ ...arm, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } }, { ...amdDescriptor, platform: { os: 'linux', architecture: 'amd64' } }],
    })).digest;
    children.arm = arm.digest;
    children.amd = amd64;

    // An OCI index as buildx pushes it: the image and its provenance attestation.
    const ociAmd = await ociCopy(name, amd64);
    const attConfig = await registry.putBlob(name, JSON.stringify({ architecture: 'unknown', os: 'unknown', config: {}, rootfs: { type: 'layers', diff_ids: [] } }));
    const statement = await registry.putBlob(name, JSON.stringify({ _type: 'https://in-toto.io/Statement/v0.1', predicateType: 'https://slsa.dev/provenance/v0.2' }));
    const attestation = await registry.putManifest(name, '', MEDIA.ociManifest, {
      schemaVersion: 2, mediaType: MEDIA.ociManifest, config: { ...attConfig, mediaType: MEDIA.ociConfig },
      layers: [{ ...statement, mediaType: 'application/vnd.in-toto+json', annotations: { 'in-toto.io/predicate-type': 'https://slsa.dev/provenance/v0.2' } }],
    });
    digests.ociMulti = (await registry.putManifest(name, 'oci-multi', MEDIA.ociIndex, {
      schemaVersion: 2, mediaType: MEDIA.ociIndex,
      manifests: [
        { ...ociAmd, platform: { os: 'linux', architecture: 'amd64' } },
        { ...attestation, platform: { os: 'unknown', architecture: 'unknown' }, annotations: { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': ociAmd.digest } },
      ],
    })).digest;
    children.ociAmd = ociAmd.digest;
    children.attestation = attestation.digest;

    // A Helm chart as `helm push` stores it: a Helm config and one chart layer of a few KB.
    const chartConfig = await registry.putBlob('charts', JSON.stringify({ name: 'airflow', version: '0.1.0', apiVersion: 'v2' }));
    const chart = await registry.putBlob('charts', crypto.randomBytes(3000));
    digests.chart = (await registry.putManifest('charts', '0.1.0', MEDIA.ociManifest, {
      schemaVersion: 2, mediaType: MEDIA.ociManifest, config: { ...chartConfig, mediaType: MEDIA.helmConfig }, layers: [{ ...chart, mediaType: MEDIA.helmChart }],
    })).digest;

    ({ aws, ecr } = await startFakeAws());
    restoreEnv = withAwsProfileFiles();
    api = createEcrApi(await resolveConnection({ profile: 'test', region: '', endpoint: aws.url }), silentLogger);
  });

  after(async () => {
    restoreEnv?.();
    await aws?.close();
    await registry?.stop();
    fs.rmSync(repo, { recursive: true, force: true });
  });

  async function mirror(blobModes?: Record<string, 'forbidden' | 'hang'>) {
    aws.reset();
    await ecr.mirror(registry.url, [
      { name: 'airflow', tags: ['build-23', 'latest', 'build-22', 'oci-multi', 'multi', 'bare'], blobModes },
      { name: 'charts', tags: ['0.1.0'] },
    ]);
  }

  it('reads build number and commit from LABELs of pushed images, OCI names, indexes and a Helm chart', async () => {
    await mirror();
    const loader = new LabelLoader(() => Promise.resolve(api), new LabelCache(undefined, silentLogger));
    const labels = await loader.loadAll('airflow', [digests.build23, digests.build22, digests.multi, digests.ociMulti, digests.bare]);
    assert.deepEqual(labels.get(digests.build23)?.state === 'labels' && labels.get(digests.build23), { state: 'labels', labels: { BUILD_NUMBER: '23', SOURCE_VERSION: sha } });
    const oci = labels.get(digests.build22);
    assert.deepEqual(oci?.state === 'labels' && oci.labels, { 'org.opencontainers.image.version': '22', 'org.opencontainers.image.revision': 'main' });
    for (const index of [digests.multi, digests.ociMulti]) {
      const outcome = labels.get(index);
      assert.deepEqual(outcome?.state === 'labels' && outcome.labels, { BUILD_NUMBER: '24', SOURCE_VERSION: mainSha }, 'linux/amd64 is read, arm64 and the attestation are not');
    }
    const multi = labels.get(digests.multi);
    assert.deepEqual(multi?.state === 'labels' && multi.index?.platforms, { [children.arm]: 'linux/arm64/v8', [children.amd]: 'linux/amd64' });
    assert.equal(loader.cache.platformOf(children.attestation), 'attestation');
    const bare = labels.get(digests.bare);
    assert.equal(bare?.state, 'labels');
    assert.deepEqual(bare?.state === 'labels' && buildNumber(bare), undefined);

    const chart = await loader.load('charts', digests.chart);
    assert.equal(chart.state, 'unsupported');
    assert.match((chart as { reason: string }).reason, /not a container image \(config application\/vnd\.cncf\.helm\.config\.v1\+json\)/);
    const page = await api.describeImages('charts', undefined, 50);
    const view = imageView(page.images[0], { labels: chart, commit: undefined, places: [] }, DEFAULT_LABEL_NAMES, Date.now());
    assert.match(view.description, / (2\.9|3\.0) KB · /, `a chart of about 3 KB: ${view.description}`);
  });

  it('downloads a config blob shared by two manifests once and reads no index child twice', async () => {
    await mirror();
    const loader = new LabelLoader(() => Promise.resolve(api), new LabelCache(undefined, silentLogger));
    await loader.loadAll('airflow', [digests.multi, digests.ociMulti]);
    assert.equal(ecr.blobFetches, 1, 'the Docker and the OCI amd64 manifests share one config blob');
    const batches = aws.countCalls('BatchGetImage');
    assert.equal(batches, 4, 'each index and its linux/amd64 child');
    // Expanding Untagged: the amd64 children are known already; arm64 and the attestation are new.
    const untagged = (await api.describeImages('airflow', undefined, 50)).images.filter((i) => !i.imageTags?.length).map((i) => i.imageDigest!);
    assert.deepEqual(new Set(untagged), new Set([children.arm, children.amd, children.ociAmd, children.attestation]));
    const before = loader.lookups;
    await loader.loadAll('airflow', untagged);
    assert.equal(loader.lookups - before, 2, 'only arm64 and the attestation are looked up');
    assert.equal(aws.countCalls('BatchGetImage') - batches, 2);
  });

  it('hands each image its labels as they arrive: a hung config blob holds back only its own', async () => {
    await mirror({ [digests.bare]: 'hang' });
    const loader = new LabelLoader(() => Promise.resolve(api), new LabelCache(undefined, silentLogger), 1500);
    const arrived: [string, LabelOutcome['state']][] = [];
    await loader.loadAll('airflow', [digests.bare, digests.build23, digests.build22], undefined, (d, o) => arrived.push([d, o.state]));
    assert.deepEqual(arrived.map(([d]) => d).slice(0, 2).sort(), [digests.build23, digests.build22].sort());
    assert.deepEqual(arrived[2], [digests.bare, 'error']);
  });

  it('says why a config URL cannot be fetched: the host and "connection refused"', async () => {
    // A port that was just free: nothing listens there.
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    await assert.rejects(fetchConfigBlob(`http://127.0.0.1:${port}/blob`, undefined, 5000), new RegExp(`could not reach 127\\.0\\.0\\.1:${port}: connection refused`));
  });

  it('resolves a branch name as SOURCE_VERSION in the clone, and says when there is no remote', async () => {
    assert.equal((await commitInfo(repo, 'main'))?.sha, mainSha);
    assert.equal((await commitInfo(repo, sha))?.sha, sha);
    assert.equal(await commitInfo(repo, 'no-such-branch'), undefined);
    assert.equal(await commitInfo(repo, '--output=/tmp/x'), undefined, 'a label is never an option');
    assert.deepEqual(await fetchRemotes(repo), { remotes: [], updated: 0 });
    // A remote that has one new branch: one ref fetched; fetching again: nothing new.
    const upstream = fs.mkdtempSync(path.join(os.tmpdir(), 'airflow-ecs-upstream-'));
    try {
      execFileSync('git', ['clone', '-q', '--bare', repo, upstream]);
      execFileSync('git', ['remote', 'add', 'origin', upstream], { cwd: repo });
      execFileSync('git', ['push', '-q', upstream, 'main:refs/heads/feature'], { cwd: repo });
      assert.deepEqual(await fetchRemotes(repo), { remotes: ['origin'], updated: 2 }, 'origin/main and origin/feature are new');
      assert.deepEqual(await fetchRemotes(repo), { remotes: ['origin'], updated: 0 });
    } finally {
      execFileSync('git', ['remote', 'remove', 'origin'], { cwd: repo });
      fs.rmSync(upstream, { recursive: true, force: true });
    }
  });

  it('pulls a pushed image for real, and names the registry it cannot reach', async () => {
    const auth = { username: 'AWS', password: 'unused', serveraddress: registry.url };
    const events: string[] = [];
    await pullImage(`${registry.host}/airflow:build-23`, auth, (p) => events.push(p.status ?? ''));
    assert.ok(events.some((e) => /Downloaded newer image|Image is up to date|Status/.test(e)), events.join('\n'));
    await assert.rejects(pullImage('registry.invalid/airflow:1', auth, () => undefined), /cannot reach the registry registry\.invalid: its name does not resolve/);
  });
});

function buildNumber(outcome: LabelOutcome): string | undefined {
  return outcome.state === 'labels' ? outcome.labels.BUILD_NUMBER : undefined;
}
