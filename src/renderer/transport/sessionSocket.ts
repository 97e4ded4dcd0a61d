// The session machine's `socket` actor (contract in machines/session.ts): one Socket.IO
// connection per attempt, with Socket.IO's own reconnection off because the machine owns
// backoff. It is the one place inbound payloads are validated (zod, server/protocol.ts); each is
// then delivered, typed, to the actor that owns it, found by systemId (machines/system.ts):
// connection events and the end of a sync to the session, the sync and pushes to the messenger,
// pages to the conversation that asked, acks to the message they acknowledge. `SocketCommand`s
// become emits with ack timeouts. Nothing here throws into a machine: every failure is an event.
import { fromCallback } from 'xstate';
import type { z } from 'zod';
import type { ConversationEvent } from '../../../machines/conversation.ts';
import { ProtocolFailure } from '../../../machines/protocolFailure.ts';
import type { MembershipEvent } from '../../../machines/membership.ts';
import type { MessageSearchEvent } from '../../../machines/messageSearch.ts';
import type { MessengerEvent } from '../../../machines/messenger.ts';
import type { NewChatEvent } from '../../../machines/newChat.ts';
import type { OutgoingMessageEvent } from '../../../machines/outgoingMessage.ts';
import type { ReceiptListEvent } from '../../../machines/receiptList.ts';
import type { MessageActionsEvent } from '../../../machines/messageActions.ts';
import type { SocketEvent } from '../../../machines/session.ts';
import type { SettingsEvent } from '../../../machines/settings.ts';
import {
  conversationSystemId,
  outgoingSystemId,
  systemIds,
  tellSystem,
  type SocketCommand,
} from '../../../machines/system.ts';
import {
  ChannelUpdateSchema,
  ConversationAddedSchema,
  ConversationCreatedSchema,
  ConversationRemovedSchema,
  MemberLeftSchema,
  MessageChangedSchema,
  MessageChangesSchema,
  MessageHiddenSchema,
  MutedStateSchema,
  PeopleFoundSchema,
  ProfileUpdatedSchema,
  ReadPositionSchema,
  ReceiptListSchema,
  ReceiptsChangedSchema,
  type SelfUser,
  SelfUserSchema,
  UserUpdatedSchema,
  type ConversationsAndUsers,
  ConversationsAndUsersSchema,
  DeliveredPositionSchema,
  type ErrorCode,
  MessageSentSchema,
  MessagesFoundSchema,
  MessagesPageSchema,
  NoValueSchema,
  SessionListSchema,
  UserJoinedSchema,
} from '../../../server/protocol.ts';
import { requestTimeoutMs, settle, toProtocolError, unwrapAck } from './request.ts';
import { createSocket, type ParleySocket } from './socket.ts';

const malformedSync = { code: 'internal', message: 'The server sent a malformed sync.' } as const;

/** `connect_error` messages that mean "this token will never work": sign in again. */
const authErrorCodes: ReadonlySet<string> = new Set<ErrorCode>([
  'invalid_token',
  'unauthenticated',
]);

export interface SessionSocketOptions {
  timeoutMs?: number;
}

type System = Parameters<typeof tellSystem>[0];

/** Where each inbound event goes. */
interface Deliver {
  session(event: SocketEvent): void;
  messenger(event: MessengerEvent): void;
  conversation(conversationId: string, event: ConversationEvent): void;
  outgoing(clientMessageId: string, event: OutgoingMessageEvent): void;
  newChat(event: NewChatEvent): void;
  membership(event: MembershipEvent): void;
  receiptList(event: ReceiptListEvent): void;
  messageActions(event: MessageActionsEvent): void;
  messageSearch(event: MessageSearchEvent): void;
  settings(event: SettingsEvent): void;
}

