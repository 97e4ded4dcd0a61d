// Messenger: what the signed-in user sees and does: conversations and users as synced and
// updated by the server, the selected conversation, per-conversation drafts and drafting
// signals, optimistic messages and older pages. It never talks to the socket: it reports
// requests to its parent (the app machine), which relays them to the session, and receives the
// session's reports the same way (see machines/app.ts).
import { assertEvent, assign, enqueueActions, setup, type AnyActorRef } from 'xstate';
import type {
  ChannelUpdate,
  Conversation,
  ConversationsAndUsers,
  Message,
  ProtocolError,
  User,
} from '../server/protocol.ts';
import { clipToMessageLimit, Limits, messageLength } from '../server/protocol.ts';
import type { MessengerRequest, OutgoingMessage, SessionReport } from './session.ts';

export interface MessengerInput {
  /** Unique per app run: client message ids are `<prefix>-<n>` (letters, digits, - or _). */
  clientIdPrefix: string;
  /** Clock for when an optimistic message was written (defaults to Date.now). */
  now?: () => number;
}

export interface ConversationState extends Conversation {
  /** Messages from others that arrived while this conversation was not open. */
  unread: number;
  loadingHistory: boolean;
  historyError: string | null;
  /** A catch-up request (messages after a hole in `messages`) is on its way. */
  catchingUp: boolean;
}

/** A message of the user's that the server has not acknowledged yet, or refused. */
export interface PendingMessage extends OutgoingMessage {
  /** When the user sent it (epoch ms, injected clock): where it sits in the log until acked. */
  createdAt: number;
  status: 'sending' | 'failed';
  error: string | null;
}

/** Per conversation: whether the server was told we are drafting, and whether that is recent. */
export type DraftingSignal = 'idle' | 'fresh' | 'stale';

export interface MessengerContext {
  clientIdPrefix: string;
  now: () => number;
  nextClientId: number;
  currentUserId: string | null;
  users: Record<string, User>;
  conversations: Record<string, ConversationState>;
  /** Conversation ids in the order the server listed them. */
  conversationIds: string[];
  selectedConversationId: string | null;
  drafts: Record<string, string>;
  drafting: Record<string, DraftingSignal>;
  pending: PendingMessage[];
  /** A resync was asked for because a message or member named a user we do not know. */
  resyncRequested: boolean;
}

/** Events the views send. */
export type MessengerViewEvent =
  | { type: 'conversation.selected'; conversationId: string }
  | { type: 'conversation.closed' }
  /** The composer's whole new text, for the selected conversation. */
  | { type: 'draft.changed'; text: string }
  /** Send the selected conversation's draft. */
  | { type: 'message.submitted' }
  | { type: 'message.retried'; clientMessageId: string }
  /** Load the page before the oldest loaded message. */
  | { type: 'history.requested'; conversationId: string };

/** Timers the messenger sets itself (delayed raises). */
export type DraftingTimerEvent =
  | { type: 'drafting.idleElapsed'; conversationId: string }
  | { type: 'drafting.refreshDue'; conversationId: string };

export type MessengerEvent = MessengerViewEvent | DraftingTimerEvent | SessionReport;

export const messengerEventTypes = [
  'conversation.selected',
  'conversation.closed',
  'draft.changed',
  'message.submitted',
  'message.retried',
  'history.requested',
  'drafting.idleElapsed',
  'drafting.refreshDue',
  'session.synced',
  'session.channelUpdate',
  'session.messageAcked',
  'session.messageRejected',
  'session.messagesLoaded',
  'session.historyFailed',
  'session.userJoined',
  'session.caughtUp',
  'session.catchUpFailed',
] as const satisfies readonly MessengerEvent['type'][];

/** Drafting: true on the first keystroke, again every 3 s of typing, false after 3 s idle. */
export const draftingTiming = { refreshMs: 3_000, idleMs: 3_000 } as const;

const refreshTimerId = (conversationId: string): string => `drafting.refresh.${conversationId}`;
const idleTimerId = (conversationId: string): string => `drafting.idle.${conversationId}`;

