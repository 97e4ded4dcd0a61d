// Who sent each event (a record's `sourceSessionId`), from XState's own inspection: an
// `@xstate.event` names the sender (`sourceRef`) and the target before the target's snapshot.
import { describe, expect, it } from 'vitest';
import { createActor, createMachine, sendParent, sendTo, type InspectionEvent } from 'xstate';
import { createInspectionQueue } from '../../../src/renderer/platform/inspectionQueue.ts';
import { createEventSourceTracker, toInspectionRecord } from '../../../src/viz/live/record.ts';
import {
  InspectionRecordSchema,
  type InspectionRecord,
} from '../../../src/viz/live/recordSchema.ts';

const child = createMachine({
  id: 'child',
  initial: 'waiting',
  states: {
    waiting: { on: { ping: { target: 'pinged', actions: sendParent({ type: 'pong' }) } } },
    pinged: {},
  },
});

const parent = createMachine({
  id: 'parent',
  invoke: { id: 'kid', src: child },
  initial: 'idle',
  states: {
    idle: { on: { poke: { actions: sendTo('kid', { type: 'ping' }) }, pong: 'ponged' } },
    ponged: { after: { 10: 'idle' } },
  },
});

function run(inspect: (event: InspectionEvent) => void) {
  const actor = createActor(parent, { inspect }).start();
  const parentId = actor.sessionId;
  const childId = (actor.getSnapshot().children['kid'] as { sessionId: string }).sessionId;
  actor.send({ type: 'poke' });
  return { actor, parentId, childId };
}

/** "target event ← source" for each record. */
function lines(records: InspectionRecord[], names: Record<string, string>) {
  return records.map((r) => {
    const source = r.sourceSessionId;
    const from = source === undefined ? 'unknown' : source === null ? 'outside' : names[source];
    return `${names[r.sessionId]} ${r.event.type} ← ${from}`;
  });
}

describe('sourceSessionId', () => {
  it('names the sending actor, or null for an event from outside the actor system', () => {
    const records: InspectionRecord[] = [];
    const sourceOf = createEventSourceTracker();
    const { actor, parentId, childId } = run((event) => {
      const record = toInspectionRecord(event, () => 1, sourceOf(event));
      if (record) records.push(record);
    });
    actor.stop();
    expect(lines(records, { [parentId]: 'parent', [childId]: 'child' })).toEqual([
      'child xstate.init ← parent',
      'parent xstate.init ← outside',
      // XState runs the parent's sendTo before it reports the parent's own snapshot.
      'child ping ← parent',
      'parent poke ← outside',
      'parent pong ← child',
      // XState reports no sender for a stop.
      'child xstate.stop ← unknown',
      'parent xstate.stop ← unknown',
    ]);
    for (const record of records) {
      expect(InspectionRecordSchema.safeParse(JSON.parse(JSON.stringify(record))).success).toBe(
        true,
      );
    }
  });

  it('is filled in by the app’s inspection queue, which builds records later', () => {
    const records: InspectionRecord[] = [];
    let flush = () => {};
    const inspect = createInspectionQueue({
      publish: (record) => records.push(record as unknown as InspectionRecord),
      schedule: (f) => (flush = f),
    });
    const { actor, parentId, childId } = run(inspect);
    flush();
    actor.stop();
    expect(lines(records, { [parentId]: 'parent', [childId]: 'child' })).toEqual([
      'child xstate.init ← parent',
      'parent xstate.init ← outside',
      'child ping ← parent',
      'parent poke ← outside',
      'parent pong ← child',
    ]);
  });

  it('names the actor itself for its own delayed event', async () => {
    const records: InspectionRecord[] = [];
    const sourceOf = createEventSourceTracker();
    const { actor, parentId } = run((event) => {
      const record = toInspectionRecord(event, () => 1, sourceOf(event));
      if (record) records.push(record);
    });
    await new Promise((resolve) => setTimeout(resolve, 30));
    actor.stop();
    const delayed = records.find((r) => r.event.type.startsWith('xstate.after'));
    expect(delayed?.sourceSessionId).toBe(parentId);
  });

  it('is optional in the schema (older records stay valid) and bounded like the other ids', () => {
    const record = {
      kind: 'snapshot',
      machineId: 'app',
      sessionId: 'x:0',
      rootId: 'x:0',
      status: 'active',
      value: 'idle',
      context: {},
      event: { type: 'go' },
      at: 1,
    };
    expect(InspectionRecordSchema.safeParse(record).success).toBe(true);
    const parse = (sourceSessionId: unknown) =>
      InspectionRecordSchema.safeParse({ ...record, sourceSessionId });
    expect(parse(null).success).toBe(true);
    expect(parse('x:1').data?.sourceSessionId).toBe('x:1');
    expect(parse('').success).toBe(false);
    expect(parse('x'.repeat(201)).success).toBe(false);
    expect(parse(7).success).toBe(false);
  });

  it('leaves the field out when the source is not known', () => {
    const records: InspectionRecord[] = [];
    const actor = createActor(child, {
      inspect: (event) => {
        const record = toInspectionRecord(event);
        if (record) records.push(record);
      },
    }).start();
    actor.stop();
    expect(records.every((r) => !('sourceSessionId' in r))).toBe(true);
  });
});
