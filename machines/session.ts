// Session: the life of the connection to the chat server, and the outbox of messages that
// have not been acknowledged yet. The socket itself is one callback actor supplied from
// outside; this machine only decides when to connect, sync, resend and give up.
//
// Delivery, client to server: the outbox is sent one message at a time, oldest first, each
// waiting for its ack (stop-and-wait), so a refused or lost message can never be overtaken by a
// later one. A resend reuses the clientMessageId, and the server stores (sender,
// clientMessageId) once, so resending after an unknown outcome is always safe. What happens to
// the oldest message on a bad ack depends on whether the user can do anything about it:
// - `rate_limited`: wait `retryAfterMs`, send it again (the user cannot help; it will pass);
// - an error the user can act on (`userFixableSendErrors`: too long, forbidden...): it leaves the
//   outbox and the messenger shows it failed, with Retry;
// - anything else (no ack before the timeout, the server failed): the connection is treated as
//   broken: reconnect with backoff, resync, and send the outbox again.
//
// Delivery, server to client: every (re)connection starts with a sync (the latest page of every
// conversation). The messenger, which holds the messages, asks for what lies between its last
// seen seq and that page (`messenger.catchUpRequested` -> `requestMessages { after }`).
// Socket.IO's connection state recovery cannot help here: it needs the same client socket to
// reconnect (it resends its pid and last offset), but this machine opens a new socket per
// attempt (the `socket` actor's lifetime is one attempt, which keeps every attempt's listeners,
// acks and timers separate), and a restarted server has lost the recovery state anyway.
import { assertEvent, assign, enqueueActions, fromCallback, sendTo, setup } from 'xstate';
import type {
  ChannelUpdate,
  ConversationsAndUsers,
  ErrorCode,
  Message,
  ProtocolError,
  UserJoined,
} from '../server/protocol.ts';
import { Limits } from '../server/protocol.ts';

export interface SessionInput {
  /** Chat server URL (Socket.IO endpoint). */
  url: string;
  /** Session token sent in the handshake `auth`. */
  token: string;
  /** Whether the OS reports a network now (navigator.onLine). Defaults to true. */
  online?: boolean;
  /** Random source in [0, 1) for the backoff jitter (defaults to Math.random). */
  random?: () => number;
}

/** A message waiting for its acknowledgement. */
export interface OutgoingMessage {
  conversationId: string;
  text: string;
  /** Chosen once by the messenger; a resend reuses it so the server stores the message once. */
  clientMessageId: string;
}

export interface SessionContext {
  url: string;
  token: string;
  online: boolean;
  /** Consecutive failed connection attempts; drives the backoff, reset when live. */
  attempt: number;
  /**
   * Unacknowledged messages, oldest first. While live, the oldest is on the wire (or waiting
   * out a rate limit); the rest wait their turn.
   */
  outbox: OutgoingMessage[];
  /** How long the server asked us to wait before sending the oldest message again. */
  retryAfterMs: number;
  /** Why the session ended (token refused), or the last connection problem. */
  lastError: string | null;
  random: () => number;
}

export interface SessionOutput {
  reason: 'tokenRefused';
  message: string;
}

