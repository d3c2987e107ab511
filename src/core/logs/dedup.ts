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
  /** Only events up to this timestamp (inclusive); absent: up to now. */
  until?: number;
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
  /** Arrived behind its stream's newest line (so behind newer slots in arrival order). */
  late: boolean;
}

/** The window never shrinks below this: lines of one millisecond split across writes, small clock skews. */
export const WINDOW_FLOOR_MS = 100;
/** How long an observed lateness keeps the window open (by ingestion time, so it holds in compressed time too). */
export const LATENESS_MEMORY_MS = 300_000;
const BUCKET_MS = 1000;

/** Above this many lines in the window, a poll reads the deep part beside the head (one page of FilterLogEvents). */
export const SPLIT_ABOVE = 10_000;

/** What a poll reads: `head` every poll (the newest lines), `deep` the rest of the late-arrival window, when the window is wider than the floor. */
export interface PollPlans {
  head: FetchPlan;
  deep?: FetchPlan;
}

interface StreamState {
  newest: number;
  /** Nothing older than this is remembered: a polled event below it was delivered before (or is later than the window allows). */
  floor: number;
  /** In arrival order, which is time order but for late lines. */
  slots: Map<string, Slot>;
  /** Late slots still held, and the floor of the last full pass over the slots. */
  late: number;
  scannedAt: number;
}

/**
 * Remembers what was delivered for as long as a re-query can return it again, per stream: each
 * stream has its own watermark (its newest timestamp), so a stream whose lines arrive minutes
 * late relative to the others (a stuck awslogs agent) is read from its own watermark - window.
 *
 * Identical lines (same stream, millisecond and text) are counted, not collapsed: a polled
 * event is matched by its id, and a Live Tail event (no id) to one polled event of the same
 * content, one for one. The state holds one entry per delivered line inside the window.
 *
 * The window follows the lateness observed (ingestionTime - timestamp): a stream whose lines
 * arrive in order within a second is re-read a floor deep, and one with lines minutes late as
 * far back as those were late, up to the configured maximum.
 */
export class DedupWindow {
  private readonly streams = new Map<string, StreamState>();
  /** Plans of queries in flight: what they return must still be recognised when it arrives. */
  private readonly pins: FetchPlan[] = [];
  private remembered = 0;
  /** The largest `size` so far (the bench prints it). */
  peak = 0;
  /** Largest lateness (ingestionTime - timestamp) per second of ingestion time. */
  private readonly lateness = new Map<number, number>();
  private newestBucket = Number.NEGATIVE_INFINITY;

  constructor(
    /** The configured maximum window; the window in force follows the lateness observed. */
    readonly maxWindowMs: number,
    /** Match Live Tail events (no eventId) with polled ones by content. */
    private readonly fingerprints = false,
    readonly floorMs = Math.min(WINDOW_FLOOR_MS, maxWindowMs),
  ) {}

  /**
   * How far behind each stream's newest line a re-query reaches: twice the largest lateness seen
   * over the last LATENESS_MEMORY_MS, at least the floor, at most the maximum. A source that says
   * nothing about ingestion (no ingestionTime) keeps the maximum.
   */
  get windowMs(): number {
    if (this.lateness.size === 0) return this.maxWindowMs;
    let max = 0;
    for (const m of this.lateness.values()) max = Math.max(max, m);
    return Math.min(this.maxWindowMs, Math.max(this.floorMs, max * 2));
  }

  private observe(e: LogEvent): void {
    if (e.ingestionTime !== undefined) this.observeLateness(e.ingestionTime - e.timestamp, e.ingestionTime);
  }

  /**
   * Lines `ms` behind the newest may still come, as seen at `at` (ingestion time): a Live Tail
   * update that was sampled left out lines of the whole span since the previous update.
   */
  observeLateness(ms: number, at: number): void {
    const bucket = Math.floor(at / BUCKET_MS);
    this.lateness.set(bucket, Math.max(this.lateness.get(bucket) ?? 0, ms));
    if (bucket <= this.newestBucket) return;
    this.newestBucket = bucket;
    for (const b of this.lateness.keys()) if (b <= bucket - LATENESS_MEMORY_MS / BUCKET_MS) this.lateness.delete(b);
  }

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
      if (!stream) this.streams.set(e.stream, (stream = { newest: e.timestamp, floor: Number.NEGATIVE_INFINITY, slots: new Map(), late: 0, scannedAt: Number.NEGATIVE_INFINITY }));
      // A polled line below the floor was delivered (and forgotten) before; Live Tail never repeats one.
      if (e.eventId !== undefined && e.timestamp < stream.floor) continue;
      const key = this.fingerprints || e.eventId === undefined ? fingerprint(e) : e.eventId;
      let slot = stream.slots.get(key);
      if (!slot) {
        slot = { timestamp: e.timestamp, ids: [], live: 0, late: e.timestamp < stream.newest };
        stream.slots.set(key, slot);
        if (slot.late) stream.late++;
      }
      const before = Math.max(slot.ids.length, slot.live);
      if (e.eventId === undefined) slot.live++;
      else if (!slot.ids.includes(e.eventId)) slot.ids.push(e.eventId);
      const after = Math.max(slot.ids.length, slot.live);
      if (after === before) continue;
      this.remembered += after - before;
      if (e.timestamp > stream.newest) stream.newest = e.timestamp;
      this.observe(e);
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
  plan(fallback: number, reach = this.windowMs): FetchPlan {
    const newest = this.watermark;
    const window = this.windowMs;
    const behind = new Map<string, number>();
    if (newest === undefined) return { since: fallback, behind };
    let since = newest - reach;
    for (const [name, s] of this.streams) {
      if (s.newest < newest - window) behind.set(name, Math.max(fallback, s.newest - window));
      else since = Math.min(since, s.newest - reach);
    }
    return { since: Math.max(fallback, since), behind };
  }

  /**
   * A poll in two parts, so that the newest lines never wait for a wide re-read: `head` reads the
   * floor behind each stream's newest line (and streams far behind from their own start), `deep`
   * the rest of the late-arrival window, up to where `head` starts. Together they read what `plan` does.
   */
  plans(fallback: number): PollPlans {
    const full = this.plan(fallback);
    // A window of a page or less is read in one query: a quiet stream costs one small call.
    if (this.remembered <= SPLIT_ABOVE) return { head: full };
    const head = this.plan(fallback, this.floorMs);
    if (full.since >= head.since) return { head };
    return { head, deep: { since: full.since, until: head.since - 1, behind: new Map() } };
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
    const window = this.windowMs;
    for (const [name, s] of this.streams) {
      let floor = s.newest - window;
      for (const p of this.pins) floor = Math.min(floor, p.behind.get(name) ?? p.since);
      if (floor <= s.floor) continue;
      s.floor = floor;
      // Forget from the oldest arrival until a slot is inside the window; late slots (behind newer
      // ones) are reached by a full pass, at most once per tenth of a window.
      const full = s.late > 0 && floor - s.scannedAt >= window / 10;
      if (full) s.scannedAt = floor;
      for (const [key, slot] of s.slots) {
        if (slot.timestamp >= floor) {
          if (full) continue;
          break;
        }
        this.remembered -= Math.max(slot.ids.length, slot.live);
        if (slot.late) s.late--;
        s.slots.delete(key);
      }
    }
  }
}