function tellParent(
  self: AnyActorRef,
  send: (event: MessengerRequest) => void,
  event: MessengerRequest,
) {
  // A messenger run on its own (tests, the visualizer) has no session to tell.
  if (self._parent) send(event);
}

/** Merges by seq (a conversation's seq is unique and gap-free): a message heard twice shows once. */
/** The conversations, with one of them replaced by a patched copy. */
function patchConversation(
  context: MessengerContext,
  conversation: ConversationState,
  patch: Partial<ConversationState>,
): Record<string, ConversationState> {
  return { ...context.conversations, [conversation.id]: { ...conversation, ...patch } };
}

function insertMessages(existing: Message[], incoming: Message[]): Message[] {
  const bySeq = new Map(existing.map((message) => [message.seq, message]));
  for (const message of incoming) bySeq.set(message.seq, message);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

/**
 * The seq of the last message before the first hole in `messages` (sorted by seq), or null when
 * they run without a hole. Older pages not loaded yet are not a hole: only what lies between two
 * known messages is, e.g. what was written while the connection was down, beyond the page the
 * resync brought.
 */
export function lastSeqBeforeHole(messages: readonly Message[]): number | null {
  for (let index = 1; index < messages.length; index += 1) {
    const previous = messages[index - 1];
    const current = messages[index];
    if (previous && current && current.seq > previous.seq + 1) return previous.seq;
  }
  return null;
}

/**
 * Pending messages minus those the server turns out to have stored (their ack was lost with the
 * connection): shown once, as delivered, not twice.
 */
function withoutDelivered(
  pending: PendingMessage[],
  messages: readonly Message[],
): PendingMessage[] {
  const delivered = new Set(
    messages.flatMap((m) => (m.clientMessageId ? [m.clientMessageId] : [])),
  );
  if (delivered.size === 0) return pending;
  return pending.filter((entry) => !delivered.has(entry.clientMessageId));
}

/** Ids a conversation refers to (members, authors) that are not among `users`. */
function hasUnknownPeople(conversation: ConversationState, users: Record<string, User>): boolean {
  return (
    conversation.memberIds.some((id) => !(id in users)) ||
    conversation.messages.some((message) => !(message.authorId in users))
  );
}

function fromSync(
  data: ConversationsAndUsers,
  previous: MessengerContext,
): Partial<MessengerContext> {
  const users: Record<string, User> = {};
  for (const user of data.users) users[user.id] = user;
  const conversations: Record<string, ConversationState> = {};
  for (const conversation of data.conversations) {
    const before = previous.conversations[conversation.id];
    conversations[conversation.id] = {
      ...conversation,
      // A resync after a reconnect keeps older pages already loaded and the unread count.
      messages: insertMessages(before?.messages ?? [], conversation.messages),
      hasMore:
        before && before.messages.length > conversation.messages.length
          ? before.hasMore
          : conversation.hasMore,
      unread: before?.unread ?? 0,
      loadingHistory: false,
      historyError: null,
      // Whatever was asked over an earlier connection will not be answered: ask again.
      catchingUp: false,
    };
  }
  const selected = previous.selectedConversationId;
  return {
    currentUserId: data.currentUserId,
    users,
    resyncRequested: false,
    pending: withoutDelivered(
      previous.pending,
      data.conversations.flatMap((conversation) => conversation.messages),
    ),
    conversations,
    conversationIds: data.conversations.map((conversation) => conversation.id),
    selectedConversationId: selected && conversations[selected] ? selected : null,
  };
}

const failureText = (error: ProtocolError | undefined): string =>
  error?.message ?? 'The server did not accept the message.';

export const messengerMachine = setup({
  types: {
    context: {} as MessengerContext,
    events: {} as MessengerEvent,
    input: {} as MessengerInput,
  },
  delays: {
    draftingRefresh: draftingTiming.refreshMs,
    draftingIdle: draftingTiming.idleMs,
  },
  guards: {
    isSyncPayload: ({ event }) => {
      assertEvent(event, 'session.synced');
      return (
        typeof event.data === 'object' &&
        event.data !== null &&
        Array.isArray(event.data.users) &&
        Array.isArray(event.data.conversations)
      );
    },
    isChannelUpdatePayload: ({ event }) => {
      assertEvent(event, 'session.channelUpdate');
      return typeof event.update?.conversation?.id === 'string';
    },
    /** Updates carry no member list, so only a conversation known from the sync can take one. */
    isUpdateOfKnownConversation: ({ context, event }) => {
      assertEvent(event, 'session.channelUpdate');
      const id = event.update?.conversation?.id;
      return typeof id === 'string' && id in context.conversations;
    },
    isKnownConversation: ({ context, event }) => {
      assertEvent(event, [
        'conversation.selected',
        'session.messagesLoaded',
        'session.historyFailed',
        'session.caughtUp',
        'session.catchUpFailed',
      ]);
      return (
        typeof event.conversationId === 'string' && event.conversationId in context.conversations
      );
    },
    hasText: ({ event }) => {
      assertEvent(event, 'draft.changed');
      return typeof event.text === 'string';
    },
    canSendDraft: ({ context }) => {
      const id = context.selectedConversationId;
      const text = id ? (context.drafts[id] ?? '').trim() : '';
      return text.length > 0 && messageLength(text) <= Limits.messageMaxChars;
    },
    canLoadHistory: ({ context, event }) => {
      assertEvent(event, 'history.requested');
      const conversation = context.conversations[event.conversationId];
      return conversation !== undefined && conversation.hasMore && !conversation.loadingHistory;
    },
    isPendingMessage: ({ context, event }) => {
      assertEvent(event, ['session.messageAcked', 'session.messageRejected']);
      return context.pending.some((entry) => entry.clientMessageId === event.clientMessageId);
    },
    isFailedMessage: ({ context, event }) => {
      assertEvent(event, 'message.retried');
      return context.pending.some(
        (entry) => entry.clientMessageId === event.clientMessageId && entry.status === 'failed',
      );
    },
    isUserJoinedPayload: ({ event }) => {
      assertEvent(event, 'session.userJoined');
      return typeof event.user?.id === 'string' && Array.isArray(event.conversationIds);
    },
    isDraftingSignalled: ({ context, event }) => {
      assertEvent(event, ['drafting.idleElapsed', 'drafting.refreshDue']);
      return (context.drafting[event.conversationId] ?? 'idle') !== 'idle';
    },
  },
  actions: {
    assignSync: assign(({ context, event }) => {
      assertEvent(event, 'session.synced');
      return fromSync(event.data, context);
    }),
    mergeChannelUpdate: assign(({ context, event }) => {
      assertEvent(event, 'session.channelUpdate');
      const { conversation: summary, message } = event.update as ChannelUpdate;
      const before = context.conversations[summary.id];
      // Guarded by isUpdateOfKnownConversation: an unknown one is synced whole instead.
      if (!before) return {};
      const isNew = message !== null && !before.messages.some((m) => m.id === message.id);
      const fromOther = message !== null && message.authorId !== context.currentUserId;
      const unseen = isNew && fromOther && context.selectedConversationId !== summary.id;
      // The summary has no member list: members stay as the sync and userJoined left them.
      const conversation: ConversationState = {
        ...before,
        id: summary.id,
        kind: summary.kind,
        title: summary.title,
        lastMessage: summary.lastMessage,
        drafting: summary.drafting,
        messages: message ? insertMessages(before.messages, [message]) : before.messages,
        unread: before.unread + (unseen ? 1 : 0),
      };
      const pending = message?.clientMessageId
        ? context.pending.filter((entry) => entry.clientMessageId !== message.clientMessageId)
        : context.pending;
      return {
        conversations: { ...context.conversations, [summary.id]: conversation },
        pending,
      };
    }),
    addJoinedUser: assign(({ context, event }) => {
      assertEvent(event, 'session.userJoined');
      const { user, conversationIds } = event;
      const conversations = { ...context.conversations };
      for (const id of conversationIds) {
        const conversation = conversations[id];
        if (conversation && !conversation.memberIds.includes(user.id)) {
          conversations[id] = { ...conversation, memberIds: [...conversation.memberIds, user.id] };
        }
      }
      return { users: { ...context.users, [user.id]: user }, conversations };
    }),
    /** Asks for the messages after each hole (a conversation asks once until answered). */
    catchUpHoles: enqueueActions(({ context, event, self, enqueue }) => {
      // After a sync every conversation may have one; after an update only the one it touched.
      const candidates =
        event.type === 'session.channelUpdate'
          ? [context.conversations[event.update.conversation.id]]
          : Object.values(context.conversations);
      const conversations = { ...context.conversations };
      let asked = false;
      for (const conversation of candidates) {
        if (!conversation || conversation.catchingUp) continue;
        const after = lastSeqBeforeHole(conversation.messages);
        if (after === null) continue;
        conversations[conversation.id] = { ...conversation, catchingUp: true };
        asked = true;
        tellParent(self, (e) => enqueue.sendParent(e), {
          type: 'messenger.catchUpRequested',
          conversationId: conversation.id,
          after,
        });
      }
      if (asked) enqueue.assign({ conversations });
    }),
    mergeCaughtUp: enqueueActions(({ context, event, self, enqueue }) => {
      assertEvent(event, 'session.caughtUp');
      const conversation = context.conversations[event.conversationId];
      if (!conversation) return;
      const page = Array.isArray(event.messages) ? event.messages : [];
      const messages = insertMessages(conversation.messages, page);
      const after = lastSeqBeforeHole(messages);
      // Page on while the server has more and a hole is left. An empty page would ask for the
      // same thing forever, so it ends the catch-up (the next sync looks again).
      const more = event.hasMore === true && page.length > 0 && after !== null;
      enqueue.assign({
        conversations: patchConversation(context, conversation, { messages, catchingUp: more }),
        pending: withoutDelivered(context.pending, page),
      });
      if (more) {
        tellParent(self, (e) => enqueue.sendParent(e), {
          type: 'messenger.catchUpRequested',
          conversationId: conversation.id,
          after,
        });
      }
    }),
    endCatchUp: assign(({ context, event }) => {
      assertEvent(event, 'session.catchUpFailed');
      const conversation = context.conversations[event.conversationId];
      if (!conversation) return {};
      return {
        conversations: patchConversation(context, conversation, { catchingUp: false }),
      };
    }),
    /**
     * A user we do not know (their `userJoined` was missed), or an update for a conversation we
     * were not synced with (joined since): sync conversations and users.
     */
    resyncIfUnknown: enqueueActions(({ context, event, self, enqueue }) => {
      assertEvent(event, ['session.channelUpdate', 'session.caughtUp', 'session.messagesLoaded']);
      if (context.resyncRequested) return;
      // Only the conversation this event touched: a whole-list scan per update would cost more
      // with every conversation.
      const id =
        event.type === 'session.channelUpdate'
          ? event.update.conversation.id
          : event.conversationId;
      const conversation = context.conversations[id];
      if (conversation && !hasUnknownPeople(conversation, context.users)) return;
      enqueue.assign({ resyncRequested: true });
      tellParent(self, (e) => enqueue.sendParent(e), { type: 'messenger.resyncRequested' });
    }),
    select: assign(({ context, event }) => {
      assertEvent(event, 'conversation.selected');
      const conversation = context.conversations[event.conversationId];
      if (!conversation) return {};
      return {
        selectedConversationId: event.conversationId,
        conversations: patchConversation(context, conversation, { unread: 0 }),
      };
    }),
    unselect: assign({ selectedConversationId: null }),
    assignDraft: assign(({ context, event }) => {
      assertEvent(event, 'draft.changed');
      const id = context.selectedConversationId;
      if (!id) return {};
      return { drafts: { ...context.drafts, [id]: clipToMessageLimit(event.text) } };
    }),
    signalDrafting: enqueueActions(({ context, event, self, enqueue }) => {
      assertEvent(event, 'draft.changed');
      const conversationId = context.selectedConversationId;
      if (!conversationId) return;
      const signal = context.drafting[conversationId] ?? 'idle';
      const send = (isDrafting: boolean) =>
        tellParent(self, (e) => enqueue.sendParent(e), {
          type: 'messenger.draftingChanged',
          conversationId,
          isDrafting,
        });
      enqueue.cancel(idleTimerId(conversationId));
      if (event.text.trim().length === 0) {
        if (signal !== 'idle') {
          send(false);
          enqueue.cancel(refreshTimerId(conversationId));
          enqueue.assign({ drafting: { ...context.drafting, [conversationId]: 'idle' } });
        }
        return;
      }
      if (signal !== 'fresh') {
        send(true);
        enqueue.assign({ drafting: { ...context.drafting, [conversationId]: 'fresh' } });
        enqueue.raise(
          { type: 'drafting.refreshDue', conversationId },
          { delay: 'draftingRefresh', id: refreshTimerId(conversationId) },
        );
      }
      enqueue.raise(
        { type: 'drafting.idleElapsed', conversationId },
        { delay: 'draftingIdle', id: idleTimerId(conversationId) },
      );
    }),
    markDraftingStale: assign(({ context, event }) => {
      assertEvent(event, 'drafting.refreshDue');
      return { drafting: { ...context.drafting, [event.conversationId]: 'stale' as const } };
    }),
    stopDrafting: enqueueActions(({ context, event, self, enqueue }) => {
      assertEvent(event, 'drafting.idleElapsed');
      const { conversationId } = event;
      tellParent(self, (e) => enqueue.sendParent(e), {
        type: 'messenger.draftingChanged',
        conversationId,
        isDrafting: false,
      });
      enqueue.cancel(refreshTimerId(conversationId));
      enqueue.assign({ drafting: { ...context.drafting, [conversationId]: 'idle' } });
    }),
    sendDraft: enqueueActions(({ context, self, enqueue }) => {
      const conversationId = context.selectedConversationId;
      if (!conversationId) return;
      const text = (context.drafts[conversationId] ?? '').trim();
      const clientMessageId = `${context.clientIdPrefix}-${context.nextClientId}`;
      const message: OutgoingMessage = { conversationId, text, clientMessageId };
      if ((context.drafting[conversationId] ?? 'idle') !== 'idle') {
        tellParent(self, (e) => enqueue.sendParent(e), {
          type: 'messenger.draftingChanged',
          conversationId,
          isDrafting: false,
        });
      }
      enqueue.cancel(idleTimerId(conversationId));
      enqueue.cancel(refreshTimerId(conversationId));
      enqueue.assign({
        nextClientId: context.nextClientId + 1,
        drafts: { ...context.drafts, [conversationId]: '' },
        drafting: { ...context.drafting, [conversationId]: 'idle' },
        pending: [
          ...context.pending,
          { ...message, createdAt: context.now(), status: 'sending', error: null },
        ],
      });
      tellParent(self, (e) => enqueue.sendParent(e), { type: 'messenger.messageSent', message });
    }),
    retryMessage: enqueueActions(({ context, event, self, enqueue }) => {
      assertEvent(event, 'message.retried');
      const entry = context.pending.find((p) => p.clientMessageId === event.clientMessageId);
      if (!entry) return;
      enqueue.assign({
        pending: context.pending.map((p) =>
          p === entry ? { ...p, status: 'sending' as const, error: null } : p,
        ),
      });
      const { conversationId, text, clientMessageId } = entry;
      tellParent(self, (e) => enqueue.sendParent(e), {
        type: 'messenger.messageSent',
        message: { conversationId, text, clientMessageId },
      });
    }),
    confirmMessage: assign(({ context, event }) => {
      assertEvent(event, 'session.messageAcked');
      const { message } = event;
      const conversation = context.conversations[message.conversationId];
      return {
        pending: context.pending.filter((p) => p.clientMessageId !== event.clientMessageId),
        conversations: conversation
          ? patchConversation(context, conversation, {
              messages: insertMessages(conversation.messages, [message]),
            })
          : context.conversations,
      };
    }),
    failMessage: assign(({ context, event }) => {
      assertEvent(event, 'session.messageRejected');
      return {
        pending: context.pending.map((p) =>
          p.clientMessageId === event.clientMessageId
            ? { ...p, status: 'failed' as const, error: failureText(event.error) }
            : p,
        ),
      };
    }),
    requestHistory: enqueueActions(({ context, event, self, enqueue }) => {
      assertEvent(event, 'history.requested');
      const conversation = context.conversations[event.conversationId];
      if (!conversation) return;
      enqueue.assign({
        conversations: patchConversation(context, conversation, {
          loadingHistory: true,
          historyError: null,
        }),
      });
      const oldest = conversation.messages[0];
      tellParent(self, (e) => enqueue.sendParent(e), {
        type: 'messenger.historyRequested',
        conversationId: conversation.id,
        ...(oldest ? { before: oldest.seq } : {}),
      });
    }),
    prependHistory: assign(({ context, event }) => {
      assertEvent(event, 'session.messagesLoaded');
      const conversation = context.conversations[event.conversationId];
      if (!conversation) return {};
      return {
        conversations: patchConversation(context, conversation, {
          messages: insertMessages(conversation.messages, event.messages ?? []),
          hasMore: event.hasMore === true,
          loadingHistory: false,
          historyError: null,
        }),
      };
    }),
    failHistory: assign(({ context, event }) => {
      assertEvent(event, 'session.historyFailed');
      const conversation = context.conversations[event.conversationId];
      if (!conversation) return {};
      return {
        conversations: patchConversation(context, conversation, {
          loadingHistory: false,
          historyError: event.error?.message ?? 'Could not load older messages.',
        }),
      };
    }),
  },
}).createMachine({
  id: 'messenger',
  context: ({ input }) => ({
    clientIdPrefix: input.clientIdPrefix,
    now: input.now ?? Date.now,
    nextClientId: 1,
    currentUserId: null,
    users: {},
    conversations: {},
    conversationIds: [],
    selectedConversationId: null,
    drafts: {},
    drafting: {},
    pending: [],
    resyncRequested: false,
  }),
  initial: 'loading',
  states: {
    loading: {
      on: {
        'session.synced': { guard: 'isSyncPayload', target: 'ready', actions: 'assignSync' },
      },
    },
    ready: {
      initial: 'browsing',
      on: {
        'session.synced': { guard: 'isSyncPayload', actions: ['assignSync', 'catchUpHoles'] },
        'session.channelUpdate': [
          {
            guard: 'isUpdateOfKnownConversation',
            actions: ['mergeChannelUpdate', 'catchUpHoles', 'resyncIfUnknown'],
          },
          { guard: 'isChannelUpdatePayload', actions: 'resyncIfUnknown' },
        ],
        'session.userJoined': { guard: 'isUserJoinedPayload', actions: 'addJoinedUser' },
        'session.caughtUp': {
          guard: 'isKnownConversation',
          actions: ['mergeCaughtUp', 'resyncIfUnknown'],
        },
        'session.catchUpFailed': { guard: 'isKnownConversation', actions: 'endCatchUp' },
        'session.messageAcked': { guard: 'isPendingMessage', actions: 'confirmMessage' },
        'session.messageRejected': { guard: 'isPendingMessage', actions: 'failMessage' },
        'session.messagesLoaded': {
          guard: 'isKnownConversation',
          actions: ['prependHistory', 'resyncIfUnknown'],
        },
        'session.historyFailed': { guard: 'isKnownConversation', actions: 'failHistory' },
        'conversation.selected': {
          guard: 'isKnownConversation',
          target: '.viewing',
          actions: 'select',
        },
        'message.retried': { guard: 'isFailedMessage', actions: 'retryMessage' },
        'drafting.refreshDue': { guard: 'isDraftingSignalled', actions: 'markDraftingStale' },
        'drafting.idleElapsed': { guard: 'isDraftingSignalled', actions: 'stopDrafting' },
      },
      states: {
        browsing: {},
        viewing: {
          on: {
            'conversation.closed': { target: 'browsing', actions: 'unselect' },
            'draft.changed': { guard: 'hasText', actions: ['signalDrafting', 'assignDraft'] },
            'message.submitted': { guard: 'canSendDraft', actions: 'sendDraft' },
            'history.requested': { guard: 'canLoadHistory', actions: 'requestHistory' },
          },
        },
      },
    },
  },
});

export type MessengerMachine = typeof messengerMachine;
