import { AwsProblem } from '../aws/errors';
import { LiveTailEnded, LiveTailRefused, LogQueryRejected } from '../aws/logs';
import { DedupWindow, type FetchPlan, type LogEvent } from './dedup';
import { sleep } from './rateLimiter';

/** Events of a live session; `sampled` when the source left some out (a catch-up query fills them in). */
export interface LiveBatch {
  events: LogEvent[];
  sampled?: boolean;
}

/**
 * Where a tail reads from. CloudWatch is the first; the local stack's containers and
 * CodeBuild logs can implement the same three calls.
 */
export interface LogSource {
  /** Every event with timestamp >= `plan.since` (for a stream in `plan.behind`, >= its own start), all pages, in any order. */
  fetch(plan: FetchPlan, signal: AbortSignal): Promise<LogEvent[]>;
  /**
   * Opens a live session: resolves once it has started (so nothing after that moment is
   * missed), yields batches until it ends. Rejects with LiveTailRefused when not available.
   */
  live?(signal: AbortSignal): Promise<AsyncIterable<LiveBatch>>;
  /** Looks again at what to read (new tasks); returns one sentence per change, empty when none. */
  refresh?(signal: AbortSignal): Promise<string[]>;
}

export interface TailSink {
  /** New events, ordered by timestamp within the batch. */
  deliver(events: LogEvent[]): void;
  /** A sentence about the tail itself (mode, waiting, errors), shown in its channel. */
  notice(text: string): void;
  /** The tail has failed to read STUCK_AFTER times in a row (`error`, the last failure) and keeps trying; undefined once it reads again. */
  trouble?(error: unknown): void;
}

export interface TailOptions {
  /** Epoch ms: the first query starts here (now - startMinutes). */
  since: number;
  /** The largest late-arrival window: re-queries start at most this far behind each stream's watermark; dedup state spans the window. */
  windowMs?: number;
  pollMs?: number;
  refreshMs?: number;
  /** Try Live Tail first (when the source has it). */
  live?: boolean;
  /** After Live Tail failed, how long the tail polls before it tries Live Tail again. */
  liveRetryMs?: number;
}

export type TailMode = 'starting' | 'live' | 'polling' | 'waiting' | 'retrying' | 'stopped' | 'failed';

export const DEFAULT_WINDOW_MS = 120_000;
/** CloudWatch tails poll this often (the newest lines wait half of it on average); other sources every second. */
export const POLL_MS = 500;
/** A tail that fell back to polling tries Live Tail again this often. */
export const LIVE_RETRY_MS = 300_000;
/** Failed reads in a row after which the tail says, beyond its channel, that it cannot deliver. */
export const STUCK_AFTER = 5;
/** How long after a sampled Live Tail update the tail keeps filling in by query. */
const SAMPLED_FILL_MS = 5000;
const LIVE_START_MS = 10_000;
/** A Live Tail session that stayed up this long was healthy: its end does not count as a failure. */
const LIVE_HEALTHY_MS = 30_000;

/** A source's failure that passes (an engine restarting, a dropped socket): the tail retries. */
export class TransientSourceError extends Error {}

