// The renderer's inspector: transitions only queue events; records are made and published
// later, in order, in one batch per scheduled flush.
import { describe, expect, it } from 'vitest';
import { createActor, createMachine } from 'xstate';
import type { InspectionRecord as BridgeRecord } from '../../../../src/preload/bridge.ts';
import { createInspectionQueue } from '../../../../src/renderer/platform/inspectionQueue.ts';
import type { InspectionRecord } from '../../../../src/viz/live/recordSchema.ts';

const steps = createMachine({
  id: 'steps',
  initial: 'phone',
  states: {
    phone: { on: { next: 'code' } },
    code: { on: { next: 'name' } },
    name: { on: { next: 'done' } },
    done: { type: 'final' },
  },
});

function setup(maxPending?: number) {
  const published: InspectionRecord[] = [];
  const flushes: (() => void)[] = [];
  let clock = 1_000;
  const inspect = createInspectionQueue({
    publish: (record: BridgeRecord) => published.push(record as unknown as InspectionRecord),
    schedule: (flush) => flushes.push(flush),
    now: () => (clock += 1),
    ...(maxPending === undefined ? {} : { maxPending }),
  });
  return { published, flushes, inspect };
}

describe('createInspectionQueue', () => {
  it('publishes nothing during transitions, then every snapshot in order when flushed', () => {
    const { published, flushes, inspect } = setup();
    const actor = createActor(steps, { inspect }).start();
    actor.send({ type: 'next' });
    actor.send({ type: 'next' });
    actor.send({ type: 'next' });
    expect(published).toEqual([]);
    expect(flushes).toHaveLength(1); // one flush for the whole burst

    flushes.shift()!();
    expect(published.map((r) => [r.event.type, r.value, r.status])).toEqual([
      ['xstate.init', 'phone', 'active'],
      ['next', 'code', 'active'],
      ['next', 'name', 'active'],
      ['next', 'done', 'done'],
    ]);
    // Each record carries the time its transition happened, not the time of the flush.
    expect(published.map((r) => r.at)).toEqual([1_001, 1_002, 1_003, 1_004]);
  });

  it('schedules a new flush for events after a flush', () => {
    const { published, flushes, inspect } = setup();
    const actor = createActor(steps, { inspect }).start();
    flushes.shift()!();
    actor.send({ type: 'next' });
    expect(flushes).toHaveLength(1);
    flushes.shift()!();
    expect(published.map((r) => r.value)).toEqual(['phone', 'code']);
  });

  it('keeps only the newest events when flushes stall (a hidden, throttled page)', () => {
    const { published, flushes, inspect } = setup(2);
    const actor = createActor(steps, { inspect }).start();
    actor.send({ type: 'next' });
    actor.send({ type: 'next' });
    flushes.shift()!();
    expect(published.map((r) => r.value)).toEqual(['code', 'name']);
  });

  it('ignores events that are not snapshots (no flush scheduled for them)', () => {
    const { flushes, inspect } = setup();
    inspect({
      type: '@xstate.event',
      event: { type: 'next' },
      sourceRef: undefined,
      actorRef: createActor(steps),
      rootId: 'x',
    });
    expect(flushes).toEqual([]);
  });
});