export function createSessionSocketActor({
  timeoutMs = requestTimeoutMs,
}: SessionSocketOptions = {}) {
  return fromCallback<SocketCommand, { url: string; token: string }>(
    ({ input, sendBack, receive, system }) => {
      const socket = createSocket(input.url, { token: input.token, reconnection: false });
      let stopped = false;
      const deliver = createDelivery(
        system,
        (event) => {
          if (!stopped) sendBack(event);
        },
        () => stopped,
      );
      const sync = createSync(deliver);

      socket.io.on('open', () => deliver.session({ type: 'socket.transportOpened' }));
      socket.on('connect', () => deliver.session({ type: 'socket.connected' }));
      socket.on('connect_error', (error) => {
        if (authErrorCodes.has(error.message)) {
          const data = (error as { data?: { message?: unknown } }).data;
          const message = typeof data?.message === 'string' ? data.message : error.message;
          deliver.session({
            type: 'socket.authRejected',
            error: { code: error.message as ErrorCode, message },
          });
        } else {
          deliver.session({ type: 'socket.connectFailed', message: error.message });
        }
      });
      socket.on('disconnect', (reason) => deliver.session({ type: 'socket.disconnected', reason }));
      socket.on('recieveConversationsAndUsers', (payload) => {
        const parsed = ConversationsAndUsersSchema.safeParse(payload);
        if (parsed.success) sync.dataArrived(parsed.data, ownRecordOf(payload, parsed.data));
        // Dropped, the sync would wait forever for data that is not coming: it failed.
        else sync.failed(new ProtocolFailure(malformedSync));
      });
      socket.on('channelUpdate', (payload) => {
        const parsed = ChannelUpdateSchema.safeParse(payload);
        if (!parsed.success) return;
        deliver.messenger({ type: 'channel.updated', update: parsed.data });
        // A send that moved the watermarks carries them here rather than in receiptsChanged.
        const { receipts } = parsed.data;
        if (receipts) {
          deliver.messenger({
            type: 'receipts.changed',
            receipts: { conversationId: parsed.data.conversation.id, ...receipts },
          });
        }
      });
      socket.on('userJoined', (payload) => {
        const parsed = UserJoinedSchema.safeParse(payload);
        if (parsed.success) deliver.messenger({ type: 'user.joined', joined: parsed.data });
      });
      socket.on('conversationAdded', (payload) => {
        const parsed = ConversationAddedSchema.safeParse(payload);
        if (parsed.success) deliver.messenger({ type: 'conversation.added', added: parsed.data });
      });
      socket.on('conversationRemoved', (payload) => {
        const parsed = ConversationRemovedSchema.safeParse(payload);
        if (parsed.success) {
          deliver.messenger({ type: 'conversation.removed', removed: parsed.data });
        }
      });
      socket.on('memberLeft', (payload) => {
        const parsed = MemberLeftSchema.safeParse(payload);
        if (parsed.success) deliver.messenger({ type: 'member.left', left: parsed.data });
      });
      socket.on('receiptsChanged', (payload) => {
        const parsed = ReceiptsChangedSchema.safeParse(payload);
        if (parsed.success) deliver.messenger({ type: 'receipts.changed', receipts: parsed.data });
      });
      socket.on('readPositionChanged', (payload) => {
        const parsed = ReadPositionSchema.safeParse(payload);
        if (parsed.success) deliver.messenger({ type: 'read.changed', position: parsed.data });
      });
      socket.on('mutedChanged', (payload) => {
        const parsed = MutedStateSchema.safeParse(payload);
        if (parsed.success) deliver.messenger({ type: 'muted.changed', state: parsed.data });
      });
      // Edits, deletions and reactions (issue 16), and what the person deleted for themselves in
      // another window.
      socket.on('messageChanged', (payload) => {
        const parsed = MessageChangedSchema.safeParse(payload);
        if (parsed.success)
          deliver.messenger({ type: 'message.changed', message: parsed.data.message });
      });
      socket.on('messageHidden', (payload) => {
        const parsed = MessageHiddenSchema.safeParse(payload);
        if (parsed.success) {
          const { conversationId, messageId } = parsed.data;
          deliver.messenger({ type: 'message.hidden', conversationId, messageId });
        }
      });
      socket.on('userUpdated', (payload) => {
        const parsed = UserUpdatedSchema.safeParse(payload);
        if (parsed.success) deliver.messenger({ type: 'user.updated', user: parsed.data.user });
      });

      const deliveryMarks = createDeliveryMarks(socket, timeoutMs);
      receive((command) =>
        runCommand(socket, command, { deliver, sync, deliveryMarks }, timeoutMs),
      );
      socket.connect();

      return () => {
        stopped = true;
        deliveryMarks.stop();
        socket.removeAllListeners();
        socket.io.removeAllListeners('open');
        socket.disconnect();
      };
    },
  );
}

