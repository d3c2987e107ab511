import { AwsProblem } from '../aws/errors';
import { LiveTailEnded, LiveTailRefused } from '../aws/logs';
import { DedupWindow, type LogEvent } from './dedup';
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
  /** Every event with timestamp >= `since`, all pages, in any order. */
  fetch(since: number, signal: AbortSignal): Promise<LogEvent[]>;
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
}

export interface TailOptions {
  /** Epoch ms: the first query starts here (now - startMinutes). */
  since: number;
  /** Late-arrival window: re-queries start at watermark - window; dedup state spans it. */
  windowMs?: number;
  pollMs?: number;
  refreshMs?: number;
  /** Try Live Tail first (when the source has it). */
  live?: boolean;
}

export type TailMode = 'starting' | 'live' | 'polling' | 'waiting' | 'stopped' | 'failed';

export const DEFAULT_WINDOW_MS = 120_000;
/** How long after a sampled Live Tail update the tail keeps filling in by query. */
const SAMPLED_FILL_MS = 5000;
const LIVE_START_MS = 10_000;

/** A source's failure that passes (an engine restarting, a dropped socket): the tail retries. */
export class TransientSourceError extends Error {}

/** Failures no retry fixes: the tail stops and says why. Network, throttling, 5xx and missing groups are retried. */
const FATAL_KINDS = new Set(['accessDenied', 'noCredentials', 'ssoExpired', 'unknownProfile', 'invalidEndpoint', 'unsupported']);

/**
 * Follows a LogSource without losing or repeating a line: every query re-reads the
 * late-arrival window and a bounded DedupWindow drops what was already delivered; a live
 * session is opened before the catch-up query, so the seam between them overlaps.
 */
export class LogTail {
  readonly dedup: DedupWindow;
  mode: TailMode = 'starting';
  private readonly controller = new AbortController();
  private readonly windowMs: number;
  private readonly pollMs: number;
  private readonly refreshMs: number;
  private lastRefresh = 0;
  private lastProblem = '';
  private liveAllowed: boolean;
  private fillInFlight = false;
  /** A transient failure was said ("Retrying"); the next answer says the tail resumed. */
  private interrupted = false;
  readonly done: Promise<void>;

  constructor(private readonly source: LogSource, private readonly sink: TailSink, private readonly options: TailOptions) {
    this.windowMs = options.windowMs ?? DEFAULT_WINDOW_MS;
    this.pollMs = options.pollMs ?? 1000;
    this.refreshMs = options.refreshMs ?? 30_000;
    this.liveAllowed = Boolean(options.live && source.live);
    this.dedup = new DedupWindow(this.windowMs, this.liveAllowed);
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
        if (this.liveAllowed) await this.followLive();
        else {
          await this.catchUp();
          this.setMode('polling');
          await sleep(this.pollMs, this.signal);
        }
        this.lastProblem = '';
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

  /** True to go on (after a pause), false when the tail cannot continue. */
  private async handle(err: unknown): Promise<boolean> {
    if (err instanceof LiveTailRefused) {
      this.liveAllowed = false;
      this.sink.notice(`Live Tail is not available (${err.reason}: ${err.message}); polling FilterLogEvents every ${this.pollMs / 1000} s instead.`);
      return true;
    }
    if (err instanceof LiveTailEnded) {
      this.sink.notice(`Live Tail session ended (${err.message}); resuming from ${new Date(this.dedup.requeryFrom(this.options.since)).toISOString()} without gaps.`);
      return true;
    }
    const problem = err instanceof AwsProblem ? err : undefined;
    const text = err instanceof Error ? err.message : String(err);
    if (problem ? FATAL_KINDS.has(problem.kind) : !(err instanceof TransientSourceError)) {
      this.sink.notice(`Stopped: ${text}`);
      return false;
    }
    if (problem?.kind === 'notFound') {
      this.mode = 'waiting';
      if (text !== this.lastProblem) this.sink.notice(`Waiting: ${text} The tail starts as soon as it exists.`);
    } else {
      this.interrupted = true;
      if (text !== this.lastProblem) this.sink.notice(`${text} Retrying.`);
    }
    this.lastProblem = text;
    await sleep(Math.max(this.pollMs, 1000), this.signal).catch(() => undefined);
    return true;
  }

  private async maybeRefresh(force = false): Promise<boolean> {
    if (!this.source.refresh || (!force && Date.now() - this.lastRefresh < this.refreshMs)) return false;
    this.lastRefresh = Date.now();
    const changes = await this.source.refresh(this.signal);
    for (const c of changes) this.sink.notice(c);
    return changes.length > 0;
  }

  private async catchUp(): Promise<void> {
    const from = this.dedup.requeryFrom(this.options.since);
    const release = this.dedup.pin(from);
    try {
      const events = await this.source.fetch(from, this.signal);
      if (this.interrupted) {
        this.interrupted = false;
        this.sink.notice(`Resumed at ${new Date().toISOString()}; the lines from the interruption follow, none lost or repeated.`);
      }
      this.deliver(events);
    } finally {
      release();
    }
  }

  private deliver(events: LogEvent[]): void {
    if (events.length === 0) return;
    const fresh = this.dedup.admit(events);
    if (fresh.length === 0) return;
    this.sink.deliver(fresh);
  }

  private setMode(mode: TailMode): void {
    if (this.mode === mode) return;
    this.mode = mode;
    if (mode === 'live') this.sink.notice('Live Tail connected.');
    // Only a source that could follow live (CloudWatch) has a mode worth naming.
    if (mode === 'polling' && this.source.live) this.sink.notice(`Polling every ${this.pollMs / 1000} s.`);
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
      if (this.dedup.watermark === undefined) await this.catchUp();
      const batches = await this.startLive(session);
      let buffer: LogEvent[][] | undefined = [];
      const pump = (async () => {
        for await (const batch of batches) {
          if (batch.sampled) sampledUntil = Date.now() + SAMPLED_FILL_MS;
          if (buffer) buffer.push(batch.events);
          else this.deliver(batch.events);
        }
      })();
      const pumped = pump.then(() => undefined, (err: unknown) => err);
      await this.catchUp();
      for (const b of buffer) this.deliver(b);
      buffer = undefined;
      this.setMode('live');
      const ended = await pumped;
      if (ended && !session.signal.aborted) throw ended;
    } finally {
      clearInterval(filler);
      clearInterval(refresher);
      this.signal.removeEventListener('abort', stopSession);
      session.abort();
    }
  }
}
