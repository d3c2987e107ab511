import type { Build, BuildPhase } from '../aws/codebuild';
import { relativeTime, type NodeView, type Tone } from '../ecs/present';

export type BuildOutcome = 'running' | 'succeeded' | 'failed' | 'stopped';

export function outcome(build: Build): BuildOutcome {
  switch (build.buildStatus) {
    case 'SUCCEEDED': return 'succeeded';
    case 'STOPPED': return 'stopped';
    case 'IN_PROGRESS': return 'running';
    case undefined: return 'running';
    default: return 'failed';
  }
}

export function isDone(build: Build): boolean {
  return build.buildComplete === true || outcome(build) !== 'running';
}

/** The phase the build is in, or the one that failed it. */
export function currentPhase(build: Build): BuildPhase | undefined {
  const phases = build.phases ?? [];
  return phases.find((p) => p.phaseStatus && p.phaseStatus !== 'SUCCEEDED' && p.phaseType !== 'COMPLETED') ?? phases.at(-1);
}

/** Why the build failed: the failing phase and its context message (the quality gate's, say). */
export function failureReason(build: Build): string | undefined {
  if (outcome(build) !== 'failed') return undefined;
  const phase = (build.phases ?? []).find((p) => p.phaseStatus && !['SUCCEEDED', 'IN_PROGRESS'].includes(p.phaseStatus));
  if (!phase) return undefined;
  const message = phase.contexts?.map((c) => c.message).filter(Boolean).join('; ');
  return `${phase.phaseType} ${phase.phaseStatus?.toLowerCase()}${message ? `: ${message}` : ''}`;
}

/**
 * The commit a build built: the one CodeBuild resolved, else the one it was asked for. A source
 * that is no git host (NO_SOURCE, S3, CodeCommit without resolution) never resolves one.
 */
export function builtCommit(build: Build): string | undefined {
  return build.resolvedSourceVersion ?? build.sourceVersion;
}

/** True when the build built `commit` (a full SHA): resolved, or requested as that SHA or a prefix of it. */
export function isBuildOf(build: Build, commit: string): boolean {
  const sha = commit.toLowerCase();
  if (build.resolvedSourceVersion) return build.resolvedSourceVersion.toLowerCase() === sha;
  const asked = build.sourceVersion?.toLowerCase();
  return !!asked && /^[0-9a-f]{7,40}$/.test(asked) && sha.startsWith(asked);
}

export function shortSha(sha: string | undefined): string {
  return sha && /^[0-9a-f]{7,40}$/i.test(sha) ? sha.slice(0, 7) : sha ?? '';
}

export function duration(start: Date | undefined, end: Date | undefined, now: number): string {
  if (!start) return '';
  const seconds = Math.max(0, Math.round(((end?.getTime() ?? now) - start.getTime()) / 1000));
  return seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

const TONE: Record<BuildOutcome, Tone> = { running: 'progress', succeeded: 'ok', failed: 'error', stopped: 'inactive' };

/** `#123 · abc1234 Fix the DAG · alice · 5 min ago · 2 min 3 s`. */
export function buildView(build: Build, now: number, subject?: string): NodeView {
  const sha = shortSha(builtCommit(build));
  const state = outcome(build);
  const phase = currentPhase(build);
  const reason = failureReason(build);
  const initiator = build.initiator?.split('/').pop();
  return {
    label: `#${build.buildNumber ?? '?'}`,
    description: [
      state === 'running' ? `${phase?.phaseType ?? 'SUBMITTED'}…` : state,
      [sha, subject].filter(Boolean).join(' '),
      initiator,
      relativeTime(build.startTime, now),
      duration(build.startTime, build.endTime, now),
    ].filter(Boolean).join(' · '),
    tooltip: [
      `### Build #${build.buildNumber} of ${build.projectName}`,
      `**Status:** ${build.buildStatus}`,
      `**Commit:** ${builtCommit(build) ?? 'default branch'}${subject ? ` — ${subject}` : ''}`,
      `**Started by:** ${build.initiator ?? ''}`,
      reason ? `**Failed:** ${reason}` : '',
    ].filter(Boolean).join('  \n'),
    tone: TONE[state],
  };
}

export function phaseView(phase: BuildPhase, now: number): NodeView {
  const status = phase.phaseStatus ?? 'IN_PROGRESS';
  const message = phase.contexts?.map((c) => c.message).filter(Boolean).join('; ');
  const tone: Tone = status === 'SUCCEEDED' ? 'ok' : status === 'IN_PROGRESS' ? 'progress' : status === 'STOPPED' ? 'inactive' : 'error';
  return {
    label: phase.phaseType ?? '',
    description: [status.toLowerCase(), duration(phase.startTime, phase.endTime, now), status === 'SUCCEEDED' ? '' : message].filter(Boolean).join(' · '),
    tooltip: message ?? '',
    tone,
  };
}

/** The CodeBuild console page of a build. */
export function buildConsoleUrl(region: string, build: Build): string {
  const account = build.arn?.split(':')[4] ?? '';
  const host = region.startsWith('cn-') ? `${region}.console.amazonaws.cn` : `${region}.console.aws.amazon.com`;
  return `https://${host}/codesuite/codebuild/${account}/projects/${encodeURIComponent(build.projectName ?? '')}/build/${encodeURIComponent(build.id ?? '')}/?region=${region}`;
}

/** Parses `KEY=value` lines or `;`-separated pairs into environment overrides; undefined on bad input. */
export function parseEnvironment(text: string): { name: string; value: string }[] | string {
  const pairs = text.split(/[;\n]/).map((p) => p.trim()).filter(Boolean);
  const out: { name: string; value: string }[] = [];
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const name = eq > 0 ? pair.slice(0, eq).trim() : '';
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return `"${pair}" is not NAME=value (names are letters, digits and _).`;
    out.push({ name, value: pair.slice(eq + 1).trim() });
  }
  return out;
}
