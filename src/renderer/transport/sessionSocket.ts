// The session machine's `socket` actor (contract in machines/session.ts): one Socket.IO
// connection per attempt, with Socket.IO's own reconnection off because the machine owns
// backoff. Socket events become SocketEvents; SocketCommands become emits with ack timeouts.
// Nothing here throws into the machine: every failure is an event.
//
// A new socket per attempt means Socket.IO's connection state recovery never applies (it needs
// the same client socket to come back with its pid and offset): missed messages are caught up
// by seq instead, which also works after a server restart (see machines/session.ts).
import { fromCallback } from 'xstate';
import type { SocketCommand, SocketEvent } from '../../../machines/session.ts';
import {
  ChannelUpdateSchema,
  type ConversationsAndUsers,
  ConversationsAndUsersSchema,
  type ErrorCode,
  MessageSentSchema,
  MessagesPageSchema,
  NoValueSchema,
  UserJoinedSchema,
} from '../../../server/protocol.ts';
import { requestTimeoutMs, settle, toProtocolError } from './request.ts';
import { createSocket, type ParleySocket } from './socket.ts';

/** `connect_error` messages that mean "this token will never work": sign in again. */
const authErrorCodes: ReadonlySet<string> = new Set<ErrorCode>([
  'invalid_token',
  'unauthenticated',
]);

export interface SessionSocketOptions {
  timeoutMs?: number;
}

export function createSessionSocketActor({
  timeoutMs = requestTimeoutMs,
}: SessionSocketOptions = {}) {
  return fromCallback<SocketCommand, { url: string; token: string }>(
    ({ input, sendBack, receive }) => {
      const socket = createSocket(input.url, { token: input.token, reconnection: false });
      let stopped = false;
      const send = (event: SocketEvent) => {
        if (!stopped) sendBack(event);
      };
      const sync = createSync(send);

      socket.io.on('open', () => send({ type: 'socket.transportOpened' }));
      socket.on('connect', () => send({ type: 'socket.connected' }));
      socket.on('connect_error', (error) => {
        if (authErrorCodes.has(error.message)) {
          const data = (error as { data?: { message?: unknown } }).data;
          const message = typeof data?.message === 'string' ? data.message : error.message;
          send({
            type: 'socket.authRejected',
            error: { code: error.message as ErrorCode, message },
          });
        } else {
          send({ type: 'socket.connectFailed', message: error.message });
        }
      });
      socket.on('disconnect', (reason) => send({ type: 'socket.disconnected', reason }));
      socket.on('recieveConversationsAndUsers', (payload) => {
        const parsed = ConversationsAndUsersSchema.safeParse(payload);
        if (parsed.success) sync.dataArrived(parsed.data);
      });
      socket.on('channelUpdate', (payload) => {
        const parsed = ChannelUpdateSchema.safeParse(payload);
        if (parsed.success) send({ type: 'socket.channelUpdate', update: parsed.data });
      });
      socket.on('userJoined', (payload) => {
        const parsed = UserJoinedSchema.safeParse(payload);
        if (parsed.success) send({ type: 'socket.userJoined', joined: parsed.data });
      });

      receive((command) => runCommand(socket, command, send, sync, timeoutMs));
      socket.connect();

      return () => {
        stopped = true;
        socket.removeAllListeners();
        socket.io.removeAllListeners('open');
        socket.disconnect();
      };
    },
  );
}

interface Sync {
  requested(): void;
  dataArrived(data: ConversationsAndUsers): void;
  acked(): void;
  failed(error: unknown): void;
}

/**
 * A sync is done when both the `recieveConversationsAndUsers` payload and the ack are in (the
 * server sends the data first, but nothing should depend on that).
 */
function createSync(send: (event: SocketEvent) => void): Sync {
  let pending = false;
  let acked = false;
  let data: ConversationsAndUsers | null = null;
  const finishIfComplete = () => {
    if (pending && acked && data !== null) {
      pending = false;
      send({ type: 'socket.synced', data });
    }
  };
  return {
    requested() {
      pending = true;
      acked = false;
      data = null;
    },
    dataArrived(next) {
      data = next;
      finishIfComplete();
    },
    acked() {
      acked = true;
      finishIfComplete();
    },
    failed(error) {
      if (!pending) return;
      pending = false;
      send({ type: 'socket.syncFailed', error: toProtocolError(error) });
    },
  };
}

function runCommand(
  socket: ParleySocket,
  command: SocketCommand,
  send: (event: SocketEvent) => void,
  sync: Sync,
  timeoutMs: number,
): void {
  const withTimeout = socket.timeout(timeoutMs);
  switch (command.type) {
    case 'socket.sync': {
      sync.requested();
      settle(withTimeout.emitWithAck('requestConversationsAndUsers', {}), NoValueSchema).then(
        () => sync.acked(),
        (error: unknown) => sync.failed(error),
      );
      return;
    }
    case 'socket.sendMessage': {
      const { conversationId, text, clientMessageId } = command.message;
      settle(
        withTimeout.emitWithAck('sendMessage', { conversationId, text, clientMessageId }),
        MessageSentSchema,
      ).then(
        ({ message }) => send({ type: 'socket.messageAcked', clientMessageId, message }),
        (error: unknown) =>
          send({ type: 'socket.messageRejected', clientMessageId, error: toProtocolError(error) }),
      );
      return;
    }
    case 'socket.sendDrafting': {
      const { conversationId, isDrafting } = command;
      // Fire and forget: a lost drafting signal expires on the server by itself.
      settle(
        withTimeout.emitWithAck('isDrafting', { conversationId, isDrafting }),
        NoValueSchema,
      ).catch(() => {});
      return;
    }
    case 'socket.requestMessages': {
      const { conversationId, before, limit } = command;
      settle(
        withTimeout.emitWithAck('requestMessages', {
          conversationId,
          ...(before !== undefined ? { before } : {}),
          ...(limit !== undefined ? { limit } : {}),
        }),
        MessagesPageSchema,
      ).then(
        ({ messages, hasMore }) =>
          send({ type: 'socket.messagesLoaded', conversationId, messages, hasMore }),
        (error: unknown) =>
          send({ type: 'socket.messagesFailed', conversationId, error: toProtocolError(error) }),
      );
      return;
    }
    case 'socket.catchUp': {
      const { conversationId, after, limit } = command;
      settle(
        withTimeout.emitWithAck('requestMessages', {
          conversationId,
          after,
          ...(limit !== undefined ? { limit } : {}),
        }),
        MessagesPageSchema,
      ).then(
        ({ messages, hasMore }) =>
          send({ type: 'socket.caughtUp', conversationId, after, messages, hasMore }),
        (error: unknown) =>
          send({ type: 'socket.catchUpFailed', conversationId, error: toProtocolError(error) }),
      );
      return;
    }
    default:
      // Unknown commands are ignored: bad input never wedges the session.
      return;
  }
}