/** Something went wrong in the Live Tail path (starting a session, or its event stream); `cause` says what. */
class LiveFailure extends Error {
  constructor(readonly cause: unknown, readonly liveForMs: number) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

/** Failures no retry fixes: the tail stops and says why. Network, throttling, 5xx and missing groups are retried. */
const FATAL_KINDS = new Set(['accessDenied', 'noCredentials', 'ssoExpired', 'unknownProfile', 'invalidEndpoint', 'unsupported']);

function isFatal(err: unknown): boolean {
  if (err instanceof AwsProblem) return FATAL_KINDS.has(err.kind);
  return !(err instanceof TransientSourceError);
}

function duration(ms: number): string {
  return ms >= 60_000 ? `${Math.round(ms / 6000) / 10} min` : `${ms / 1000} s`;
}

/** The short reason of a Live Tail failure, for one sentence. */
function liveReason(err: unknown): string {
  const text = err instanceof LiveTailRefused ? `${err.reason}: ${err.message}` : err instanceof Error ? err.message : String(err);
  return text.replace(/\.$/, '');
}

/**
 * Follows a LogSource without losing or repeating a line: every query re-reads the
 * late-arrival window (per stream) and a bounded DedupWindow drops what was already delivered;
 * a live session is opened before the catch-up query, so the seam between them overlaps.
 *
 * Live Tail: a session that ends is reopened at once; a second failure in a row (or a refusal)
 * falls back to polling at once, says so once, and Live Tail is tried again every liveRetryMs.
 */
export class LogTail {
  readonly dedup: DedupWindow;
  mode: TailMode = 'starting';
  /** Why the tail failed (mode `failed`). */
  failure: unknown;
  private readonly controller = new AbortController();
  private readonly windowMs: number;
  private readonly pollMs: number;
  private readonly refreshMs: number;
  private readonly liveRetryMs: number;
  private lastRefresh = 0;
  private lastProblem = '';
  private readonly liveWanted: boolean;
  /** Live Tail failures since the last healthy session. */
  private liveFailures = 0;
  /** While polling after a Live Tail failure: when to try it again. */
  private liveRetryAt = 0;
  private readFailures = 0;
  private fillInFlight = false;
  /** The deep part of the late-arrival window being re-read, and when the next may start. */
  private deep: Promise<void> | undefined;
  private deepAt = 0;
  private deepFailed: { error: unknown } | undefined;
  /** A transient failure was said ("Retrying"); the next answer says the tail resumed. */
  readonly done: Promise<void>;

  constructor(private readonly source: LogSource, private readonly sink: TailSink, private readonly options: TailOptions) {
    this.windowMs = options.windowMs ?? DEFAULT_WINDOW_MS;
    this.pollMs = options.pollMs ?? 1000;
    this.refreshMs = options.refreshMs ?? 30_000;
    this.liveRetryMs = options.liveRetryMs ?? LIVE_RETRY_MS;
    this.liveWanted = Boolean(options.live && source.live);
    this.dedup = new DedupWindow(this.windowMs, this.liveWanted);
    this.lastRefresh = Date.now();
    this.done = this.run();
  }

  get stopped(): boolean {
    return this.controller.signal.aborted;
  }

  stop(): void {
    if (!this.stopped) this.controller.abort();
  }