function createDelivery(
  system: System,
  toSession: (event: SocketEvent) => void,
  isStopped: () => boolean,
): Deliver {
  const tell = (systemId: string, event: { type: string }) => {
    if (!isStopped()) tellSystem(system, systemId, event);
  };
  return {
    session: toSession,
    messenger: (event) => tell(systemIds.messenger, event),
    conversation: (conversationId, event) => tell(conversationSystemId(conversationId), event),
    outgoing: (clientMessageId, event) => tell(outgoingSystemId(clientMessageId), event),
    newChat: (event) => tell(systemIds.newChat, event),
    membership: (event) => tell(systemIds.membership, event),
    receiptList: (event) => tell(systemIds.receiptList, event),
    messageActions: (event) => tell(systemIds.messageActions, event),
    messageSearch: (event) => tell(systemIds.messageSearch, event),
    settings: (event) => tell(systemIds.settings, event),
  };
}

/**
 * The person's own record in a sync, read again with its settings (`UserSchema` keeps only what
 * everyone may see of a person), or null when it is missing or malformed.
 */
function ownRecordOf(payload: unknown, data: ConversationsAndUsers): SelfUser | null {
  const users = (payload as { users?: unknown[] }).users ?? [];
  const own = users.find((user) => (user as { id?: unknown } | null)?.id === data.currentUserId);
  const parsed = SelfUserSchema.safeParse(own);
  return parsed.success ? parsed.data : null;
}

interface Sync {
  requested(): void;
  dataArrived(data: ConversationsAndUsers, own: SelfUser | null): void;
  acked(): void;
  failed(error: unknown): void;
}

/**
 * A sync is done when both the `recieveConversationsAndUsers` payload and the ack are in (the
 * server sends the data first, but nothing should depend on that). The messenger gets the data
 * first, so the conversations exist when the session goes live.
 */
function createSync(deliver: Deliver): Sync {
  let pending = false;
  let acked = false;
  let data: ConversationsAndUsers | null = null;
  let own: SelfUser | null = null;
  const finishIfComplete = () => {
    if (pending && acked && data !== null) {
      pending = false;
      deliver.messenger({ type: 'sync.received', data });
      // Settings runs once the messenger has its list, which the line above gave it.
      if (own) {
        deliver.settings({ type: 'profile.synced', findableByPhone: own.findableByPhone ?? false });
      }
      deliver.session({ type: 'sync.received' });
    }
  };
  return {
    requested() {
      pending = true;
      acked = false;
      data = null;
      own = null;
    },
    dataArrived(next, ownRecord) {
      data = next;
      own = ownRecord;
      finishIfComplete();
    },
    acked() {
      acked = true;
      finishIfComplete();
    },
    failed(error) {
      if (!pending) return;
      pending = false;
      const protocolError = toProtocolError(error);
      deliver.messenger({ type: 'sync.failed' });
      deliver.session({ type: 'sync.failed', error: protocolError });
    },
  };
}

/** A message change's ack about another message than the one asked about is malformed. */
const otherMessageAcked = {
  code: 'internal',
  message: 'The server answered about another message.',
} as const satisfies { code: ErrorCode; message: string };

const answersAbout = (
  message: { conversationId: string; id: string },
  conversationId: string,
  messageId: string,
) => message.conversationId === conversationId && message.id === messageId;

/**
 * An ack callback (`emit(event, payload, callback)`): Socket.IO calls it as it reads the ack, so
 * an answer read together with the disconnect after it (the server answering, then closing) is
 * heard first. A promise (`emitWithAck`) would settle only after the disconnect, when the socket
 * actor may be gone and the answer dropped.
 */
function onAck<S extends z.ZodType>(
  schema: S,
  done: (value: z.output<S>) => void,
  failed: (error: unknown) => void,
): (error: Error | null, ack: unknown) => void {
  return (error, ack) => {
    let value: z.output<S>;
    try {
      // socket.io passes an error only on timeout (the server never answered).
      if (error) throw new ProtocolFailure({ code: 'network', message: error.message });
      value = unwrapAck(ack, schema);
    } catch (failure) {
      failed(failure);
      return;
    }
    done(value);
  };
}

