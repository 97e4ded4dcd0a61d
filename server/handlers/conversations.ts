// Signed-in events: the conversation list, sending, drafting, history pages, sign-out.
import { authorForSend } from '../authorship.ts';
import type { ChatSocket } from '../codeSender.ts';
import { conversationRoom, type ServerContext, userRoom } from '../context.ts';
import {
  Events,
  IsDraftingSchema,
  Limits,
  type Message,
  messageLength,
  RequestConversationsAndUsersSchema,
  RequestMessagesSchema,
  SendMessageSchema,
  SignOutSchema,
} from '../protocol.ts';
import type { StoredConversation } from '../store/types.ts';
import { botIdsOf, conversationsAndUsersOf, summaryOf } from '../views.ts';
import { defineHandler, errorAck } from './bind.ts';
import type { AckError } from '../protocol.ts';

function signedInUserId(socket: ChatSocket): string {
  const { userId } = socket.data;
  // bindEvent only lets authenticated sockets reach these handlers.
  if (userId === undefined) throw new Error('handler reached without a signed-in user');
  return userId;
}

/** The conversation, if it exists and the user belongs to it; otherwise the error ack. */
async function memberConversation(
  context: ServerContext,
  userId: string,
  conversationId: string,
): Promise<StoredConversation | AckError> {
  const conversation = await context.store.getConversation(conversationId);
  if (!conversation) return errorAck('not_found', 'no such conversation');
  if (!conversation.memberIds.includes(userId)) {
    return errorAck('forbidden', 'you are not a member of this conversation');
  }
  return conversation;
}

const isError = (value: StoredConversation | AckError): value is AckError => 'ok' in value;

/** channelUpdate to every member: the summary (never the history) and the message, if any. */
export async function broadcastChannelUpdate(
  context: ServerContext,
  conversation: StoredConversation,
  message: Message | null,
): Promise<void> {
  context.io
    .to(conversationRoom(conversation.id))
    .emit(Events.channelUpdate, { conversation: await summaryOf(context, conversation), message });
}

export const requestConversationsAndUsers = defineHandler({
  audience: 'authenticated',
  schema: RequestConversationsAndUsersSchema,
  async handle(context, socket) {
    const user = await context.store.getUser(signedInUserId(socket));
    if (!user) return errorAck('unauthenticated', 'this account no longer exists');
    socket.emit(Events.receiveConversationsAndUsers, await conversationsAndUsersOf(context, user));
    return { ok: true };
  },
});

export const sendMessage = defineHandler({
  audience: 'authenticated',
  schema: SendMessageSchema,
  limits: (socket) => [{ limit: 'sendMessage', key: signedInUserId(socket) }],
  async handle(context, socket, { conversationId, text, clientMessageId }) {
    const userId = signedInUserId(socket);
    // A lone surrogate cannot be stored as UTF-8: it would come back changed after a restart.
    if (!text.isWellFormed()) return errorAck('invalid_payload', 'text: not well-formed Unicode');
    const trimmed = text.trim();
    if (trimmed.length === 0) return errorAck('text_empty', 'a message needs some text');
    if (messageLength(trimmed) > Limits.messageMaxChars) {
      return errorAck(
        'text_too_long',
        `a message holds at most ${Limits.messageMaxChars} characters`,
      );
    }
    const conversation = await memberConversation(context, userId, conversationId);
    if (isError(conversation)) return conversation;
    const botIds = await botIdsOf(context, conversation);
    const { message, duplicate } = await context.store.appendUserMessage({
      conversationId,
      senderId: userId,
      clientMessageId,
      text: trimmed,
      sentAt: context.clock.now(),
      authorFor: (sendIndex) => authorForSend(userId, botIds, sendIndex),
    });
    // A resend after a lost ack. The original was stored, but the node that stored it may have
    // died before broadcasting it, so tell the members again: clients merge messages by id, so
    // hearing it twice is harmless, while never hearing it would leave a gap until a resync.
    if (!duplicate) await context.drafting.stop(conversationId, userId);
    await broadcastChannelUpdate(context, conversation, message);
    return { ok: true, message };
  },
});

export const isDrafting = defineHandler({
  audience: 'authenticated',
  schema: IsDraftingSchema,
  limits: (socket) => [{ limit: 'isDrafting', key: signedInUserId(socket) }],
  async handle(context, socket, { conversationId, isDrafting: drafting }) {
    const userId = signedInUserId(socket);
    const conversation = await memberConversation(context, userId, conversationId);
    if (isError(conversation)) return conversation;
    let changed: boolean;
    if (drafting) {
      // Shown as whoever will author this person's next message (Vegeta on his turn).
      const sendIndex = await context.store.getSendCount(conversationId, userId);
      const shownAs = authorForSend(userId, await botIdsOf(context, conversation), sendIndex);
      changed = await context.drafting.start(conversationId, userId, shownAs);
    } else {
      changed = await context.drafting.stop(conversationId, userId);
    }
    if (changed) await broadcastChannelUpdate(context, conversation, null);
    return { ok: true };
  },
});

export const requestMessages = defineHandler({
  audience: 'authenticated',
  schema: RequestMessagesSchema,
  async handle(context, socket, { conversationId, before, after, limit }) {
    const conversation = await memberConversation(context, signedInUserId(socket), conversationId);
    if (isError(conversation)) return conversation;
    const page = await context.store.listMessages(conversationId, {
      before,
      after,
      limit: limit ?? Limits.pageDefaultLimit,
    });
    return { ok: true, messages: page.messages, hasMore: page.hasMore };
  },
});

export const signOut = defineHandler({
  audience: 'authenticated',
  schema: SignOutSchema,
  async handle(context, socket) {
    const { sessionTokenHash, userId } = socket.data;
    if (sessionTokenHash !== undefined) await context.store.deleteSession(sessionTokenHash);
    context.logger.info('user signed out', { user: userId, socket: socket.id });
    // Every socket signed in with this token (other windows, other nodes) loses it too: a
    // revoked token must not keep acting through a connection opened before the sign-out.
    const sameSession =
      userId === undefined ? [] : await context.io.in(userRoom(userId)).fetchSockets();
    // Disconnect once the ack has been written, so the client hears the answer first.
    setImmediate(() => {
      for (const other of sameSession) {
        if (other.id !== socket.id && other.data.sessionTokenHash === sessionTokenHash) {
          other.disconnect(true);
        }
      }
      socket.disconnect(true);
    });
    return { ok: true };
  },
});
