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
  const sha = shortSha(build.resolvedSourceVersion ?? build.sourceVersion);
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
      `**Commit:** ${build.resolvedSourceVersion ?? build.sourceVersion ?? 'default branch'}${subject ? ` — ${subject}` : ''}`,
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

export type EnvironmentType = 'PLAINTEXT' | 'PARAMETER_STORE' | 'SECRETS_MANAGER';

/** A CodeBuild environment override: the value itself, or where CodeBuild reads it from. */
export interface EnvironmentOverride {
  name: string;
  value: string;
  type: EnvironmentType;
}

/** `NAME=ssm:/path` reads a Parameter Store parameter, `NAME=secret:arn` a Secrets Manager secret. */
const REFERENCES: [prefix: string, type: EnvironmentType][] = [['ssm:', 'PARAMETER_STORE'], ['secret:', 'SECRETS_MANAGER']];

/**
 * Parses `NAME=value` lines or `;`-separated pairs into environment overrides; a sentence
 * on bad input. `ssm:` and `secret:` values become references CodeBuild resolves itself.
 */
export function parseEnvironment(text: string): EnvironmentOverride[] | string {
  const pairs = text.split(/[;\n]/).map((p) => p.trim()).filter(Boolean);
  const out: EnvironmentOverride[] = [];
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const name = eq > 0 ? pair.slice(0, eq).trim() : '';
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return `"${pair}" is not NAME=value (names are letters, digits and _).`;
    const raw = pair.slice(eq + 1).trim();
    const ref = REFERENCES.find(([prefix]) => raw.startsWith(prefix));
    const value = ref ? raw.slice(ref[0].length).trim() : raw;
    if (ref && !value) return `${name}=${ref[0]} needs the ${ref[1] === 'PARAMETER_STORE' ? 'parameter name' : 'secret ARN or name'} after "${ref[0]}".`;
    out.push({ name, value, type: ref?.[1] ?? 'PLAINTEXT' });
  }
  return out;
}

/** The text parseEnvironment reads back. */
export function formatEnvironment(env: readonly EnvironmentOverride[]): string {
  return env.map((e) => `${e.name}=${REFERENCES.find(([, t]) => t === e.type)?.[0] ?? ''}${e.value}`).join('; ');
}

const SECRET_NAME = /PASSWORD|PASSWD|SECRET|TOKEN|KEY|CREDENTIAL/i;
const SECRET_VALUE = [
  /^eyJ[\w-]+\.[\w-]+\.[\w-]*$/, // a JWT
  /^(AKIA|ASIA)[A-Z0-9]{16}$/, // an AWS access key id
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /^(gh[pousr]_|github_pat_|sq[uap]_|xox[abprs]-|glpat-|sk-)\S{16,}/, // GitHub, Sonar, Slack, GitLab, API keys
];

/**
 * A PLAINTEXT override that should not be kept: its name says secret, or its value looks like
 * a key or token (a long run of mixed-case letters and digits, as an AWS secret key is; a
 * lowercase hex commit sha is not).
 */
export function looksSecret(e: EnvironmentOverride): boolean {
  if (e.type !== 'PLAINTEXT' || !e.value) return false;
  if (SECRET_NAME.test(e.name) || SECRET_VALUE.some((r) => r.test(e.value))) return true;
  return /^[A-Za-z0-9+/=_-]{32,}$/.test(e.value) && /[a-z]/.test(e.value) && /[A-Z]/.test(e.value) && /\d/.test(e.value);
}
