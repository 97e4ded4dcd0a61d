// Working with messages: edit, delete for everyone, hide for oneself, reactions, and the
// catch-up on all of them after a reconnect (listMessageChanges).
import type { ChatSocket } from '../codeSender.ts';
import { conversationRoom, type ServerContext, userRoom } from '../context.ts';
import {
  type AckError,
  DeleteMessageSchema,
  EditMessageSchema,
  Events,
  HideMessageSchema,
  isReactionEmoji,
  Limits,
  ListMessageChangesSchema,
  type Message,
  messageLength,
  ReactToMessageSchema,
} from '../protocol.ts';
import type {
  MessageChangeResult,
  MessageCheck,
  MessageRefusal,
  StoredConversation,
} from '../store/types.ts';
import { fitPage } from '../views.ts';
import { defineHandler, errorAck } from './bind.ts';
import { isError, memberConversation, signedInUserId } from './conversations.ts';

const refusalMessages: Readonly<Record<MessageRefusal, string>> = {
  not_found: 'no such message in this conversation',
  forbidden:
    'only your own messages can be changed (not others’, nor those written as a character)',
  edit_window_closed: `a message can only be changed within ${Limits.messageEditWindowMs / 3_600_000} hours of sending it`,
  edit_limit_reached: `a message can be edited at most ${Limits.messageMaxEdits} times`,
  message_deleted: 'this message was deleted',
  reactions_full: `a message carries at most ${Limits.reactionsMaxEmoji} different reactions`,
};

export function refusalAck(refusal: MessageRefusal): AckError {
  return errorAck(refusal, refusalMessages[refusal]);
}

/**
 * The text as sendMessage takes it: well-formed, trimmed, 1-4000 code points. The trimmed text,
 * or the error ack.
 */
export function checkMessageText(text: string): { text: string } | AckError {
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
  return { text: trimmed };
}

/**
 * Edit and delete for everyone: only the person who both sent and authored the message (in the
 * Vegeta DM every other send of theirs is his: not theirs to change), within 24 hours of
 * sending it; edits at most 10 times, never of a deleted message. Checked by the store inside
 * its atomic step, so racing edits cannot pass the count. A retry that would change nothing
 * (the text it already has, a delete of a tombstone) passes past the window and the count: the
 * store answers it unchanged, so a resend after a lost ack is never refused.
 */
export function ownMessageCheck(
  userId: string,
  now: number,
  change: { action: 'edit'; text: string } | { action: 'delete' },
): MessageCheck {
  const { action } = change;
  return (target) => {
    if (target.senderId !== userId || target.authorId !== userId) return 'forbidden';
    if (action === 'edit' && target.deletedAt !== null) return 'message_deleted';
    if (change.action === 'edit' && target.text === change.text) return null;
    if (action === 'delete' && target.deletedAt !== null) return null;
    if (now - target.sentAt > Limits.messageEditWindowMs) return 'edit_window_closed';
    if (action === 'edit' && target.editCount >= Limits.messageMaxEdits) {
      return 'edit_limit_reached';
    }
    return null;
  };
}

/**
 * messageChanged to every member, except those who hid the message (their windows keep only
 * its place; their copy's revision is caught up by listMessageChanges). Those who hid the
 * original it quotes get their own copy, with the quote empty.
 */
export async function announceMessageChange(
  context: ServerContext,
  conversation: StoredConversation,
  message: Message,
): Promise<void> {
  const { store } = context;
  const hiders = await store.listHidersOf(conversation.id, message.id);
  const quoteHiders =
    message.replyTo === undefined
      ? []
      : (await store.listHidersOf(conversation.id, message.replyTo.messageId)).filter(
          (id) => conversation.memberIds.includes(id) && !hiders.includes(id),
        );
  context.io
    .to(conversationRoom(conversation.id))
    .except([...hiders, ...quoteHiders].map(userRoom))
    .emit(Events.messageChanged, { message });
  for (const viewerId of quoteHiders) {
    const theirs = await store.getMessage(conversation.id, message.id, viewerId);
    if (theirs) context.io.to(userRoom(viewerId)).emit(Events.messageChanged, { message: theirs });
  }
}

async function finish(
  context: ServerContext,
  conversation: StoredConversation,
  userId: string,
  result: MessageChangeResult,
) {
  if (!result.ok) return refusalAck(result.refusal);
  const { message } = result;
  if (result.changed) await announceMessageChange(context, conversation, message);
  // The ack as its sender sees it: a quote of an original they hid comes empty.
  const theirs =
    message.replyTo === undefined
      ? message
      : ((await context.store.getMessage(conversation.id, message.id, userId)) ?? message);
  return { ok: true as const, message: theirs };
}

