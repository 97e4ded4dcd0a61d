// Time travel (issue 14): the run the page keeps, in arrival order, and every actor as of a
// position in it: the tree then, and each actor's value, context and status at or before it.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { actorForest, actorTreeRows } from '../../../src/viz/live/actorTree.ts';
import type { InspectionRecord, StateValue } from '../../../src/viz/live/recordSchema.ts';
import {
  addToFeed,
  atOrBefore,
  emptyFeed,
  feedOfRun,
  indexAtOrBefore,
  newerThan,
  newestOf,
  runOf,
  scrubTo,
  timelineAt,
  type Feed,
} from '../../../src/viz/live/timeline.ts';

function record(
  sessionId: string,
  machineId: string,
  type: string,
  value: StateValue,
  context: unknown = {},
  parentSessionId: string | null = null,
): InspectionRecord {
  return {
    kind: 'snapshot',
    machineId,
    sessionId,
    parentSessionId,
    rootId: 'x:0',
    status: 'active',
    value,
    context,
    event: { type },
    at: 0,
  } as InspectionRecord;
}

/** A small run: the app starts, its session connects, a conversation is opened and drafted. */
const records = [
  record('x:0', 'app', 'xstate.init', 'signedIn'),
  record('x:1', 'session', 'xstate.init', 'connecting', { tries: 0 }, 'x:0'),
  record('x:1', 'session', 'connected', 'online', { tries: 1 }, 'x:0'),
  record('x:2', 'conversation', 'xstate.init', 'idle', { draft: '' }, 'x:0'),
  record('x:2', 'conversation', 'draft', 'composing', { draft: 'hi' }, 'x:0'),
  {
    ...record('x:1', 'session', 'xstate.stop', 'online', { tries: 1 }, 'x:0'),
    status: 'stopped' as const,
  },
];

const labelsAndStates = (tree: Parameters<typeof actorForest>[0]) =>
  actorTreeRows(actorForest(tree)).map(
    (row) => `${row.level} ${row.actor.label}: ${String(row.actor.value)} (${row.actor.status})`,
  );

