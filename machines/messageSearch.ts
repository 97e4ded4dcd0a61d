// Message search: the dialog in which a person finds what was said in their conversations
// (systemId "messageSearch", invoked by the messenger while the list is up; Ctrl/Cmd+K or
// Ctrl/Cmd+F opens it). The query is debounced (a named delay, as the drafting signal's), then
// asked of the server (`searchMessages`, which searches only the conversations the person is a
// member of); an older page is asked with the answer's cursor. Each request carries a number, so
// an answer to a query the person has since changed (or to a dialog since closed) changes
// nothing. Picking a hit opens its conversation and asks it to jump to the message.
import { assign, enqueueActions, setup } from 'xstate';
import { Limits, type MessagesFound, type ProtocolError } from '../server/protocol.ts';
import type { MessengerEvent } from './messenger.ts';
import { conversationSystemId, systemIds, tellSystem } from './system.ts';

/** Quiet time after the last keystroke before the query is asked. */
export const messageSearchDelayMs = 300;

/** One conversation's hits, newest first (the server's grouping, pages joined). */
export type MessageSearchGroup = MessagesFound['results'][number];
export type MessageSearchHit = MessageSearchGroup['messages'][number];

export interface MessageSearchContext {
  /** As typed (the field shows it); asked trimmed. */
  query: string;
  /** The number of the latest request; answers to any other are late and ignored. */
  searchId: number;
  results: MessageSearchGroup[];
  hasMore: boolean;
  /** Where the next (older) page starts, from the last answer. */
  cursor: number | null;
  error: ProtocolError | null;
}

export type MessageSearchEvent =
  // From the views.
  | { type: 'search.opened' }
  | { type: 'search.closed' }
  | { type: 'query.changed'; text: string }
  | { type: 'search.retried' }
  | { type: 'olderResults.requested' }
  | { type: 'hit.picked'; conversationId: string; seq: number }
  // From the socket: answers to this machine's requests.
  | { type: 'messages.found'; searchId: number; found: MessagesFound }
  | { type: 'messages.failed'; searchId: number; error: ProtocolError }
  // From the messenger.
  | { type: 'connection.lost' };

const offline: ProtocolError = {
  code: 'internal',
  message: 'network: Not connected. Try again when the connection is back.',
};

/** The query as asked: trimmed and cut to what the server takes. */
export const askedQuery = (text: string): string =>
  text.trim().slice(0, Limits.messageSearchQueryMaxChars);

/** An older page joined to what is shown: a conversation continuing across pages stays one group. */
export function joinPages(
  shown: readonly MessageSearchGroup[],
  older: readonly MessageSearchGroup[],
): MessageSearchGroup[] {
  const [first, ...rest] = older;
  const last = shown.at(-1);
  if (!first || !last || last.conversationId !== first.conversationId) return [...shown, ...older];
  return [
    ...shown.slice(0, -1),
    { conversationId: last.conversationId, messages: [...last.messages, ...first.messages] },
    ...rest,
  ];
}

type Args = { context: MessageSearchContext; event: MessageSearchEvent };