/** Events the socket actor sends to the session. */
export type SocketEvent =
  /** The transport is up; the server is checking the handshake token. */
  | { type: 'socket.transportOpened' }
  /** The server accepted the token (Socket.IO `connect`). */
  | { type: 'socket.connected' }
  /** The server refused the token (`connect_error` whose message is `invalid_token`...). */
  | { type: 'socket.authRejected'; error: ProtocolError }
  /** Could not connect for any other reason (server down, transport error, timeout). */
  | { type: 'socket.connectFailed'; message: string }
  /** An established connection was lost (Socket.IO `disconnect`). */
  | { type: 'socket.disconnected'; reason: string }
  /** `recieveConversationsAndUsers` arrived after a `socket.sync`. */
  | { type: 'socket.synced'; data: ConversationsAndUsers }
  /** The sync request's ack failed or timed out. */
  | { type: 'socket.syncFailed'; error: ProtocolError }
  | { type: 'socket.channelUpdate'; update: ChannelUpdate }
  /** `userJoined`: someone new is now a member of some of our conversations. */
  | { type: 'socket.userJoined'; joined: UserJoined }
  | { type: 'socket.messageAcked'; clientMessageId: string; message: Message }
  /** The send's ack was an error, or did not come in time (`internal`, message `network: ...`). */
  | { type: 'socket.messageRejected'; clientMessageId: string; error: ProtocolError }
  | {
      type: 'socket.messagesLoaded';
      conversationId: string;
      messages: Message[];
      hasMore: boolean;
    }
  | { type: 'socket.messagesFailed'; conversationId: string; error: ProtocolError }
  /** A page of messages after `after` (answer to `socket.catchUp`). */
  | {
      type: 'socket.caughtUp';
      conversationId: string;
      after: number;
      messages: Message[];
      hasMore: boolean;
    }
  | { type: 'socket.catchUpFailed'; conversationId: string; error: ProtocolError };

/** Events the session sends to the socket actor (`sendTo('socket', ...)`). */
export type SocketCommand =
  /** Emit `requestConversationsAndUsers`; answer with `socket.synced` or `socket.syncFailed`. */
  | { type: 'socket.sync' }
  /** Emit `sendMessage`; answer with `socket.messageAcked` or `socket.messageRejected`. */
  | { type: 'socket.sendMessage'; message: OutgoingMessage }
  /** Emit `isDrafting` (fire and forget: a lost drafting signal is harmless). */
  | { type: 'socket.sendDrafting'; conversationId: string; isDrafting: boolean }
  /** Emit `requestMessages`; answer with `socket.messagesLoaded` or `socket.messagesFailed`. */
  | { type: 'socket.requestMessages'; conversationId: string; before?: number; limit?: number }
  /**
   * Emit `requestMessages { after }`: the messages just above `after`; answer with
   * `socket.caughtUp` or `socket.catchUpFailed`.
   */
  | { type: 'socket.catchUp'; conversationId: string; after: number; limit?: number };

/** Events the messenger sends the session (relayed by the app machine). */
export type MessengerRequest =
  | { type: 'messenger.messageSent'; message: OutgoingMessage }
  | { type: 'messenger.draftingChanged'; conversationId: string; isDrafting: boolean }
  | { type: 'messenger.historyRequested'; conversationId: string; before?: number }
  /** The messenger misses messages after `after` (its last seen seq before a hole). */
  | { type: 'messenger.catchUpRequested'; conversationId: string; after: number }
  /** The messenger met a user it does not know: sync conversations and users again. */
  | { type: 'messenger.resyncRequested' };

/** What the session reports to its parent (the app relays these to the messenger). */
export type SessionReport =
  | { type: 'session.synced'; data: ConversationsAndUsers }
  | { type: 'session.channelUpdate'; update: ChannelUpdate }
  | { type: 'session.messageAcked'; clientMessageId: string; message: Message }
  | { type: 'session.messageRejected'; clientMessageId: string; error: ProtocolError }
  | {
      type: 'session.messagesLoaded';
      conversationId: string;
      messages: Message[];
      hasMore: boolean;
    }
  | { type: 'session.historyFailed'; conversationId: string; error: ProtocolError }
  | { type: 'session.userJoined'; user: UserJoined['user']; conversationIds: string[] }
  | {
      type: 'session.caughtUp';
      conversationId: string;
      after: number;
      messages: Message[];
      hasMore: boolean;
    }
  | { type: 'session.catchUpFailed'; conversationId: string; error: ProtocolError };

export type NetworkEvent = { type: 'network.online' } | { type: 'network.offline' };

export type SessionEvent = SocketEvent | MessengerRequest | NetworkEvent;

