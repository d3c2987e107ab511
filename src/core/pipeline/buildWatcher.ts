import type { Build, CodeBuildApi } from '../aws/codebuild';
import type { Logger } from '../log';
import { isDone } from './buildModel';

export interface WatcherTiming {
  minMs: number;
  maxMs: number;
  /** Wait between polls; injected so tests and the bench run on their own clock. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export const DEFAULT_TIMING: WatcherTiming = {
  minMs: 2000,
  maxMs: 10_000,
  sleep: (ms, signal) => new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
  }),
};

/** A fingerprint of what the user sees change: status and the phases' states. */
function signature(b: Build): string {
  return `${b.buildStatus}|${(b.phases ?? []).map((p) => `${p.phaseType}:${p.phaseStatus ?? ''}`).join(',')}`;
}

/**
 * Watches any number of builds with one BatchGetBuilds per 100 ids per round. Polls from
 * 2 s, backing off to 10 s while nothing changes; stops when nothing is watched.
 */
export class BuildWatcher {
  private readonly watched = new Map<string, string>();
  private loop: Promise<void> | undefined;
  private wake = new AbortController();
  private disposed = false;

  constructor(
    private readonly api: () => Promise<CodeBuildApi>,
    private readonly onChange: (build: Build) => void,
    private readonly onDone: (build: Build) => void,
    private readonly logger: Logger,
    private readonly timing: WatcherTiming = DEFAULT_TIMING,
    private readonly onWatchedChanged: (ids: string[]) => void = () => undefined,
    /** A watched build CodeBuild no longer knows (`buildsNotFound`): no longer watched. */
    private readonly onGone: (id: string) => void = () => undefined,
  ) {}

  get ids(): string[] {
    return [...this.watched.keys()];
  }

  watch(id: string): void {
    if (this.watched.has(id) || this.disposed) return;
    this.watched.set(id, '');
    this.onWatchedChanged(this.ids);
    this.poke();
  }

  unwatch(id: string): void {
    if (this.watched.delete(id)) this.onWatchedChanged(this.ids);
  }

  /** Polls now instead of at the end of the current wait. */
  poke(): void {
    this.wake.abort();
    this.loop ??= this.run().finally(() => {
      this.loop = undefined;
      if (this.watched.size && !this.disposed) this.poke();
    });
  }

  dispose(): void {
    this.disposed = true;
    this.watched.clear();
    this.wake.abort();
  }

  private async run(): Promise<void> {
    let delay = this.timing.minMs;
    while (this.watched.size && !this.disposed) {
      this.wake = new AbortController();
      let changed = false;
      try {
        const api = await this.api();
        const asked = this.ids;
        const builds = await api.getBuilds(asked);
        // BatchGetBuilds leaves out the ids it does not know (its buildsNotFound): asking again never helps.
        const returned = new Set(builds.map((b) => b.id));
        for (const id of asked.filter((i) => !returned.has(i) && this.watched.has(i))) {
          this.unwatch(id);
          this.onGone(id);
        }
        for (const build of builds) {
          const id = build.id ?? '';
          const sig = signature(build);
          if (this.watched.get(id) === sig) continue;
          changed = true;
          this.watched.set(id, sig);
          this.onChange(build);
          if (isDone(build)) {
            this.unwatch(id);
            this.onDone(build);
          }
        }
      } catch (err) {
        // A dropped network is ridden out: the next round asks again, from the slowest pace.
        this.logger.warn(`Pipeline: could not read build status (${err instanceof Error ? err.message : String(err)}); retrying.`);
        delay = this.timing.maxMs;
      }
      if (!this.watched.size || this.disposed) break;
      // A poke during the round (a build started or stopped meanwhile) means: ask again now.
      const poked = this.wake.signal.aborted;
      delay = changed || poked ? this.timing.minMs : Math.min(this.timing.maxMs, Math.round(delay * 1.5));
      if (!poked) await this.timing.sleep(delay, this.wake.signal);
    }
  }
}
