// parseUnsentState: what a restart reads back. A stored value is input like any other (an older
// version wrote it, or someone edited the file): read entry by entry, bound to its user.
import { describe, expect, it } from 'vitest';
import {
  emptyUnsentState,
  parseUnsentState,
  UnsentStateSchema,
  type UnsentMessage,
} from '../../../machines/unsent.ts';

const entry = (n: number, overrides: Partial<UnsentMessage> = {}): UnsentMessage => ({
  conversationId: 'c-1',
  text: `#${n}`,
  clientMessageId: `old-${n}`,
  createdAt: n,
  failure: null,
  ...overrides,
});

const stored = (value: Record<string, unknown>) =>
  JSON.stringify({ version: 1, userId: 'u-ada', drafts: {}, outbox: [], ...value });
/** A state with a draft and a message in it, so reading it as nothing loses something. */
const withSomething = (value: Record<string, unknown>) =>
  stored({ drafts: { 'c-1': 'half' }, outbox: [entry(1)], ...value });

describe('parseUnsentState', () => {
  it('reads back what was saved', () => {
    const state = {
      version: 1 as const,
      userId: 'u-ada',
      drafts: { 'c-1': 'half', 'c-2': 'other' },
      outbox: [entry(1), entry(2, { failure: 'too long' })],
    };
    expect(parseUnsentState(JSON.stringify(state))).toEqual(state);
    expect(UnsentStateSchema.parse(state)).toEqual(state);
  });

  it('keeps a clientMessageId once: the first entry with it', () => {
    const state = parseUnsentState(
      stored({ outbox: [entry(1), entry(2, { clientMessageId: 'old-1' }), entry(3)] }),
    );
    expect(state.outbox).toEqual([entry(1), entry(3)]);
    // What it returns is valid as a whole (the schema refuses a clientMessageId twice).
    expect(UnsentStateSchema.safeParse(state).success).toBe(true);
    expect(UnsentStateSchema.safeParse({ ...state, outbox: [entry(1), entry(1)] }).success).toBe(
      false,
    );
  });

  it.each([
    ['an empty text', { text: '' }],
    ['a bad clientMessageId', { clientMessageId: 'has spaces' }],
    ['no conversation', { conversationId: '' }],
    ['a negative time', { createdAt: -1 }],
  ])('drops a message with %s, and only that one', (_, bad) => {
    const state = parseUnsentState(
      stored({ drafts: { 'c-1': 'half' }, outbox: [entry(1), entry(2, bad), entry(3)] }),
    );
    expect(state).toEqual({
      version: 1,
      userId: 'u-ada',
      drafts: { 'c-1': 'half' },
      outbox: [entry(1), entry(3)],
    });
  });

  it('keeps a failure of 500 characters, and cuts a longer one rather than lose the message', () => {
    const state = parseUnsentState(
      stored({
        outbox: [entry(1, { failure: 'x'.repeat(500) }), entry(2, { failure: 'y'.repeat(600) })],
      }),
    );
    expect(state.outbox.map((m) => m.failure)).toEqual(['x'.repeat(500), 'y'.repeat(500)]);
  });

  it('keeps a reply with its quote, and sends one whose quote does not read as a plain message', () => {
    const quote = { messageId: 'm-3', seq: 3, authorId: 'u-goku', snippet: 'Hi', deleted: false };
    const state = parseUnsentState(
      stored({
        outbox: [entry(1, { replyTo: quote }), { ...entry(2), replyTo: { messageId: 42 } }],
      }),
    );
    expect(state.outbox).toEqual([entry(1, { replyTo: quote }), entry(2)]);
  });

  it('drops a bad draft, and only that one; a message that is not an object too', () => {
    const state = parseUnsentState(
      stored({
        drafts: { 'c-1': 'half', 'c-2': 42, ['x'.repeat(65)]: 'too long an id', 'c-3': 'fine' },
        outbox: [null, 'text', entry(1)],
      }),
    );
    expect(state.drafts).toEqual({ 'c-1': 'half', 'c-3': 'fine' });
    expect(state.outbox).toEqual([entry(1)]);
  });

  it('keeps a draft for a conversation named "__proto__" as its own key', () => {
    const state = parseUnsentState(
      '{"version":1,"userId":"u-ada","drafts":{"__proto__":"x"},"outbox":[]}',
    );
    expect(Object.hasOwn(state.drafts, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(state.drafts)).toBe(Object.prototype);
  });

  it('keeps the first 1,000 of 1,500 messages', () => {
    const outbox = Array.from({ length: 1_500 }, (_, index) => entry(index + 1));
    const state = parseUnsentState(stored({ outbox }));
    expect(state.outbox).toHaveLength(1_000);
    expect(state.outbox[0]).toEqual(entry(1));
    expect(state.outbox.at(-1)).toEqual(entry(1_000));
  });

  it('counts the 1,000 among good messages only: bad and repeated ones do not take a place', () => {
    const outbox = [
      entry(0, { text: '' }),
      entry(1),
      entry(1),
      ...Array.from({ length: 1_200 }, (_, index) => entry(index + 2)),
    ];
    const state = parseUnsentState(stored({ outbox }));
    expect(state.outbox).toHaveLength(1_000);
    expect(state.outbox.at(-1)).toEqual(entry(1_000));
  });

  it.each([
    ['nothing saved', null],
    ['not JSON', '{"version":1,'],
    ['a bare string', JSON.stringify('drafts')],
    ['an array', JSON.stringify([])],
    ['another version', stored({ version: 2 })],
    ['no version', stored({ version: undefined })],
    // Saved before unsent state was bound to its user: nobody's, so nobody gets it.
    ['no user', withSomething({ userId: undefined })],
    ['a null user', withSomething({ userId: null })],
    ['an empty user id', withSomething({ userId: '' })],
    ['a user id that is not a string', withSomething({ userId: 7 })],
    ['a user id of 65 characters', withSomething({ userId: 'u'.repeat(65) })],
  ])('reads %s as nothing saved', (_, text) => {
    expect(parseUnsentState(text)).toEqual(emptyUnsentState);
  });

  it('reads drafts or an outbox that are not there as none', () => {
    expect(parseUnsentState(stored({ drafts: 'x', outbox: {} }))).toEqual({
      ...emptyUnsentState,
      userId: 'u-ada',
    });
  });
});