export const sessionEventTypes = [
  'socket.transportOpened',
  'socket.connected',
  'socket.authRejected',
  'socket.connectFailed',
  'socket.disconnected',
  'socket.synced',
  'socket.syncFailed',
  'socket.channelUpdate',
  'socket.userJoined',
  'socket.messageAcked',
  'socket.messageRejected',
  'socket.messagesLoaded',
  'socket.messagesFailed',
  'socket.caughtUp',
  'socket.catchUpFailed',
  'messenger.messageSent',
  'messenger.draftingChanged',
  'messenger.historyRequested',
  'messenger.catchUpRequested',
  'messenger.resyncRequested',
  'network.online',
  'network.offline',
] as const satisfies readonly SessionEvent['type'][];

export const backoff = { baseMs: 500, capMs: 30_000 } as const;

/**
 * Send errors the user can do something about (edit the text, leave the conversation): the
 * message is shown failed with Retry. Every other failure is transient and retried by itself.
 */
export const userFixableSendErrors: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'invalid_payload',
  'text_empty',
  'text_too_long',
  'forbidden',
  'not_found',
]);

/** Wait before resending after `rate_limited` when the server did not say how long. */
export const defaultRetryAfterMs = 1_000;

/**
 * Capped exponential backoff with "equal jitter": half the step is fixed, half random, so
 * clients that lost the same server do not all come back at the same instant.
 */
