import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EcrApi } from '../aws/ecr';
import type { Logger } from '../log';

/** What an index lists: the child labels were read from, and each child's platform (`linux/arm64`, `attestation`). */
export interface IndexInfo {
  picked?: string;
  platforms: Record<string, string>;
}

/** What an image's config says about its build; cached by digest, since a digest never changes. */
export type ImageLabels =
  | { state: 'labels'; labels: Record<string, string>; index?: IndexInfo }
  | { state: 'unsupported'; reason: string; index?: IndexInfo };

/** A label lookup that failed this time (403, timeout, access denied); never cached. */
export type LabelOutcome = ImageLabels | { state: 'error'; message: string };

export interface LabelNames {
  buildNumber: string[];
  commit: string[];
  source: string[];
}

export const DEFAULT_LABEL_NAMES: LabelNames = {
  buildNumber: ['BUILD_NUMBER', 'org.opencontainers.image.version'],
  commit: ['SOURCE_VERSION', 'org.opencontainers.image.revision'],
  source: ['org.opencontainers.image.source'],
};

export interface BuildInfo {
  buildNumber?: string;
  commit?: string;
  source?: string;
}

const UNSET = new Set(['', 'unknown', 'local']);

function first(labels: Record<string, string>, names: string[]): string | undefined {
  for (const n of names) {
    const v = labels[n]?.trim();
    if (v !== undefined && !UNSET.has(v)) return v;
  }
  return undefined;
}

/** Build number, commit and source from the labels, trying each configured name in order. */
export function buildInfo(labels: Record<string, string>, names: LabelNames): BuildInfo {
  return { buildNumber: first(labels, names.buildNumber), commit: first(labels, names.commit), source: first(labels, names.source) };
}

export type ParsedManifest =
  | { kind: 'image'; configDigest: string }
  | { kind: 'index'; manifests: IndexEntry[] }
  | { kind: 'unsupported'; reason: string };

export interface IndexEntry {
  digest: string;
  os?: string;
  architecture?: string;
  variant?: string;
  /** BuildKit's provenance/SBOM manifests: `unknown/unknown`, typed by this annotation. */
  attestation?: boolean;
}

/** `linux/arm64/v8`, or `attestation` for BuildKit's provenance manifests. */
export function platformName(m: IndexEntry): string {
  if (m.attestation) return 'attestation';
  return [m.os ?? 'unknown', m.architecture ?? 'unknown', m.variant].filter(Boolean).join('/');
}

const IMAGE_CONFIG_TYPES = new Set(['application/vnd.docker.container.image.v1+json', 'application/vnd.oci.image.config.v1+json']);

/** Reads a manifest as ECR returns it: docker v2, OCI, their indexes; schema 1 and artifacts are named, not parsed. */
export function parseManifest(mediaType: string | undefined, body: string): ParsedManifest {
  let json: { schemaVersion?: number; mediaType?: string; config?: { mediaType?: string; digest?: string }; manifests?: { digest?: string; platform?: { os?: string; architecture?: string; variant?: string }; annotations?: Record<string, string> }[] };
  try {
    json = JSON.parse(body) as typeof json;
  } catch {
    return { kind: 'unsupported', reason: 'the manifest is not JSON' };
  }
  const type = mediaType ?? json.mediaType ?? '';
  if (json.schemaVersion === 1 || type.startsWith('application/vnd.docker.distribution.manifest.v1')) {
    return { kind: 'unsupported', reason: 'schema 1 manifest: it has no config blob to read labels from (rebuild with a current Docker)' };
  }
  if (Array.isArray(json.manifests)) {
    return {
      kind: 'index',
      manifests: json.manifests.filter((m) => m.digest).map((m) => ({
        digest: m.digest!, os: m.platform?.os, architecture: m.platform?.architecture, variant: m.platform?.variant,
        attestation: m.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest' || undefined,
      })),
    };
  }
  const config = json.config;
  if (!config?.digest) return { kind: 'unsupported', reason: `not a container image (${type || 'unknown manifest type'})` };
  if (config.mediaType && !IMAGE_CONFIG_TYPES.has(config.mediaType)) {
    return { kind: 'unsupported', reason: `not a container image (config ${config.mediaType})` };
  }
  return { kind: 'image', configDigest: config.digest };
}

/** The linux/amd64 entry of a multi-arch index (what Fargate runs by default). */
export function pickPlatform(manifests: IndexEntry[]): string | undefined {
  return manifests.find((m) => m.os === 'linux' && m.architecture === 'amd64')?.digest;
}

