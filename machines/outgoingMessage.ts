// One message of the user's on its way to the server: spawned by its conversation when the user
// sends (or restored after a restart), stopped once the server has it.
//
// queued -> sending -> sent. The conversation gives the turn (`delivery.turn`) to one message at
// a time, oldest first and only while connected, so a lost or rate-limited message is never overtaken
// by a later one. A resend reuses the clientMessageId and the server stores (sender,
// clientMessageId) once, so sending again after an unknown outcome is always safe. What a bad
// ack does depends on whether the user can do anything about it:
// - `rate_limited`: wait `retryAfterMs`, then send again (it will pass by itself);
// - an error the user can act on (too long, forbidden, ...): `failed`, shown with Retry;
// - anything else (no ack in time, the server failed): the connection is not to be trusted:
//   back to `queued`, and the session is told to reconnect; the turn comes again after the
//   next sync.
import { assign, sendTo, setup, type AnyActorRef } from 'xstate';
import type { ErrorCode, Message, ProtocolError, ReplyTo } from '../server/protocol.ts';
import { conversationSystemId, systemIds, type SocketCommand } from './system.ts';

export interface OutgoingMessageInput {
  conversationId: string;
  text: string;
  clientMessageId: string;
  /** When the user sent it (epoch ms): where it sits in the log until acknowledged. */
  createdAt: number;
  /** A restored message that had failed before the restart starts `failed` with this reason. */
  failure?: string | null;
  /** The message it answers, as quoted when the user replied (sent as `replyToId`). */
  replyTo?: ReplyTo;
}

export interface OutgoingMessageContext {
  conversationId: string;
  text: string;
  clientMessageId: string;
  createdAt: number;
  /** Why the server refused it (state `failed`), else null. */
  failure: string | null;
  retryAfterMs: number;
  /** The message it answers (its quote shows while it is on its way), else null. */
  replyTo: ReplyTo | null;
}

export type OutgoingMessageEvent =
  /** From the conversation: connected, and this is the oldest message waiting. */
  | { type: 'delivery.turn' }
  /**
   * From the socket: the server stored it (and, where bots take turns, says who authors the
   * sender's next sends).
   */
  | { type: 'message.acked'; clientMessageId: string; message: Message; authorTurns?: string[] }
  /** From the socket: an error ack, or no ack in time (`internal`, "network: ..."). */
  | { type: 'message.rejected'; clientMessageId: string; error: ProtocolError }
  /** From the conversation: the connection this message was sent on is gone. */
  | { type: 'connection.lost' }
  /** From the view: send a failed message again. */
  | { type: 'message.retried' };

/** What the message tells its conversation. */
export type OutgoingMessageReport =
  | { type: 'outgoing.sent'; clientMessageId: string; message: Message; authorTurns?: string[] }
  /** It stopped waiting for its turn (failed) or waits again (retried): pass the turn on. */
  | { type: 'outgoing.settled'; clientMessageId: string };

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

/** The longest wait a `rate_limited` answer can impose before the message is sent again. */
export const maxRetryAfterMs = 60_000;

/**
 * The conversation the message belongs to; run alone (a test, the visualizer) there is none, and
 * the report goes to the message itself, which ignores it.
 */
const ownConversation = ({
  context,
  system,
  self,
}: {
  context: OutgoingMessageContext;
  system: { get(systemId: string): AnyActorRef | undefined };
  self: AnyActorRef;
}): AnyActorRef => system.get(conversationSystemId(context.conversationId)) ?? self;

