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

/** Where a query starts: `since` for most streams, and an earlier start for streams far behind the others. */
export interface FetchPlan {
  since: number;
  /** Streams whose newest line is more than the window behind the newest of all: each is read from its own start. */
  behind: ReadonlyMap<string, number>;
}

/** Same stream, same millisecond, same text: how a Live Tail event is matched to a polled one. */
export function fingerprint(e: LogEvent): string {
  const h = createHash('sha1').update(e.stream).update('\0').update(String(e.timestamp)).update('\0').update(e.message);
  return h.digest('base64');
}

export function byTime(a: LogEvent, b: LogEvent): number {
  return a.timestamp - b.timestamp || (a.ingestionTime ?? 0) - (b.ingestionTime ?? 0) || (a.eventId ?? '').localeCompare(b.eventId ?? '');
}

/** Lines that look alike (same key): the polled ones by id, and how many Live Tail copies (no id) were delivered. */
interface Slot {
  timestamp: number;
  ids: string[];
  live: number;
}

interface StreamState {
  newest: number;
  /** Nothing older than this is remembered: a polled event below it was delivered before (or is later than the window allows). */
  floor: number;
  slots: Map<string, Slot>;
}

/**
 * Remembers what was delivered for as long as a re-query can return it again, per stream: each
 * stream has its own watermark (its newest timestamp), so a stream whose lines arrive minutes
 * late relative to the others (a stuck awslogs agent) is read from its own watermark - window.
 *
 * Identical lines (same stream, millisecond and text) are counted, not collapsed: a polled
 * event is matched by its id, and a Live Tail event (no id) to one polled event of the same
 * content, one for one. The state holds one entry per delivered line inside the window.
 */
export class DedupWindow {
  private readonly streams = new Map<string, StreamState>();
  /** Plans of queries in flight: what they return must still be recognised when it arrives. */
  private readonly pins: FetchPlan[] = [];
  private remembered = 0;
  /** The largest `size` so far (the bench prints it). */
  peak = 0;

  constructor(
    readonly windowMs: number,
    /** Match Live Tail events (no eventId) with polled ones by content. */
    private readonly fingerprints = false,
  ) {}

  /** Newest timestamp delivered so far (all streams), or undefined before the first event. */
  get watermark(): number | undefined {
    let newest = Number.NEGATIVE_INFINITY;
    for (const s of this.streams.values()) newest = Math.max(newest, s.newest);
    return Number.isFinite(newest) ? newest : undefined;
  }

  /** Lines remembered now: one per delivered line still inside its stream's window. */
  get size(): number {
    return this.remembered;
  }

  /** The events not delivered before, ordered by timestamp; records them. */
  admit(events: readonly LogEvent[]): LogEvent[] {
    const fresh: LogEvent[] = [];
    for (const e of [...events].sort(byTime)) {
      let stream = this.streams.get(e.stream);
      if (!stream) this.streams.set(e.stream, (stream = { newest: e.timestamp, floor: Number.NEGATIVE_INFINITY, slots: new Map() }));
      // A polled line below the floor was delivered (and forgotten) before; Live Tail never repeats one.
      if (e.eventId !== undefined && e.timestamp < stream.floor) continue;
      const key = this.fingerprints || e.eventId === undefined ? fingerprint(e) : e.eventId;
      let slot = stream.slots.get(key);
      if (!slot) stream.slots.set(key, (slot = { timestamp: e.timestamp, ids: [], live: 0 }));
      const before = Math.max(slot.ids.length, slot.live);
      if (e.eventId === undefined) slot.live++;
      else if (!slot.ids.includes(e.eventId)) slot.ids.push(e.eventId);
      const after = Math.max(slot.ids.length, slot.live);
      if (after === before) continue;
      this.remembered += after - before;
      if (e.timestamp > stream.newest) stream.newest = e.timestamp;
      fresh.push(e);
    }
    this.prune();
    this.peak = Math.max(this.peak, this.remembered);
    return fresh;
  }

  /**
   * Where the next query has to start so that late arrivals within the window are found: the
   * streams within a window of the newest share one start (the earliest of theirs); a stream
   * further behind gets its own.
   */
  plan(fallback: number): FetchPlan {
    const newest = this.watermark;
    const behind = new Map<string, number>();
    if (newest === undefined) return { since: fallback, behind };
    let since = newest - this.windowMs;
    for (const [name, s] of this.streams) {
      const own = s.newest - this.windowMs;
      if (s.newest < newest - this.windowMs) behind.set(name, Math.max(fallback, own));
      else since = Math.min(since, own);
    }
    return { since: Math.max(fallback, since), behind };
  }

  /**
   * Keeps what `plan` can return until the returned release is called. A query that runs
   * for seconds while live events move the watermarks on must not find its duplicates forgotten.
   */
  pin(plan: FetchPlan): () => void {
    this.pins.push(plan);
    return () => {
      const at = this.pins.indexOf(plan);
      if (at >= 0) this.pins.splice(at, 1);
    };
  }

  /** Each stream remembers its own window (what a query in flight can return, too): memory is what the windows hold. */
  private prune(): void {
    for (const [name, s] of this.streams) {
      let floor = s.newest - this.windowMs;
      for (const p of this.pins) floor = Math.min(floor, p.behind.get(name) ?? p.since);
      if (floor <= s.floor) continue;
      s.floor = floor;
      for (const [key, slot] of s.slots) {
        if (slot.timestamp >= floor) continue;
        this.remembered -= Math.max(slot.ids.length, slot.live);
        s.slots.delete(key);
      }
    }
  }
}