/** Fetches a config blob from its presigned URL, with a timeout on top of the caller's cancellation. */
export async function fetchConfigBlob(url: string, signal: AbortSignal | undefined, timeoutMs: number): Promise<{ config?: { Labels?: Record<string, string> | null } }> {
  const timeout = AbortSignal.timeout(timeoutMs);
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
  let res: Response;
  try {
    res = await fetch(url, { signal: combined, redirect: 'follow' });
  } catch (err) {
    if (timeout.aborted && !signal?.aborted) throw new Error(`the image config download timed out after ${Math.round(timeoutMs / 1000)} s`);
    if (signal?.aborted) throw err;
    throw new Error(`the image config download could not reach ${new URL(url).host}: ${networkCause(err)}`);
  }
  if (!res.ok) {
    await res.body?.cancel();
    throw new Error(`the image config download was refused (HTTP ${res.status})`);
  }
  try {
    return (await res.json()) as { config?: { Labels?: Record<string, string> | null } };
  } catch (err) {
    if (timeout.aborted && !signal?.aborted) throw new Error(`the image config download timed out after ${Math.round(timeoutMs / 1000)} s`);
    if (err instanceof SyntaxError) {
      const html = /html/i.test(res.headers.get('content-type') ?? '');
      throw new Error(`the image config download answered with ${html ? 'an HTML page' : 'something that is not JSON'}, not an image config: a proxy may be in the way`);
    }
    throw err;
  }
}

const NETWORK_CAUSES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'no such host',
  EAI_AGAIN: 'the host name could not be resolved',
  ECONNRESET: 'the connection was reset',
  ETIMEDOUT: 'the connection timed out',
  EHOSTUNREACH: 'the host is unreachable',
};

/** Why fetch() failed, from its `cause` (fetch itself only says "fetch failed"). */
export function networkCause(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } } | undefined)?.cause;
  return (cause?.code && NETWORK_CAUSES[cause.code]) ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
}

/** Reads a config blob's labels; the loader shares one read per config digest. */
export type ConfigReader = (configDigest: string) => Promise<Record<string, string>>;

/**
 * The labels of one image: manifest -> (linux/amd64 manifest of an index) -> config digest ->
 * presigned URL -> config blob -> `config.Labels`. Throws on failures worth retrying.
 */
export async function readImageLabels(
  api: EcrApi, repository: string, digest: string, signal: AbortSignal | undefined, timeoutMs: number,
  readConfig: ConfigReader = async (config) => (await fetchConfigBlob(await api.blobUrl(repository, config, signal), signal, timeoutMs)).config?.Labels ?? {},
): Promise<ImageLabels> {
  const manifest = await api.getManifest(repository, digest, signal);
  if (!manifest) return { state: 'unsupported', reason: 'ECR has no manifest for this digest' };
  let parsed = parseManifest(manifest.mediaType, manifest.body);
  let index: IndexInfo | undefined;
  if (parsed.kind === 'index') {
    const platform = pickPlatform(parsed.manifests);
    index = { picked: platform, platforms: Object.fromEntries(parsed.manifests.map((m) => [m.digest, platformName(m)])) };
    if (!platform) return { state: 'unsupported', reason: 'multi-arch image without a linux/amd64 variant', index };
    const inner = await api.getManifest(repository, platform, signal);
    if (!inner) return { state: 'unsupported', reason: 'ECR has no manifest for the linux/amd64 variant', index };
    parsed = parseManifest(inner.mediaType, inner.body);
  }
  const of = index ? { index } : {};
  if (parsed.kind === 'unsupported') return { state: 'unsupported', reason: parsed.reason, ...of };
  if (parsed.kind === 'index') return { state: 'unsupported', reason: 'nested image index', ...of };
  return { state: 'labels', labels: await readConfig(parsed.configDigest), ...of };
}

