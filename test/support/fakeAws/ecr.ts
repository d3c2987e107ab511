import { createHash, randomBytes } from 'node:crypto';
import type * as http from 'node:http';
import { AwsFault, type FakeService } from './server';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';

export interface SeedFinding {
  name: string;
  severity: string;
  packageName?: string;
  packageVersion?: string;
  uri?: string;
}

export interface SeedImage {
  tags?: string[];
  /** Config labels; `null` writes a config without any. */
  labels?: Record<string, string> | null;
  /** `index`: a multi-arch index (arm64 + amd64; the labels sit on amd64). `schema1`: a v1 manifest. `artifact`: a non-image (Helm chart). */
  kind?: 'image' | 'index' | 'schema1' | 'artifact';
  pushedMinutesAgo?: number;
  sizeMB?: number;
  scan?: 'COMPLETE' | 'IN_PROGRESS' | 'FAILED' | 'UNSUPPORTED_IMAGE';
  findings?: SeedFinding[];
  /** How the config blob answers: normally, 403, or never. */
  blob?: 'ok' | 'forbidden' | 'hang';
  /** Fix the digest (so ECS tasks can name it); by default it is the manifest's sha256. */
  digest?: string;
  /** Scanned today already: StartImageScan answers LimitExceededException, as ECR does. */
  scanQuotaUsed?: boolean;
}

export interface SeedRepository {
  name: string;
  scanType?: 'BASIC' | 'ENHANCED';
  images: SeedImage[];
}

/** A repository of a real registry shown through this ECR: its tags newest first (ECR has push times, a registry has none). */
export interface MirrorRepository {
  name: string;
  tags: string[];
  /** Config blobs (or whole images, by manifest digest) that answer 403 or never, for the failure tests. */
  blobModes?: Record<string, 'forbidden' | 'hang'>;
}

const MANIFEST_ACCEPT = [
  'application/vnd.docker.distribution.manifest.v2+json', 'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json', 'application/vnd.oci.image.index.v1+json',
].join(', ');

type Json = Record<string, unknown>;

interface StoredImage {
  digest: string;
  mediaType: string;
  manifest: string;
  tags: string[];
  pushedAt: number;
  size: number;
  scan?: string;
  findings: SeedFinding[];
  scanQuotaUsed?: boolean;
}

interface RepoState {
  name: string;
  scanType: 'BASIC' | 'ENHANCED';
  images: StoredImage[];
  /** Child manifests of the index being made, listed with it once it is. */
  hidden: Map<string, StoredImage>;
}

const sha = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;

/** ECR as the JSON 1.1 API shows it, plus config blobs behind presigned-style URLs at /__blobs/<digest>. */
export class FakeEcr implements FakeService {
  readonly targetPrefix = 'AmazonEC2ContainerRegistry_V20150921';
  readonly iamPrefix = 'ecr';
  readonly rawPrefix = '/__blobs/';
  /** Where the blob URLs point; set once the server listens. */
  baseUrl = '';
  private repos = new Map<string, RepoState>();
  /** A blob's body, or where it lives in the real registry this fake mirrors. */
  private blobs = new Map<string, { body?: string; upstream?: string; mode: 'ok' | 'forbidden' | 'hang' }>();
  blobFetches = 0;
  private hanging: http.ServerResponse[] = [];

  reset(): void {
    this.repos.clear();
    this.blobs.clear();
    this.blobFetches = 0;
    for (const res of this.hanging.splice(0)) res.destroy();
  }

  seed(repos: SeedRepository[]): Record<string, string[]> {
    const digests: Record<string, string[]> = {};
    for (const r of repos) {
      const state: RepoState = { name: r.name, scanType: r.scanType ?? 'BASIC', images: [], hidden: new Map() };
      this.repos.set(r.name, state);
      digests[r.name] = r.images.map((img, i) => {
        const stored = this.makeImage(state, img, i);
        state.images.push(stored);
        // ECR lists the children of an index as untagged images of the same push.
        for (const child of state.hidden.values()) state.images.push({ ...child, pushedAt: stored.pushedAt, size: Math.round(stored.size / 2) });
        state.hidden.clear();
        return stored.digest;
      });
    }
    return digests;
  }

