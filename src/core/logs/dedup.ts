import { createHash } from 'node:crypto';

/** One log line, whatever its source. */
export interface LogEvent {
  /** The source's own id (CloudWatch eventId); absent for Live Tail events. */
  eventId?: string;
  stream: string;
  timestamp: number;
  ingestionTime?: number;
  message: string;
}

/** Same stream, same millisecond, same text: how a Live Tail event is matched to a polled one. */
export function fingerprint(e: LogEvent): string {
  const h = createHash('sha1').update(e.stream).update('\0').update(String(e.timestamp)).update('\0').update(e.message);
  return h.digest('base64');
}

export function byTime(a: LogEvent, b: LogEvent): number {
  return a.timestamp - b.timestamp || (a.ingestionTime ?? 0) - (b.ingestionTime ?? 0) || (a.eventId ?? '').localeCompare(b.eventId ?? '');
}

/**
 * Remembers what was delivered for as long as a re-query can return it again: ids of events
 * whose timestamp is at or after `watermark - window`, where the watermark is the newest
 * timestamp delivered. Older entries are forgotten, so the state is bounded by the window.
 */
export class DedupWindow {
  private readonly seen = new Map<string, number>();
  private newest = Number.NEGATIVE_INFINITY;
  /** Start times of queries in flight: what they return must still be recognised when it arrives. */
  private readonly pins: number[] = [];

  constructor(
    readonly windowMs: number,
    /** Also keep content fingerprints, to match Live Tail events (no eventId) with polled ones. */
    private readonly fingerprints = false,
  ) {}

  /** Newest timestamp delivered so far, or undefined before the first event. */
  get watermark(): number | undefined {
    return Number.isFinite(this.newest) ? this.newest : undefined;
  }

  get size(): number {
    return this.seen.size;
  }

  /** The events not delivered before, ordered by timestamp; records them. */
  admit(events: readonly LogEvent[]): LogEvent[] {
    const fresh: LogEvent[] = [];
    for (const e of [...events].sort(byTime)) {
      // Keys: `i` eventId; `f` content of an event that had an id; `l` content of one that had none (Live Tail).
      const fp = this.fingerprints || e.eventId === undefined ? fingerprint(e) : undefined;
      if (e.eventId !== undefined) {
        const idKey = `i${e.eventId}`;
        const dup = this.seen.has(idKey) || (fp !== undefined && this.seen.has(`l${fp}`));
        this.seen.set(idKey, e.timestamp);
        if (fp !== undefined) this.seen.set(`f${fp}`, e.timestamp);
        if (dup) continue;
      } else {
        if (this.seen.has(`f${fp}`) || this.seen.has(`l${fp}`)) continue;
        this.seen.set(`l${fp}`, e.timestamp);
      }
      if (e.timestamp > this.newest) this.newest = e.timestamp;
      fresh.push(e);
    }
    this.prune();
    return fresh;
  }

  /** Where the next query has to start so that late arrivals within the window are found. */
  requeryFrom(fallback: number): number {
    const w = this.watermark;
    return w === undefined ? fallback : Math.max(fallback, w - this.windowMs);
  }

  /**
   * Keeps entries at or after `from` until the returned release is called. A query that runs
   * for seconds while live events move the watermark on must not find its duplicates forgotten.
   */
  pin(from: number): () => void {
    this.pins.push(from);
    return () => {
      const at = this.pins.indexOf(from);
      if (at >= 0) this.pins.splice(at, 1);
    };
  }

  private prune(): void {
    const floor = Math.min(this.newest - this.windowMs, ...this.pins);
    for (const [key, ts] of this.seen) if (ts < floor) this.seen.delete(key);
  }
}
