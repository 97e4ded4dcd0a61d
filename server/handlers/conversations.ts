// Signed-in events: the conversation list, sending, drafting, history pages, sign-out.
import { disconnectSession, isIdle, sessionIdOf } from '../auth.ts';
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
  ListSessionsSchema,
  ListReceiptsSchema,
  MarkDeliveredSchema,
  MarkReadSchema,
  SetMutedSchema,
  RevokeSessionSchema,
  SignOutSchema,
} from '../protocol.ts';
import type { StoredConversation } from '../store/types.ts';
import { botIdsOf } from '../bots.ts';
import { advancePositionAndAnnounce, beforePositionMoves, receiptListOf } from '../receipts.ts';
import { authorTurnsFor, conversationsAndUsersOf, fitPage, summaryFrom } from '../views.ts';
import { defineHandler, errorAck } from './bind.ts';
import type { AckError, Receipts } from '../protocol.ts';

/**
 * Session events are counted per session, not per user: a stolen session spamming them must
 * not use up the allowance its owner needs to revoke it or sign out.
 */
function sessionKey(socket: ChatSocket): string {
  return socket.data.sessionTokenHash ?? signedInUserId(socket);
}

export function signedInUserId(socket: ChatSocket): string {
  const { userId } = socket.data;
  // bindEvent only lets authenticated sockets reach these handlers.
  if (userId === undefined) throw new Error('handler reached without a signed-in user');
  return userId;
}