  /**
   * Shows repositories of a real registry (test/support/registry.ts) as ECR would: every manifest
   * by its real digest, index children listed as untagged images, sizes from the manifests, and
   * config blobs fetched from the registry behind the presigned-style URLs (so they are counted
   * and can fail like S3).
   */
  async mirror(registryUrl: string, repos: MirrorRepository[]): Promise<Record<string, Record<string, string>>> {
    const digests: Record<string, Record<string, string>> = {};
    const now = Date.now();
    for (const r of repos) {
      const state: RepoState = { name: r.name, scanType: 'BASIC', images: [], hidden: new Map() };
      this.repos.set(r.name, state);
      digests[r.name] = {};
      const byDigest = new Map<string, StoredImage>();
      const fetchManifest = async (reference: string) => {
        const res = await fetch(`${registryUrl}/v2/${r.name}/manifests/${reference}`, { headers: { accept: MANIFEST_ACCEPT } });
        if (!res.ok) throw new Error(`mirror: ${r.name}:${reference}: HTTP ${res.status}`);
        return { mediaType: res.headers.get('content-type') ?? '', digest: res.headers.get('docker-content-digest') ?? '', manifest: await res.text() };
      };
      const add = async (reference: string, tag: string | undefined, pushedAt: number): Promise<StoredImage> => {
        const m = await fetchManifest(reference);
        let stored = byDigest.get(m.digest);
        if (!stored) {
          const json = JSON.parse(m.manifest) as { config?: { digest: string; size: number }; layers?: { size: number }[]; manifests?: { digest: string }[] };
          let size = (json.config?.size ?? 0) + (json.layers ?? []).reduce((a, l) => a + l.size, 0);
          stored = { digest: m.digest, mediaType: m.mediaType, manifest: m.manifest, tags: [], pushedAt, size, findings: [] };
          byDigest.set(m.digest, stored);
          state.images.push(stored);
          if (json.config) {
            const mode = r.blobModes?.[m.digest] ?? r.blobModes?.[json.config.digest] ?? 'ok';
            this.blobs.set(json.config.digest, { upstream: `${registryUrl}/v2/${r.name}/blobs/${json.config.digest}`, mode });
          }
          for (const child of json.manifests ?? []) {
            const c = await add(child.digest, undefined, pushedAt - 1);
            size += c.size;
          }
          stored.size = size;
        }
        if (tag) {
          stored.tags.push(tag);
          digests[r.name][tag] = stored.digest;
        }
        return stored;
      };
      // Children and tags of one image share its push time: newest first, a minute apart.
      for (const [i, tag] of r.tags.entries()) await add(tag, tag, (now - i * 60_000) / 1000);
    }
    return digests;
  }

  private config(labels: Record<string, string> | null | undefined, arch: string, mode: SeedImage['blob']): string {
    const body = JSON.stringify({ architecture: arch, os: 'linux', created: new Date().toISOString(), config: { Labels: labels ?? null, Env: ['PATH=/usr/bin'] }, nonce: randomBytes(8).toString('hex') });
    const digest = sha(body);
    this.blobs.set(digest, { body, mode: mode ?? 'ok' });
    return digest;
  }