/** How long delivery marks wait to be sent together: a burst of messages costs one. */
export const deliveryMarkDelayMs = 250;

interface DeliveryMarks {
  mark(conversationId: string, seq: number): void;
  stop(): void;
}

/**
 * markDelivered, coalesced: per conversation only the highest seq asked for within
 * `deliveryMarkDelayMs` is sent. Fire and forget: a lost mark is made again by the next message
 * or sync, and reading marks delivered too.
 */
function createDeliveryMarks(socket: ParleySocket, timeoutMs: number): DeliveryMarks {
  const pending = new Map<string, number>();
  let timer: ReturnType<typeof setTimeout> | null = null;
  const flush = () => {
    timer = null;
    for (const [conversationId, seq] of pending) {
      settle(
        socket.timeout(timeoutMs).emitWithAck('markDelivered', { conversationId, seq }),
        DeliveredPositionSchema,
      ).catch(() => {});
    }
    pending.clear();
  };
  return {
    mark(conversationId, seq) {
      pending.set(conversationId, Math.max(seq, pending.get(conversationId) ?? -1));
      timer ??= setTimeout(flush, deliveryMarkDelayMs);
    },
    stop() {
      if (timer !== null) clearTimeout(timer);
      pending.clear();
    },
  };
}

interface CommandSinks {
  deliver: Deliver;
  sync: Sync;
  deliveryMarks: DeliveryMarks;
}

