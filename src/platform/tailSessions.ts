import * as vscode from 'vscode';
import type { StreamSet } from '../core/logs/ecsStreams';
import { CloudWatchLogSource, type StreamResolver } from '../core/logs/cloudWatchSource';
import { formatLine, formatMessage, formatNotice } from '../core/logs/format';
import { LogTail, POLL_MS, type LogSource, type TailOptions } from '../core/logs/logTail';
import type { LogEvent } from '../core/logs/dedup';
import { RateLimiter } from '../core/logs/rateLimiter';
import { LiveTailSlots } from '../core/logs/liveSlots';
import type { Logger } from '../core/log';
import type { AwsSession } from './aws';
import { describeFailure } from './errors';
import { readSettings } from './settings';

/** CloudWatch's FilterLogEvents quota is 5 TPS per account and region: all tails share it. */
const FILTER_TPS = 5;
/** Lines kept per tail for `lines` (tests, the quick pick's counts); the channel keeps them all. */
const KEPT_LINES = 20_000;

/** One running tail: its channel, its LogTail, and what it delivered. */
export class TailSession {
  readonly lines: string[] = [];
  private tail: LogTail | undefined;
  private recent: number[] = [];
  filterPattern = '';
  /** Calls to the channel's append: each delivered batch is one (the bench prints it). */
  appends = 0;
  /** Whether a CloudWatch filter pattern applies (CloudWatch tails); other sources have none. */
  filterable = false;

  constructor(
    readonly key: string,
    readonly title: string,
    readonly channel: vscode.OutputChannel,
    private readonly start: (session: TailSession) => LogTail,
    /** Called when the tail stopped on a failure no retry fixes; the channel holds the reason. */
    private readonly failed: (session: TailSession) => void,
  ) {}

  private disposed = false;

  get mode(): string {
    return this.tail?.mode ?? 'stopped';
  }

  get running(): boolean {
    return Boolean(this.tail && !this.tail.stopped);
  }

  /** Why the tail stopped on its own (mode `failed`). */
  get failure(): unknown {
    return this.tail?.failure;
  }

  /** Events per second over the last 5 seconds. */
  rate(now = Date.now()): number {
    this.recent = this.recent.filter((t) => t > now - 5000);
    return this.recent.length / 5;
  }

  run(): void {
    const tail = this.start(this);
    this.tail = tail;
    void tail.done.then(() => {
      if (tail.mode === 'failed' && this.tail === tail) this.failed(this);
    });
  }

  append(text: string[], counted: boolean): void {
    if (text.length === 0 || this.disposed) return;
    this.channel.append(`${text.join('\n')}\n`);
    this.appends++;
    for (const t of text) this.lines.push(t);
    if (this.lines.length > KEPT_LINES) this.lines.splice(0, this.lines.length - KEPT_LINES);
    if (counted) {
      const now = Date.now();
      for (let i = 0; i < text.length; i++) this.recent.push(now);
    }
  }

  lastNotice = '';

  notice(text: string): void {
    this.lastNotice = text;
    this.append([formatNotice(text, new Date())], false);
  }

  async stop(): Promise<void> {
    const tail = this.tail;
    if (!tail) return;
    tail.stop();
    await tail.done;
  }

  /** Stops the tail and releases its channel and lines. */
  dispose(): void {
    this.disposed = true;
    this.tail?.stop();
    this.channel.dispose();
    this.lines.length = 0;
    this.recent = [];
  }
}

/** Language of the tail channels; media/airflow-ecs-log.tmLanguage.json colours it. */
export const LANGUAGE_ID = 'airflow-ecs-log';
/** Context key: true while at least one tail runs (palette entries of stop/filter/clear). */
export const ACTIVE_KEY = 'airflowEcs.logs.active';

/** The log feature's commands a tail's status item and warnings offer. */
export interface TailCommands {
  stop: string;
  filter: string;
}

/** Every tail of the window, their channels and the status bar item that counts them. */
export class TailSessions implements vscode.Disposable {
  private readonly sessions = new Map<string, TailSession>();
  private readonly limiter = new RateLimiter(FILTER_TPS);
  /** Live Tail sessions open across all tails: the account allows 15, the rest poll. */
  readonly liveSlots = new LiveTailSlots();
  private readonly status: vscode.StatusBarItem;
  private ticker: NodeJS.Timeout | undefined;

