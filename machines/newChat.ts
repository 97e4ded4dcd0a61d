// New chat: the dialog in which a person finds people and starts talking to them (systemId
// "newChat", invoked by the messenger while the list is up). One flow, three purposes:
// - direct: pick one person -> their DM opens (the pair's existing one, if any);
// - group: pick members, name the group -> it is created with the user as admin;
// - add: pick people for an existing group -> they are added (the admin only).
// Two regions run while it is open: `search` (the query, debounced, asked of the server by name
// or, for an international number, by phone; a late answer to an older query is ignored) and
// `step` (what the person is doing, each request a state with its failure). A conversation made
// here is handed to the messenger, which lists and opens it.
import { assign, enqueueActions, setup } from 'xstate';
import {
  type ConversationAdded,
  type ConversationCreated,
  GroupTitleSchema,
  hasHiddenCharacters,
  Limits,
  type ProtocolError,
  type User,
} from '../server/protocol.ts';
import { systemIds, tellSystem, type SocketCommand } from './system.ts';
import type { MessengerEvent } from './messenger.ts';

/** Quiet time after the last keystroke before the query is asked. */
export const searchDelayMs = 250;

export type NewChatPurpose = 'direct' | 'group' | 'add';

export interface NewChatContext {
  purpose: NewChatPurpose;
  /** The group people are added to (purpose `add`). */
  conversationId: string | null;
  /** People not to offer (the group's members, for `add`). */
  excludedIds: string[];
  query: string;
  /** Numbers the requests made since the dialog opened; answers carry theirs. */
  searchId: number;
  requestId: number;
  results: User[];
  picked: User[];
  title: string;
  error: ProtocolError | null;
}

export type NewChatEvent =
  // From the views.
  | {
      type: 'newChat.opened';
      purpose: NewChatPurpose;
      conversationId?: string;
      excludedIds?: readonly string[];
    }
  | { type: 'newChat.closed' }
  | { type: 'query.changed'; text: string }
  | { type: 'search.retried' }
  | { type: 'person.picked'; user: User }
  | { type: 'person.unpicked'; userId: string }
  | { type: 'members.confirmed' }
  | { type: 'title.changed'; text: string }
  | { type: 'group.submitted' }
  | { type: 'naming.back' }
  // From the socket: answers to this dialog's requests.
  | { type: 'people.found'; searchId: number; people: User[] }
  | { type: 'people.failed'; searchId: number; error: ProtocolError }
  | { type: 'conversation.created'; requestId: number; created: ConversationCreated }
  | { type: 'conversation.failed'; requestId: number; error: ProtocolError }
  | { type: 'members.added'; requestId: number }
  | { type: 'members.failed'; requestId: number; error: ProtocolError }
  // From the messenger.
  | { type: 'connection.lost' };

const offline: ProtocolError = {
  code: 'internal',
  message: 'network: Not connected. Try again when the connection is back.',
};

/** An international number (`+44 20 7946 0958`) as E.164, or null: then it is a name. */
export function phoneQuery(text: string): string | null {
  const trimmed = text.trim();
  if (!trimmed.startsWith('+')) return null;
  if (!/^\+[\d\s().-]+$/.test(trimmed)) return null;
  const digits = trimmed.replace(/\D/g, '');
  return /^[1-9]\d{6,14}$/.test(digits) ? `+${digits}` : null;
}

/** Whether `title` names a group as the server will accept it. */
export function isValidGroupTitle(title: string): boolean {
  return GroupTitleSchema.safeParse(title).success && !hasHiddenCharacters(title);
}

type Args = { context: NewChatContext; event: NewChatEvent };

const blank = (text: string): boolean => text.trim() === '';

function ask(system: Parameters<typeof tellSystem>[0], command: SocketCommand): void {
  tellSystem(system, systemIds.socket, command);
}