export const outgoingMessageMachine = setup({
  types: {
    context: {} as OutgoingMessageContext,
    events: {} as OutgoingMessageEvent,
    input: {} as OutgoingMessageInput,
  },
  delays: {
    rateLimitWait: ({ context }) => context.retryAfterMs,
  },
  guards: {
    failedBefore: ({ context }) => context.failure !== null,
    isRateLimited: (_, params: { error: ProtocolError }) => params.error.code === 'rate_limited',
    isUserFixable: (_, params: { error: ProtocolError }) =>
      userFixableSendErrors.has(params.error.code),
  },
  actions: {
    // Sent once the transition is done; with no such actor running (no socket, or run alone)
    // to the message itself, which ignores it.
    tellSocket: sendTo(
      ({ system, self }) => system.get(systemIds.socket) ?? self,
      (_, params: SocketCommand) => params,
    ),
    /** No ack, or the server failed: this connection is not to be trusted. */
    tellSessionUnreliable: sendTo(
      ({ system, self }) => system.get(systemIds.session) ?? self,
      (_, params: { type: 'connection.unreliable'; reason: string }) => params,
    ),
    assignRetryAfter: assign((_, params: { error: ProtocolError }) => {
      const wait = params.error.retryAfterMs;
      return {
        // Bounded: a huge wait would block the conversation's outbox for good (and past
        // 2^31 - 1 ms, timers fire at once).
        retryAfterMs:
          typeof wait === 'number' && Number.isFinite(wait) && wait >= 0
            ? Math.min(wait, maxRetryAfterMs)
            : defaultRetryAfterMs,
      };
    }),
    assignFailure: assign((_, params: { error: ProtocolError }) => ({
      failure: params.error.message || 'The server did not accept the message.',
    })),
    clearFailure: assign({ failure: null }),
    /**
     * To its conversation, by systemId, once this transition is done (as every `sendTo`): the
     * conversation reads this message's snapshot to give the next turn, so it must see `failed`
     * or `queued`, not the state being left.
     */
    reportSent: sendTo(
      ownConversation,
      ({ context }, params: { message: Message; authorTurns: string[] | undefined }) => ({
        type: 'outgoing.sent',
        clientMessageId: context.clientMessageId,
        message: params.message,
        ...(params.authorTurns ? { authorTurns: params.authorTurns } : {}),
      }),
    ),
    reportSettled: sendTo(ownConversation, ({ context }) => ({
      type: 'outgoing.settled',
      clientMessageId: context.clientMessageId,
    })),
  },
}).createMachine({
  id: 'outgoingMessage',
  context: ({ input }) => ({
    conversationId: input.conversationId,
    text: input.text,
    clientMessageId: input.clientMessageId,
    createdAt: input.createdAt,
    failure: input.failure ?? null,
    retryAfterMs: defaultRetryAfterMs,
    replyTo: input.replyTo ?? null,
  }),
  initial: 'restoring',
  states: {
    /** A message restored after a restart comes back as it was: failed, or waiting. */
    restoring: {
      always: [{ guard: 'failedBefore', target: 'failed' }, { target: 'queued' }],
    },
    queued: {
      on: { 'delivery.turn': 'sending' },
    },
    sending: {
      entry: {
        type: 'tellSocket',
        params: ({ context }) => ({
          type: 'sendMessage',
          conversationId: context.conversationId,
          text: context.text,
          clientMessageId: context.clientMessageId,
          ...(context.replyTo ? { replyToId: context.replyTo.messageId } : {}),
        }),
      },
      on: {
        'message.acked': {
          target: 'sent',
          actions: {
            type: 'reportSent',
            params: ({ event }) => ({ message: event.message, authorTurns: event.authorTurns }),
          },
        },
        'message.rejected': [
          {
            guard: { type: 'isRateLimited', params: ({ event }) => ({ error: event.error }) },
            target: 'rateLimited',
            actions: {
              type: 'assignRetryAfter',
              params: ({ event }) => ({ error: event.error }),
            },
          },
          {
            guard: { type: 'isUserFixable', params: ({ event }) => ({ error: event.error }) },
            target: 'failed',
            actions: [
              { type: 'assignFailure', params: ({ event }) => ({ error: event.error }) },
              'reportSettled',
            ],
          },
          {
            target: 'queued',
            actions: {
              type: 'tellSessionUnreliable',
              params: ({ event }) => ({
                type: 'connection.unreliable',
                reason: event.error.message,
              }),
            },
          },
        ],
        'connection.lost': 'queued',
      },
    },
    rateLimited: {
      after: { rateLimitWait: 'sending' },
      on: { 'connection.lost': 'queued' },
    },
    failed: {
      on: {
        'message.retried': { target: 'queued', actions: ['clearFailure', 'reportSettled'] },
      },
    },
    sent: {
      type: 'final',
    },
  },
});

export type OutgoingMessageMachine = typeof outgoingMessageMachine;