export function reconnectDelayMs(attempt: number, random: () => number): number {
  const step = Math.min(backoff.capMs, backoff.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(step / 2 + (step / 2) * random());
}

/**
 * The `socket` actor (fromCallback), invoked once per connection attempt with input
 * `{ url, token }` and stopped when the attempt ends (its cleanup must close the socket):
 * - connects with Socket.IO (`auth: { token }`, its own reconnection OFF: this machine owns
 *   reconnecting), validates every payload it receives, and sends the session the
 *   `SocketEvent`s above: `socket.transportOpened` when the engine opens,
 *   `socket.connected` on `connect`, `socket.authRejected` when `connect_error`'s message is an
 *   auth code (`invalid_token`, `unauthenticated`), `socket.connectFailed` on any other
 *   `connect_error`, `socket.disconnected` on `disconnect`, `socket.channelUpdate` for each
 *   `channelUpdate` and `socket.userJoined` for each `userJoined`;
 * - accepts the `SocketCommand`s above via `receive`, emits them with acknowledgement
 *   timeouts and answers with the matching events. Ack failures (including timeouts, as
 *   `{ code: 'internal' }` or a `network`-like message) come back as the `*Failed` /
 *   `*Rejected` events, never as thrown errors.
 * The default does nothing: the session stays `connecting` until a real socket is provided.
 */
const disconnectedSocket = fromCallback<SocketCommand, { url: string; token: string }>(() => {
  return () => {};
});

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;

const isOutgoingMessage = (value: unknown): value is OutgoingMessage =>
  isObject(value) &&
  typeof value.conversationId === 'string' &&
  typeof value.text === 'string' &&
  typeof value.clientMessageId === 'string';

const networkError = (message: string): ProtocolError => ({ code: 'internal', message });

export const sessionMachine = setup({
  types: {
    context: {} as SessionContext,
    events: {} as SessionEvent,
    input: {} as SessionInput,
    output: {} as SessionOutput,
  },
  actors: {
    socket: disconnectedSocket,
  },
  delays: {
    reconnectBackoff: ({ context }) => reconnectDelayMs(context.attempt, context.random),
    rateLimitWait: ({ context }) => context.retryAfterMs,
  },
  guards: {
    isOffline: ({ context }) => !context.online,
    isSyncPayload: ({ event }) => {
      assertEvent(event, 'socket.synced');
      return (
        isObject(event.data) &&
        Array.isArray(event.data.users) &&
        Array.isArray(event.data.conversations)
      );
    },
    isChannelUpdatePayload: ({ event }) => {
      assertEvent(event, 'socket.channelUpdate');
      return isObject(event.update) && isObject(event.update.conversation);
    },
    hasOutbox: ({ context }) => context.outbox.length > 0,
    isOldestMessage: ({ context, event }) => {
      assertEvent(event, ['socket.messageAcked', 'socket.messageRejected']);
      return context.outbox[0]?.clientMessageId === event.clientMessageId;
    },
    isOldestRateLimited: ({ context, event }) => {
      assertEvent(event, 'socket.messageRejected');
      return (
        context.outbox[0]?.clientMessageId === event.clientMessageId &&
        event.error?.code === 'rate_limited'
      );
    },
    isOldestUserFixable: ({ context, event }) => {
      assertEvent(event, 'socket.messageRejected');
      return (
        context.outbox[0]?.clientMessageId === event.clientMessageId &&
        userFixableSendErrors.has(event.error?.code as ErrorCode)
      );
    },
    isUserJoinedPayload: ({ event }) => {
      assertEvent(event, 'socket.userJoined');
      return (
        isObject(event.joined) &&
        isObject(event.joined.user) &&
        typeof event.joined.user.id === 'string' &&
        Array.isArray(event.joined.conversationIds)
      );
    },
    isCatchUpPayload: ({ event }) => {
      assertEvent(event, ['messenger.catchUpRequested', 'socket.caughtUp', 'socket.catchUpFailed']);
      return (
        typeof event.conversationId === 'string' &&
        (event.type === 'socket.catchUpFailed' ||
          (Number.isInteger(event.after) && event.after >= -1))
      );
    },
    isOutgoingMessage: ({ event }) => {
      assertEvent(event, 'messenger.messageSent');
      return isOutgoingMessage(event.message);
    },
    isDraftingPayload: ({ event }) => {
      assertEvent(event, 'messenger.draftingChanged');
      return typeof event.conversationId === 'string' && typeof event.isDrafting === 'boolean';
    },
    isHistoryPayload: ({ event }) => {
      assertEvent(event, [
        'messenger.historyRequested',
        'socket.messagesLoaded',
        'socket.messagesFailed',
      ]);
      return typeof event.conversationId === 'string';
    },
  },
  actions: {
    requestSync: sendTo('socket', { type: 'socket.sync' } satisfies SocketCommand),
    sendOldestMessage: enqueueActions(({ context, enqueue }) => {
      const message = context.outbox[0];
      if (message) {
        enqueue.sendTo('socket', { type: 'socket.sendMessage', message } satisfies SocketCommand);
      }
    }),
    enqueueMessage: assign(({ context, event }) => {
      assertEvent(event, 'messenger.messageSent');
      const { conversationId, text, clientMessageId } = event.message;
      // The same clientMessageId again (a retry) keeps its place, never duplicates.
      if (context.outbox.some((entry) => entry.clientMessageId === clientMessageId)) return {};
      return { outbox: [...context.outbox, { conversationId, text, clientMessageId }] };
    }),
    assignRetryAfter: assign(({ event }) => {
      assertEvent(event, 'socket.messageRejected');
      const wait = event.error?.retryAfterMs;
      return {
        retryAfterMs:
          typeof wait === 'number' && Number.isFinite(wait) && wait >= 0
            ? wait
            : defaultRetryAfterMs,
      };
    }),
    requestCatchUp: sendTo('socket', ({ event }) => {
      assertEvent(event, 'messenger.catchUpRequested');
      return {
        type: 'socket.catchUp',
        conversationId: event.conversationId,
        after: event.after,
        limit: Limits.pageMaxLimit,
      } satisfies SocketCommand;
    }),
    sendDrafting: sendTo('socket', ({ event }) => {
      assertEvent(event, 'messenger.draftingChanged');
      const { conversationId, isDrafting } = event;
      return { type: 'socket.sendDrafting', conversationId, isDrafting } satisfies SocketCommand;
    }),
    requestMessages: sendTo('socket', ({ event }) => {
      assertEvent(event, 'messenger.historyRequested');
      return {
        type: 'socket.requestMessages',
        conversationId: event.conversationId,
        ...(typeof event.before === 'number' ? { before: event.before } : {}),
        limit: Limits.pageDefaultLimit,
      } satisfies SocketCommand;
    }),
    removeOldestMessage: assign(({ context }) => ({ outbox: context.outbox.slice(1) })),
    /** Reports to the parent (the app); a session run on its own has no one to tell. */
    report: enqueueActions(({ event, self, enqueue }) => {
      if (!self._parent) return;
      const report = toReport(event);
      if (report) enqueue.sendParent(report);
    }),
    reportHistoryUnavailable: enqueueActions(({ event, self, enqueue }) => {
      assertEvent(event, 'messenger.historyRequested');
      if (!self._parent) return;
      enqueue.sendParent({
        type: 'session.historyFailed',
        conversationId: event.conversationId,
        error: networkError('Not connected.'),
      } satisfies SessionReport);
    }),
    countAttempt: assign(({ context }) => ({ attempt: context.attempt + 1 })),
    resetAttempts: assign({ attempt: 0, lastError: null }),
    assignOnline: assign({ online: true }),
    assignOffline: assign({ online: false }),
    assignConnectionError: assign(({ event }) => {
      assertEvent(event, [
        'socket.connectFailed',
        'socket.disconnected',
        'socket.syncFailed',
        'socket.messageRejected',
      ]);
      const detail =
        event.type === 'socket.connectFailed'
          ? event.message
          : event.type === 'socket.disconnected'
            ? event.reason
            : event.error?.message;
      return { lastError: typeof detail === 'string' ? detail : 'connection lost' };
    }),
    assignAuthError: assign(({ event }) => {
      assertEvent(event, 'socket.authRejected');
      return { lastError: event.error?.message ?? 'The session token was refused.' };
    }),
  },
}).createMachine({
  id: 'session',
  context: ({ input }) => ({
    url: input.url,
    token: input.token,
    online: input.online ?? true,
    attempt: 0,
    outbox: [],
    retryAfterMs: defaultRetryAfterMs,
    lastError: null,
    random: input.random ?? Math.random,
  }),
  initial: 'idle',
  on: {
    'network.offline': { target: '.offline', actions: 'assignOffline' },
    'network.online': { actions: 'assignOnline' },
    'messenger.messageSent': { guard: 'isOutgoingMessage', actions: 'enqueueMessage' },
    'messenger.historyRequested': {
      guard: 'isHistoryPayload',
      actions: 'reportHistoryUnavailable',
    },
  },
  states: {
    idle: {
      always: [{ guard: 'isOffline', target: 'offline' }, { target: 'connection' }],
    },
    connection: {
      invoke: {
        id: 'socket',
        src: 'socket',
        input: ({ context }) => ({ url: context.url, token: context.token }),
      },
      initial: 'connecting',
      on: {
        'socket.authRejected': { target: 'failed', actions: 'assignAuthError' },
        'socket.connectFailed': { target: 'reconnecting', actions: 'assignConnectionError' },
        'socket.disconnected': { target: 'reconnecting', actions: 'assignConnectionError' },
        'socket.channelUpdate': { guard: 'isChannelUpdatePayload', actions: 'report' },
        'socket.userJoined': { guard: 'isUserJoinedPayload', actions: 'report' },
      },
      states: {
        connecting: {
          on: {
            'socket.transportOpened': 'authenticating',
            'socket.connected': 'syncing',
          },
        },
        authenticating: {
          on: { 'socket.connected': 'syncing' },
        },
        syncing: {
          entry: 'requestSync',
          on: {
            'socket.synced': { guard: 'isSyncPayload', target: 'live', actions: 'report' },
            'socket.syncFailed': {
              target: '#session.reconnecting',
              actions: 'assignConnectionError',
            },
          },
        },
        live: {
          entry: 'resetAttempts',
          on: {
            'messenger.draftingChanged': { guard: 'isDraftingPayload', actions: 'sendDrafting' },
            'messenger.historyRequested': {
              guard: 'isHistoryPayload',
              actions: 'requestMessages',
            },
            'messenger.catchUpRequested': { guard: 'isCatchUpPayload', actions: 'requestCatchUp' },
            'messenger.resyncRequested': { actions: 'requestSync' },
            'socket.synced': { guard: 'isSyncPayload', actions: 'report' },
            'socket.messagesLoaded': { guard: 'isHistoryPayload', actions: 'report' },
            'socket.messagesFailed': { guard: 'isHistoryPayload', actions: 'report' },
            'socket.caughtUp': { guard: 'isCatchUpPayload', actions: 'report' },
            'socket.catchUpFailed': { guard: 'isCatchUpPayload', actions: 'report' },
          },
          initial: 'checkingOutbox',
          states: {
            checkingOutbox: {
              always: [{ guard: 'hasOutbox', target: 'awaitingAck' }, { target: 'outboxEmpty' }],
            },
            outboxEmpty: {
              on: {
                'messenger.messageSent': {
                  guard: 'isOutgoingMessage',
                  target: 'awaitingAck',
                  actions: 'enqueueMessage',
                },
              },
            },
            // The oldest message is on the wire; newer ones queue behind it.
            awaitingAck: {
              entry: 'sendOldestMessage',
              on: {
                'socket.messageAcked': {
                  guard: 'isOldestMessage',
                  target: 'checkingOutbox',
                  actions: ['removeOldestMessage', 'report'],
                },
                'socket.messageRejected': [
                  {
                    guard: 'isOldestRateLimited',
                    target: 'rateLimited',
                    actions: 'assignRetryAfter',
                  },
                  {
                    guard: 'isOldestUserFixable',
                    target: 'checkingOutbox',
                    actions: ['removeOldestMessage', 'report'],
                  },
                  // No ack in time, or the server failed: this connection is not to be trusted.
                  {
                    guard: 'isOldestMessage',
                    target: '#session.reconnecting',
                    actions: 'assignConnectionError',
                  },
                ],
              },
            },
            rateLimited: {
              after: { rateLimitWait: 'awaitingAck' },
            },
          },
        },
      },
    },
    reconnecting: {
      entry: 'countAttempt',
      after: { reconnectBackoff: 'connection' },
    },
    offline: {
      on: {
        'network.online': { target: 'connection', actions: ['assignOnline', 'resetAttempts'] },
      },
    },
    failed: {
      type: 'final',
    },
  },
  output: ({ context }) => ({
    reason: 'tokenRefused',
    message: context.lastError ?? 'The session token was refused.',
  }),
});

/** The parent-facing report for a socket event, or null when there is nothing to tell. */
function toReport(event: SessionEvent): SessionReport | null {
  switch (event.type) {
    case 'socket.synced':
      return { type: 'session.synced', data: event.data };
    case 'socket.channelUpdate':
      return { type: 'session.channelUpdate', update: event.update };
    case 'socket.messageAcked':
      return {
        type: 'session.messageAcked',
        clientMessageId: event.clientMessageId,
        message: event.message,
      };
    case 'socket.messageRejected':
      return {
        type: 'session.messageRejected',
        clientMessageId: event.clientMessageId,
        error: event.error,
      };
    case 'socket.messagesLoaded':
      return {
        type: 'session.messagesLoaded',
        conversationId: event.conversationId,
        messages: Array.isArray(event.messages) ? event.messages : [],
        hasMore: event.hasMore === true,
      };
    case 'socket.messagesFailed':
      return {
        type: 'session.historyFailed',
        conversationId: event.conversationId,
        error: event.error,
      };
    case 'socket.userJoined':
      return {
        type: 'session.userJoined',
        user: event.joined.user,
        conversationIds: event.joined.conversationIds.filter((id) => typeof id === 'string'),
      };
    case 'socket.caughtUp':
      return {
        type: 'session.caughtUp',
        conversationId: event.conversationId,
        after: event.after,
        messages: Array.isArray(event.messages) ? event.messages : [],
        hasMore: event.hasMore === true,
      };
    case 'socket.catchUpFailed':
      return {
        type: 'session.catchUpFailed',
        conversationId: event.conversationId,
        error: event.error,
      };
    default:
      return null;
  }
}

export type SessionMachine = typeof sessionMachine;
