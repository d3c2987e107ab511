import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Docker from 'dockerode';

/** Where the Docker engine listens, as DOCKER_HOST spells it; undefined = dockerode's default socket. */
export interface EngineEndpoint {
  host?: string;
  /** 'DOCKER_HOST', 'context <name>' or 'default'. */
  source: string;
}

function readJson(file: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** DOCKER_HOST wins; else the current docker context (DOCKER_CONTEXT or ~/.docker/config.json currentContext). */
export function resolveEngine(env: NodeJS.ProcessEnv = process.env, home = os.homedir()): EngineEndpoint {
  if (env.DOCKER_HOST) return { host: env.DOCKER_HOST, source: 'DOCKER_HOST' };
  const dockerDir = env.DOCKER_CONFIG || path.join(home, '.docker');
  const context = env.DOCKER_CONTEXT || (readJson(path.join(dockerDir, 'config.json'))?.currentContext as string | undefined);
  if (!context || context === 'default') return { source: 'default' };
  const metaDir = path.join(dockerDir, 'contexts', 'meta');
  const entries = fs.existsSync(metaDir) ? fs.readdirSync(metaDir) : [];
  for (const entry of entries) {
    const meta = readJson(path.join(metaDir, entry, 'meta.json')) as { Name?: string; Endpoints?: { docker?: { Host?: string } } } | undefined;
    if (meta?.Name === context && meta.Endpoints?.docker?.Host) return { host: meta.Endpoints.docker.Host, source: `context ${context}` };
  }
  return { source: 'default' };
}

/** dockerode options for an endpoint: unix sockets, tcp (http) and npipe. */
export function dockerOptions(endpoint: EngineEndpoint): Docker.DockerOptions {
  const host = endpoint.host;
  if (!host) return {};
  if (host.startsWith('unix://')) return { socketPath: host.slice('unix://'.length) };
  if (host.startsWith('npipe://')) return { socketPath: host.slice('npipe://'.length) };
  const url = new URL(host.replace(/^tcp:\/\//, 'http://'));
  return { protocol: url.protocol === 'https:' ? 'https' : 'http', host: url.hostname, port: Number(url.port) || 2375 };
}

/** Environment for child processes (compose CLI, `docker exec` terminals) so they reach the same engine. */
export function engineEnv(endpoint: EngineEndpoint, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return endpoint.host && !env.DOCKER_HOST ? { ...env, DOCKER_HOST: endpoint.host } : { ...env };
}

export class DockerUnavailable extends Error {
  constructor(endpoint: EngineEndpoint, cause: unknown) {
    const where = endpoint.host ? `${endpoint.host} (from ${endpoint.source})` : 'unix:///var/run/docker.sock (the default: DOCKER_HOST is not set)';
    super(`Docker is not running or not reachable at ${where} (${cause instanceof Error ? cause.message : String(cause)}). Start it (sudo systemctl start docker, or open Docker Desktop) and retry.`);
    this.name = 'DockerUnavailable';
  }
}

/** Pings the engine; a failure becomes DockerUnavailable. */
export async function pingDocker(docker: Docker, endpoint: EngineEndpoint): Promise<void> {
  try {
    await docker.ping();
  } catch (err) {
    throw new DockerUnavailable(endpoint, err);
  }
}