/** The conversation, if it exists and the user belongs to it; otherwise the error ack. */
export async function memberConversation(
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

export const isError = (value: StoredConversation | AckError): value is AckError => 'ok' in value;

/**
 * channelUpdate to every member: the summary (never the history) and the message, if any. The
 * members who hid the last message or the message (or the original either quotes) are left out
 * of the room's copy and each sent their own, as they see it (flagged and emptied, the quote
 * empty): a hidden text never reaches the one who hid it. `receipts`: the watermarks, when what
 * caused the update moved them (a send moves the sender's own read position), so the members
 * hear both in one event.
 */
export async function broadcastChannelUpdate(
  context: ServerContext,
  conversation: StoredConversation,
  message: Message | null,
  receipts: Receipts | null = null,
): Promise<void> {
  const { store } = context;
  const hidersOf = (ids: (string | undefined)[]) =>
    Promise.all(
      ids
        .filter((id): id is string => id !== undefined)
        .map((id) => store.listHidersOf(conversation.id, id)),
    );
  // Asked together (one store round trip, one batch of the SQLite worker): the preview is
  // nearly always the message itself, whose hiders are asked beside it; another preview's
  // (a later message stored meanwhile) are asked after.
  const ownIds = [message?.id, message?.replyTo?.messageId];
  const [last, ownHiders, drafting] = await Promise.all([
    store.getLastMessage(conversation.id),
    hidersOf(ownIds),
    context.drafting.drafting(conversation.id),
  ]);
  const previewIds = [last?.id, last?.replyTo?.messageId].filter(
    (id) => id !== undefined && !ownIds.includes(id),
  );
  const hiderLists = [...ownHiders, ...(await hidersOf(previewIds))];
  // Only current members: a former member's windows hear nothing more of it.
  const hiders = [...new Set(hiderLists.flat())].filter((id) =>
    conversation.memberIds.includes(id),
  );
  // From the reads above: not a second read of the preview.
  const summary = summaryFrom(conversation, last, drafting);
  const moved = receipts ? { receipts } : {};
  context.io
    .to(conversationRoom(conversation.id))
    .except(hiders.map(userRoom))
    .emit(Events.channelUpdate, { conversation: summary, message, ...moved });
  for (const hiderId of hiders) {
    const [lastMessage, theirs] = await Promise.all([
      store.getLastMessage(conversation.id, hiderId),
      message === null ? null : store.getMessage(conversation.id, message.id, hiderId),
    ]);
    context.io.to(userRoom(hiderId)).emit(Events.channelUpdate, {
      conversation: { ...summary, lastMessage },
      message: message === null ? null : (theirs ?? message),
      ...moved,
    });
  }
}

export const requestConversationsAndUsers = defineHandler({
  audience: 'authenticated',
  schema: RequestConversationsAndUsersSchema,
  // The whole world in one answer: the dearest read there is.
  limits: (socket) => [{ limit: 'syncPerUser', key: signedInUserId(socket) }],
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
  async handle(context, socket, { conversationId, text, clientMessageId, replyToId }) {
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
    // A resend of a stored reply is answered as stored below, even if its original was deleted
    // (or is gone) since: the reply check is for new messages only.
    const resent =
      replyToId === undefined ? null : await context.store.findUserMessage(userId, clientMessageId);
    if (replyToId !== undefined && resent === null) {
      // Only a message of this very conversation: a reply must not quote another one's.
      const original = await context.store.getMessage(conversationId, replyToId);
      if (!original) {
        return errorAck('not_found', 'replyToId: no such message in this conversation');
      }
      if (original.deletedAt !== undefined) {
        return errorAck('message_deleted', 'replyToId: that message was deleted');
      }
    }
    const botIds = await botIdsOf(context, conversation);
    // Sending reads the conversation (as in Telegram and Signal): the sender's position moves
    // to their message in the append's own step, which the receipt watermarks rely on.
    const watermarksMovedBy = await beforePositionMoves(context, conversation, userId);
    const { message, duplicate, senderPosition } = await context.store.appendUserMessage({
      conversationId,
      senderId: userId,
      clientMessageId,
      text: trimmed,
      sentAt: context.clock.now(),
      authorFor: (sendIndex) => authorForSend(userId, botIds, sendIndex),
      ...(replyToId === undefined ? {} : { replyToId }),
      senderReads: true,
    });
    // The idempotency key is (sender, clientMessageId) across all conversations: a repeat into
    // another conversation is not a resend, and broadcasting the original there would put a DM
    // into the group's view at that seq. Refused, nothing broadcast.
    if (duplicate && message.conversationId !== conversationId) {
      return errorAck(
        'invalid_payload',
        'clientMessageId: already used for a message in another conversation',
      );
    }
    // A resend after a lost ack. The original was stored, but the node that stored it may have
    // died before broadcasting it, so tell the members again: clients merge messages by id, so
    // hearing it twice is harmless, while never hearing it would leave a gap until a resync.
    if (!duplicate) await context.drafting.stop(conversationId, userId);
    // The members hear the message and the watermarks it moved in one channelUpdate.
    const moved = await watermarksMovedBy(senderPosition ?? { changed: false });
    await broadcastChannelUpdate(context, conversation, message, moved);
    const authorTurns = await authorTurnsFor(context, conversation, userId);
    // A reply's ack as its sender sees it: the quote of an original they hid comes empty.
    const theirs =
      message.replyTo === undefined
        ? message
        : ((await context.store.getMessage(conversationId, message.id, userId)) ?? message);
    return { ok: true, message: theirs, ...(authorTurns ? { authorTurns } : {}) };
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
  limits: (socket) => [{ limit: 'historyPerUser', key: signedInUserId(socket) }],
  async handle(context, socket, { conversationId, before, after, limit }) {
    const userId = signedInUserId(socket);
    const conversation = await memberConversation(context, userId, conversationId);
    if (isError(conversation)) return conversation;
    const page = await context.store.listMessages(conversationId, {
      before,
      after,
      limit: limit ?? Limits.pageDefaultLimit,
      viewerId: userId,
    });
    // Catching up forwards keeps the oldest (the client continues after the last); paging
    // backwards keeps the newest (it continues before the first).
    const fitted = fitPage(page.messages, after === undefined ? 'newest' : 'oldest');
    return { ok: true, messages: fitted.messages, hasMore: page.hasMore || fitted.cut };
  },
});

export const markRead = defineHandler({
  audience: 'authenticated',
  schema: MarkReadSchema,
  limits: (socket) => [{ limit: 'readMarks', key: signedInUserId(socket) }],
  async handle(context, socket, { conversationId, seq }) {
    const userId = signedInUserId(socket);
    const conversation = await memberConversation(context, userId, conversationId);
    if (isError(conversation)) return conversation;
    // Never past the last message: a client cannot mark unwritten messages read in advance.
    const last = await context.store.getLastMessage(conversationId);
    if (!last) return { ok: true, conversationId, readSeq: -1 };
    const { position, changed } = await advancePositionAndAnnounce(context, conversation, userId, {
      readSeq: Math.min(seq, last.seq),
    });
    // The person's other windows (and devices) clear the same unread messages.
    if (changed) {
      context.io
        .to(userRoom(userId))
        .except(socket.id)
        .emit(Events.readPositionChanged, { conversationId, readSeq: position.readSeq });
    }
    return { ok: true, conversationId, readSeq: position.readSeq };
  },
});

export const markDelivered = defineHandler({
  audience: 'authenticated',
  schema: MarkDeliveredSchema,
  limits: (socket) => [{ limit: 'deliveryMarks', key: signedInUserId(socket) }],
  async handle(context, socket, { conversationId, seq }) {
    const userId = signedInUserId(socket);
    const conversation = await memberConversation(context, userId, conversationId);
    if (isError(conversation)) return conversation;
    // As with markRead: never past the last message.
    const last = await context.store.getLastMessage(conversationId);
    if (!last) return { ok: true, conversationId, deliveredSeq: -1 };
    const { position } = await advancePositionAndAnnounce(context, conversation, userId, {
      deliveredSeq: Math.min(seq, last.seq),
    });
    return { ok: true, conversationId, deliveredSeq: position.deliveredSeq };
  },
});

export const listReceipts = defineHandler({
  audience: 'authenticated',
  schema: ListReceiptsSchema,
  // Reads every member's position: priced like a page of history.
  limits: (socket) => [{ limit: 'receiptLists', key: signedInUserId(socket) }],
  async handle(context, socket, { conversationId, seq }) {
    const userId = signedInUserId(socket);
    const conversation = await memberConversation(context, userId, conversationId);
    if (isError(conversation)) return conversation;
    const [message] = (
      await context.store.listMessages(conversationId, { after: seq - 1, limit: 1 })
    ).messages;
    if (!message || message.seq !== seq) return errorAck('not_found', 'no such message');
    // Who read a message is its author's to know, as in Signal and WhatsApp.
    if (message.authorId !== userId) {
      return errorAck('forbidden', 'only the author of a message sees who read it');
    }
    return { ok: true, ...(await receiptListOf(context, conversation, userId, seq)) };
  },
});

export const setMuted = defineHandler({
  audience: 'authenticated',
  schema: SetMutedSchema,
  limits: (socket) => [{ limit: 'muteSwitches', key: signedInUserId(socket) }],
  async handle(context, socket, { conversationId, muted }) {
    const userId = signedInUserId(socket);
    const conversation = await memberConversation(context, userId, conversationId);
    if (isError(conversation)) return conversation;
    const { changed } = await context.store.setMuted(conversationId, userId, muted);
    // The person's other windows (and devices) mute it too, as Telegram's do.
    if (changed) {
      context.io
        .to(userRoom(userId))
        .except(socket.id)
        .emit(Events.mutedChanged, { conversationId, muted });
    }
    return { ok: true, conversationId, muted };
  },
});

export const listSessions = defineHandler({
  audience: 'authenticated',
  schema: ListSessionsSchema,
  limits: (socket) => [{ limit: 'sessionEvents', key: sessionKey(socket) }],
  async handle(context, socket) {
    const sessions = await context.store.listSessionsOf(signedInUserId(socket));
    return {
      ok: true,
      sessions: sessions
        .filter((session) => !isIdle(context, session))
        .map((session) => ({
          id: sessionIdOf(session.tokenHash),
          createdAt: session.createdAt,
          lastSeenAt: session.lastSeenAt,
          client: session.client,
          current: session.tokenHash === socket.data.sessionTokenHash,
        })),
    };
  },
});

export const revokeSession = defineHandler({
  audience: 'authenticated',
  schema: RevokeSessionSchema,
  limits: (socket) => [{ limit: 'sessionEvents', key: sessionKey(socket) }],
  async handle(context, socket, { sessionId }) {
    const userId = signedInUserId(socket);
    const sessions = await context.store.listSessionsOf(userId);
    const target = sessions.find((session) => sessionIdOf(session.tokenHash) === sessionId);
    if (!target) return errorAck('not_found', 'no such session of yours');
    await context.store.deleteSession(target.tokenHash);
    context.logger.info('session revoked', { user: userId, socket: socket.id });
    disconnectSession(context, target.tokenHash, socket);
    // Revoking this very session is a sign-out: disconnect once the ack has been written.
    if (target.tokenHash === socket.data.sessionTokenHash) {
      setImmediate(() => socket.disconnect(true));
    }
    return { ok: true };
  },
});

export const signOut = defineHandler({
  audience: 'authenticated',
  schema: SignOutSchema,
  limits: (socket) => [{ limit: 'sessionEvents', key: sessionKey(socket) }],
  async handle(context, socket) {
    const userId = signedInUserId(socket);
    const { sessionTokenHash } = socket.data;
    if (sessionTokenHash !== undefined) {
      await context.store.deleteSession(sessionTokenHash);
      // Every socket signed in with this token (other windows, other nodes) loses it too: a
      // revoked token must not keep acting through a connection opened before the sign-out.
      disconnectSession(context, sessionTokenHash, socket);
    }
    context.logger.info('user signed out', { user: userId, socket: socket.id });
    // Disconnect once the ack has been written, so the client hears the answer first.
    setImmediate(() => socket.disconnect(true));
    return { ok: true };
  },
});
