// The sequence view's model (src/viz/live/sequence.ts): records become messages between
// lifelines, from the sender (or outside) to the target, in the actor tree's order.
import { describe, expect, it } from 'vitest';
import { addToActorTree, emptyActorTree, type ActorTree } from '../../../src/viz/live/actorTree.ts';
import type { InspectionRecord } from '../../../src/viz/live/recordSchema.ts';
import {
  messageName,
  outsideKey,
  sequenceOf,
  stateValueLabel,
  type SequenceRecord,
} from '../../../src/viz/live/sequence.ts';

type Spec = Partial<InspectionRecord> & { sessionId: string; type: string };

const machines: Record<string, { machineId: string; actorId?: string; parent: string | null }> = {
  'x:0': { machineId: 'app', parent: null },
  'x:1': { machineId: 'messenger', actorId: 'messenger', parent: 'x:0' },
  'x:2': { machineId: 'conversation', actorId: 'conversation.c1', parent: 'x:1' },
  'x:3': { machineId: 'session', actorId: 'session', parent: 'x:0' },
};

/** Records as the page keeps them (numbered, keyed by the tree), and the tree they make. */
function feed(specs: Spec[], start: ActorTree = emptyActorTree) {
  let tree = start;
  const records: SequenceRecord[] = specs.map(({ type, ...spec }, index) => {
    const actor = machines[spec.sessionId] ?? { machineId: 'other', parent: null };
    const record: InspectionRecord = {
      kind: 'snapshot',
      machineId: actor.machineId,
      ...(actor.actorId ? { actorId: actor.actorId } : {}),
      parentSessionId: actor.parent,
      rootId: 'x:0',
      status: 'active',
      value: 'idle',
      context: {},
      event: { type },
      at: index,
      ...spec,
    };
    const added = addToActorTree(tree, record);
    tree = added.tree;
    return { ...record, seq: index + 1, actorKey: added.key };
  });
  return { records, tree };
}

const chat: Spec[] = [
  { sessionId: 'x:1', type: 'xstate.init', sourceSessionId: 'x:0' },
  { sessionId: 'x:0', type: 'xstate.init', sourceSessionId: null },
  { sessionId: 'x:2', type: 'xstate.init', sourceSessionId: 'x:1' },
  {
    sessionId: 'x:2',
    type: 'message.submitted',
    sourceSessionId: null,
    value: { open: 'sending' },
  },
  { sessionId: 'x:1', type: 'conversation.updated', sourceSessionId: 'x:2' },
  { sessionId: 'x:2', type: 'xstate.after.10.conversation.open', sourceSessionId: 'x:2' },
];