/** Labels by image digest, kept in a JSON file so a digest is looked up once per machine. */
export class LabelCache {
  private entries: Map<string, ImageLabels> | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly file: string | undefined, private readonly logger: Logger) {}

  private map(): Map<string, ImageLabels> {
    if (!this.entries) {
      this.entries = new Map();
      if (this.file && fs.existsSync(this.file)) {
        try {
          const data = JSON.parse(fs.readFileSync(this.file, 'utf8')) as Record<string, ImageLabels>;
          for (const [k, v] of Object.entries(data)) this.entries.set(k, v);
        } catch (err) {
          this.logger.warn(`Image label cache ${this.file} is unreadable and starts empty: ${String(err)}`);
        }
      }
    }
    return this.entries;
  }

  get(digest: string | undefined): ImageLabels | undefined {
    return digest ? this.map().get(digest) : undefined;
  }

  set(digest: string, labels: ImageLabels): void {
    this.map().set(digest, labels);
    for (const [child, platform] of Object.entries(labels.index?.platforms ?? {})) this.platforms?.set(child, platform);
  }

  private platforms: Map<string, string> | undefined;

  /** The platform of an index child (`linux/arm64`), from the cached indexes that list it. */
  platformOf(digest: string | undefined): string | undefined {
    if (!this.platforms) {
      this.platforms = new Map();
      for (const labels of this.map().values()) for (const [child, platform] of Object.entries(labels.index?.platforms ?? {})) this.platforms.set(child, platform);
    }
    return digest ? this.platforms.get(digest) : undefined;
  }

  get size(): number {
    return this.map().size;
  }

  /** Writes the file; writes queue so the last one wins. */
  save(): Promise<void> {
    const file = this.file;
    if (!file) return Promise.resolve();
    const text = JSON.stringify(Object.fromEntries(this.map()));
    this.writing = this.writing.then(async () => {
      await fs.promises.mkdir(path.dirname(file), { recursive: true });
      await fs.promises.writeFile(file, text);
    }).catch((err) => this.logger.warn(`Could not save the image label cache: ${String(err)}`));
    return this.writing;
  }
}

/** At most `limit` tasks at once, across every caller. */
export class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly limit: number) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await work();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

export const LABEL_CONCURRENCY = 8;

/**
 * Loads labels through the cache, at most 8 images at once, one lookup per digest in flight, one
 * download per config blob (two manifests may share one), and the index child labels were read
 * from cached under its own digest too (it is listed again among the untagged images).
 */
export class LabelLoader {
  private readonly limiter = new Limiter(LABEL_CONCURRENCY);
  private readonly inFlight = new Map<string, Promise<LabelOutcome>>();
  private readonly configs = new Map<string, Promise<Record<string, string>>>();
  /** Images whose labels were looked up on the network (the bench and tests read it). */
  lookups = 0;

  constructor(
    private readonly ecr: () => Promise<EcrApi>,
    readonly cache: LabelCache,
    private readonly timeoutMs = 10_000,
  ) {}

  cached(digest: string | undefined): ImageLabels | undefined {
    return this.cache.get(digest);
  }

  load(repository: string, digest: string, signal?: AbortSignal): Promise<LabelOutcome> {
    const hit = this.cache.get(digest);
    if (hit) return Promise.resolve(hit);
    let pending = this.inFlight.get(digest);
    if (!pending) {
      pending = this.limiter.run(async () => {
        this.lookups++;
        const api = await this.ecr();
        const labels = await readImageLabels(api, repository, digest, signal, this.timeoutMs, (config) => this.config(api, repository, config, signal));
        this.cache.set(digest, labels);
        if (labels.index?.picked && labels.state === 'labels' && !this.cache.get(labels.index.picked)) this.cache.set(labels.index.picked, { state: 'labels', labels: labels.labels });
        return labels;
      }).catch((err: unknown) => ({ state: 'error' as const, message: err instanceof Error ? err.message : String(err) }))
        .finally(() => this.inFlight.delete(digest));
      this.inFlight.set(digest, pending);
    }
    return pending;
  }

  /** A config blob's labels, downloaded once while it is wanted; a failed download is tried again next time. */
  private config(api: EcrApi, repository: string, digest: string, signal: AbortSignal | undefined): Promise<Record<string, string>> {
    let pending = this.configs.get(digest);
    if (!pending) {
      pending = api.blobUrl(repository, digest, signal).then((url) => fetchConfigBlob(url, signal, this.timeoutMs)).then((blob) => blob.config?.Labels ?? {});
      pending.catch(() => this.configs.delete(digest));
      this.configs.set(digest, pending);
    }
    return pending;
  }

  /**
   * Labels of many images, each handed to `onEach` as it arrives (one slow download holds back
   * nothing else); the cache file is written once at the end.
   */
  async loadAll(repository: string, digests: string[], signal?: AbortSignal, onEach?: (digest: string, outcome: LabelOutcome) => void): Promise<Map<string, LabelOutcome>> {
    const before = this.cache.size;
    const results = await Promise.all(digests.map(async (d) => {
      const outcome = await this.load(repository, d, signal);
      onEach?.(d, outcome);
      return [d, outcome] as const;
    }));
    if (this.cache.size !== before) await this.cache.save();
    return new Map(results);
  }
}
