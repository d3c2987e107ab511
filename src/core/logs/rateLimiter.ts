/** A start holds its slot a little over a second: the server sees a call a few ms after it starts here. */
const SPAN_MS = 1005;

interface Waiter {
  urgent: boolean;
  resolve(): void;
  reject(reason: unknown): void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

/**
 * Spaces calls so that at most `perSecond` start in any one-second span. CloudWatch's
 * FilterLogEvents quota (5 TPS in many regions) is per account and region, so every tail
 * of the extension shares one limiter. Turns go round the owners (one per tail) that are
 * waiting, one call each, so a tail reading a deep backlog cannot starve the others.
 */
export class RateLimiter {
  private readonly starts: number[] = [];
  /** Waiting calls per owner; the Map's order is the rotation (an owner served goes to the back). */
  private readonly queues = new Map<object, Waiter[]>();
  private timer: NodeJS.Timeout | undefined;

  constructor(readonly perSecond: number, private readonly now: () => number = Date.now) {}

  /**
   * Resolves when the call may start; `owner` is whose turn it is (calls without one share a
   * turn). An `urgent` call (a tail's newest lines) goes before its owner's other waiting calls.
   */
  take(signal?: AbortSignal, owner: object = this, urgent = false): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const waiter: Waiter = { urgent, resolve, reject, signal };
      let queue = this.queues.get(owner);
      if (!queue) this.queues.set(owner, (queue = []));
      const at = urgent ? queue.findIndex((w) => !w.urgent) : -1;
      if (at >= 0) queue.splice(at, 0, waiter);
      else queue.push(waiter);
      if (signal) {
        waiter.onAbort = () => {
          const q = this.queues.get(owner);
          const at = q?.indexOf(waiter) ?? -1;
          if (q && at >= 0) q.splice(at, 1);
          if (q?.length === 0) this.queues.delete(owner);
          reject(signal.reason);
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.pump();
    });
  }

  /** Calls waiting now, all owners (the bench prints it). */
  get waiting(): number {
    let n = 0;
    for (const q of this.queues.values()) n += q.length;
    return n;
  }

  private pump(): void {
    const t = this.now();
    while (this.starts.length && this.starts[0] <= t - SPAN_MS) this.starts.shift();
    while (this.queues.size > 0 && this.starts.length < this.perSecond) {
      const [owner, queue] = this.queues.entries().next().value as [object, Waiter[]];
      const waiter = queue.shift()!;
      this.queues.delete(owner);
      if (queue.length > 0) this.queues.set(owner, queue);
      if (waiter.onAbort) waiter.signal?.removeEventListener('abort', waiter.onAbort);
      this.starts.push(t);
      waiter.resolve();
    }
    if (this.queues.size > 0 && !this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.pump();
      }, this.starts[0] + SPAN_MS - t + 1);
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