describe('sequenceOf', () => {
  it('draws each record as a message from its sender (or outside) to its actor', () => {
    const { records, tree } = feed(chat);
    const model = sequenceOf(records, tree);
    expect(model.messages.map(messageName)).toEqual([
      'app → messenger: xstate.init',
      'outside → app: xstate.init',
      'messenger → conversation c1: xstate.init',
      'outside → conversation c1: message.submitted',
      'conversation c1 → messenger: conversation.updated',
      'conversation c1 → conversation c1: xstate.after.10.conversation.open',
    ]);
    expect(model.messages[3]).toMatchObject({
      seq: 4,
      from: outsideKey,
      to: 'x:2',
      eventType: 'message.submitted',
      valueText: 'open.sending',
    });
    expect(model.messages[5]).toMatchObject({ from: 'x:2', to: 'x:2' });
    expect(model.omitted).toBe(0);
  });

  it('has one lifeline per actor in the messages, outside first, then in the tree’s order', () => {
    const { records, tree } = feed([...chat, { sessionId: 'x:3', type: 'xstate.init' }]);
    // The messenger was heard from first, but the tree puts the app above it.
    expect(sequenceOf(records, tree).lifelines).toEqual([
      { key: outsideKey, label: 'outside', sessionId: null },
      { key: 'x:0', label: 'app', sessionId: 'x:0' },
      { key: 'x:1', label: 'messenger', sessionId: 'x:1' },
      { key: 'x:2', label: 'conversation c1', sessionId: 'x:2' },
      { key: 'x:3', label: 'session', sessionId: 'x:3' },
    ]);
    // Actors outside the shown messages get no lifeline; no outside without an outside event.
    const lastTwo = sequenceOf(records.slice(4, 6), tree);
    expect(lastTwo.lifelines.map((l) => l.label)).toEqual(['messenger', 'conversation c1']);
  });

  it('shows the last maxMessages records only, and says how many it left out', () => {
    const specs: Spec[] = [{ sessionId: 'x:0', type: 'xstate.init', sourceSessionId: null }];
    for (let i = 0; i < 499; i += 1) specs.push({ sessionId: 'x:0', type: `tick.${i}` });
    const { records, tree } = feed(specs);
    const model = sequenceOf(records, tree);
    expect(model.messages).toHaveLength(200);
    expect(model.omitted).toBe(300);
    expect(model.messages.at(-1)?.eventType).toBe('tick.498');
    expect(sequenceOf(records, tree, 3).messages.map((m) => m.seq)).toEqual([498, 499, 500]);
    expect(sequenceOf(records, tree, 0)).toEqual({ lifelines: [], messages: [], omitted: 500 });
  });

  it('names a sender that published no record (a promise actor) by its session id', () => {
    const { records, tree } = feed([
      { sessionId: 'x:0', type: 'xstate.init', sourceSessionId: null },
      { sessionId: 'x:0', type: 'xstate.done.actor.fetch', sourceSessionId: 'x:9' },
    ]);
    const model = sequenceOf(records, tree);
    expect(model.messages.map(messageName)).toEqual([
      'outside → app: xstate.init',
      'actor x:9 → app: xstate.done.actor.fetch',
    ]);
    expect(model.lifelines.map((l) => l.label)).toEqual(['outside', 'app', 'actor x:9']);
  });

  it('reads a record without a sender (an older publisher, a stop) as from outside', () => {
    const { records, tree } = feed([{ sessionId: 'x:0', type: 'xstate.stop', status: 'stopped' }]);
    expect(sequenceOf(records, tree).messages.map(messageName)).toEqual([
      'outside → app: xstate.stop',
    ]);
  });

  it('keeps actors the tree forgot (an earlier run), labelled from their records, last', () => {
    const first = feed(chat);
    // The app started over: a second init for x:1; the tree now knows the new run only.
    const second = feed(
      [
        { sessionId: 'x:1', type: 'xstate.init', sourceSessionId: 'x:0' },
        { sessionId: 'x:0', type: 'xstate.init', sourceSessionId: null },
      ],
      first.tree,
    );
    const records = [
      ...first.records.slice(3, 4),
      ...second.records.map((r, i) => ({ ...r, seq: 10 + i })),
    ];
    const model = sequenceOf(records, second.tree);
    expect(model.lifelines.map((l) => `${l.key} ${l.label}`)).toEqual([
      `${outsideKey} outside`,
      'x:0~1 app',
      'x:1~1 messenger',
      'x:2 conversation c1',
    ]);
    expect(model.messages.map((m) => `${m.from} → ${m.to}`)).toEqual([
      `${outsideKey} → x:2`,
      'x:0~1 → x:1~1',
      `${outsideKey} → x:0~1`,
    ]);
  });
});

describe('stateValueLabel', () => {
  it('reads atomic, compound and parallel state values', () => {
    expect(stateValueLabel('idle')).toBe('idle');
    expect(stateValueLabel({ open: { composing: 'typing' } })).toBe('open.composing.typing');
    expect(stateValueLabel({ net: 'online', ui: { panel: 'shown' } })).toBe(
      'net.online, ui.panel.shown',
    );
  });
});
