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

/** One container of the project, as listContainers (and, while it runs, inspect) reports it. */
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
  /** When a running container started (ms since epoch), from inspect's State.StartedAt. */
  startedAt?: number;
}

/** What only inspect tells exactly: the start time, and the health (podman's list Status omits it). */
export interface ContainerDetail {
  startedAt?: number;
  health?: Health;
}

export function toContainerDetail(info: Docker.ContainerInspectInfo): ContainerDetail {
  const started = Date.parse(info.State?.StartedAt ?? '');
  const health = info.State?.Health?.Status;
  return {
    startedAt: Number.isNaN(started) || started <= 0 ? undefined : started,
    health: health === 'starting' || health === 'healthy' || health === 'unhealthy' ? health : undefined,
  };
}

export function toContainerState(info: Docker.ContainerInfo, detail: ContainerDetail = {}): ContainerState {
  const status = info.Status ?? '';
  const health = /\((healthy|unhealthy|health: starting)\)/.exec(status)?.[1];
  const exit = /^Exited \((-?\d+)\)/.exec(status);
  const ports = new Map<string, PublishedPort>();
  for (const p of info.Ports ?? []) {
    const key = `${p.PrivatePort}/${p.Type}`;
    // The engine may give the IPv6 binding another host port than the IPv4 one when that number is
    // taken there; 127.0.0.1 and the Airflow URL need the IPv4 one.
    const ipv6 = (p.IP ?? '').includes(':');
    if (p.PublicPort && !(ipv6 && ports.has(key))) ports.set(key, { privatePort: p.PrivatePort, publicPort: p.PublicPort, type: p.Type });
  }
  const running = info.State === 'running';
  return {
    id: info.Id,
    name: (info.Names?.[0] ?? info.Id).replace(/^\//, ''),
    service: info.Labels?.[LABELS.service] ?? '',
    number: Number(info.Labels?.[LABELS.number] ?? 1),
    state: info.State,
    health: running ? detail.health ?? (health === 'health: starting' ? 'starting' : (health as Health | undefined)) : undefined,
    exitCode: exit ? Number(exit[1]) : undefined,
    ports: [...ports.values()].sort((a, b) => a.privatePort - b.privatePort),
    image: info.Image,
    startedAt: running ? detail.startedAt : undefined,
  };
}

export type DockerApi = Pick<Docker, 'listContainers' | 'getEvents' | 'getContainer'>;

export interface TrackerOptions {
  debounceMs?: number;
}

/**
 * Keeps the containers of one compose project up to date from the Docker events stream: each
 * burst of events (debounced) costs one listContainers call, plus one inspect per running
 * container the burst named (start time, health); nothing polls.
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
  private disposed = false;
  private starting: Promise<void> | undefined;
  /** inspect results by container id; re-read when an event names the container. */
  private readonly details = new Map<string, ContainerDetail>();
  private readonly named = new Set<string>();
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly docker: DockerApi, readonly project: string, opts: TrackerOptions = {}) {
    this.debounceMs = opts.debounceMs ?? 200;
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
    let raw: { id?: string; Action?: string; status?: string; time?: number; Actor?: { ID?: string } };
    try {
      raw = JSON.parse(line);
    } catch {
      return;
    }
    const action = raw.Action ?? raw.status ?? '';
    // exec_create/exec_start/exec_die (shells, CLI runs) change nothing the view shows.
    if (action.startsWith('exec_')) return;
    const id = raw.id ?? raw.Actor?.ID;
    if (id) this.named.add(id);
    this.schedule();
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.update(false).catch(() => undefined);
    }, this.debounceMs);
  }

  /** Lists the containers and inspects every running one; listeners hear about it whether it worked or not. */
  refresh(): Promise<void> {
    return this.update(true);
  }

  /** One update at a time: an older list must never land after a newer one. */
  private update(all: boolean): Promise<void> {
    const next = this.queue.then(() => this.updateNow(all));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async updateNow(all: boolean): Promise<void> {
    try {
      this.apiCalls++;
      const infos = await this.docker.listContainers({ all: true, filters: { label: [`${LABELS.project}=${this.project}`] } });
      const named = new Set(this.named);
      this.named.clear();
      const stale = infos.filter((i) => i.State === 'running' && (all || named.has(i.Id) || !this.details.has(i.Id)));
      await Promise.all(stale.map(async (i) => {
        this.apiCalls++;
        // A container removed between the list and the inspect keeps what the list said.
        const detail = await this.docker.getContainer(i.Id).inspect().then(toContainerDetail, () => undefined);
        if (detail) this.details.set(i.Id, detail);
      }));
      const ids = new Set(infos.map((i) => i.Id));
      for (const id of this.details.keys()) if (!ids.has(id)) this.details.delete(id);
      this.containers = infos.map((i) => toContainerState(i, this.details.get(i.Id))).sort((a, b) => a.service.localeCompare(b.service) || a.number - b.number);
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
