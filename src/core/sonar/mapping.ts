import * as path from 'node:path';
import type { SonarComponent, SonarHotspot, SonarImpact, SonarIssue, TextRange } from './api';
import { formatCount, plural } from './format';
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
  /** Sonar's own word for it, lower case: "blocker", "high", "minor", "hotspot". */
  level: string;
  message: string;
  file: string;
  range: FindingRange;
  related: RelatedLocation[];
}

// INFO is Information, not Hint: hints are not listed in Problems, not counted, and draw as grey dots.
const LEGACY_SEVERITY: Record<string, Severity> = { BLOCKER: 'error', CRITICAL: 'error', MAJOR: 'warning', MINOR: 'information', INFO: 'information' };
const IMPACT_SEVERITY: Record<string, Severity> = { BLOCKER: 'error', HIGH: 'error', MEDIUM: 'warning', LOW: 'information', INFO: 'information' };
const HOTSPOT_SEVERITY: Record<string, Severity> = { HIGH: 'warning', MEDIUM: 'information', LOW: 'hint' };
const TYPE_LABEL: Record<string, string> = { BUG: 'Bug', VULNERABILITY: 'Vulnerability', CODE_SMELL: 'Code Smell', SECURITY_HOTSPOT: 'Security Hotspot' };

const worst = (list: Severity[]): Severity => SEVERITIES.find((s) => list.includes(s)) ?? 'warning';

/** The newer impacts win over the legacy severity when the server sends both. */
export function issueSeverity(severity: string | undefined, impacts: SonarImpact[] | undefined): Severity {
  const fromImpacts = (impacts ?? []).map((i) => IMPACT_SEVERITY[i.severity]).filter((s): s is Severity => Boolean(s));
  if (fromImpacts.length) return worst(fromImpacts);
  return LEGACY_SEVERITY[severity ?? ''] ?? 'warning';
}

/** True when `severity` is `minimum` or worse. */
export function atLeast(severity: Severity, minimum: Severity): boolean {
  return SEVERITIES.indexOf(severity) <= SEVERITIES.indexOf(minimum);
}

const LEVEL_ORDER = ['blocker', 'critical', 'high', 'major', 'medium', 'minor', 'low', 'info', 'hotspot'];

/** Sonar's word for an issue's severity: the worst impact, else the legacy severity. */
export function issueLevel(severity: string | undefined, impacts: SonarImpact[] | undefined): string {
  const words = (impacts ?? []).map((i) => i.severity.toLowerCase()).filter((w) => LEVEL_ORDER.includes(w));
  if (words.length) return LEVEL_ORDER.find((w) => words.includes(w))!;
  return (severity ?? 'major').toLowerCase();
}

