// Time as a dependency: everything that reads the time or waits for it gets a Clock, so tests
// can drive code expiry and drafting expiry with a manual clock instead of sleeping.

/** Cancels a scheduled callback; calling it twice is harmless. */
export type CancelTimer = () => void;

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Runs `callback` once, `delayMs` from now. */
  schedule(delayMs: number, callback: () => void): CancelTimer;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  schedule(delayMs, callback) {
    const timer = setTimeout(callback, delayMs);
    // A pending expiry must never keep the process alive on shutdown.
    timer.unref();
    return () => clearTimeout(timer);
  },
};

interface ScheduledCallback {
  dueAt: number;
  order: number;
  callback: () => void;
}

/** A clock that only moves when told to: `advance(ms)` runs what falls due, in order. */
export class ManualClock implements Clock {
  #now: number;
  #scheduled = new Set<ScheduledCallback>();
  #order = 0;

  constructor(startAt = Date.UTC(2025, 0, 1, 9, 0, 0)) {
    this.#now = startAt;
  }

  now(): number {
    return this.#now;
  }

  schedule(delayMs: number, callback: () => void): CancelTimer {
    const entry: ScheduledCallback = {
      dueAt: this.#now + Math.max(0, delayMs),
      order: this.#order++,
      callback,
    };
    this.#scheduled.add(entry);
    return () => {
      this.#scheduled.delete(entry);
    };
  }

  /** Moves time forward, running every callback that falls due on the way. */
  advance(ms: number): void {
    const target = this.#now + ms;
    for (;;) {
      const next = this.#nextDue(target);
      if (!next) break;
      this.#scheduled.delete(next);
      this.#now = next.dueAt;
      next.callback();
    }
    this.#now = target;
  }

  /** How many callbacks are waiting (tests use it to check timers are cleaned up). */
  get pendingCount(): number {
    return this.#scheduled.size;
  }

  #nextDue(limit: number): ScheduledCallback | undefined {
    let next: ScheduledCallback | undefined;
    for (const entry of this.#scheduled) {
      if (entry.dueAt > limit) continue;
      if (
        !next ||
        entry.dueAt < next.dueAt ||
        (entry.dueAt === next.dueAt && entry.order < next.order)
      ) {
        next = entry;
      }
    }
    return next;
  }
}
