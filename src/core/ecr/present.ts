import type { ImageDetail, ImageScanFindings } from '../aws/ecr';
import type { CommitInfo } from '../git/git';
import { relativeTime, type NodeView, type Tone } from '../ecs/present';
import { buildInfo, type LabelNames, type LabelOutcome } from './labels';

/** Where an image runs: `airflow-prod/worker`. */
export interface Placement {
  cluster: string;
  service: string;
}

export const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFORMATIONAL', 'UNDEFINED'] as const;

export function shortDigest(digest: string | undefined): string {
  return (digest ?? '').replace(/^sha256:/, '').slice(0, 12);
}

export function shortSha(sha: string | undefined): string {
  return (sha ?? '').slice(0, 7);
}

/** Newest push first (DescribeImages returns them in no particular order). */
export function byPushedDesc(a: ImageDetail, b: ImageDetail): number {
  return (b.imagePushedAt?.getTime() ?? 0) - (a.imagePushedAt?.getTime() ?? 0);
}

/**
 * `text` for the row (`scan: 1 CRITICAL 2 HIGH`, `scan: clean`, `scan in progress`, `not scanned`);
 * `detail` for the tooltip's Scan row, without the word scan (`1 CRITICAL 2 HIGH`, `in progress`).
 */
export function scanSummary(image: ImageDetail): { text: string; detail: string; tone: Tone } {
  const status = image.imageScanStatus?.status;
  const counts = image.imageScanFindingsSummary?.findingSeverityCounts ?? {};
  switch (status) {
    case undefined:
      return { text: 'not scanned', detail: 'not scanned', tone: 'inactive' };
    case 'IN_PROGRESS':
    case 'PENDING':
      return { text: 'scan in progress', detail: 'in progress', tone: 'progress' };
    case 'FAILED':
      return { text: 'scan failed', detail: 'failed', tone: 'warning' };
    case 'COMPLETE':
    case 'ACTIVE': {
      const parts = SEVERITIES.filter((s) => counts[s]).map((s) => `${counts[s]} ${s}`);
      const tone: Tone = counts.CRITICAL ? 'error' : counts.HIGH ? 'warning' : 'ok';
      const detail = parts.length ? parts.join(' ') : 'clean';
      return { text: `scan: ${detail}`, detail, tone };
    }
    default: {
      const detail = status.toLowerCase().replace(/_/g, ' ');
      return { text: `scan: ${detail}`, detail, tone: 'inactive' };
    }
  }
}

/** `512 B`, `3.4 KB`, `450.0 MB`, `1.2 GB` (a Helm chart is a few KB, an Airflow image hundreds of MB). */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

export interface ImageFacts {
  labels: LabelOutcome | undefined;
  commit: CommitInfo | 'unknown' | undefined;
  places: Placement[];
  /** An index child's platform (`linux/arm64`, `attestation`). */
  platform?: string;
}

function labelText(labels: LabelOutcome | undefined, names: LabelNames): { parts: string[]; note?: string } {
  if (!labels) return { parts: [], note: 'labels…' };
  if (labels.state === 'error') return { parts: [], note: 'labels unavailable' };
  if (labels.state === 'unsupported') return { parts: [], note: 'no labels (see tooltip)' };
  const info = buildInfo(labels.labels, names);
  if (!info.buildNumber && !info.commit) return { parts: [], note: 'no build labels' };
  return { parts: [info.buildNumber ? `#${info.buildNumber}` : '', info.commit ? shortSha(info.commit) : ''].filter(Boolean) };
}

export function placementText(places: Placement[]): string {
  return places.map((p) => `${p.cluster}/${p.service}`).join(', ');
}