export const messageSearchMachine = setup({
  types: { context: {} as MessageSearchContext, events: {} as MessageSearchEvent },
  delays: { searchDelay: messageSearchDelayMs },
  guards: {
    queryBlank: ({ event }: Args) =>
      event.type === 'query.changed' && askedQuery(event.text) === '',
    /** The answer is to the request in flight (not a late one about an earlier query). */
    answersSearch: ({ context, event }: Args) =>
      (event.type === 'messages.found' || event.type === 'messages.failed') &&
      event.searchId === context.searchId,
    hasMore: ({ context }: Args) => context.hasMore && context.cursor !== null,
  },
  actions: {
    /** A new query: a failure shown for the last one goes with it. */
    setQuery: assign({
      query: ({ event }) => (event.type === 'query.changed' ? event.text : ''),
      error: null,
    }),
    forgetResults: assign({ results: [], hasMore: false, cursor: null, error: null }),
    /** Asks for the first page (`older: false`) or the one after the cursor. */
    ask: enqueueActions(({ context, enqueue, system }, params: { older: boolean }) => {
      const searchId = context.searchId + 1;
      enqueue.assign({ searchId, error: null });
      const query = askedQuery(context.query);
      const before = params.older && context.cursor !== null ? context.cursor : undefined;
      enqueue(() =>
        tellSystem(system, systemIds.socket, {
          type: 'searchMessages',
          searchId,
          query,
          ...(before !== undefined ? { before } : {}),
        }),
      );
    }),
    keepFirstPage: assign(({ event }) =>
      event.type === 'messages.found'
        ? { results: event.found.results, hasMore: event.found.hasMore, cursor: event.found.cursor }
        : {},
    ),
    keepOlderPage: assign(({ context, event }) =>
      event.type === 'messages.found'
        ? {
            results: joinPages(context.results, event.found.results),
            hasMore: event.found.hasMore,
            cursor: event.found.cursor,
          }
        : {},
    ),
    keepError: assign({
      error: ({ event }) => (event.type === 'messages.failed' ? event.error : offline),
    }),
    forget: assign({ query: '', results: [], hasMore: false, cursor: null, error: null }),
    /** Opens the hit's conversation, then asks it to show the message. */
    openHit: enqueueActions(({ event, enqueue, system }) => {
      if (event.type !== 'hit.picked') return;
      const { conversationId, seq } = event;
      const messenger = system.get(systemIds.messenger);
      const conversation = system.get(conversationSystemId(conversationId));
      const selected: MessengerEvent = { type: 'conversation.selected', conversationId };
      if (messenger) enqueue.sendTo(messenger, selected);
      // The conversation's own event (it scrolls to the message, loading history if need be).
      const jump: { type: 'message.jumpRequested'; seq: number } = {
        type: 'message.jumpRequested',
        seq,
      };
      if (conversation) enqueue.sendTo(conversation, jump);
    }),
  },
}).createMachine({
  id: 'messageSearch',
  context: {
    query: '',
    searchId: 0,
    results: [],
    hasMore: false,
    cursor: null,
    error: null,
  },
  initial: 'closed',
  states: {
    closed: {
      on: { 'search.opened': { target: 'open', actions: 'forget' } },
    },
    open: {
      initial: 'idle',
      on: {
        'search.closed': { target: 'closed', actions: 'forget' },
        'hit.picked': { target: 'closed', actions: ['openHit', 'forget'] },
        'query.changed': [
          { guard: 'queryBlank', target: '.idle', actions: ['setQuery', 'forgetResults'] },
          { target: '.debouncing', actions: 'setQuery' },
        ],
      },
      states: {
        /** Nothing typed (or only spaces): nothing asked. */
        idle: {},
        debouncing: {
          after: { searchDelay: 'searching' },
          on: {
            // Each keystroke starts the quiet time again.
            'query.changed': [
              { guard: 'queryBlank', target: 'idle', actions: ['setQuery', 'forgetResults'] },
              { target: 'debouncing', reenter: true, actions: 'setQuery' },
            ],
          },
        },
        searching: {
          entry: { type: 'ask', params: { older: false } },
          on: {
            'messages.found': {
              guard: 'answersSearch',
              target: 'found',
              actions: 'keepFirstPage',
            },
            'messages.failed': { guard: 'answersSearch', target: 'failed', actions: 'keepError' },
            'connection.lost': { target: 'failed', actions: 'keepError' },
          },
        },
        /** The hits (none: "no messages found"), newest first. */
        found: {
          on: { 'olderResults.requested': { guard: 'hasMore', target: 'loadingMore' } },
        },
        /** The hits shown, an older page asked with the cursor. */
        loadingMore: {
          entry: { type: 'ask', params: { older: true } },
          on: {
            'messages.found': {
              guard: 'answersSearch',
              target: 'found',
              actions: 'keepOlderPage',
            },
            'messages.failed': {
              guard: 'answersSearch',
              target: 'moreFailed',
              actions: 'keepError',
            },
            'connection.lost': { target: 'moreFailed', actions: 'keepError' },
          },
        },
        failed: {
          on: { 'search.retried': 'searching' },
        },
        /** The older page failed: the hits stay shown, with the failure and a retry. */
        moreFailed: {
          on: { 'search.retried': 'loadingMore' },
        },
      },
    },
  },
});

export type MessageSearchMachine = typeof messageSearchMachine;
