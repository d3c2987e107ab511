import type Docker from 'dockerode';

export const LABELS = {
  project: 'com.docker.compose.project',
  service: 'com.docker.compose.service',
  number: 'com.docker.compose.container-number',
} as const;

export type Health = 'starting' | 'healthy' | 'unhealthy';

export interface PublishedPort {
  privatePort: number;
  publicPort: number;
  type: string;
}

/** One container of the project, as listContainers reports it. */
export interface ContainerState {
  id: string;
  name: string;
  service: string;
  number: number;
  /** running | exited | restarting | created | paused | dead | removing */
  state: string;
  health?: Health;
  exitCode?: number;
  ports: PublishedPort[];
  image: string;
  /** Estimated start time (ms since epoch) of a running container, from Docker's "Up ..." status. */
  startedAt?: number;
}

const UNIT_MS: Record<string, number> = { second: 1e3, minute: 60e3, hour: 3600e3, day: 86400e3, week: 7 * 86400e3, month: 30 * 86400e3, year: 365 * 86400e3 };

/** Docker's human duration ("Less than a second", "About a minute", "5 minutes", "2 hours") in ms. */
export function parseDockerDuration(text: string): number | undefined {
  const t = text.trim().toLowerCase();
  if (t.startsWith('less than a second')) return 0;
  const about = /^about an? (second|minute|hour)/.exec(t);
  if (about) return UNIT_MS[about[1]];
  const m = /^(\d+) (second|minute|hour|day|week|month|year)s?/.exec(t);
  return m ? Number(m[1]) * UNIT_MS[m[2]] : undefined;
}

export function toContainerState(info: Docker.ContainerInfo, now: number): ContainerState {
  const status = info.Status ?? '';
  const health = /\((healthy|unhealthy|health: starting)\)/.exec(status)?.[1];
  const exit = /^Exited \((-?\d+)\)/.exec(status);
  const up = /^Up (.+?)(?: \(.*\))?$/.exec(status);
  const ports = new Map<string, PublishedPort>();
  for (const p of info.Ports ?? []) {
    if (p.PublicPort) ports.set(`${p.PrivatePort}/${p.Type}`, { privatePort: p.PrivatePort, publicPort: p.PublicPort, type: p.Type });
  }
  const duration = up ? parseDockerDuration(up[1]) : undefined;
  return {
    id: info.Id,
    name: (info.Names?.[0] ?? info.Id).replace(/^\//, ''),
    service: info.Labels?.[LABELS.service] ?? '',
    number: Number(info.Labels?.[LABELS.number] ?? 1),
    state: info.State,
    health: health === 'health: starting' ? 'starting' : (health as Health | undefined),
    exitCode: exit ? Number(exit[1]) : undefined,
    ports: [...ports.values()].sort((a, b) => a.privatePort - b.privatePort),
    image: info.Image,
    startedAt: duration !== undefined && info.State === 'running' ? now - duration : undefined,
  };
}

export type DockerApi = Pick<Docker, 'listContainers' | 'getEvents'>;

export interface TrackerOptions {
  debounceMs?: number;
  now?: () => number;
}

/**
 * Keeps the containers of one compose project up to date from the Docker events stream: each
 * burst of events (debounced) costs one listContainers call; nothing polls.
 */
export class StackTracker {
  containers: ContainerState[] = [];
  /** The last failure of the events stream or of a refresh; cleared by the next success. */
  error: unknown;
  apiCalls = 0;
  private events: NodeJS.ReadableStream | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly changeListeners = new Set<() => void>();
  private readonly debounceMs: number;
  private readonly now: () => number;
  private disposed = false;
  private starting: Promise<void> | undefined;

  constructor(private readonly docker: DockerApi, readonly project: string, opts: TrackerOptions = {}) {
    this.debounceMs = opts.debounceMs ?? 200;
    this.now = opts.now ?? Date.now;
  }

  onChange(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  get watching(): boolean {
    return this.events !== undefined;
  }

  /**
   * Subscribes to the events stream first (so no change falls between), then lists once.
   * Concurrent calls share one start, and a tracker already watching stays as it is: never two
   * events streams.
   */
  start(): Promise<void> {
    if (this.events) return Promise.resolve();
    this.starting ??= this.open().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  private async open(): Promise<void> {
    this.stopEvents();
    const filters = { label: [`${LABELS.project}=${this.project}`], type: ['container' as const] };
    this.apiCalls++;
    const stream = await this.docker.getEvents({ filters });
    if (this.disposed) {
      (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
      return;
    }
    this.events = stream;
    let buffer = '';
    stream.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl).trim();
        buffer = buffer.slice(nl + 1);
        if (line) this.handle(line);
      }
    });
    const ended = (err?: unknown) => {
      if (this.events !== stream || this.disposed) return;
      this.events = undefined;
      this.error = err ?? new Error('The Docker events stream ended (did the engine stop?).');
      this.emitChange();
    };
    stream.on('error', ended);
    stream.on('end', () => ended());
    await this.refresh();
  }

  private handle(line: string): void {
    let raw: { id?: string; Action?: string; status?: string; time?: number; Actor?: { Attributes?: Record<string, string> } };
    try {
      raw = JSON.parse(line);
    } catch {
      return;
    }
    const action = raw.Action ?? raw.status ?? '';
    // exec_create/exec_start/exec_die (shells, CLI runs) change nothing the view shows.
    if (action.startsWith('exec_')) return;
    this.schedule();
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.refresh().catch(() => undefined);
    }, this.debounceMs);
  }

  /** One listContainers call; listeners hear about it whether it worked or not. */
  async refresh(): Promise<void> {
    try {
      this.apiCalls++;
      const infos = await this.docker.listContainers({ all: true, filters: { label: [`${LABELS.project}=${this.project}`] } });
      const now = this.now();
      this.containers = infos.map((i) => toContainerState(i, now)).sort((a, b) => a.service.localeCompare(b.service) || a.number - b.number);
      if (this.events) this.error = undefined;
    } catch (err) {
      this.error = err;
      throw err;
    } finally {
      this.emitChange();
    }
  }

  private emitChange(): void {
    if (!this.disposed) for (const l of this.changeListeners) l();
  }

  private stopEvents(): void {
    const stream = this.events as (NodeJS.ReadableStream & { destroy?: () => void }) | undefined;
    this.events = undefined;
    stream?.removeAllListeners('data');
    stream?.destroy?.();
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.stopEvents();
    this.changeListeners.clear();
  }
}
