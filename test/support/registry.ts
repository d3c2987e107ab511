// A real OCI registry for the Images tests: Debian's `docker-registry` (distribution 2.8) on a
// loopback port with a temp storage folder. Images are built with `docker build` on the imported
// busybox base and pushed for real (the engine trusts 127.0.0.0/8 without TLS); indexes and
// artifacts are assembled through the registry's own API, as buildx and helm push them.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureDocker, TEST_IMAGE } from './docker';

export const MEDIA = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  helmConfig: 'application/vnd.cncf.helm.config.v1+json',
  helmChart: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip',
} as const;

const ACCEPT = [MEDIA.dockerManifest, MEDIA.dockerList, MEDIA.ociManifest, MEDIA.ociIndex].join(', ');

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { os: string; architecture: string; variant?: string };
  annotations?: Record<string, string>;
}

export interface Registry {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** `127.0.0.1:PORT`, the image name prefix for docker. */
  host: string;
  /** `docker build` FROM the busybox base with these labels, tagged and pushed; returns the manifest digest. */
  buildAndPush(repository: string, tags: string[], labels: Record<string, string>): Promise<string>;
  putBlob(repository: string, body: Buffer | string): Promise<Descriptor>;
  /** PUT under a tag, or by its own digest when `reference` is empty (an index child). */
  putManifest(repository: string, reference: string, mediaType: string, manifest: object): Promise<Descriptor>;
  getManifest(repository: string, reference: string): Promise<{ mediaType: string; digest: string; body: string }>;
  stop(): Promise<void>;
}

const sha256 = (body: Buffer | string) => `sha256:${createHash('sha256').update(body).digest('hex')}`;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

function docker(args: string[], cwd?: string): string {
  const run = spawnSync('docker', args, { cwd, encoding: 'utf8', timeout: 120_000 });
  if (run.status !== 0) throw new Error(`docker ${args.join(' ')} failed: ${run.stderr || run.stdout}`);
  return run.stdout;
}

export async function startRegistry(): Promise<Registry> {
  await ensureDocker();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'airflow-ecs-registry-'));
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const url = `http://${host}`;
  fs.writeFileSync(path.join(dir, 'config.yml'), [
    'version: 0.1',
    'log: { level: warn }',
    `storage: { filesystem: { rootdirectory: ${path.join(dir, 'data')} }, delete: { enabled: true } }`,
    `http: { addr: "${host}" }`,
    '',
  ].join('\n'));
  const log = fs.openSync(path.join(dir, 'registry.log'), 'a');
  const child: ChildProcess = spawn('/usr/bin/docker-registry', ['serve', path.join(dir, 'config.yml')], { stdio: ['ignore', log, log] });
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/v2/`)).ok) break;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`docker-registry did not start: ${fs.readFileSync(path.join(dir, 'registry.log'), 'utf8')}`);
    await new Promise((r) => setTimeout(r, 100));
  }

  const putBlob = async (repository: string, body: Buffer | string): Promise<Descriptor> => {
    const digest = sha256(body);
    const start = await fetch(`${url}/v2/${repository}/blobs/uploads/`, { method: 'POST' });
    if (start.status !== 202) throw new Error(`blob upload start: HTTP ${start.status}`);
    const location = new URL(start.headers.get('location')!, url);
    location.searchParams.set('digest', digest);
    const put = await fetch(location, { method: 'PUT', body: typeof body === 'string' ? body : new Uint8Array(body), headers: { 'content-type': 'application/octet-stream' } });
    if (put.status !== 201) throw new Error(`blob upload: HTTP ${put.status} ${await put.text()}`);
    return { mediaType: 'application/octet-stream', digest, size: Buffer.byteLength(body) };
  };

  const putManifest = async (repository: string, reference: string, mediaType: string, manifest: object): Promise<Descriptor> => {
    const body = JSON.stringify(manifest);
    const res = await fetch(`${url}/v2/${repository}/manifests/${reference || sha256(body)}`, { method: 'PUT', body, headers: { 'content-type': mediaType } });
    if (res.status !== 201) throw new Error(`manifest ${repository}:${reference}: HTTP ${res.status} ${await res.text()}`);
    return { mediaType, digest: sha256(body), size: Buffer.byteLength(body) };
  };

  const getManifest = async (repository: string, reference: string) => {
    const res = await fetch(`${url}/v2/${repository}/manifests/${reference}`, { headers: { accept: ACCEPT } });
    if (!res.ok) throw new Error(`GET manifest ${repository}:${reference}: HTTP ${res.status}`);
    return { mediaType: res.headers.get('content-type') ?? '', digest: res.headers.get('docker-content-digest') ?? '', body: await res.text() };
  };

  const images: string[] = [];
  return {
    url,
    host,
    putBlob,
    putManifest,
    getManifest,
    buildAndPush: async (repository, tags, labels) => {
      const context = fs.mkdtempSync(path.join(os.tmpdir(), 'airflow-ecs-build-'));
      try {
        const lines = [`FROM ${TEST_IMAGE}`, ...Object.entries(labels).map(([k, v]) => `LABEL ${k}=${JSON.stringify(v)}`), `RUN echo ${JSON.stringify(tags.join(' '))} > /built`];
        fs.writeFileSync(path.join(context, 'Dockerfile'), lines.join('\n') + '\n');
        const refs = tags.map((t) => `${host}/${repository}:${t}`);
        docker(['build', '-q', ...refs.flatMap((r) => ['-t', r]), '.'], context);
        for (const r of refs) docker(['push', '-q', r]);
        images.push(...refs);
        return (await getManifest(repository, tags[0])).digest;
      } finally {
        fs.rmSync(context, { recursive: true, force: true });
      }
    },
    stop: async () => {
      if (images.length) spawnSync('docker', ['image', 'rm', '-f', ...images], { stdio: 'ignore' });
      child.kill();
      await new Promise((r) => (child.exitCode !== null ? r(undefined) : child.once('exit', r)));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
