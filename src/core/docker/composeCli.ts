import * as path from 'node:path';
import { processRunner, type RunOptions, type RunResult } from '../process/runner';

export type ComposeCommandSetting = 'auto' | 'docker compose' | 'docker-compose' | 'podman compose';

/** How to run compose: `file` plus the arguments that come before compose's own. */
export interface ComposeEngine {
  label: string;
  file: string;
  prefix: string[];
}

const ENGINES: Record<Exclude<ComposeCommandSetting, 'auto'>, ComposeEngine> = {
  'docker compose': { label: 'docker compose', file: 'docker', prefix: ['compose'] },
  'docker-compose': { label: 'docker-compose', file: 'docker-compose', prefix: [] },
  'podman compose': { label: 'podman compose', file: 'podman', prefix: ['compose'] },
};

export class ComposeNotFound extends Error {
  constructor(tried: string[]) {
    super(`No compose command was found (tried ${tried.map((t) => `"${t} version"`).join(', ')}). Install the Docker Compose plugin (docker compose) or docker-compose, or choose another in the "Compose Command" setting.`);
    this.name = 'ComposeNotFound';
  }
}

/** Runs through the process runner (resolved executable, argument array, no shell). */
export function run(file: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return processRunner().run(file, args, opts);
}

/** The configured engine, or the first that answers `version`: docker compose (v2), then docker-compose (v1). */
export async function detectComposeEngine(setting: ComposeCommandSetting, env?: NodeJS.ProcessEnv, runner: (file: string, args: string[], opts: RunOptions) => Promise<Pick<RunResult, 'code'>> = run): Promise<ComposeEngine> {
  const candidates = setting === 'auto' ? [ENGINES['docker compose'], ENGINES['docker-compose']] : [ENGINES[setting]];
  for (const engine of candidates) {
    const ok = await runner(engine.file, [...engine.prefix, 'version'], { env }).then((r) => r.code === 0, () => false);
    if (ok) return engine;
  }
  throw new ComposeNotFound(candidates.map((c) => c.label));
}

/** Why a compose run failed, from its output: the service and a sentence a user can act on. */
export interface ComposeFailure {
  service?: string;
  reason: string;
}

/** A service named on the line: "ERROR: for x", "Cannot start service x:", "Pulling x (", v2's " Container p-x-1  Error". */
function serviceOn(line: string): string | undefined {
  return /Cannot start service ([^:\s]+):/.exec(line)?.[1]
    ?? /ERROR: for (\S+)/.exec(line)?.[1]
    ?? /Pulling (\S+) \(/.exec(line)?.[1]
    ?? /^\s*(?:Container )?(\S+)\s+Error\b/.exec(line)?.[1];
}

const CAUSES: { pattern: RegExp; reason: (m: RegExpMatchArray, service?: string) => string; service?: (m: RegExpMatchArray) => string }[] = [
  {
    // v2: "dependency failed to start: container airflow-redis-1 is unhealthy"
    pattern: /dependency failed to start: container (\S+) is unhealthy/i,
    service: (m) => m[1],
    reason: (m) => `${m[1]} is unhealthy, so the services that depend on it were not started. Check its logs and health check.`,
  },
  {
    // v1: 'ERROR: for webserver  Container "1234abcd" is unhealthy.'
    pattern: /Container "([^"]+)" is unhealthy/i,
    reason: (m, service) => `A dependency of ${service ?? 'a service'} (container ${m[1]}) is unhealthy, so ${service ?? 'it'} was not started. Check the dependency's logs and health check.`,
  },
  {
    pattern: /Bind for (\S+) failed: port is already allocated|listen tcp[^\s]*?:(\d+): bind: address already in use/,
    reason: (m, service) => `Port ${(m[1] ?? m[2]).split(':').pop()} is already in use on this machine${service ? ` (published by ${service})` : ''}. Stop whatever uses it or change the published port.`,
  },
  {
    pattern: /pull access denied for ([^,\s]+)|manifest for (\S+) not found|No such image: (\S+)|repository (\S+) not found/i,
    reason: (m, service) => `The image ${m[1] ?? m[2] ?? m[3] ?? m[4]}${service ? ` of ${service}` : ''} was not found or may not be pulled. Check its name and tag, build it, or log in to its registry.`,
  },
  {
    pattern: /Get "?https?:\/\/([^/"]+)\/v2\/"?: .*(?:no such host|connection refused|i\/o timeout|network is unreachable)/,
    reason: (m, service) => `The image registry ${m[1]} cannot be reached, so the image${service ? ` of ${service}` : ''} cannot be pulled. Build or load the image locally, or check your network.`,
  },
];

export function parseComposeFailure(output: string): ComposeFailure {
  let lastService: string | undefined;
  for (const line of output.split(/\r?\n/)) {
    lastService = serviceOn(line) ?? lastService;
    for (const cause of CAUSES) {
      const m = line.match(cause.pattern);
      if (!m) continue;
      const service = cause.service?.(m) ?? serviceOn(line) ?? lastService;
      return { service, reason: cause.reason(m, service) };
    }
  }
  const lines = output.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  const last = [...lines].reverse().find((l) => /error/i.test(l)) ?? lines.pop();
  return { service: lastService, reason: last || 'compose exited with an error and printed nothing.' };
}

/** A compose file and the project name every command passes as `-p`. */
export interface ComposeProject {
  file: string;
  name: string;
}

export class ComposeFailed extends Error {
  constructor(readonly command: string, readonly failure: ComposeFailure, readonly output: string) {
    super(failure.service ? `${command} failed for ${failure.service}: ${failure.reason}` : `${command} failed: ${failure.reason}`);
    this.name = 'ComposeFailed';
  }
}

/**
 * Runs `<engine> -f file -p name <args>` in the file's folder; a non-zero exit becomes ComposeFailed
 * with the cause. Compose runs what the workspace's compose file defines (builds, images, mounts,
 * .env interpolation), so every subcommand is refused in an untrusted workspace.
 */
export async function runCompose(engine: ComposeEngine, project: ComposeProject, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const full = [...engine.prefix, '-f', project.file, '-p', project.name, ...args];
  const result = await run(engine.file, full, { cwd: path.dirname(project.file), killSignal: 'SIGINT', trust: `${engine.label} ${args[0] ?? ''}`.trim(), ...opts });
  if (result.code !== 0) throw new ComposeFailed(`${engine.label} ${args.join(' ')}`, parseComposeFailure(result.output), result.output);
  return result;
}