function escapeMd(text: string): string {
  return text.replace(/([\\`*_{}[\]<>()#+\-.!|])/g, '\\$1');
}

export function imageView(image: ImageDetail, facts: ImageFacts, names: LabelNames, now: number): NodeView {
  const tags = image.imageTags ?? [];
  const scan = scanSummary(image);
  const { parts, note } = labelText(facts.labels, names);
  const size = image.imageSizeInBytes !== undefined ? formatSize(image.imageSizeInBytes) : '';
  const deployed = facts.places.length ? `▶ ${placementText(facts.places)}` : '';
  const info = facts.labels?.state === 'labels' ? buildInfo(facts.labels.labels, names) : {};
  const labelRow = facts.labels?.state === 'error'
    ? `Could not read the labels: ${facts.labels.message}`
    : facts.labels?.state === 'unsupported'
      ? `No labels: ${facts.labels.reason}`
      : note ?? '';
  const commitRow = facts.commit === 'unknown'
    ? `${info.commit} (not in this clone: fetch?)`
    : facts.commit
      ? `${shortSha(facts.commit.sha)} ${facts.commit.subject} (${facts.commit.author}, ${facts.commit.date.slice(0, 10)})`
      : info.commit;
  const rows: [string, string | undefined][] = [
    ['Tags', tags.join(', ') || 'untagged'],
    ['Digest', image.imageDigest],
    ['Platform', facts.platform],
    ['Pushed', image.imagePushedAt?.toISOString()],
    ['Size', size],
    ['Build number', info.buildNumber],
    ['Commit', commitRow],
    ['Source', info.source],
    ['Labels', labelRow || undefined],
    ['Scan', scan.detail],
    ['Running in', placementText(facts.places) || undefined],
  ];
  return {
    label: tags.length ? tags.join(', ') : shortDigest(image.imageDigest),
    description: [facts.platform, ...parts, note, deployed, size, relativeTime(image.imagePushedAt, now), scan.text].filter(Boolean).join(' · '),
    tooltip: [
      `### Image ${escapeMd(tags[0] ?? shortDigest(image.imageDigest))}`,
      rows.filter(([, v]) => v).map(([k, v]) => `**${k}:** ${escapeMd(String(v))}`).join('  \n'),
    ].join('\n\n'),
    tone: scan.tone === 'error' || scan.tone === 'warning' ? scan.tone : 'ok',
  };
}

export interface Finding {
  name: string;
  severity: string;
  packageName?: string;
  packageVersion?: string;
  uri?: string;
  description?: string;
}

/** Basic (`findings[]`) and enhanced (`enhancedFindings[]`) results as one list, worst first. */
export function normalizeFindings(result: ImageScanFindings | undefined): Finding[] {
  const out: Finding[] = [];
  for (const f of result?.findings ?? []) {
    const attr = (key: string) => f.attributes?.find((a) => a.key === key)?.value;
    out.push({ name: f.name ?? 'unnamed finding', severity: f.severity ?? 'UNDEFINED', packageName: attr('package_name'), packageVersion: attr('package_version'), uri: f.uri, description: f.description });
  }
  for (const f of result?.enhancedFindings ?? []) {
    const details = f.packageVulnerabilityDetails;
    const pkg = details?.vulnerablePackages?.[0];
    out.push({
      name: details?.vulnerabilityId ?? f.title ?? 'unnamed finding',
      severity: f.severity ?? 'UNDEFINED',
      packageName: pkg?.name,
      packageVersion: pkg?.version,
      uri: details?.sourceUrl ?? details?.referenceUrls?.[0],
      description: f.description ?? f.title,
    });
  }
  const rank = (s: string) => {
    const i = (SEVERITIES as readonly string[]).indexOf(s);
    return i < 0 ? SEVERITIES.length : i;
  };
  return out.sort((a, b) => rank(a.severity) - rank(b.severity) || a.name.localeCompare(b.name));
}

export function findingView(f: Finding): NodeView {
  const pkg = f.packageName ? `${f.packageName}${f.packageVersion ? ` ${f.packageVersion}` : ''}` : '';
  return {
    label: f.name,
    description: [f.severity, pkg].filter(Boolean).join(' · '),
    tooltip: [`### ${escapeMd(f.name)} (${f.severity})`, pkg ? `**Package:** ${escapeMd(pkg)}` : '', f.description ? escapeMd(f.description) : '', f.uri ? `[Advisory](${f.uri})` : '']
      .filter(Boolean).join('\n\n'),
    tone: f.severity === 'CRITICAL' ? 'error' : f.severity === 'HIGH' ? 'warning' : 'inactive',
  };
}

/** `<registry>.dkr.ecr.<region>.amazonaws.com/<repo>:<tag>`, or `@<digest>` without a tag. */
export function imageUri(registryId: string, region: string, repository: string, ref: { tag?: string; digest?: string }): string {
  const suffix = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  const base = `${registryId}.dkr.ecr.${region}.${suffix}/${repository}`;
  return ref.tag ? `${base}:${ref.tag}` : `${base}@${ref.digest}`;
}

export interface ImageReference {
  tag?: string;
  digest?: string;
  note: string;
}

/**
 * The references of an image for Copy Image URI, immutable first: in a MUTABLE repository a tag
 * like `latest` moves with the next push, so the build's own tag (the one naming its build
 * number) and the digest come before it; every tag is immutable when the repository says so.
 */
export function imageReferences(tags: string[], digest: string, buildNumber: string | undefined, immutableTags: boolean): ImageReference[] {
  const isBuildTag = (t: string) => !!buildNumber && new RegExp(`(^|[^0-9])${buildNumber.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`).test(t);
  const fixed = immutableTags ? tags : tags.filter(isBuildTag);
  const moving = tags.filter((t) => !fixed.includes(t));
  return [
    ...fixed.map((tag) => ({ tag, note: immutableTags ? 'tag (immutable in this repository)' : 'build tag' })),
    ...(digest ? [{ digest, note: 'digest: never changes' }] : []),
    ...moving.map((tag) => ({ tag, note: 'tag: moves with the next push' })),
  ];
}

/** The repository name of an ECR image reference (`…amazonaws.com/airflow:tag` -> `airflow`). */
export function ecrRepositoryOf(image: string | undefined): string | undefined {
  const m = /^[0-9]+\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?\/([^:@]+)/.exec(image ?? '');
  return m?.[1];
}

/** The tag of an image reference, if it has one. */
export function tagOf(image: string | undefined): string | undefined {
  const m = /:([^:/@]+)$/.exec((image ?? '').split('@')[0]);
  return m?.[1];
}