  private get signal(): AbortSignal {
    return this.controller.signal;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.maybeRefresh();
        if (this.liveWanted && Date.now() >= this.liveRetryAt) await this.followLive();
        else {
          await this.catchUp();
          this.setMode('polling');
          await sleep(this.pollMs, this.signal);
        }
      } catch (err) {
        if (this.stopped) break;
        if (!(await this.handle(err))) {
          this.mode = 'failed';
          this.controller.abort();
          return;
        }
      }
    }
    if (this.mode !== 'failed') this.mode = 'stopped';
  }

  /** True to go on (after a pause when reading failed), false when the tail cannot continue. */
  private async handle(err: unknown): Promise<boolean> {
    // A missing group, a fatal problem or a rejected pattern is no Live Tail failure: polling would meet it too.
    const shared = (e: unknown) => (e instanceof AwsProblem && (FATAL_KINDS.has(e.kind) || e.kind === 'notFound')) || e instanceof LogQueryRejected;
    if (err instanceof LiveFailure && !shared(err.cause)) {
      this.liveFailed(err);
      return true;
    }
    const cause = err instanceof LiveFailure ? err.cause : err;
    const text = cause instanceof Error ? cause.message : String(cause);
    if (isFatal(cause)) {
      this.failure = cause;
      this.sink.notice(`Stopped: ${text}`);
      return false;
    }
    this.readFailures++;
    if (cause instanceof AwsProblem && cause.kind === 'notFound') {
      this.mode = 'waiting';
      if (text !== this.lastProblem) this.sink.notice(`Waiting: ${text} The tail starts as soon as it exists.`);
    } else {
      this.mode = 'retrying';
      if (text !== this.lastProblem) this.sink.notice(`${text} Retrying every ${Math.max(this.pollMs, 1000) / 1000} s.`);
      if (this.readFailures === STUCK_AFTER) {
        this.sink.notice(`No line could be read ${STUCK_AFTER} times in a row; the tail keeps trying. Check the network and the endpoint setting, or stop the tail.`);
        this.sink.trouble?.(cause);
      }
    }
    this.lastProblem = text;
    await sleep(Math.max(this.pollMs, 1000), this.signal).catch(() => undefined);
    return true;
  }

  /** A read succeeded: a tail that said it could not read says when it reads again, and that nothing is lost. */
  private readOk(): void {
    if (this.readFailures > 0 && this.mode !== 'waiting') {
      this.sink.notice(`Reading again at ${new Date().toISOString()}; the lines from the interruption follow, none lost or repeated.`);
      if (this.readFailures >= STUCK_AFTER) this.sink.trouble?.(undefined);
    }
    this.readFailures = 0;
    this.lastProblem = '';
  }

  /** Reopens a session after one failure; falls back to polling after a refusal or a second failure in a row. */
  private liveFailed(err: LiveFailure): void {
    const cause = err.cause;
    const timeout = cause instanceof LiveTailEnded && cause.timeout;
    if (err.liveForMs >= LIVE_HEALTHY_MS || timeout) {
      this.liveFailures = 0;
      this.liveRetryAt = 0;
    }
    if (!timeout) this.liveFailures++;
    const retrying = this.liveRetryAt > 0;
    if (cause instanceof LiveTailRefused || this.liveFailures >= 2) {
      this.liveRetryAt = Date.now() + this.liveRetryMs;
      // Said once: a later retry that fails again goes back to polling quietly.
      if (!retrying) {
        const what = cause instanceof LiveTailRefused ? `Live Tail is not available (${liveReason(cause)})` : `Live Tail failed again (${liveReason(cause)})`;
        this.sink.notice(`${what}; polling FilterLogEvents every ${duration(this.pollMs)} instead, and trying Live Tail again every ${duration(this.liveRetryMs)}.`);
      }
      this.mode = 'polling';
      return;
    }
    this.sink.notice(cause instanceof LiveTailEnded
      ? `Live Tail session ended (${cause.message}); resuming from ${new Date(this.dedup.plan(this.options.since).since).toISOString()} without gaps.`
      : `Live Tail failed (${liveReason(cause)}); trying once more.`);
  }

  private async maybeRefresh(force = false): Promise<boolean> {
    if (!this.source.refresh || (!force && Date.now() - this.lastRefresh < this.refreshMs)) return false;
    this.lastRefresh = Date.now();
    const changes = await this.source.refresh(this.signal);
    for (const c of changes) this.sink.notice(c);
    return changes.length > 0;
  }

  /**
   * Reads what arrived since the last read: the head (newest lines) now, and the deep rest of the
   * late-arrival window beside it, at most once per poll interval, so a wide window costs the
   * newest lines no latency. A deep read that failed fails the next catch-up (and is retried).
   * `whole` reads both parts before it returns (a Live Tail seam).
   */
  private async catchUp(whole = false): Promise<void> {
    const failed = this.deepFailed;
    this.deepFailed = undefined;
    if (failed) throw failed.error;
    const { head, deep } = this.dedup.plans(this.options.since);
    if (whole) {
      // At a Live Tail seam nothing follows to retry a failed deep read: both parts are read before the session counts as live.
      await Promise.all([this.read(head), deep && this.read(deep)]);
      this.readOk();
      return;
    }
    const newest = this.read(head);
    if (deep && !this.deep && Date.now() >= this.deepAt) {
      this.deepAt = Date.now() + this.pollMs;
      this.deep = this.read(deep)
        .catch((error: unknown) => { this.deepFailed = { error }; })
        .finally(() => { this.deep = undefined; });
    }
    await newest;
    if (!this.deepFailed) this.readOk();
  }

  /** One query; its plan is pinned while it runs, and released before its answer is admitted (which checks against the floor as it was). */
  private async read(plan: FetchPlan): Promise<void> {
    const release = this.dedup.pin(plan);
    let events: LogEvent[];
    try {
      events = await this.source.fetch(plan, this.signal);
    } finally {
      release();
    }
    this.deliver(events);
  }

  private deliver(events: LogEvent[]): void {
    if (events.length === 0) return;
    const fresh = this.dedup.admit(events);
    if (fresh.length === 0) return;
    this.sink.deliver(fresh);
  }

  private setMode(mode: TailMode): void {
    if (this.mode === mode) return;
    const was = this.mode;
    this.mode = mode;
    if (mode === 'live') this.sink.notice(this.liveRetryAt > 0 ? 'Live Tail connected again.' : 'Live Tail connected.');
    // A fallback from Live Tail has said already that it polls; a source that cannot follow live (Docker) has no mode worth naming.
    if (mode === 'polling' && this.source.live && !this.liveWanted && (was === 'starting' || was === 'waiting')) this.sink.notice(`Polling every ${this.pollMs / 1000} s.`);
  }

