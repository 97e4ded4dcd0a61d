// Inspection records stay small and cheap whatever a machine's context holds: a conversation
// of 10,000 messages (among 1,000 under the messenger) must not make records (or keystrokes)
// grow with it.
import { describe, expect, it } from 'vitest';
import { createActor, createMachine, type InspectionEvent } from 'xstate';
import { messengerMachine } from '../../../machines/messenger.ts';
import { conversationSystemId } from '../../../machines/system.ts';
import type { ConversationsAndUsers, Message } from '../../../server/protocol.ts';
import { budgetMarker, defaultLimits, toJsonSafe } from '../../../src/viz/live/jsonSafe.ts';
import { toInspectionRecord } from '../../../src/viz/live/record.ts';
import {
  InspectionRecordSchema,
  inspectingAppUrl,
  inspectTokenFromUrl,
  inspectionRecordTargetBytes,
} from '../../../src/viz/live/recordSchema.ts';

const utf8Bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).byteLength;

/** An array that counts how many of its items were read. */
function countingArray<T>(items: T[]): { array: T[]; reads: () => number } {
  let reads = 0;
  const array = new Proxy(items, {
    get(target, key, receiver) {
      if (typeof key === 'string' && /^\d+$/.test(key)) reads += 1;
      return Reflect.get(target, key, receiver);
    },
  });
  return { array, reads: () => reads };
}

function messages(conversationId: string, count: number, text = 'hello there'): Message[] {
  return Array.from({ length: count }, (_, seq) => ({
    id: `${conversationId}-m${seq}`,
    conversationId,
    authorId: seq % 2 ? 'u-me' : 'u-vegeta',
    text: `${text} ${seq}`,
    sentAt: 1_700_000_000_000 + seq,
    seq,
    clientMessageId: null,
  }));
}

function bigWorld(messageCount: number, conversationCount: number): ConversationsAndUsers {
  const avatar = { initials: 'AB', color: '#336699' };
  return {
    currentUserId: 'u-me',
    users: [
      { id: 'u-me', firstName: 'Ada', lastName: 'Lovelace', avatar },
      { id: 'u-vegeta', firstName: 'Vegeta', lastName: 'Prince', avatar },
    ],
    conversations: Array.from({ length: conversationCount }, (_, index) => {
      const id = `c${index}`;
      const history = messages(id, index === 0 ? messageCount : 3);
      return {
        id,
        kind: 'direct' as const,
        title: `Conversation ${index}`,
        memberIds: ['u-me', 'u-vegeta'],
        lastMessage: history.at(-1) ?? null,
        drafting: [],
        messages: history,
        hasMore: false,
      };
    }),
  };
}

describe('toJsonSafe budgets', () => {
  it('reads a bounded number of items however long an array is', () => {
    const long = countingArray(Array.from({ length: 10_000 }, (_, i) => ({ i })));
    const converted = toJsonSafe({ list: long.array }) as { list: unknown[] };
    expect(converted.list).toHaveLength(defaultLimits.maxArrayItems + 1);
    expect(converted.list.at(-1)).toBe(`… ${10_000 - defaultLimits.maxArrayItems} more`);
    expect(long.reads()).toBeLessThanOrEqual(defaultLimits.maxArrayItems);
  });

  it('spends its node budget breadth-first, so top-level keys always show', () => {
    const deep = { a: { b: { c: { d: 'deep' } } }, z: 'last key', n: 1 };
    const converted = toJsonSafe(deep, { ...defaultLimits, maxNodes: 5 });
    // root, a, z, n, b: five nodes; c is cut.
    expect(converted).toEqual({ a: { b: { c: budgetMarker } }, z: 'last key', n: 1 });
  });

  it('keeps key order, drops functions, nulls dropped array items, reports extra keys', () => {
    const converted = toJsonSafe({
      first: 1,
      fn: () => {},
      list: [1, undefined, () => {}, 'x'],
      last: { ...Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`k${i}`, i])) },
    }) as Record<string, unknown>;
    expect(Object.keys(converted)).toEqual(['first', 'list', 'last']);
    expect(converted['list']).toEqual([1, null, null, 'x']);
    const last = converted['last'] as Record<string, unknown>;
    expect(Object.keys(last)).toHaveLength(defaultLimits.maxObjectKeys + 1);
    expect(last['…']).toBe('10 more keys');
    expect(Object.keys(last).at(-1)).toBe('…');
  });

  it('marks a shared object that is not a cycle as itself, and a cycle as circular', () => {
    const shared = { name: 'shared' };
    const loop: Record<string, unknown> = { shared, again: shared };
    loop['self'] = { parent: loop };
    expect(toJsonSafe(loop)).toEqual({
      shared: { name: 'shared' },
      again: { name: 'shared' },
      self: { parent: '[circular]' },
    });
  });

  it('converts Maps, Sets, Dates and errors', () => {
    expect(
      toJsonSafe({
        map: new Map([[1, 'one']]),
        set: new Set(['a', 'b']),
        when: new Date(0),
        error: Object.assign(new RangeError('too far'), { code: 'E_FAR' }),
      }),
    ).toEqual({
      map: { '1': 'one' },
      set: ['a', 'b'],
      when: '1970-01-01T00:00:00.000Z',
      error: { name: 'RangeError', message: 'too far', code: 'E_FAR' },
    });
  });
});