  private imageManifest(configDigest: string, configType = 'application/vnd.docker.container.image.v1+json'): string {
    return JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      config: { mediaType: configType, size: 1000, digest: configDigest },
      layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', size: 30_000_000, digest: sha(randomBytes(8).toString('hex')) }],
    });
  }

  private makeImage(state: RepoState, img: SeedImage, i: number): StoredImage {
    let mediaType = 'application/vnd.docker.distribution.manifest.v2+json';
    let manifest: string;
    switch (img.kind ?? 'image') {
      case 'schema1':
        mediaType = 'application/vnd.docker.distribution.manifest.v1+prettyjws';
        manifest = JSON.stringify({ schemaVersion: 1, name: state.name, tag: img.tags?.[0] ?? 'old', architecture: 'amd64', fsLayers: [], history: [], nonce: randomBytes(8).toString('hex') });
        break;
      case 'artifact':
        mediaType = 'application/vnd.oci.image.manifest.v1+json';
        manifest = JSON.stringify({ schemaVersion: 2, mediaType, config: { mediaType: 'application/vnd.cncf.helm.config.v1+json', size: 100, digest: this.config(null, 'none', 'ok') }, layers: [] });
        break;
      case 'index': {
        mediaType = 'application/vnd.oci.image.index.v1+json';
        const children = (['arm64', 'amd64'] as const).map((arch) => {
          const body = this.imageManifest(this.config(arch === 'amd64' ? img.labels : { BUILD_NUMBER: 'wrong-arch' }, arch, img.blob), 'application/vnd.oci.image.config.v1+json');
          const child: StoredImage = { digest: sha(body), mediaType: 'application/vnd.oci.image.manifest.v1+json', manifest: body.replace('application/vnd.docker.distribution.manifest.v2+json', 'application/vnd.oci.image.manifest.v1+json'), tags: [], pushedAt: 0, size: 0, findings: [] };
          child.digest = sha(child.manifest);
          state.hidden.set(child.digest, child);
          return { mediaType: child.mediaType, size: child.manifest.length, digest: child.digest, platform: { os: 'linux', architecture: arch } };
        });
        manifest = JSON.stringify({ schemaVersion: 2, mediaType, manifests: children });
        break;
      }
      default:
        manifest = this.imageManifest(this.config(img.labels, 'amd64', img.blob));
    }
    return {
      digest: img.digest ?? sha(manifest),
      mediaType,
      manifest,
      tags: img.tags ?? [],
      pushedAt: (Date.now() - (img.pushedMinutesAgo ?? i * 60) * 60_000) / 1000,
      // A Helm chart is a few KB, an Airflow image hundreds of MB.
      size: Math.round((img.sizeMB ?? (img.kind === 'artifact' ? 0.003 : 450)) * 1024 * 1024),
      scan: img.scan,
      findings: img.findings ?? [],
      scanQuotaUsed: img.scanQuotaUsed,
    };
  }

  private repo(input: Json): RepoState {
    const state = this.repos.get(String(input.repositoryName));
    if (!state) throw new AwsFault('RepositoryNotFoundException', `The repository with name '${String(input.repositoryName)}' does not exist in the registry with id '${ACCOUNT}'`);
    return state;
  }

  private image(state: RepoState, imageId: Json | undefined): StoredImage | undefined {
    const digest = imageId?.imageDigest;
    const tag = imageId?.imageTag;
    return state.images.find((i) => i.digest === digest || (tag && i.tags.includes(String(tag)))) ?? (digest ? state.hidden.get(String(digest)) : undefined);
  }

  private summary(img: StoredImage): Json {
    const counts: Record<string, number> = {};
    for (const f of img.findings) counts[f.severity] = (counts[f.severity] ?? 0) + 1;
    return img.scan === 'COMPLETE' ? { findingSeverityCounts: counts, imageScanCompletedAt: img.pushedAt + 60 } : {};
  }

  readonly control = {
    seed: (body: Json) => ({ digests: this.seed(body.repositories as SeedRepository[]) }),
    mirror: async (body: Json) => ({ digests: await this.mirror(String(body.registry), body.repositories as MirrorRepository[]) }),
    blobFetches: () => ({ count: this.blobFetches }),
  };

  readonly operations = {
    DescribeRepositories: (input: Json) => {
      const repos = [...this.repos.values()].filter((r) => !input.repositoryNames || (input.repositoryNames as string[]).includes(r.name));
      return {
        repositories: repos.map((r) => ({
          repositoryArn: `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/${r.name}`,
          registryId: ACCOUNT,
          repositoryName: r.name,
          repositoryUri: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/${r.name}`,
          createdAt: Date.now() / 1000 - 86_400,
          imageTagMutability: 'MUTABLE',
          imageScanningConfiguration: { scanOnPush: r.scanType === 'BASIC' },
        })),
      };
    },
    DescribeImages: (input: Json) => {
      const state = this.repo(input);
      const size = Number(input.maxResults ?? 100);
      if (size > 1000) throw new AwsFault('InvalidParameterException', 'maxResults must be at most 1000.');
      const start = input.nextToken ? Number(Buffer.from(String(input.nextToken), 'base64').toString()) : 0;
      const items = state.images.slice(start, start + size);
      const end = start + size;
      return {
        imageDetails: items.map((img) => ({
          registryId: ACCOUNT,
          repositoryName: state.name,
          imageDigest: img.digest,
          imageTags: img.tags.length ? img.tags : undefined,
          imageSizeInBytes: img.size,
          imagePushedAt: img.pushedAt,
          imageManifestMediaType: img.mediaType,
          imageScanStatus: img.scan ? { status: img.scan, description: img.scan === 'FAILED' ? 'The scan failed.' : undefined } : undefined,
          imageScanFindingsSummary: img.scan ? this.summary(img) : undefined,
        })),
        nextToken: end < state.images.length ? Buffer.from(String(end)).toString('base64') : undefined,
      };
    },
    BatchGetImage: (input: Json) => {
      const state = this.repo(input);
      const accepted = (input.acceptedMediaTypes as string[] | undefined) ?? ['application/vnd.docker.distribution.manifest.v1+json'];
      const images: Json[] = [];
      const failures: Json[] = [];
      for (const id of (input.imageIds as Json[]) ?? []) {
        const img = this.image(state, id);
        if (!img) failures.push({ imageId: id, failureCode: 'ImageNotFound', failureReason: 'Requested image not found' });
        else if (!accepted.includes(img.mediaType)) failures.push({ imageId: id, failureCode: 'UnsupportedImageType', failureReason: 'The image manifest type is not accepted' });
        else images.push({ registryId: ACCOUNT, repositoryName: state.name, imageId: { imageDigest: img.digest }, imageManifest: img.manifest, imageManifestMediaType: img.mediaType });
      }
      return { images, failures };
    },
    GetDownloadUrlForLayer: (input: Json) => {
      this.repo(input);
      const digest = String(input.layerDigest);
      if (!this.blobs.has(digest)) throw new AwsFault('LayersNotFoundException', `The layer ${digest} does not exist.`);
      return { layerDigest: digest, downloadUrl: `${this.baseUrl}/__blobs/${digest}?X-Amz-Signature=fake` };
    },
    DescribeImageScanFindings: (input: Json) => {
      const state = this.repo(input);
      const img = this.image(state, input.imageId as Json);
      if (!img) throw new AwsFault('ImageNotFoundException', 'The image requested does not exist in the specified repository.');
      if (!img.scan) throw new AwsFault('ScanNotFoundException', `Image scan does not exist for the image with '{imageDigest:${img.digest}}' in the repository with name '${state.name}' in the registry with id '${ACCOUNT}'`);
      const base = { registryId: ACCOUNT, repositoryName: state.name, imageId: { imageDigest: img.digest }, imageScanStatus: { status: img.scan, description: img.scan === 'FAILED' ? 'The scan failed.' : 'The scan was completed successfully.' } };
      if (img.scan !== 'COMPLETE') return base;
      const findings = state.scanType === 'ENHANCED'
        ? {
            enhancedFindings: img.findings.map((f) => ({
              awsAccountId: ACCOUNT, severity: f.severity, title: `${f.name} - ${f.packageName ?? ''}`, description: `Vulnerability ${f.name}`, type: 'PACKAGE_VULNERABILITY', status: 'ACTIVE',
              packageVulnerabilityDetails: { vulnerabilityId: f.name, source: 'NVD', sourceUrl: f.uri, vulnerablePackages: [{ name: f.packageName, version: f.packageVersion }] },
            })),
          }
        : {
            findings: img.findings.map((f) => ({
              name: f.name, severity: f.severity, uri: f.uri, description: `Vulnerability ${f.name}`,
              attributes: [{ key: 'package_name', value: f.packageName }, { key: 'package_version', value: f.packageVersion }],
            })),
          };
      return { ...base, imageScanFindings: { imageScanCompletedAt: img.pushedAt + 60, findingSeverityCounts: this.summary(img).findingSeverityCounts, ...findings } };
    },
    StartImageScan: (input: Json) => {
      const state = this.repo(input);
      const img = this.image(state, input.imageId as Json);
      if (!img) throw new AwsFault('ImageNotFoundException', 'The image requested does not exist in the specified repository.');
      if (img.mediaType.includes('distribution.manifest.v1')) throw new AwsFault('UnsupportedImageTypeException', 'The image is of a type that cannot be scanned.');
      if (img.scanQuotaUsed) throw new AwsFault('LimitExceededException', 'The scan quota per image has been exceeded. Wait and then try again.');
      img.scan = 'IN_PROGRESS';
      img.scanQuotaUsed = true;
      return { registryId: ACCOUNT, repositoryName: state.name, imageId: { imageDigest: img.digest }, imageScanStatus: { status: 'IN_PROGRESS' } };
    },
    GetAuthorizationToken: () => ({
      authorizationData: [{
        authorizationToken: Buffer.from('AWS:fake-ecr-password').toString('base64'),
        expiresAt: Date.now() / 1000 + 43_200,
        proxyEndpoint: `https://${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`,
      }],
    }),
  };

  /** Serves GET /__blobs/<digest> like S3 behind a presigned URL: the body, a 403, or no answer at all. */
  serveRaw(path: string, res: http.ServerResponse): void {
    const digest = decodeURIComponent(path.slice('/__blobs/'.length));
    const blob = this.blobs.get(digest);
    this.blobFetches++;
    if (!blob) {
      res.writeHead(404, { 'content-type': 'application/xml' }).end('<Error><Code>NoSuchKey</Code></Error>');
    } else if (blob.mode === 'forbidden') {
      res.writeHead(403, { 'content-type': 'application/xml' }).end('<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>');
    } else if (blob.mode === 'hang') {
      this.hanging.push(res);
    } else if (blob.upstream) {
      void fetch(blob.upstream).then(async (up) => {
        const body = Buffer.from(await up.arrayBuffer());
        res.writeHead(up.status, { 'content-type': up.headers.get('content-type') ?? 'application/octet-stream', 'content-length': body.length }).end(body);
      }, () => res.writeHead(502).end());
    } else {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': Buffer.byteLength(blob.body ?? '') }).end(blob.body);
    }
  }
}