/** Opens a session, or gives up after LIVE_START_MS (a session that never starts is a refusal). */
  private async startLive(session: AbortController): Promise<AsyncIterable<LiveBatch>> {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      session.abort();
    }, LIVE_START_MS);
    try {
      return await this.source.live!(session.signal);
    } catch (err) {
      if (timedOut) throw new LiveTailRefused(`no session started within ${LIVE_START_MS / 1000} s`, 'timeout');
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  /** One live session: opened first, then the catch-up query, then the buffered live events. */
  private async followLive(): Promise<void> {
    const session = new AbortController();
    const stopSession = () => session.abort();
    this.signal.addEventListener('abort', stopSession, { once: true });
    const refresher = setInterval(() => {
      // New tasks can need another stream filter: end this session, the loop opens a wider one.
      this.maybeRefresh().then((changed) => changed && session.abort(), () => undefined);
    }, Math.min(this.refreshMs, 30_000));
    let sampledUntil = 0;
    const filler = setInterval(() => {
      // Live Tail sends a sample above 500 events a second: re-query what it left out.
      if (Date.now() < sampledUntil && !this.fillInFlight) {
        this.fillInFlight = true;
        this.catchUp().catch(() => undefined).finally(() => { this.fillInFlight = false; });
      }
    }, this.pollMs);
    try {
      // The first catch-up runs before the session: it shows the backlog at once and surfaces a
      // rejected filter pattern, a denied permission or a missing group through the plain query path.
      if (this.dedup.watermark === undefined) await this.catchUp(true);
      const batches = await this.startLive(session).catch((err: unknown) => {
        throw this.stopped ? err : new LiveFailure(err, 0);
      });
      let buffer: LogEvent[][] | undefined = [];
      const pump = (async () => {
        let previous = Date.now();
        for await (const batch of batches) {
          const now = Date.now();
          if (batch.sampled) {
            sampledUntil = now + SAMPLED_FILL_MS;
            // What the sample left out spans the time since the previous update: the fill reads that far back.
            const times = batch.events.map((e) => e.timestamp);
            const at = Math.max(...batch.events.map((e) => e.ingestionTime ?? now));
            if (times.length) this.dedup.observeLateness(now - previous + Math.max(...times) - Math.min(...times), at);
          }
          previous = now;
          if (buffer) buffer.push(batch.events);
          else this.deliver(batch.events);
        }
      })();
      const pumped = pump.then(() => undefined, (err: unknown) => err);
      await this.catchUp(true);
      for (const b of buffer) this.deliver(b);
      buffer = undefined;
      this.setMode('live');
      const liveSince = Date.now();
      const ended = await pumped;
      if (ended && !session.signal.aborted) throw new LiveFailure(ended, Date.now() - liveSince);
    } finally {
      clearInterval(filler);
      clearInterval(refresher);
      this.signal.removeEventListener('abort', stopSession);
      session.abort();
    }
  }
}