describe('the run timeline', () => {
  it('puts the per-actor history back in arrival order', () => {
    const feed = feedOfRun({ records });
    expect([...feed.history.byActor.keys()]).toEqual(['x:0', 'x:2', 'x:1']);
    const run = runOf(feed.history);
    expect(run.map((r) => r.seq)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(run.map((r) => r.event.type)).toEqual(records.map((r) => r.event.type));
    expect(newestOf(feed.history)?.seq).toBe(5);
    expect(indexAtOrBefore(run, 3)).toBe(3);
    expect(indexAtOrBefore(run, -1)).toBe(-1);
    expect(indexAtOrBefore([{ seq: 2 }, { seq: 7 }], 5)).toBe(0);
  });

  it('gives each actor its state and context as of a position, and the tree then', () => {
    const run = runOf(feedOfRun({ records }).history);
    const atStart = timelineAt(run, 0);
    expect(labelsAndStates(atStart.tree)).toEqual(['1 app: signedIn (active)']);

    const connected = timelineAt(run, 2);
    expect(labelsAndStates(connected.tree)).toEqual([
      '1 app: signedIn (active)',
      '2 session: online (active)',
    ]);
    expect(connected.latest.get('x:1')?.context).toEqual({ tries: 1 });
    expect(connected.latest.has('x:2')).toBe(false);

    const drafting = timelineAt(run, 3);
    expect(drafting.latest.get('x:2')?.value).toBe('idle');
    expect(drafting.latest.get('x:2')?.context).toEqual({ draft: '' });
    expect(timelineAt(run, 4).latest.get('x:2')?.context).toEqual({ draft: 'hi' });

    // Later records play no part: the session stops only at the end.
    expect(timelineAt(run, 4).tree.actors.get('x:1')?.status).toBe('active');
    expect(labelsAndStates(timelineAt(run, 5).tree)).toEqual([
      '1 app: signedIn (active)',
      '2 session: online (stopped)',
      '2 conversation: composing (active)',
    ]);
  });

  it('keys actors like the live tree did, across an app that started over', () => {
    const restarted = [
      ...records.slice(0, 3),
      record('x:0', 'app', 'xstate.init', 'signedIn'),
      record('x:1', 'session', 'xstate.init', 'connecting', { tries: 0 }, 'x:0'),
    ];
    const feed = feedOfRun({ records: restarted });
    const run = runOf(feed.history);
    expect([...feed.tree.actors.values()].map((a) => a.key)).toEqual(['x:0~1', 'x:1~1']);
    expect([...timelineAt(run, 4).tree.actors.values()].map((a) => a.key)).toEqual([
      'x:0~1',
      'x:1~1',
    ]);
    expect([...timelineAt(run, 2).tree.actors.values()].map((a) => a.key)).toEqual(['x:0', 'x:1']);
    expect(timelineAt(run, 4).latest.get('x:1~1')?.value).toBe('connecting');
    expect(timelineAt(run, 4).latest.get('x:1')?.value).toBe('online');
  });

  it('keeps a bounded run (history bounds): the beginning of a busy actor goes', () => {
    let feed = addToFeed(emptyFeed, record('x:0', 'app', 'xstate.init', 'signedIn'));
    for (let index = 0; index < 600; index += 1) {
      feed = addToFeed(feed, record('x:1', 'onboarding', 'phone.changed', 'phone', { index }));
    }
    expect(feed.received).toBe(601);
    expect(feed.history.size).toBe(501);
    const run = runOf(feed.history);
    expect(run[0]?.seq).toBe(0);
    expect(run[1]?.seq).toBe(101);
    // As of a dropped position, the busy actor is not heard from yet.
    expect(timelineAt(run, 50).latest.has('x:1')).toBe(false);
    expect(timelineAt(run, 101).latest.get('x:1')?.context).toEqual({ index: 100 });
  });
});

/**
 * `count` records over `actors` actors (children of x:0), round robin, each actor starting with
 * `xstate.init`.
 */
function busyRun(count: number, actors: number): InspectionRecord[] {
  return Array.from({ length: count }, (_, index) => {
    const actor = index % actors;
    return record(
      `x:${actor}`,
      actor === 0 ? 'app' : 'conversation',
      index < actors ? 'xstate.init' : 'draft',
      'composing',
      { index },
      actor === 0 ? null : 'x:0',
    );
  });
}

/** How many entries are put into Maps while `work` runs (copying a Map puts each of its entries). */
function mapSetsDuring(work: () => void): number {
  const set = vi.spyOn(Map.prototype, 'set');
  try {
    work();
    return set.mock.calls.length;
  } finally {
    set.mockRestore();
  }
}

describe('replaying a run', () => {
  afterEach(() => vi.restoreAllMocks());

  it('does O(1) work per record: the tree is built in place, not copied per record', () => {
    // Counted, not timed: copying the tree per record would put n × actors entries.
    const actors = 100;
    for (const count of [1_000, 4_000]) {
      const feed = feedOfRun({ records: busyRun(count, actors) });
      const run = runOf(feed.history);
      const last = run.at(-1)!.seq;
      const sets = mapSetsDuring(() => timelineAt(run, last));
      expect(sets).toBeLessThan(5 * (run.length + actors));
      const feedSets = mapSetsDuring(() => feedOfRun({ records: busyRun(count, actors) }));
      expect(feedSets).toBeLessThan(10 * (count + actors));
    }
  });

  it('makes the feed adding the records one by one makes: bounds, eviction and restarts', () => {
    // 250 actors (200 kept), one of them busy (1,200 records, 500 kept), and a restart.
    const records = [
      ...busyRun(250, 250),
      ...busyRun(1_200, 1).map((r, index) => ({
        ...r,
        sessionId: 'x:7',
        event: { type: 'draft' },
        context: { index },
      })),
      record('x:0', 'app', 'xstate.init', 'signedIn'),
      record('x:3', 'conversation', 'xstate.init', 'idle', {}, 'x:0'),
      record('x:3', 'conversation', 'draft', 'composing', {}, 'x:0'),
    ];
    let expected: Feed = emptyFeed;
    for (const r of records) expected = addToFeed(expected, r);
    const feed = feedOfRun({ records });
    expect(feed.received).toBe(expected.received);
    expect(feed.history.size).toBe(expected.history.size);
    expect([...feed.history.byActor.keys()]).toEqual([...expected.history.byActor.keys()]);
    expect([...feed.history.byActor.entries()]).toEqual([...expected.history.byActor.entries()]);
    expect([...feed.tree.actors.entries()]).toEqual([...expected.tree.actors.entries()]);
    expect(feed.tree.restarts).toBe(1);
    expect(feed.tree).toEqual(expected.tree);
  });

  it('opens a run of 100,000 records of 1,000 actors (no time asserted)', () => {
    const feed = feedOfRun({ records: busyRun(100_000, 1_000) });
    expect(feed.received).toBe(100_000);
    expect(feed.history.byActor.size).toBe(200);
    expect(feed.tree.actors.size).toBe(1_000);
    const run = runOf(feed.history);
    expect(timelineAt(run, run.at(-1)!.seq).latest.size).toBe(200);
  });
});

describe('a run scrubbed back', () => {
  const started = () => {
    let feed = addToFeed(emptyFeed, record('x:0', 'app', 'xstate.init', 'signedIn'));
    for (let index = 0; index < 10; index += 1) {
      feed = addToFeed(feed, record('x:1', 'onboarding', 'phone.changed', 'phone', { index }));
    }
    return feed;
  };

  it('keeps the run as it was when scrubbing started, however many records arrive', () => {
    let feed = started();
    const scrubbed = scrubTo(null, feed, 5)!;
    expect(scrubbed.run.map((r) => r.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(newerThan(scrubbed, 5, feed)).toBe(5);

    // 600 more of the same actor: the live history no longer has the chosen record.
    for (let index = 10; index < 610; index += 1) {
      feed = addToFeed(feed, record('x:1', 'onboarding', 'phone.changed', 'phone', { index }));
    }
    expect(atOrBefore(runOf(feed.history), 5)?.seq).toBe(0);
    // Nothing the view is computed from changes (the page's memos keep it), the record stays.
    expect(scrubTo(scrubbed, feed, 5)).toBe(scrubbed);
    expect(atOrBefore(scrubbed.run, 5)?.context).toEqual({ index: 4 });
    expect(newerThan(scrubbed, 5, feed)).toBe(605);

    // Moving keeps the run; following drops it, and scrubbing again takes the run as it is now.
    const moved = scrubTo(scrubbed, feed, 2)!;
    expect(moved.run).toBe(scrubbed.run);
    expect(moved.seq).toBe(2);
    expect(newerThan(moved, 2, feed)).toBe(608);
    expect(scrubTo(moved, feed, null)).toBeNull();
    const again = scrubTo(null, feed, 400)!;
    expect(again.run).toHaveLength(501);
    expect(again.feed).toBe(feed);
  });
});
