// Drafting signals with expiry: a draft shows until 6 s after the drafter's last
// `isDrafting: true`, or until they stop or send. Expiry is computed from the clock on every
// read (so a stale entry never shows) and also scheduled, so members hear when it lapses.
import type { CancelTimer, Clock } from '../clock.ts';
import { Limits } from '../protocol.ts';
import type { DraftEntry, DraftingStore } from './types.ts';

/** The ids shown as drafting: unexpired entries, each shown identity once, in entry order. */
export function visibleDrafters(entries: readonly DraftEntry[], now: number): string[] {
  return [
    ...new Set(entries.filter((entry) => entry.expiresAt > now).map((entry) => entry.shownAs)),
  ];
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id, index) => id === b[index]);
}

export class DraftingTracker {
  #store: DraftingStore;
  #clock: Clock;
  #onLapsed: (conversationId: string) => void;
  #timers = new Map<string, CancelTimer>();

  /** `onLapsed` runs when an expiry changed a conversation's drafting list. */
  constructor(store: DraftingStore, clock: Clock, onLapsed: (conversationId: string) => void) {
    this.#store = store;
    this.#clock = clock;
    this.#onLapsed = onLapsed;
  }

  async drafting(conversationId: string): Promise<string[]> {
    return visibleDrafters(await this.#store.list(conversationId), this.#clock.now());
  }

  /** Starts or refreshes a draft; returns whether the visible list changed. */
  async start(conversationId: string, drafterId: string, shownAs: string): Promise<boolean> {
    const before = await this.drafting(conversationId);
    await this.#store.put(conversationId, {
      drafterId,
      shownAs,
      expiresAt: this.#clock.now() + Limits.draftingExpiryMs,
    });
    this.#scheduleExpiry(conversationId, drafterId);
    return !sameList(before, await this.drafting(conversationId));
  }

  /** Ends a draft (stopped typing, sent, left); returns whether the visible list changed. */
  async stop(conversationId: string, drafterId: string): Promise<boolean> {
    this.#cancel(conversationId, drafterId);
    const before = await this.drafting(conversationId);
    await this.#store.remove(conversationId, drafterId);
    return !sameList(before, await this.drafting(conversationId));
  }

  close(): void {
    for (const cancel of this.#timers.values()) cancel();
    this.#timers.clear();
  }

  #scheduleExpiry(conversationId: string, drafterId: string): void {
    this.#cancel(conversationId, drafterId);
    const key = `${conversationId}\n${drafterId}`;
    const cancel = this.#clock.schedule(Limits.draftingExpiryMs, () => {
      this.#timers.delete(key);
      void this.#expire(conversationId, drafterId);
    });
    this.#timers.set(key, cancel);
  }

  async #expire(conversationId: string, drafterId: string): Promise<void> {
    const now = this.#clock.now();
    const entries = await this.#store.list(conversationId);
    const entry = entries.find((candidate) => candidate.drafterId === drafterId);
    if (!entry || entry.expiresAt > now) return;
    await this.#store.remove(conversationId, drafterId);
    // The entry was already invisible at `now`; tell members the list they hold has changed.
    this.#onLapsed(conversationId);
  }

  #cancel(conversationId: string, drafterId: string): void {
    const key = `${conversationId}\n${drafterId}`;
    this.#timers.get(key)?.();
    this.#timers.delete(key);
  }
}
