import * as path from 'node:path';
import { processRunner, type RunOptions, type RunResult } from '../process/runner';

export type ComposeCommandSetting = 'auto' | 'docker compose' | 'docker-compose' | 'podman compose' | 'podman-compose';

/** How to run compose: `file` plus the arguments that come before compose's own. */
export interface ComposeEngine {
  label: string;
  file: string;
  prefix: string[];
  /** The arguments that print the resolved model: v2 as JSON, v1 and podman-compose as YAML. */
  config: string[];
}

const ENGINES: Record<Exclude<ComposeCommandSetting, 'auto'>, ComposeEngine> = {
  'docker compose': { label: 'docker compose', file: 'docker', prefix: ['compose'], config: ['config', '--format', 'json'] },
  'docker-compose': { label: 'docker-compose', file: 'docker-compose', prefix: [], config: ['config'] },
  // podman 4.7+ runs an external compose provider; its output is that provider's (YAML).
  'podman compose': { label: 'podman compose', file: 'podman', prefix: ['compose'], config: ['config'] },
  'podman-compose': { label: 'podman-compose', file: 'podman-compose', prefix: [], config: ['config'] },
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

/** The configured engine, or the first that answers `version`: docker compose (v2), docker-compose (v1), podman-compose. */
export async function detectComposeEngine(setting: ComposeCommandSetting, env?: NodeJS.ProcessEnv, runner: (file: string, args: string[], opts: RunOptions) => Promise<Pick<RunResult, 'code'>> = run): Promise<ComposeEngine> {
  const candidates = setting === 'auto' ? [ENGINES['docker compose'], ENGINES['docker-compose'], ENGINES['podman-compose']] : [ENGINES[setting]];
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
    // Docker holding it: "Bind for 0.0.0.0:8080 failed"; any other process: "listen tcp4 0.0.0.0:8080: bind: address already in use".
    pattern: /Bind for (\S+) failed: port is already allocated|listen tcp\S*\s+(\S*?:\d+): bind: address already in use/,
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

/**
 * `serviceOf` names the service of a container id: podman says only `unable to start container
 * "<id>"`, and the caller knows the project's containers.
 */
export function parseComposeFailure(output: string, serviceOf: (containerId: string) => string | undefined = () => undefined): ComposeFailure {
  const named = (line: string) => {
    const id = /container "?([0-9a-f]{12,64})"?/.exec(line)?.[1];
    return serviceOn(line) ?? (id ? serviceOf(id) : undefined);
  };
  let lastService: string | undefined;
  for (const line of output.split(/\r?\n/)) {
    lastService = named(line) ?? lastService;
    for (const cause of CAUSES) {
      const m = line.match(cause.pattern);
      if (!m) continue;
      const service = cause.service?.(m) ?? named(line) ?? lastService;
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

/** What the engine says the project is: the resolved model's text, or its refusal. */
export type ComposeConfig = { ok: true; text: string } | { ok: false; message: string };

/**
 * `config`: the model after interpolation, `.env`, include, extends, merge keys and profiles,
 * as the engine itself resolves them. Undefined when the engine has no `config` (podman-compose
 * before 1.0.6), so the caller falls back to reading the file.
 */
export async function readComposeConfig(engine: ComposeEngine, project: ComposeProject, opts: RunOptions = {}): Promise<ComposeConfig | undefined> {
  try {
    return { ok: true, text: (await runCompose(engine, project, engine.config, opts)).stdout };
  } catch (err) {
    if (!(err instanceof ComposeFailed)) throw err;
    if (/invalid choice: 'config'|unknown (?:command|shorthand flag)/i.test(err.output)) return undefined;
    return { ok: false, message: err.output.trim() };
  }
}