export const newChatMachine = setup({
  types: {
    context: {} as NewChatContext,
    events: {} as NewChatEvent,
  },
  delays: { searchDelay: searchDelayMs },
  guards: {
    opensDirect: ({ event }: Args) => event.type === 'newChat.opened' && event.purpose === 'direct',
    opensGroup: ({ event }: Args) => event.type === 'newChat.opened' && event.purpose === 'group',
    queryBlank: ({ event }: Args) => event.type === 'query.changed' && blank(event.text),
    answersSearch: ({ context, event }: Args) =>
      (event.type === 'people.found' || event.type === 'people.failed') &&
      event.searchId === context.searchId,
    answersRequest: ({ context, event }: Args) =>
      (event.type === 'conversation.created' ||
        event.type === 'conversation.failed' ||
        event.type === 'members.added' ||
        event.type === 'members.failed') &&
      event.requestId === context.requestId,
    hasPicked: ({ context }: Args) => context.picked.length > 0,
    titleValid: ({ context }: Args) => isValidGroupTitle(context.title),
  },
  actions: {
    reset: assign(({ event }) => {
      const opened = event as Extract<NewChatEvent, { type: 'newChat.opened' }>;
      return {
        purpose: opened.purpose,
        conversationId: opened.conversationId ?? null,
        excludedIds: [...(opened.excludedIds ?? [])],
        query: '',
        results: [],
        picked: [],
        title: '',
        error: null,
      };
    }),
    setQuery: assign({
      query: ({ event }) => (event.type === 'query.changed' ? event.text : ''),
    }),
    clearResults: assign({ results: [] }),
    askPeople: enqueueActions(({ context, enqueue, system }) => {
      const searchId = context.searchId + 1;
      enqueue.assign({ searchId, error: null });
      const phone = phoneQuery(context.query);
      const query = context.query.trim().slice(0, Limits.searchQueryMaxChars);
      enqueue(() =>
        ask(system, {
          type: 'searchPeople',
          searchId,
          ...(phone !== null ? { phone } : { query }),
        }),
      );
    }),
    keepResults: assign({
      results: ({ context, event }) =>
        event.type === 'people.found'
          ? event.people.filter((user) => !context.excludedIds.includes(user.id))
          : [],
    }),
    keepError: assign({
      error: ({ event }) =>
        'error' in event && event.error !== undefined ? (event.error as ProtocolError) : offline,
    }),
    keepOffline: assign({ error: offline }),
    togglePicked: assign({
      picked: ({ context, event }) => {
        if (event.type === 'person.unpicked') {
          return context.picked.filter((user) => user.id !== event.userId);
        }
        if (event.type !== 'person.picked') return context.picked;
        const { user } = event;
        if (context.picked.some((picked) => picked.id === user.id)) {
          return context.picked.filter((picked) => picked.id !== user.id);
        }
        // One request adds at most this many: more picks are not taken.
        if (context.picked.length >= Limits.membersPerRequestMax) return context.picked;
        return [...context.picked, user];
      },
    }),
    setTitle: assign({
      title: ({ event }) => (event.type === 'title.changed' ? event.text : ''),
    }),
    askCreateDirect: enqueueActions(({ context, event, enqueue, system }) => {
      if (event.type !== 'person.picked') return;
      const requestId = context.requestId + 1;
      enqueue.assign({ requestId, error: null });
      const userId = event.user.id;
      enqueue(() =>
        ask(system, { type: 'createConversation', requestId, request: { kind: 'direct', userId } }),
      );
    }),
    askCreateGroup: enqueueActions(({ context, enqueue, system }) => {
      const requestId = context.requestId + 1;
      enqueue.assign({ requestId, error: null });
      const request = {
        kind: 'group' as const,
        title: context.title.trim(),
        memberIds: context.picked.map((user) => user.id),
      };
      enqueue(() => ask(system, { type: 'createConversation', requestId, request }));
    }),
    askAddMembers: enqueueActions(({ context, enqueue, system }) => {
      const requestId = context.requestId + 1;
      const { conversationId } = context;
      enqueue.assign({ requestId, error: null });
      if (conversationId === null) return;
      const userIds = context.picked.map((user) => user.id);
      enqueue(() => ask(system, { type: 'addMembers', requestId, conversationId, userIds }));
    }),
    handToMessenger: enqueueActions(({ event, system, enqueue }) => {
      const messenger = system.get(systemIds.messenger);
      if (event.type !== 'conversation.created' || !messenger) return;
      const { conversation, users } = event.created;
      const added: ConversationAdded = { conversation, users };
      const handOver: MessengerEvent = { type: 'conversation.added', added, open: true };
      enqueue.sendTo(messenger, handOver);
    }),
  },
}).createMachine({
  id: 'newChat',
  context: {
    purpose: 'direct',
    conversationId: null,
    excludedIds: [],
    query: '',
    searchId: 0,
    requestId: 0,
    results: [],
    picked: [],
    title: '',
    error: null,
  },
  initial: 'closed',
  // Opening starts afresh, also from inside the dialog ("New group" in the DM search).
  on: {
    'newChat.opened': [
      { guard: 'opensDirect', target: '.open.step.choosing', actions: 'reset' },
      { guard: 'opensGroup', target: '.open.step.choosingMembers', actions: 'reset' },
      { target: '.open.step.choosingPeople', actions: 'reset' },
    ],
  },
  states: {
    closed: {},
    open: {
      type: 'parallel',
      on: { 'newChat.closed': '#newChat.closed' },
      states: {
        search: {
          initial: 'idle',
          on: {
            'query.changed': [
              { guard: 'queryBlank', target: '.idle', actions: ['setQuery', 'clearResults'] },
              { target: '.debouncing', actions: 'setQuery' },
            ],
          },
          states: {
            idle: {},
            debouncing: {
              after: { searchDelay: 'searching' },
              on: {
                // Each keystroke starts the quiet time again. (Re-entered from here, not from
                // the region: re-entering the region would re-enter its parallel sibling too,
                // and the dialog's step would start over.)
                'query.changed': [
                  { guard: 'queryBlank', target: 'idle', actions: ['setQuery', 'clearResults'] },
                  { target: 'debouncing', reenter: true, actions: 'setQuery' },
                ],
              },
            },
            searching: {
              entry: 'askPeople',
              on: {
                'people.found': { guard: 'answersSearch', target: 'found', actions: 'keepResults' },
                'people.failed': { guard: 'answersSearch', target: 'failed', actions: 'keepError' },
                'connection.lost': { target: 'failed', actions: 'keepOffline' },
              },
            },
            found: {},
            failed: { on: { 'search.retried': 'searching' } },
          },
        },
        step: {
          initial: 'choosing',
          states: {
            // A DM: the first person picked is the one.
            choosing: { on: { 'person.picked': 'creatingDirect' } },
            creatingDirect: {
              entry: 'askCreateDirect',
              on: {
                'conversation.created': {
                  guard: 'answersRequest',
                  target: '#newChat.closed',
                  actions: 'handToMessenger',
                },
                'conversation.failed': {
                  guard: 'answersRequest',
                  target: 'directFailed',
                  actions: 'keepError',
                },
                'connection.lost': { target: 'directFailed', actions: 'keepOffline' },
              },
            },
            directFailed: { on: { 'person.picked': 'creatingDirect' } },
            // A new group: pick its members, then name it.
            choosingMembers: {
              on: {
                'person.picked': { actions: 'togglePicked' },
                'person.unpicked': { actions: 'togglePicked' },
                'members.confirmed': { guard: 'hasPicked', target: 'naming' },
              },
            },
            naming: {
              on: {
                'title.changed': { actions: 'setTitle' },
                'naming.back': 'choosingMembers',
                'group.submitted': { guard: 'titleValid', target: 'creatingGroup' },
              },
            },
            creatingGroup: {
              entry: 'askCreateGroup',
              on: {
                'conversation.created': {
                  guard: 'answersRequest',
                  target: '#newChat.closed',
                  actions: 'handToMessenger',
                },
                'conversation.failed': {
                  guard: 'answersRequest',
                  target: 'groupFailed',
                  actions: 'keepError',
                },
                'connection.lost': { target: 'groupFailed', actions: 'keepOffline' },
              },
            },
            groupFailed: {
              on: {
                'title.changed': { actions: 'setTitle' },
                'naming.back': 'choosingMembers',
                'group.submitted': { guard: 'titleValid', target: 'creatingGroup' },
              },
            },
            // People for an existing group: pick, then add them.
            choosingPeople: {
              on: {
                'person.picked': { actions: 'togglePicked' },
                'person.unpicked': { actions: 'togglePicked' },
                'members.confirmed': { guard: 'hasPicked', target: 'adding' },
              },
            },
            adding: {
              entry: 'askAddMembers',
              on: {
                'members.added': { guard: 'answersRequest', target: '#newChat.closed' },
                'members.failed': {
                  guard: 'answersRequest',
                  target: 'addFailed',
                  actions: 'keepError',
                },
                'connection.lost': { target: 'addFailed', actions: 'keepOffline' },
              },
            },
            addFailed: {
              on: {
                'members.confirmed': 'adding',
                'person.unpicked': { target: 'choosingPeople', actions: 'togglePicked' },
                'person.picked': { target: 'choosingPeople', actions: 'togglePicked' },
              },
            },
          },
        },
      },
    },
  },
});

export type NewChatMachine = typeof newChatMachine;