  constructor(private readonly session: AwsSession, private readonly logger: Logger, private readonly commands: TailCommands) {
    this.status = vscode.window.createStatusBarItem('airflowEcs.logs.status', vscode.StatusBarAlignment.Left, 50);
    this.status.name = 'Airflow on ECS: Log Tails';
    this.status.command = commands.stop;
  }

  /** Every tail whose channel is open: running ones and those that stopped on a failure. */
  list(): TailSession[] {
    return [...this.sessions.values()];
  }

  /** The tails that run (the status bar counts these). */
  running(): TailSession[] {
    return this.list().filter((s) => s.running);
  }

  find(key: string): TailSession | undefined {
    return this.sessions.get(key);
  }

  /**
   * Starts a tail on streams already resolved (so a scope that cannot be tailed fails before a
   * channel opens). `from` sets where it starts (else the start-minutes setting), the channel
   * name (else `Logs: <title>`) and drops the stream prefix of each line (one stream).
   */
  async start(key: string, title: string, resolver: StreamResolver, sets: StreamSet[], firstNotes: string[], from?: { since: number; channelName: string }): Promise<TailSession> {
    const logs = await this.session.logs();
    return this.open(key, title, from?.channelName ?? `Logs: ${title}`, from ? formatMessage : formatLine, firstNotes, (s) => {
      s.filterable = true;
      const settings = readSettings().logs;
      const since = from?.since ?? Date.now() - settings.startMinutes * 60_000;
      return {
        source: new CloudWatchLogSource(logs, resolver, this.limiter, s.filterPattern, sets, this.liveSlots),
        note: `Tailing ${title} from ${from ? new Date(since).toISOString() : `${settings.startMinutes} minutes ago`}${s.filterPattern ? ` with filter pattern ${s.filterPattern}` : ''}.`,
        options: { since, live: settings.liveTail, pollMs: POLL_MS },
      };
    });
  }

  /** Tails fixed streams (a CodeBuild build's), from `since`, in a channel named `channelName`. */
  startStreams(key: string, title: string, sets: StreamSet[], since: number, channelName: string): Promise<TailSession> {
    const resolver: StreamResolver = { resolve: async () => ({ sets, changes: [] }) };
    return this.start(key, title, resolver, sets, [], { since, channelName });
  }

  /**
   * Tails any other LogSource (the local stack's containers) from the start-minutes setting, each
   * line written by `format`. A source given as a function is built again on every restart (one
   * that reads from a position of its own, an Airflow task log); `note` replaces the first notice.
   */
  startSource(key: string, title: string, source: LogSource | (() => LogSource), format: (e: LogEvent) => string, channelName: string, options: Partial<TailOptions> = {}, note?: string): TailSession {
    return this.open(key, title, channelName, format, [], () => {
      const minutes = readSettings().logs.startMinutes;
      return { source: typeof source === 'function' ? source() : source, note: note ?? `Tailing ${title} from ${minutes} minutes ago.`, options: { since: Date.now() - minutes * 60_000, ...options } };
    });
  }

  /** Opens the channel and runs a tail whose source `prepare` builds (again on every restart). */
  private open(key: string, title: string, channelName: string, format: (e: LogEvent) => string, firstNotes: string[], prepare: (s: TailSession) => { source: LogSource; note: string; options: TailOptions }): TailSession {
    // A tail of the same thing that stopped on a failure gives way to the fresh one, channel and all.
    this.sessions.get(key)?.dispose();
    const channel = vscode.window.createOutputChannel(channelName, LANGUAGE_ID);
    const tailSession = new TailSession(key, title, channel, (s) => {
      const { source, note, options } = prepare(s);
      s.notice(note);
      return new LogTail(source, {
        deliver: (events) => s.append(events.map(format), true),
        notice: (text) => {
          this.logger.info(`Logs: ${title}: ${text}`);
          s.notice(text);
        },
        trouble: (error) => {
          this.changed();
          if (error !== undefined) void this.reportTrouble(s, error);
        },
      }, options);
    }, (s) => {
      this.changed();
      void this.reportFailure(s);
    });
    this.sessions.set(key, tailSession);
    for (const n of firstNotes) tailSession.notice(n);
    tailSession.run();
    channel.show(true);
    this.changed();
    return tailSession;
  }

