import type Docker from 'dockerode';
import type { FetchPlan, LogEvent } from '../logs/dedup';
import { TransientSourceError, type LogSource } from '../logs/logTail';
import { LABELS } from './stackState';

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

/**
 * The text of a non-follow logs answer. A container without a TTY sends 8-byte frame headers
 * (stream type 0-2, three zero bytes, big-endian length); with timestamps on, a TTY container's
 * raw output starts with a digit of the year, so the first byte tells them apart.
 */
export function logText(body: Buffer): string {
  if (body.length < 8 || body[0] > 2 || body[1] !== 0 || body[2] !== 0 || body[3] !== 0) return body.toString('utf8');
  const parts: Buffer[] = [];
  let at = 0;
  while (at + 8 <= body.length) {
    const size = body.readUInt32BE(at + 4);
    parts.push(body.subarray(at + 8, at + 8 + size));
    at += 8 + size;
  }
  return Buffer.concat(parts).toString('utf8');
}

/**
 * One container's lines as events. Docker lines have no ids: each gets one from the container,
 * the exact nanosecond timestamp and how many lines with that same timestamp came before it in
 * this answer (identical ones included), so reading the same window again yields the same ids
 * and two lines never share one. Ids sort in the engine's order within a millisecond.
 */
export function parseContainerLogs(containerId: string, stream: string, text: string): LogEvent[] {
  const events: LogEvent[] = [];
  const seen = new Map<bigint, number>();
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (const raw of lines) {
    const line = raw.replace(/\r$/, '');
    const space = line.indexOf(' ');
    const nanos = space > 0 ? timestampNanos(line.slice(0, space)) : undefined;
    if (nanos === undefined) continue;
    const message = line.slice(space + 1);
    const n = seen.get(nanos) ?? 0;
    seen.set(nanos, n + 1);
    events.push({
      eventId: `${containerId.slice(0, 12)}:${String(nanos).padStart(20, '0')}:${String(n).padStart(6, '0')}`,
      stream,
      timestamp: Number(nanos / 1_000_000n),
      message,
    });
  }
  return events;
}

export type LogDocker = Pick<Docker, 'listContainers' | 'getContainer'>;

/**
 * The logs of a compose project's containers (or one service's), found by their compose labels
 * on every fetch: a restarted or re-created container is simply found again, and the tail's
 * dedup window drops what an earlier fetch returned. Streams are named `<service>-<number>`.
 */
export class DockerLogSource implements LogSource {
  constructor(private readonly docker: LogDocker, private readonly project: string, private readonly service?: string) {}

  async fetch(plan: FetchPlan, signal: AbortSignal): Promise<LogEvent[]> {
    try {
      return await this.read(plan, signal);
    } catch (err) {
      if (signal.aborted) throw err;
      // The engine restarting or a dropped socket passes; the tail says so and tries again.
      throw new TransientSourceError(`Docker did not answer (${err instanceof Error ? err.message : String(err)}); is the engine running?`);
    }
  }

  private async read(plan: FetchPlan, signal: AbortSignal): Promise<LogEvent[]> {
    const label = [`${LABELS.project}=${this.project}`, ...(this.service ? [`${LABELS.service}=${this.service}`] : [])];
    const containers = await this.docker.listContainers({ all: true, filters: { label }, abortSignal: signal });
    const all = await Promise.all(containers.map(async (c) => {
      const stream = `${c.Labels[LABELS.service] ?? c.Names[0]?.replace(/^\//, '') ?? c.Id.slice(0, 12)}-${c.Labels[LABELS.number] ?? '1'}`;
      // A container that stopped long ago is read from its own watermark, the others from the shared one.
      const since = Math.min(plan.since, plan.behind.get(stream) ?? plan.since);
      const sinceText = sinceArg(BigInt(Math.max(0, Math.floor(since))) * 1_000_000n);
      try {
        const body = await this.docker.getContainer(c.Id).logs({
          stdout: true, stderr: true, timestamps: true, follow: false, since: sinceText as unknown as number, abortSignal: signal,
        });
        return parseContainerLogs(c.Id, stream, logText(Buffer.isBuffer(body) ? body : Buffer.from(String(body))));
      } catch (err) {
        // Removed between the listing and the read: its lines are gone with it.
        if ((err as { statusCode?: number }).statusCode === 404) return [];
        throw err;
      }
    }));
    return all.flat();
  }
}
