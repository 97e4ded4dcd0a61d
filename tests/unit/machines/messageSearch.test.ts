// The messageSearch machine with a socket, a messenger and a conversation that record what they
// are told (the test answers as the server, and moves a simulated clock for the quiet time
// after typing): what is asked for each query, what is never asked, and which answers count.
import { describe, expect, it } from 'vitest';
import { createActor, setup, SimulatedClock, type ActorRefFrom, type EventObject } from 'xstate';
import {
  joinPages,
  messageSearchDelayMs,
  messageSearchMachine,
  type MessageSearchGroup,
  type MessageSearchMachine,
} from '../../../machines/messageSearch.ts';
import { conversationSystemId, systemIds } from '../../../machines/system.ts';
import type { MessagesFound } from '../../../server/protocol.ts';
import { message } from '../../model/fixtures.ts';
import { recorder } from './signedIn.ts';

function start() {
  const asked: EventObject[] = [];
  const toMessenger: EventObject[] = [];
  const toConversation: EventObject[] = [];
  const clock = new SimulatedClock();
  const root = setup({
    actors: {
      socket: recorder(asked),
      messenger: recorder(toMessenger),
      conversation: recorder(toConversation),
      messageSearch: messageSearchMachine,
    },
  }).createMachine({
    invoke: [
      { src: 'socket', systemId: systemIds.socket },
      { src: 'messenger', systemId: systemIds.messenger },
      { src: 'conversation', systemId: conversationSystemId('c-group') },
      { id: 'messageSearch', src: 'messageSearch', systemId: systemIds.messageSearch },
    ],
  });
  const actor = createActor(root, { clock }).start();
  const search = actor.system.get(systemIds.messageSearch) as ActorRefFrom<MessageSearchMachine>;
  const snapshot = () => search.getSnapshot();
  /** Types `text` and waits out the quiet time. */
  const typed = (text: string) => {
    search.send({ type: 'query.changed', text });
    clock.increment(messageSearchDelayMs);
  };
  return { asked, toMessenger, toConversation, clock, search, snapshot, typed };
}

const hit = (conversationId: string, seq: number, text = 'Kame House at noon') => ({
  message: message({ id: `m-${conversationId}-${seq}`, seq, conversationId, text }),
  highlights: [[0, 4]] as [number, number][],
});
const page = (results: MessageSearchGroup[], cursor: number | null = null): MessagesFound => ({
  results,
  hasMore: cursor !== null,
  cursor,
});