function runCommand(
  socket: ParleySocket,
  command: SocketCommand,
  { deliver, sync, deliveryMarks }: CommandSinks,
  timeoutMs: number,
): void {
  const withTimeout = socket.timeout(timeoutMs);
  switch (command.type) {
    case 'requestConversationsAndUsers': {
      sync.requested();
      withTimeout.emit(
        'requestConversationsAndUsers',
        {},
        onAck(
          NoValueSchema,
          () => sync.acked(),
          (error) => sync.failed(error),
        ),
      );
      return;
    }
    case 'sendMessage': {
      const { conversationId, text, clientMessageId, replyToId } = command;
      withTimeout.emit(
        'sendMessage',
        { conversationId, text, clientMessageId, ...(replyToId ? { replyToId } : {}) },
        onAck(
          MessageSentSchema,
          ({ message, authorTurns }) => {
            // The ack must be for this message: anything else is a malformed reply.
            if (
              message.clientMessageId !== clientMessageId ||
              message.conversationId !== conversationId
            ) {
              deliver.outgoing(clientMessageId, {
                type: 'message.rejected',
                clientMessageId,
                error: { code: 'internal', message: 'The server acknowledged another message.' },
              });
              return;
            }
            deliver.outgoing(clientMessageId, {
              type: 'message.acked',
              clientMessageId,
              message,
              ...(authorTurns ? { authorTurns } : {}),
            });
          },
          (error) =>
            deliver.outgoing(clientMessageId, {
              type: 'message.rejected',
              clientMessageId,
              error: toProtocolError(error),
            }),
        ),
      );
      return;
    }
    case 'isDrafting': {
      const { conversationId, isDrafting } = command;
      // Fire and forget: a lost drafting signal expires on the server by itself.
      settle(
        withTimeout.emitWithAck('isDrafting', { conversationId, isDrafting }),
        NoValueSchema,
      ).catch(() => {});
      return;
    }
    case 'requestMessages': {
      const { conversationId, limit } = command;
      if (command.purpose === 'history') {
        const { before } = command;
        withTimeout.emit(
          'requestMessages',
          { conversationId, ...(before !== undefined ? { before } : {}), limit },
          onAck(
            MessagesPageSchema,
            ({ messages, hasMore }) =>
              deliver.conversation(conversationId, { type: 'history.loaded', messages, hasMore }),
            (error) =>
              deliver.conversation(conversationId, {
                type: 'history.failed',
                error: toProtocolError(error),
              }),
          ),
        );
        return;
      }
      const { after } = command;
      withTimeout.emit(
        'requestMessages',
        { conversationId, after, limit },
        onAck(
          MessagesPageSchema,
          ({ messages, hasMore }) =>
            deliver.conversation(conversationId, {
              type: 'catchUp.loaded',
              after,
              messages,
              hasMore,
            }),
          (error) =>
            deliver.conversation(conversationId, {
              type: 'catchUp.failed',
              error: toProtocolError(error),
            }),
        ),
      );
      return;
    }
    case 'listMessageChanges': {
      const { conversationId, since, limit } = command;
      withTimeout.emit(
        'listMessageChanges',
        { conversationId, since, limit },
        onAck(
          MessageChangesSchema,
          ({ messages, hasMore, revision }) =>
            deliver.conversation(conversationId, {
              type: 'changes.loaded',
              messages,
              hasMore,
              revision,
            }),
          (error) =>
            deliver.conversation(conversationId, {
              type: 'changes.failed',
              error: toProtocolError(error),
            }),
        ),
      );
      return;
    }
    case 'signOut': {
      // The server closes the socket right after this ack, so both arrive together: the
      // callback hears the ack as it is read, before the `disconnect` after it (a promise would
      // settle only after that, and the session would end as if the server had not revoked).
      withTimeout.emit(
        'signOut',
        {},
        onAck(
          NoValueSchema,
          () => deliver.session({ type: 'signOut.done' }),
          (failure) => deliver.session({ type: 'signOut.failed', error: toProtocolError(failure) }),
        ),
      );
      return;
    }
    case 'markRead': {
      const { conversationId, seq } = command;
      // Fire and forget: an unsent mark is sent again by the next open or message read.
      settle(
        withTimeout.emitWithAck('markRead', { conversationId, seq }),
        ReadPositionSchema,
      ).catch(() => {});
      return;
    }
    case 'markDelivered': {
      deliveryMarks.mark(command.conversationId, command.seq);
      return;
    }
    case 'setMuted': {
      const { conversationId, muted } = command;
      // Fire and forget: the next sync brings what the server kept.
      settle(
        withTimeout.emitWithAck('setMuted', { conversationId, muted }),
        MutedStateSchema,
      ).catch(() => {});
      return;
    }
    case 'searchPeople': {
      const { searchId, type: _type, ...query } = command;
      withTimeout.emit(
        'searchPeople',
        query,
        onAck(
          PeopleFoundSchema,
          ({ people }) => deliver.newChat({ type: 'people.found', searchId, people }),
          (error) =>
            deliver.newChat({ type: 'people.failed', searchId, error: toProtocolError(error) }),
        ),
      );
      return;
    }
    case 'createConversation': {
      const { requestId, request } = command;
      withTimeout.emit(
        'createConversation',
        request,
        onAck(
          ConversationCreatedSchema,
          (created) => deliver.newChat({ type: 'conversation.created', requestId, created }),
          (error) =>
            deliver.newChat({
              type: 'conversation.failed',
              requestId,
              error: toProtocolError(error),
            }),
        ),
      );
      return;
    }
    case 'addMembers': {
      const { requestId, conversationId, userIds } = command;
      withTimeout.emit(
        'addMembers',
        { conversationId, userIds },
        onAck(
          NoValueSchema,
          () => deliver.newChat({ type: 'members.added', requestId }),
          (error) =>
            deliver.newChat({ type: 'members.failed', requestId, error: toProtocolError(error) }),
        ),
      );
      return;
    }
    case 'leaveConversation': {
      const { conversationId } = command;
      withTimeout.emit(
        'leaveConversation',
        { conversationId },
        onAck(
          NoValueSchema,
          () => deliver.membership({ type: 'leave.done', conversationId }),
          (error) =>
            deliver.membership({
              type: 'leave.failed',
              conversationId,
              error: toProtocolError(error),
            }),
        ),
      );
      return;
    }
    case 'listReceipts': {
      const { requestId, conversationId, seq } = command;
      withTimeout.emit(
        'listReceipts',
        { conversationId, seq },
        onAck(
          ReceiptListSchema,
          ({ readBy, deliveredTo }) =>
            deliver.receiptList({ type: 'receiptList.loaded', requestId, readBy, deliveredTo }),
          (error) =>
            deliver.receiptList({
              type: 'receiptList.failed',
              requestId,
              error: toProtocolError(error),
            }),
        ),
      );
      return;
    }
    case 'editMessage': {
      const { requestId, conversationId, messageId, text } = command;
      withTimeout.emit(
        'editMessage',
        { conversationId, messageId, text },
        onAck(
          MessageChangedSchema,
          ({ message }) =>
            deliver.messageActions(
              answersAbout(message, conversationId, messageId)
                ? { type: 'edit.saved', requestId, message }
                : { type: 'edit.refused', requestId, error: otherMessageAcked },
            ),
          (error) =>
            deliver.messageActions({
              type: 'edit.refused',
              requestId,
              error: toProtocolError(error),
            }),
        ),
      );
      return;
    }
    case 'deleteMessage':
    case 'hideMessage':
    case 'reactToMessage': {
      const { requestId, conversationId, messageId } = command;
      const ack = onAck(
        MessageChangedSchema,
        ({ message }) =>
          deliver.messageActions(
            answersAbout(message, conversationId, messageId)
              ? { type: 'change.done', requestId, message }
              : { type: 'change.failed', requestId, error: otherMessageAcked },
          ),
        (error) =>
          deliver.messageActions({
            type: 'change.failed',
            requestId,
            error: toProtocolError(error),
          }),
      );
      if (command.type === 'reactToMessage') {
        const { emoji } = command;
        withTimeout.emit('reactToMessage', { conversationId, messageId, emoji }, ack);
      } else if (command.type === 'deleteMessage') {
        withTimeout.emit('deleteMessage', { conversationId, messageId }, ack);
      } else {
        withTimeout.emit('hideMessage', { conversationId, messageId }, ack);
      }
      return;
    }
    case 'searchMessages': {
      const { searchId, query, before } = command;
      withTimeout.emit(
        'searchMessages',
        before !== undefined ? { query, before } : { query },
        onAck(
          MessagesFoundSchema,
          (found) => deliver.messageSearch({ type: 'messages.found', searchId, found }),
          (error) =>
            deliver.messageSearch({
              type: 'messages.failed',
              searchId,
              error: toProtocolError(error),
            }),
        ),
      );
      return;
    }
    case 'removeMember': {
      const { conversationId, userId } = command;
      withTimeout.emit(
        'removeMember',
        { conversationId, userId },
        onAck(
          NoValueSchema,
          () => deliver.membership({ type: 'removal.done', conversationId, userId }),
          (error) =>
            deliver.membership({
              type: 'removal.failed',
              conversationId,
              userId,
              error: toProtocolError(error),
            }),
        ),
      );
      return;
    }
    case 'updateProfile': {
      const { part, patch } = command;
      withTimeout.emit(
        'updateProfile',
        patch,
        onAck(
          ProfileUpdatedSchema,
          ({ user }) => deliver.settings({ type: 'profile.saved', part, user }),
          (error) =>
            deliver.settings({ type: 'profile.failed', part, error: toProtocolError(error) }),
        ),
      );
      return;
    }
    case 'setAvatarImage': {
      const { image } = command;
      withTimeout.emit(
        'setAvatarImage',
        { image },
        onAck(
          ProfileUpdatedSchema,
          ({ user }) => deliver.settings({ type: 'profile.saved', part: 'picture', user }),
          (error) =>
            deliver.settings({
              type: 'profile.failed',
              part: 'picture',
              error: toProtocolError(error),
            }),
        ),
      );
      return;
    }
    case 'listSessions': {
      withTimeout.emit(
        'listSessions',
        {},
        onAck(
          SessionListSchema,
          ({ sessions }) => deliver.settings({ type: 'sessions.loaded', sessions }),
          (error) => deliver.settings({ type: 'sessions.failed', error: toProtocolError(error) }),
        ),
      );
      return;
    }
    case 'revokeSession': {
      const { sessionId } = command;
      withTimeout.emit(
        'revokeSession',
        { sessionId },
        onAck(
          NoValueSchema,
          () => deliver.settings({ type: 'session.revoked', sessionId }),
          (error) =>
            deliver.settings({
              type: 'session.revokeFailed',
              sessionId,
              error: toProtocolError(error),
            }),
        ),
      );
      return;
    }
    default:
      // Unknown commands are ignored: bad input never wedges the session.
      return;
  }
}