const userKey = (socket: ChatSocket) => signedInUserId(socket);

export const editMessage = defineHandler({
  audience: 'authenticated',
  schema: EditMessageSchema,
  limits: (socket) => [{ limit: 'messageEdits', key: userKey(socket) }],
  async handle(context, socket, { conversationId, messageId, text }) {
    const userId = signedInUserId(socket);
    const checked = checkMessageText(text);
    if ('ok' in checked) return checked;
    const conversation = await memberConversation(context, userId, conversationId);
    if (isError(conversation)) return conversation;
    const now = context.clock.now();
    // Never the author nor the send counter: the alternation goes on as before the edit.
    const result = await context.store.editMessage({
      conversationId,
      messageId,
      text: checked.text,
      editedAt: now,
      check: ownMessageCheck(userId, now, { action: 'edit', text: checked.text }),
    });
    return finish(context, conversation, userId, result);
  },
});

export const deleteMessage = defineHandler({
  audience: 'authenticated',
  schema: DeleteMessageSchema,
  limits: (socket) => [{ limit: 'messageDeletes', key: userKey(socket) }],
  async handle(context, socket, { conversationId, messageId }) {
    const userId = signedInUserId(socket);
    const conversation = await memberConversation(context, userId, conversationId);
    if (isError(conversation)) return conversation;
    const now = context.clock.now();
    const result = await context.store.deleteMessage({
      conversationId,
      messageId,
      deletedAt: now,
      check: ownMessageCheck(userId, now, { action: 'delete' }),
    });
    return finish(context, conversation, userId, result);
  },
});

export const hideMessage = defineHandler({
  audience: 'authenticated',
  schema: HideMessageSchema,
  limits: (socket) => [{ limit: 'messageHides', key: userKey(socket) }],
  async handle(context, socket, { conversationId, messageId }) {
    const userId = signedInUserId(socket);
    const conversation = await memberConversation(context, userId, conversationId);
    if (isError(conversation)) return conversation;
    const result = await context.store.hideMessage({
      conversationId,
      messageId,
      userId,
      hiddenAt: context.clock.now(),
    });
    if (!result.ok) return refusalAck(result.refusal);
    // The person's other windows (and devices) hide it too; nobody else is told.
    if (result.changed) {
      context.io
        .to(userRoom(userId))
        .except(socket.id)
        .emit(Events.messageHidden, {
          conversationId,
          messageId,
          revision: result.message.revision ?? 0,
        });
    }
    return { ok: true, message: result.message };
  },
});

export const reactToMessage = defineHandler({
  audience: 'authenticated',
  schema: ReactToMessageSchema,
  limits: (socket) => [{ limit: 'messageReactions', key: userKey(socket) }],
  async handle(context, socket, { conversationId, messageId, emoji }) {
    const userId = signedInUserId(socket);
    if (emoji !== null && !isReactionEmoji(emoji)) {
      return errorAck('emoji_not_allowed', 'a reaction is one emoji');
    }
    const conversation = await memberConversation(context, userId, conversationId);
    if (isError(conversation)) return conversation;
    // The toggle is the client's: sending the emoji already kept changes nothing (a resent
    // request never undoes itself); removing is `emoji: null`.
    const result = await context.store.reactToMessage({
      conversationId,
      messageId,
      userId,
      emoji,
      reactedAt: context.clock.now(),
      maxEmoji: Limits.reactionsMaxEmoji,
    });
    return finish(context, conversation, userId, result);
  },
});

export const listMessageChanges = defineHandler({
  audience: 'authenticated',
  schema: ListMessageChangesSchema,
  limits: (socket) => [{ limit: 'messageChangeLists', key: userKey(socket) }],
  async handle(context, socket, { conversationId, since, limit }) {
    const userId = signedInUserId(socket);
    const conversation = await memberConversation(context, userId, conversationId);
    if (isError(conversation)) return conversation;
    const page = await context.store.listMessageChanges(conversationId, {
      since,
      limit: limit ?? Limits.changesPageMaxLimit,
      viewerId: userId,
    });
    // Oldest change first: a cut page continues after its last message's revision.
    const fitted = fitPage(page.messages, 'oldest');
    return {
      ok: true,
      messages: fitted.messages,
      hasMore: page.hasMore || fitted.cut,
      revision: page.revision,
    };
  },
});
