import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import type { ContainerEvent, ContainerState } from './stackState';

/** RFC 3339 nanosecond timestamp ("2024-05-01T10:00:00.123456789Z") as nanoseconds since the epoch. */
export function timestampNanos(ts: string): bigint | undefined {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(ts);
  if (!m) return undefined;
  const seconds = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(seconds)) return undefined;
  return BigInt(seconds / 1000) * 1_000_000_000n + BigInt((m[2] ?? '').padEnd(9, '0'));
}

/** The `since` value Docker accepts with nanosecond precision: "seconds.nanoseconds". */
export function sinceArg(nanos: bigint): string {
  return `${nanos / 1_000_000_000n}.${String(nanos % 1_000_000_000n).padStart(9, '0')}`;
}

/** Calls `onLine` once per complete line written to the returned stream. */
function lineStream(onLine: (line: string) => void): PassThrough {
  const stream = new PassThrough();
  let rest = '';
  stream.on('data', (chunk: Buffer) => {
    const parts = (rest + chunk.toString()).split('\n');
    rest = parts.pop() ?? '';
    for (const p of parts) onLine(p.replace(/\r$/, ''));
  });
  stream.on('end', () => {
    if (rest) onLine(rest);
    rest = '';
  });
  return stream;
}

interface Followed {
  prefix: string;
  last?: bigint;
  attached: boolean;
  stream?: NodeJS.ReadableStream & { destroy?: () => void };
}

export type LogDocker = Pick<Docker, 'getContainer' | 'modem'>;

export interface LogFollowerOptions {
  /** Only this service's containers; undefined follows the whole project. */
  service?: string;
  /** Lines of history shown when following starts. */
  tail?: number;
  onLine(line: string): void;
  onError?(message: string): void;
}

/**
 * Follows the logs of a service (or a project) across restarts and re-creations. Each container
 * is followed with its own stream; when it stops, the stream ends, and the events stream's
 * "start" brings it back from the last timestamp seen, so no line is repeated or lost.
 */
export class LogFollower {
  private readonly followed = new Map<string, Followed>();
  private disposed = false;

  constructor(private readonly docker: LogDocker, private readonly options: LogFollowerOptions) {}

  private matches(service: string | undefined): boolean {
    return this.options.service === undefined || service === this.options.service;
  }

  /** Starts with the containers that exist now, newest lines last. */
  async start(containers: ContainerState[]): Promise<void> {
    await Promise.all(containers.filter((c) => this.matches(c.service)).map((c) => this.attach(c.id, `${c.service}-${c.number}`, this.options.tail)));
  }

  /** Feed of the project's container events (StackTracker.onEvent). */
  handleEvent(event: ContainerEvent): void {
    if (this.disposed || !this.matches(event.service)) return;
    if (event.action === 'start' || event.action === 'restart') {
      this.attach(event.id, undefined, undefined).catch((err) => this.options.onError?.(String(err)));
    } else if (event.action === 'destroy') {
      this.followed.delete(event.id);
    }
  }

  private async attach(id: string, prefix: string | undefined, tail: number | undefined): Promise<void> {
    let entry = this.followed.get(id);
    if (entry?.attached || this.disposed) return;
    const container = this.docker.getContainer(id);
    if (!entry) {
      entry = { prefix: prefix ?? '', attached: false };
      this.followed.set(id, entry);
    }
    entry.attached = true;
    const f = entry;
    try {
      const info = await container.inspect();
      if (!f.prefix) f.prefix = `${info.Config.Labels?.['com.docker.compose.service'] ?? info.Name.replace(/^\//, '')}-${info.Config.Labels?.['com.docker.compose.container-number'] ?? '1'}`;
      const stream = await container.logs({
        follow: true, stdout: true, stderr: true, timestamps: true,
        ...(f.last !== undefined ? { since: sinceArg(f.last) as unknown as number } : tail !== undefined ? { tail } : {}),
      });
      if (this.disposed) return (stream as { destroy?: () => void }).destroy?.();
      f.stream = stream as Followed['stream'];
      const out = lineStream((line) => this.emit(f, line));
      if (info.Config.Tty) stream.pipe(out);
      else this.docker.modem.demuxStream(stream, out, out);
      stream.on('end', () => {
        out.end();
        f.attached = false;
        f.stream = undefined;
        // A restart that raced the end of this stream: pick the container up again.
        if (!this.disposed) container.inspect().then(async (i) => { if (i.State.Running) await this.attach(id, undefined, undefined); }, () => undefined);
      });
    } catch (err) {
      f.attached = false;
      if (!this.disposed) this.options.onError?.(`${f.prefix || id.slice(0, 12)}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private emit(f: Followed, raw: string): void {
    const space = raw.indexOf(' ');
    const ts = space > 0 ? timestampNanos(raw.slice(0, space)) : undefined;
    if (ts !== undefined) {
      if (f.last !== undefined && ts <= f.last) return;
      f.last = ts;
    }
    this.options.onLine(`${f.prefix} | ${ts !== undefined ? raw.slice(space + 1) : raw}`);
  }

  dispose(): void {
    this.disposed = true;
    for (const f of this.followed.values()) f.stream?.destroy?.();
    this.followed.clear();
  }
}
