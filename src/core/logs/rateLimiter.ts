/**
 * Spaces calls so that at most `perSecond` start in any one-second span. CloudWatch's
 * FilterLogEvents quota (5 TPS in many regions) is per account and region, so every tail
 * of the extension shares one limiter.
 */
export class RateLimiter {
  private readonly starts: number[] = [];
  private queue: Promise<void> = Promise.resolve();

  constructor(readonly perSecond: number, private readonly now: () => number = Date.now) {}

  take(signal?: AbortSignal): Promise<void> {
    const turn = this.queue.then(() => this.wait(signal));
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private async wait(signal?: AbortSignal): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      const t = this.now();
      while (this.starts.length && this.starts[0] <= t - 1000) this.starts.shift();
      if (this.starts.length < this.perSecond) {
        this.starts.push(t);
        return;
      }
      await sleep(this.starts[0] + 1000 - t + 1, signal);
    }
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
