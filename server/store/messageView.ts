// One message as every store hands it out: the stored parts (its row, the original it replies
// to, its reactions, the viewer's hide) put together the same way by the memory, SQLite and
// PostgreSQL stores, so they answer alike to the last field and order.
import { type Message, type Reaction, replySnippet } from '../protocol.ts';

export interface StoredReaction {
  emoji: string;
  userId: string;
  reactedAt: number;
}

/** The original a reply answers, as it is now (null when it is gone or elsewhere). */
export interface ReplyOriginal {
  messageId: string;
  seq: number;
  authorId: string;
  text: string;
  deletedAt: number | null;
  /** The viewer hid the original: the quote shows nothing of it. */
  hiddenByViewer: boolean;
}

export interface MessageParts {
  id: string;
  conversationId: string;
  authorId: string;
  text: string;
  sentAt: number;
  seq: number;
  clientMessageId: string | null;
  editedAt: number | null;
  editCount: number;
  deletedAt: number | null;
  /** 0: never changed. */
  revision: number;
  replyTo: ReplyOriginal | null;
  reactions: readonly StoredReaction[];
  /** The viewer's hide of it (its revision), or null. */
  hiddenRevision: number | null;
}

/** Code point order (UTF-8 byte order), as PostgreSQL's "C" collation and SQLite compare. */
export function compareCodePoints(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Emoji in the order each was first used, people in the order they reacted. */
export function groupReactions(reactions: readonly StoredReaction[]): Reaction[] {
  const sorted = [...reactions].sort(
    (a, b) => a.reactedAt - b.reactedAt || compareCodePoints(a.userId, b.userId),
  );
  const byEmoji = new Map<string, { first: number; userIds: string[] }>();
  for (const reaction of sorted) {
    const group = byEmoji.get(reaction.emoji);
    if (group) group.userIds.push(reaction.userId);
    else byEmoji.set(reaction.emoji, { first: reaction.reactedAt, userIds: [reaction.userId] });
  }
  return [...byEmoji.entries()]
    .sort(([emojiA, a], [emojiB, b]) => a.first - b.first || compareCodePoints(emojiA, emojiB))
    .map(([emoji, { userIds }]) => ({ emoji, userIds }));
}

export function toWireMessage(parts: MessageParts): Message {
  const message: Message = {
    id: parts.id,
    conversationId: parts.conversationId,
    authorId: parts.authorId,
    text: parts.text,
    sentAt: parts.sentAt,
    seq: parts.seq,
    clientMessageId: parts.clientMessageId,
  };
  const revision = Math.max(parts.revision, parts.hiddenRevision ?? 0);
  if (parts.hiddenRevision !== null) {
    // Only its place: the viewer asked never to see it again, in any window.
    return { ...message, text: '', hidden: true, revision };
  }
  if (parts.replyTo && parts.deletedAt === null) {
    const deleted = parts.replyTo.deletedAt !== null;
    const { hiddenByViewer } = parts.replyTo;
    message.replyTo = {
      messageId: parts.replyTo.messageId,
      seq: parts.replyTo.seq,
      authorId: parts.replyTo.authorId,
      snippet: deleted || hiddenByViewer ? '' : replySnippet(parts.replyTo.text),
      deleted,
      ...(hiddenByViewer ? { hidden: true as const } : {}),
    };
  }
  if (parts.editedAt !== null && parts.editCount > 0) {
    message.editedAt = parts.editedAt;
    message.editCount = parts.editCount;
  }
  if (parts.deletedAt !== null) {
    message.text = '';
    message.deletedAt = parts.deletedAt;
  } else if (parts.reactions.length > 0) {
    message.reactions = groupReactions(parts.reactions);
  }
  if (revision > 0) message.revision = revision;
  return message;
}

/**
 * Whether `emoji` from `userId` fits: the distinct emoji after the change (their old one gone,
 * the new one added) stay within `maxEmoji`.
 */
export function reactionFits(
  reactions: readonly StoredReaction[],
  userId: string,
  emoji: string,
  maxEmoji: number,
): boolean {
  const emojis = new Set(reactions.filter((r) => r.userId !== userId).map((r) => r.emoji));
  emojis.add(emoji);
  return emojis.size <= maxEmoji;
}
