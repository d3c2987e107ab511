import { LiveTailRefused } from '../aws/logs';

/** CloudWatch allows 15 concurrent Live Tail sessions per account and region. */
export const LIVE_SESSIONS_MAX = 15;

/**
 * Counts the Live Tail sessions open across every tail of the extension, so that the 16th tail
 * polls instead of meeting LimitExceededException (which would also refuse the user's other tools).
 */
export class LiveTailSlots {
  private used = 0;

  constructor(readonly max = LIVE_SESSIONS_MAX) {}

  get inUse(): number {
    return this.used;
  }

  /** Takes a slot for one session; the returned release gives it back (once, however often called). Throws LiveTailRefused when all are taken. */
  acquire(): () => void {
    if (this.used >= this.max) {
      throw new LiveTailRefused(`all ${this.max} Live Tail sessions CloudWatch allows per account are in use by other tails`, 'session limit');
    }
    this.used++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.used--;
    };
  }
}