  /**
   * Runs a tail again in its channel (a stopped one too), with another CloudWatch filter
   * pattern (empty: none). The tail reads its start minutes again, so the seam is marked.
   */
  async restart(s: TailSession, filterPattern = s.filterPattern): Promise<void> {
    await s.stop();
    if (filterPattern !== s.filterPattern) s.notice(`Filter changed: ${filterPattern || 'none, every line'}. The lines below are read again from the start.`);
    else s.notice('Restarted. The lines below are read again from the start.');
    s.filterPattern = filterPattern;
    s.run();
    this.changed();
  }

  /** A tail that stopped on its own says why in a message too, with the next steps. */
  private async reportFailure(s: TailSession): Promise<void> {
    const { message, actions } = describeFailure(s.failure ?? s.lastNotice.replace(/^Stopped: /, ''));
    const own = ['Show Log Tail', 'Restart Tail', ...(s.filterable ? ['Change Filter'] : [])];
    const answer = await vscode.window.showErrorMessage(`The log tail of ${s.title} stopped: ${message}`, ...actions.map((a) => a.title).filter((t) => t !== 'Show Log'), ...own);
    if (answer === 'Show Log Tail') s.channel.show();
    else if (answer === 'Restart Tail') await this.restart(s);
    else if (answer === 'Change Filter') await vscode.commands.executeCommand(this.commands.filter, s.key);
    else await actions.find((a) => a.title === answer)?.run();
  }

  /** A running tail that cannot read says so once per streak, beyond its channel. */
  private async reportTrouble(s: TailSession, error: unknown): Promise<void> {
    const { message, actions } = describeFailure(error);
    const answer = await vscode.window.showWarningMessage(
      `The log tail of ${s.title} cannot read its logs: ${message} It keeps trying.`,
      ...actions.map((a) => a.title).filter((t) => t !== 'Show Log'), 'Show Log Tail', 'Stop Tail',
    );
    if (answer === 'Show Log Tail') s.channel.show();
    else if (answer === 'Stop Tail') await this.stop(s);
    else await actions.find((a) => a.title === answer)?.run();
  }

  /** Stops a tail for good: its channel is closed and its lines released. */
  async stop(s: TailSession): Promise<void> {
    if (this.sessions.get(s.key) === s) this.sessions.delete(s.key);
    await s.stop();
    s.dispose();
    this.changed();
  }

  /**
   * Stops following but keeps the channel open for its owner (a finished build's log), who
   * disposes it later; the tail leaves the list and the status bar.
   */
  async release(s: TailSession): Promise<void> {
    if (this.sessions.get(s.key) === s) this.sessions.delete(s.key);
    await s.stop();
    s.notice('Tail stopped.');
    this.changed();
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.list().map((s) => this.stop(s)));
  }

  private changed(): void {
    const active = this.running().length > 0;
    void vscode.commands.executeCommand('setContext', ACTIVE_KEY, active);
    if (active && !this.ticker) this.ticker = setInterval(() => this.render(), 1000);
    if (!active && this.ticker) {
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
    this.render();
  }

  private render(): void {
    const all = this.running();
    if (all.length === 0) {
      this.status.hide();
      return;
    }
    const rate = all.reduce((n, s) => n + s.rate(), 0);
    const stuck = all.filter((s) => s.mode === 'retrying').length;
    const count = `${all.length} ${all.length === 1 ? 'tail' : 'tails'}`;
    this.status.text = stuck ? `$(warning) ${count} · ${stuck} not reading` : `$(output) ${count} · ${rate.toFixed(rate < 10 ? 1 : 0)}/s`;
    this.status.tooltip = `${this.list().map((s) => `${s.title}: ${s.mode}`).join('\n')}\nClick to stop a tail.`;
    this.status.show();
  }

  dispose(): void {
    if (this.ticker) clearInterval(this.ticker);
    for (const s of this.sessions.values()) s.dispose();
    this.sessions.clear();
    this.status.dispose();
  }
}
