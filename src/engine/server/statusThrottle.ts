// Rate limit for status notifications: the loop reports NEW many times a second early in a run.
import type { StatusParams } from '../../protocol/messages';

/** Tags that always go out at once: a finding or the end of a run must never wait. */
const URGENT: ReadonlySet<StatusParams['tag']> = new Set(['UNIQUE', 'CRASH', 'DONE']);

/**
 * Lets through at most one routine status (NEW, pulse) per interval; a held-back one is kept
 * (only the newest) and handed out by `due()` once its interval has passed, so the last numbers
 * always reach the client.
 */
export class StatusThrottle {
  private last = Number.NEGATIVE_INFINITY;
  private pending: StatusParams | undefined;

  constructor(private readonly minIntervalMs: number) {}

  /** The status to send now, or undefined when it is held back. */
  offer(status: StatusParams, now: number): StatusParams | undefined {
    if (URGENT.has(status.tag) || now - this.last >= this.minIntervalMs) {
      this.last = now;
      this.pending = undefined;
      return status;
    }
    this.pending = status;
    return undefined;
  }

  /** A held-back status whose interval has passed (called from a timer). */
  due(now: number): StatusParams | undefined {
    if (this.pending === undefined || now - this.last < this.minIntervalMs) return undefined;
    const p = this.pending;
    this.pending = undefined;
    this.last = now;
    return p;
  }

  /** True when nothing went out for `ms`: time for a pulse with fresh numbers. */
  quietFor(ms: number, now: number): boolean {
    return this.pending === undefined && now - this.last >= ms;
  }
}