describe('messageSearch', () => {
  it('asks the trimmed query once the typing stops, never a blank one', () => {
    const { asked, search, snapshot, clock, typed } = start();
    expect(snapshot().matches('closed')).toBe(true);
    search.send({ type: 'search.opened' });
    expect(snapshot().matches({ open: 'idle' })).toBe(true);

    typed('   ');
    expect(snapshot().matches({ open: 'idle' })).toBe(true);
    search.send({ type: 'query.changed', text: ' ka' });
    clock.increment(messageSearchDelayMs - 1);
    search.send({ type: 'query.changed', text: ' kame ' });
    clock.increment(messageSearchDelayMs - 1);
    expect(asked).toEqual([]);
    expect(snapshot().matches({ open: 'debouncing' })).toBe(true);
    clock.increment(1);
    expect(asked).toEqual([{ type: 'searchMessages', searchId: 1, query: 'kame' }]);
    expect(snapshot().matches({ open: 'searching' })).toBe(true);
    expect(snapshot().context.query).toBe(' kame ');

    // Cleared while the search is out: idle, and its answer changes nothing.
    search.send({ type: 'query.changed', text: '' });
    search.send({ type: 'messages.found', searchId: 1, found: page([]) });
    expect(snapshot().matches({ open: 'idle' })).toBe(true);
    expect(asked).toHaveLength(1);
  });

  it('shows the answer to the latest query only, and none found as found with no hits', () => {
    const { asked, search, snapshot, typed } = start();
    search.send({ type: 'search.opened' });
    typed('kame');
    typed('kame house');
    expect(
      asked.map((command) => (command as EventObject & { searchId?: number }).searchId),
    ).toEqual([1, 2]);
    search.send({
      type: 'messages.found',
      searchId: 1,
      found: page([{ conversationId: 'c-group', messages: [hit('c-group', 1)] }]),
    });
    expect(snapshot().matches({ open: 'searching' })).toBe(true);
    search.send({ type: 'messages.found', searchId: 2, found: page([]) });
    expect(snapshot().matches({ open: 'found' })).toBe(true);
    expect(snapshot().context.results).toEqual([]);
  });

  it('loads older hits with the cursor, joining a conversation that goes on across pages', () => {
    const { asked, search, snapshot, typed } = start();
    search.send({ type: 'search.opened' });
    typed('kame');
    search.send({
      type: 'messages.found',
      searchId: 1,
      found: page([{ conversationId: 'c-group', messages: [hit('c-group', 9)] }], 41),
    });
    expect(snapshot().context.hasMore).toBe(true);
    search.send({ type: 'olderResults.requested' });
    expect(snapshot().matches({ open: 'loadingMore' })).toBe(true);
    expect(asked.at(-1)).toEqual({
      type: 'searchMessages',
      searchId: 2,
      query: 'kame',
      before: 41,
    });
    search.send({
      type: 'messages.found',
      searchId: 2,
      found: page([
        { conversationId: 'c-group', messages: [hit('c-group', 4)] },
        { conversationId: 'c-vegeta', messages: [hit('c-vegeta', 2)] },
      ]),
    });
    expect(snapshot().matches({ open: 'found' })).toBe(true);
    const { results, hasMore } = snapshot().context;
    expect(
      results.map((group) => [group.conversationId, group.messages.map((h) => h.message.seq)]),
    ).toEqual([
      ['c-group', [9, 4]],
      ['c-vegeta', [2]],
    ]);
    expect(hasMore).toBe(false);
    // The last page: nothing more to ask.
    search.send({ type: 'olderResults.requested' });
    expect(snapshot().matches({ open: 'found' })).toBe(true);
    expect(asked).toHaveLength(2);
  });

  it('shows a refusal with a retry, and the offline error when the connection is lost', () => {
    const { asked, search, snapshot, typed } = start();
    search.send({ type: 'search.opened' });
    typed('kame');
    const rateLimited = {
      code: 'rate_limited' as const,
      message: 'slow down',
      retryAfterMs: 9_000,
    };
    search.send({ type: 'messages.failed', searchId: 1, error: rateLimited });
    expect(snapshot().matches({ open: 'failed' })).toBe(true);
    expect(snapshot().context.error).toEqual(rateLimited);

    search.send({ type: 'search.retried' });
    expect(asked.at(-1)).toEqual({ type: 'searchMessages', searchId: 2, query: 'kame' });
    expect(snapshot().context.error).toBeNull();
    search.send({
      type: 'messages.found',
      searchId: 2,
      found: page([{ conversationId: 'c-group', messages: [hit('c-group', 9)] }], 41),
    });

    // An older page lost with the connection: the hits stay, with the failure and a retry.
    search.send({ type: 'olderResults.requested' });
    search.send({ type: 'connection.lost' });
    expect(snapshot().matches({ open: 'moreFailed' })).toBe(true);
    expect(snapshot().context.error?.message).toMatch(/Not connected/);
    expect(snapshot().context.results).toHaveLength(1);
    search.send({ type: 'search.retried' });
    expect(snapshot().matches({ open: 'loadingMore' })).toBe(true);
    expect(asked.at(-1)).toEqual({
      type: 'searchMessages',
      searchId: 4,
      query: 'kame',
      before: 41,
    });

    // A new query takes the failure shown for the last one away.
    search.send({ type: 'messages.failed', searchId: 4, error: rateLimited });
    search.send({ type: 'query.changed', text: 'kame house' });
    expect(snapshot().matches({ open: 'debouncing' })).toBe(true);
    expect(snapshot().context.error).toBeNull();
  });

  it('picking a hit opens its conversation, asks it to jump to the message and closes', () => {
    const { search, snapshot, typed, toMessenger, toConversation } = start();
    search.send({ type: 'search.opened' });
    typed('kame');
    search.send({
      type: 'messages.found',
      searchId: 1,
      found: page([{ conversationId: 'c-group', messages: [hit('c-group', 9)] }]),
    });
    search.send({ type: 'hit.picked', conversationId: 'c-group', seq: 9 });
    expect(toMessenger).toEqual([{ type: 'conversation.selected', conversationId: 'c-group' }]);
    expect(toConversation).toEqual([{ type: 'message.jumpRequested', seq: 9 }]);
    expect(snapshot().matches('closed')).toBe(true);
    // Opening again starts afresh.
    search.send({ type: 'search.opened' });
    expect(snapshot().matches({ open: 'idle' })).toBe(true);
    expect(snapshot().context).toMatchObject({ query: '', results: [], error: null });
  });

  it('closing forgets the query, and an answer arriving after it changes nothing', () => {
    const { search, snapshot, typed } = start();
    search.send({ type: 'search.opened' });
    typed('kame');
    search.send({ type: 'search.closed' });
    search.send({
      type: 'messages.found',
      searchId: 1,
      found: page([{ conversationId: 'c-group', messages: [hit('c-group', 9)] }]),
    });
    expect(snapshot().matches('closed')).toBe(true);
    expect(snapshot().context.results).toEqual([]);
  });
});

describe('joinPages', () => {
  it('keeps each page in order and joins only a conversation continuing across the seam', () => {
    const a1 = { conversationId: 'a', messages: [hit('a', 5)] };
    const b = { conversationId: 'b', messages: [hit('b', 4)] };
    const a2 = { conversationId: 'a', messages: [hit('a', 3)] };
    expect(joinPages([a1], [b, a2]).map((group) => group.conversationId)).toEqual(['a', 'b', 'a']);
    expect(joinPages([a1, b], [{ conversationId: 'b', messages: [hit('b', 1)] }])).toEqual([
      a1,
      { conversationId: 'b', messages: [hit('b', 4), hit('b', 1)] },
    ]);
    expect(joinPages([], [b])).toEqual([b]);
  });
});