/** "3 findings in this file, 1 blocker, 2 minor": what the status bar says of the active editor. */
export function fileSummary(findings: Pick<Finding, 'level'>[]): string {
  if (!findings.length) return 'No findings in this file.';
  const counts = new Map<string, number>();
  for (const f of findings) counts.set(f.level, (counts.get(f.level) ?? 0) + 1);
  const rank = (w: string) => (LEVEL_ORDER.includes(w) ? LEVEL_ORDER.indexOf(w) : LEVEL_ORDER.length);
  const levels = [...counts].sort(([a], [b]) => rank(a) - rank(b)).map(([level, n]) => (level === 'hotspot' ? plural(n, 'hotspot') : `${formatCount(n)} ${level}`));
  return `${plural(findings.length, 'finding')} in this file, ${levels.join(', ')}.`;
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

/** Where a component is: a workspace file, a file of this project not in the workspace, or another project's. */
export type Place = { file: string } | { missing: true } | { foreign: true };

/**
 * Maps component keys (`<projectKey>:<path>`) to workspace files, remembering each answer. The
 * project key is compared exactly, split at the first `:`: `acme-legacy:dags/x.py` is not
 * `acme:dags/x.py`, however alike the keys.
 */
export class ComponentResolver {
  private readonly cache = new Map<string, Place>();
  private readonly paths = new Map<string, string>();

  constructor(private readonly project: SonarProject, private readonly exists: (file: string) => boolean, private readonly otherRoots: string[] = []) {}

  addComponents(components: SonarComponent[]): void {
    for (const c of components) if (c.path) this.paths.set(c.key, c.path);
  }

  resolve(componentKey: string): string | undefined {
    const place = this.place(componentKey);
    return 'file' in place ? place.file : undefined;
  }

  place(componentKey: string): Place {
    let place = this.cache.get(componentKey);
    if (!place) this.cache.set(componentKey, (place = this.find(componentKey)));
    return place;
  }

  private find(componentKey: string): Place {
    const colon = componentKey.indexOf(':');
    if (colon < 0 || componentKey.slice(0, colon) !== this.project.projectKey) return { foreign: true };
    const rel = this.paths.get(componentKey) ?? componentKey.slice(colon + 1);
    if (!rel) return { missing: true };
    const { baseDir, sources } = this.project;
    const candidates = [baseDir, ...sources.map((s) => path.join(baseDir, s)), ...this.otherRoots].map((root) => path.join(root, rel));
    const file = candidates.find((c) => this.exists(c));
    return file ? { file } : { missing: true };
  }
}

export interface MappedFindings {
  /** Absolute file path -> its findings. */
  byFile: Map<string, Finding[]>;
  /** Findings of this project on files that are not in the workspace (deleted, not checked out). */
  unmapped: number;
  /** Findings whose component belongs to another project key. */
  foreign: number;
  /** Findings less severe than the minimum severity, left out. */
  belowMinimum: number;
}

/** Turns issues and hotspots into findings on workspace files, leaving out those below `minimum`. */
export function mapFindings(issues: SonarIssue[], hotspots: SonarHotspot[], resolver: ComponentResolver, minimum: Severity = 'hint'): MappedFindings {
  const out: MappedFindings = { byFile: new Map(), unmapped: 0, foreign: 0, belowMinimum: 0 };
  const add = (f: Omit<Finding, 'file'>, component: string) => {
    const place = resolver.place(component);
    if ('foreign' in place) out.foreign++;
    else if ('missing' in place) out.unmapped++;
    else if (!atLeast(f.severity, minimum)) out.belowMinimum++;
    else {
      let list = out.byFile.get(place.file);
      if (!list) out.byFile.set(place.file, (list = []));
      list.push({ ...f, file: place.file });
    }
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
      key: i.key, kind: 'issue', rule: i.rule, type: typeLabel(i.type), severity: issueSeverity(i.severity, i.impacts), level: issueLevel(i.severity, i.impacts),
      message: i.message, range: toRange(i.textRange, i.line), related,
    }, i.component);
  }
  for (const h of hotspots) {
    add({
      key: h.key, kind: 'hotspot', rule: h.ruleKey ?? '', type: 'Security Hotspot', severity: HOTSPOT_SEVERITY[h.vulnerabilityProbability ?? ''] ?? 'warning', level: 'hotspot',
      message: h.message, range: toRange(h.textRange, h.line), related: [],
    }, h.component);
  }
  return out;
}

/** Where a rule, an issue or a hotspot is shown on the server. */
export function sonarUrls(project: Pick<SonarProject, 'host' | 'organization' | 'projectKey'>, target: { branch?: string; pullRequest?: string }) {
  const q = encodeURIComponent;
  const branchParam = target.pullRequest ? `&pullRequest=${q(target.pullRequest)}` : target.branch ? `&branch=${q(target.branch)}` : '';
  return {
    rule: (rule: string) => (project.organization
      ? `${project.host}/organizations/${q(project.organization)}/rules?open=${q(rule)}&rule_key=${q(rule)}`
      : `${project.host}/coding_rules?open=${q(rule)}&rule_key=${q(rule)}`),
    finding: (f: Pick<Finding, 'key' | 'kind'>) => (f.kind === 'hotspot'
      ? `${project.host}/project/security_hotspots?id=${q(project.projectKey)}${branchParam}&hotspots=${q(f.key)}`
      : `${project.host}/project/issues?id=${q(project.projectKey)}${branchParam}&open=${q(f.key)}&issues=${q(f.key)}`),
  };
}