describe('inspection records of the messenger and a conversation with 10,000 messages', () => {
  /** The messenger and the conversations it spawns; the keystrokes go to conversation c0. */
  function runMessenger(world: ConversationsAndUsers, keystrokes: string[]) {
    const events: InspectionEvent[] = [];
    const actor = createActor(messengerMachine, {
      input: { clientIdPrefix: 'test' },
      inspect: (event) => events.push(event),
    }).start();
    actor.send({ type: 'sync.received', data: world });
    actor.send({ type: 'conversation.selected', conversationId: 'c0' });
    const c0 = actor.system.get(conversationSystemId('c0'));
    if (!c0) throw new Error('the messenger spawned no conversation c0');
    for (const text of keystrokes) c0.send({ type: 'draft.changed', text });
    actor.stop();
    return events;
  }

  it('stay under the wire budget, valid, with the draft the user typed', () => {
    const events = runMessenger(bigWorld(10_000, 1_000), ['H', 'He', 'Hey']);
    const records = events.flatMap((event) => toInspectionRecord(event) ?? []);
    const afterKeystrokes = records.filter((r) => r.event.type === 'draft.changed');
    expect(afterKeystrokes).toHaveLength(3);
    for (const record of records) {
      expect(utf8Bytes(record)).toBeLessThanOrEqual(inspectionRecordTargetBytes);
      expect(InspectionRecordSchema.safeParse(record).success).toBe(true);
    }
    expect(records.some((r) => r.machineId === 'messenger')).toBe(true);
    const last = afterKeystrokes.at(-1)!;
    expect(last.machineId).toBe('conversation');
    expect(last.context).toMatchObject({ id: 'c0', draft: 'Hey' });
    expect(last.value).toMatchObject({ visibility: { open: 'reading' }, composer: { typing: {} } });
    expect(last.event).toEqual({ type: 'draft.changed', text: 'Hey' });
  });

  it('read the same few messages whether the conversation holds 100 or 10,000', () => {
    const readsFor = (count: number) => {
      const events = runMessenger(bigWorld(count, 2), ['x']);
      const keystroke = events.findLast(
        (e) => e.type === '@xstate.snapshot' && e.event.type === 'draft.changed',
      ) as InspectionEvent & { type: '@xstate.snapshot' };
      // Count reads of the history the conversation holds now.
      const context = (keystroke.snapshot as unknown as { context: unknown }).context as {
        messages: Message[];
      };
      expect(context.messages).toHaveLength(count);
      const counted = countingArray(context.messages);
      const snapshot = Object.assign(Object.create(keystroke.snapshot), {
        context: { ...context, messages: counted.array },
      });
      toInspectionRecord({ ...keystroke, snapshot });
      return counted.reads();
    };
    const small = readsFor(100);
    expect(small).toBeGreaterThan(0);
    expect(readsFor(10_000)).toBe(small);
  });

  it('fall back to compact limits, then to a note, when the context is huge text', () => {
    const world = bigWorld(60, 60);
    for (const conversation of world.conversations) {
      conversation.messages = messages(conversation.id, 60, '語'.repeat(2_000));
    }
    const records = runMessenger(world, ['x']).flatMap((e) => toInspectionRecord(e) ?? []);
    for (const record of records) {
      expect(utf8Bytes(record)).toBeLessThanOrEqual(inspectionRecordTargetBytes);
    }
    const keystroke = records.find((r) => r.event.type === 'draft.changed')!;
    expect(keystroke.context).toMatchObject({ id: 'c0', draft: 'x' });
  });
});

describe('records leave secrets behind', () => {
  it('redacts tokens in context and events, keeping the keys so a reviewer sees they exist', () => {
    const signedIn = createMachine({
      id: 'signedIn',
      context: {
        user: { firstName: 'Bulma' },
        sessionToken: 'st-secret',
        verificationToken: 'vt-secret',
      },
      on: { 'token.refreshed': {} },
    });
    const events: InspectionEvent[] = [];
    const actor = createActor(signedIn, { inspect: (e) => events.push(e) }).start();
    actor.send({ type: 'token.refreshed', accessToken: 'at-secret' } as never);
    const records = events.flatMap((e) => toInspectionRecord(e) ?? []);
    expect(JSON.stringify(records)).not.toMatch(/secret/);
    expect(records.at(-1)).toMatchObject({
      context: {
        user: { firstName: 'Bulma' },
        sessionToken: '[redacted]',
        verificationToken: '[redacted]',
      },
      event: { type: 'token.refreshed', accessToken: '[redacted]' },
    });
  });
});

describe('inspectingAppUrl', () => {
  const token = 'dvSLKDfXAGgvKDyy5bFhRrFs7thDBMQw4qYATf4lUwI';

  it('is the app address with the inspector token in the fragment, which no server sees', () => {
    expect(inspectingAppUrl('http://127.0.0.1:4000', token)).toBe(
      `http://127.0.0.1:4000/#inspect=${token}`,
    );
    const withQuery = inspectingAppUrl('http://127.0.0.1:4000/?lang=fr', token);
    expect(withQuery).toBe(`http://127.0.0.1:4000/?lang=fr#inspect=${token}`);
    // What a browser would request, and send as a Referer: the fragment stays behind.
    const requested = new URL(withQuery);
    requested.hash = '';
    expect(requested.href).not.toContain(token);
  });

  it('round-trips through the page address the app reads its token from', () => {
    expect(inspectTokenFromUrl(inspectingAppUrl('http://127.0.0.1:4000', token))).toBe(token);
    expect(inspectTokenFromUrl('http://127.0.0.1:4000/')).toBeNull();
    expect(inspectTokenFromUrl('http://127.0.0.1:4000/?inspect')).toBeNull();
    expect(inspectTokenFromUrl('http://127.0.0.1:4000/#inspect=')).toBeNull();
    expect(inspectTokenFromUrl(`http://127.0.0.1:4000/#inspect=${'x'.repeat(300)}`)).toBeNull();
  });
});
