// Time travel (issue 14): the run the page keeps, in arrival order, and every actor as of a
// position in it: the tree then, and each actor's value, context and status at or before it.
import { describe, expect, it } from 'vitest';
import { actorForest, actorTreeRows } from '../../../src/viz/live/actorTree.ts';
import type { InspectionRecord, StateValue } from '../../../src/viz/live/recordSchema.ts';
import {
  addToFeed,
  emptyFeed,
  feedOfRun,
  indexAtOrBefore,
  newestOf,
  runOf,
  timelineAt,
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
