import * as path from 'node:path';
import type { SonarComponent, SonarHotspot, SonarImpact, SonarIssue, TextRange } from './api';
import type { SonarProject } from './properties';

export type Severity = 'error' | 'warning' | 'information' | 'hint';
export const SEVERITIES: Severity[] = ['error', 'warning', 'information', 'hint'];

/** 0-based, as editors count; `endCharacter` undefined means "to the end of the line". */
export interface FindingRange {
  startLine: number;
  startCharacter: number;
  endLine: number;
  endCharacter?: number;
}

export interface RelatedLocation {
  file: string;
  range: FindingRange;
  message: string;
}

export interface Finding {
  key: string;
  kind: 'issue' | 'hotspot';
  rule: string;
  type: string;
  severity: Severity;
  message: string;
  file: string;
  range: FindingRange;
  related: RelatedLocation[];
}

const LEGACY_SEVERITY: Record<string, Severity> = { BLOCKER: 'error', CRITICAL: 'error', MAJOR: 'warning', MINOR: 'information', INFO: 'hint' };
const IMPACT_SEVERITY: Record<string, Severity> = { BLOCKER: 'error', HIGH: 'error', MEDIUM: 'warning', LOW: 'information', INFO: 'hint' };
const HOTSPOT_SEVERITY: Record<string, Severity> = { HIGH: 'warning', MEDIUM: 'information', LOW: 'hint' };
const TYPE_LABEL: Record<string, string> = { BUG: 'Bug', VULNERABILITY: 'Vulnerability', CODE_SMELL: 'Code Smell', SECURITY_HOTSPOT: 'Security Hotspot' };

const worst = (list: Severity[]): Severity => SEVERITIES.find((s) => list.includes(s)) ?? 'warning';

/** The newer impacts win over the legacy severity when the server sends both. */
export function issueSeverity(severity: string | undefined, impacts: SonarImpact[] | undefined): Severity {
  const fromImpacts = (impacts ?? []).map((i) => IMPACT_SEVERITY[i.severity]).filter((s): s is Severity => Boolean(s));
  if (fromImpacts.length) return worst(fromImpacts);
  return LEGACY_SEVERITY[severity ?? ''] ?? 'warning';
}

export function typeLabel(type: string | undefined): string {
  return TYPE_LABEL[type ?? ''] ?? 'Issue';
}

/** Sonar counts lines from 1 and offsets from 0; a bare `line` covers the whole line. */
export function toRange(textRange: TextRange | undefined, line: number | undefined): FindingRange {
  if (textRange) {
    return { startLine: textRange.startLine - 1, startCharacter: textRange.startOffset, endLine: textRange.endLine - 1, endCharacter: textRange.endOffset };
  }
  const l = Math.max(0, (line ?? 1) - 1);
  return { startLine: l, startCharacter: 0, endLine: l };
}

/** Keeps a range inside a file of the given line lengths: past the end -> the last line. */
export function clampRange(range: FindingRange, lineLengths: number[]): Required<FindingRange> {
  const last = Math.max(0, lineLengths.length - 1);
  const len = (l: number) => lineLengths[l] ?? 0;
  if (range.startLine > last) return { startLine: last, startCharacter: 0, endLine: last, endCharacter: len(last) };
  const endLine = Math.min(range.endLine, last);
  const startCharacter = Math.min(range.startCharacter, len(range.startLine));
  const endCharacter = range.endCharacter === undefined || range.endLine > last ? len(endLine) : Math.min(range.endCharacter, len(endLine));
  return { startLine: range.startLine, startCharacter, endLine, endCharacter };
}

/** Maps component keys (`<projectKey>:<path>`) to workspace files, remembering each answer. */
export class ComponentResolver {
  private readonly cache = new Map<string, string | undefined>();
  private readonly paths = new Map<string, string>();

  constructor(private readonly project: SonarProject, private readonly exists: (file: string) => boolean, private readonly otherRoots: string[] = []) {}

  addComponents(components: SonarComponent[]): void {
    for (const c of components) if (c.path) this.paths.set(c.key, c.path);
  }

  resolve(componentKey: string): string | undefined {
    if (this.cache.has(componentKey)) return this.cache.get(componentKey);
    const file = this.find(componentKey);
    this.cache.set(componentKey, file);
    return file;
  }

  private find(componentKey: string): string | undefined {
    const prefix = `${this.project.projectKey}:`;
    const rel = this.paths.get(componentKey) ?? (componentKey.startsWith(prefix) ? componentKey.slice(prefix.length) : undefined);
    if (!rel) return undefined;
    const { baseDir, sources } = this.project;
    const candidates = [baseDir, ...sources.map((s) => path.join(baseDir, s)), ...this.otherRoots].map((root) => path.join(root, rel));
    return candidates.find((c) => this.exists(c));
  }
}

export interface MappedFindings {
  /** Absolute file path -> its findings. */
  byFile: Map<string, Finding[]>;
  /** Findings whose component is not a file of this workspace. */
  unmapped: number;
}

/** Turns issues and hotspots into findings on workspace files. */
export function mapFindings(issues: SonarIssue[], hotspots: SonarHotspot[], resolver: ComponentResolver): MappedFindings {
  const byFile = new Map<string, Finding[]>();
  let unmapped = 0;
  const add = (f: Omit<Finding, 'file'>, component: string) => {
    const file = resolver.resolve(component);
    if (!file) {
      unmapped++;
      return;
    }
    let list = byFile.get(file);
    if (!list) byFile.set(file, (list = []));
    list.push({ ...f, file });
  };
  for (const i of issues) {
    const related: RelatedLocation[] = [];
    for (const flow of i.flows ?? []) {
      for (const loc of flow.locations ?? []) {
        const file = resolver.resolve(loc.component ?? i.component);
        if (file && loc.textRange) related.push({ file, range: toRange(loc.textRange, undefined), message: loc.msg ?? '' });
      }
    }
    add({
      key: i.key, kind: 'issue', rule: i.rule, type: typeLabel(i.type), severity: issueSeverity(i.severity, i.impacts),
      message: i.message, range: toRange(i.textRange, i.line), related,
    }, i.component);
  }
  for (const h of hotspots) {
    add({
      key: h.key, kind: 'hotspot', rule: h.ruleKey ?? '', type: 'Security Hotspot', severity: HOTSPOT_SEVERITY[h.vulnerabilityProbability ?? ''] ?? 'warning',
      message: h.message, range: toRange(h.textRange, h.line), related: [],
    }, h.component);
  }
  return { byFile, unmapped };
}

/** Where a rule, an issue or a hotspot is shown on the server. */
export function sonarUrls(project: Pick<SonarProject, 'host' | 'organization' | 'projectKey'>, branch: string | undefined) {
  const q = encodeURIComponent;
  const branchParam = branch ? `&branch=${q(branch)}` : '';
  return {
    rule: (rule: string) => (project.organization
      ? `${project.host}/organizations/${q(project.organization)}/rules?open=${q(rule)}&rule_key=${q(rule)}`
      : `${project.host}/coding_rules?open=${q(rule)}&rule_key=${q(rule)}`),
    finding: (f: Pick<Finding, 'key' | 'kind'>) => (f.kind === 'hotspot'
      ? `${project.host}/project/security_hotspots?id=${q(project.projectKey)}${branchParam}&hotspots=${q(f.key)}`
      : `${project.host}/project/issues?id=${q(project.projectKey)}${branchParam}&open=${q(f.key)}&issues=${q(f.key)}`),
  };
}
