import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../server/clock.ts';
import { MemoryDraftingStore } from '../../../server/drafting/memory.ts';
import { DraftingTracker, visibleDrafters } from '../../../server/drafting/tracker.ts';

describe('visibleDrafters', () => {
  it('shows unexpired drafts once per shown identity', () => {
    const entries = [
      { drafterId: 'alice', shownAs: 'goku', expiresAt: 2_000 },
      { drafterId: 'bob', shownAs: 'goku', expiresAt: 3_000 },
      { drafterId: 'carol', shownAs: 'carol', expiresAt: 1_000 },
    ];
    expect(visibleDrafters(entries, 999)).toEqual(['goku', 'carol']);
    expect(visibleDrafters(entries, 1_000)).toEqual(['goku']);
    expect(visibleDrafters(entries, 3_000)).toEqual([]);
  });
});

describe('DraftingTracker', () => {
  function setup() {
    const clock = new ManualClock(0);
    const lapsed: string[] = [];
    const tracker = new DraftingTracker(new MemoryDraftingStore(), clock, (id) => lapsed.push(id));
    return { clock, lapsed, tracker };
  }

  const flush = () => new Promise((resolve) => setImmediate(resolve));

  it('reports a change only when the visible list changes', async () => {
    const { tracker } = setup();
    expect(await tracker.start('c1', 'alice', 'vegeta')).toBe(true);
    expect(await tracker.start('c1', 'alice', 'vegeta')).toBe(false);
    expect(await tracker.drafting('c1')).toEqual(['vegeta']);
    expect(await tracker.stop('c1', 'alice')).toBe(true);
    expect(await tracker.stop('c1', 'alice')).toBe(false);
  });

  it('expires 6 s after the last start, and says so once', async () => {
    const { clock, lapsed, tracker } = setup();
    await tracker.start('c1', 'alice', 'alice');
    clock.advance(4_000);
    await tracker.start('c1', 'alice', 'alice');
    clock.advance(5_999);
    await flush();
    expect(lapsed).toEqual([]);
    expect(await tracker.drafting('c1')).toEqual(['alice']);
    clock.advance(1);
    await flush();
    expect(lapsed).toEqual(['c1']);
    expect(await tracker.drafting('c1')).toEqual([]);
    expect(clock.pendingCount).toBe(0);
  });

  it('cancels the expiry when the draft stops, and on close', async () => {
    const { clock, lapsed, tracker } = setup();
    await tracker.start('c1', 'alice', 'alice');
    await tracker.stop('c1', 'alice');
    await tracker.start('c2', 'bob', 'bob');
    tracker.close();
    expect(clock.pendingCount).toBe(0);
    clock.advance(10_000);
    await flush();
    expect(lapsed).toEqual([]);
  });
});
