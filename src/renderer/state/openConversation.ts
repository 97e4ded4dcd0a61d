// The open conversation: header, messages (confirmed and unsent, one row each for life),
// composer state and who is typing.
import type { Message, Receipts, User } from '../../../server/protocol.ts';
import { receiptOf } from '../../../machines/conversation.ts';
import { ownValue } from '../../../machines/system.ts';
import type { ConversationSnapshot, OutgoingMessageSnapshot } from './snapshots.ts';
import type { AvatarPerson } from './people.ts';

/**
 * The user's own messages: sending (a clock), failed, sent (one tick: the server has it),
 * delivered (two ticks: every member's device has it) or read (two coloured ticks: everyone
 * has read it). Others' messages are `sent`.
 */
export type DeliveryStatus = 'sending' | 'sent' | 'delivered' | 'read' | 'failed';

export interface OpenConversationMessage {
  /** The clientMessageId for the user's own messages (stable from unsent to confirmed). */
  key: string;
  /** The server's id (what replies, edits and reactions name); null while unsent. */
  id: string | null;
  /** Its place in the conversation; null while unsent. */
  seq: number | null;
  authorId: string;
  text: string;
  sentAt: number;
  status: DeliveryStatus;
  isOwn: boolean;
  /** Why sending failed (status `failed`): retry with `message.retried` to that message. */
  error: string | null;
  /** Edited by its author after it was sent (issue 16). */
  edited?: boolean;
  /** How many times (the server allows Limits.messageMaxEdits). */
  editCount?: number;
  /** Deleted for everyone by its author: shown as "This message was deleted". */
  deleted?: boolean;
  /** One emoji per person: each emoji with who chose it, in the server's order. */
  reactions?: readonly { emoji: string; userIds: readonly string[] }[];
  /** The message it answers, as it is now (its snippet; deleted when it was). */
  replyTo?: Message['replyTo'];
}

export interface OpenConversationView {
  id: string;
  kind: 'direct' | 'group';
  title: string;
  avatar: AvatarPerson;
  /** "Goku, Bulma and you" for groups, "Direct message" for a DM. */
  membersText: string;
  typingText: string | null;
  currentUserId: string;
  usersById: ReadonlyMap<string, User>;
  /** Oldest first; the user's unsent messages at the end. */
  messages: OpenConversationMessage[];
  hasMore: boolean;
  loadingHistory: boolean;
  historyError: string | null;
  draft: string;
  /** The conversation would accept `message.submitted` now (its own guard decides). */
  canSend: boolean;
  /** "New messages" goes before the message with this seq (null: nothing was unread). */
  unreadFromSeq: number | null;
  /** The person muted its notifications (its unread count leaves the total). */
  muted: boolean;
  /** The message the log is to go to now (jump arrived), by seq: null when there is none. */
  jumpSeq: number | null;
  /** Going to a message is loading older pages to reach it. */
  seekingMessage: boolean;
  /** Going to a message failed (a page failed, or the connection went): it can be retried. */
  jumpFailed: boolean;
}

export function membersText(memberNames: string[]): string {
  const names = [...memberNames, 'you'];
  if (names.length <= 2) return names.join(' and ');
  return `${names.slice(0, -1).join(', ')} and you`;
}

/**
 * Rows for the log, reusing each message's row object while the message object and its status
 * stay the same, so a new message or a receipt renders only the bubbles it changes.
 */
export function createMessageRows() {
  let rowCache = new WeakMap<object, OpenConversationMessage>();
  let rowCacheUserId: string | null = null;
  return (
    messages: readonly Message[],
    outbox: readonly OutgoingMessageSnapshot[],
    currentUserId: string,
    receipts: Receipts | null = null,
    pendingAuthors: Readonly<Record<string, string>> = {},
  ): OpenConversationMessage[] => {
    if (rowCacheUserId !== currentUserId) {
      rowCache = new WeakMap();
      rowCacheUserId = currentUserId;
    }
    const rows: OpenConversationMessage[] = [];
    for (const message of messages) {
      // Deleted for me (in this or another window): the person does not see it any more.
      if (message.hidden) continue;
      const isOwn = message.authorId === currentUserId;
      const status = isOwn ? receiptOf(message.seq, receipts) : 'sent';
      let row = rowCache.get(message);
      if (!row || row.status !== status) {
        row = {
          key: message.clientMessageId ?? message.id,
          id: message.id,
          seq: message.seq,
          authorId: message.authorId,
          text: message.text,
          sentAt: message.sentAt,
          status,
          isOwn,
          error: null,
          ...(message.editedAt !== undefined
            ? { edited: true, editCount: message.editCount ?? 1 }
            : {}),
          ...(message.deletedAt !== undefined ? { deleted: true } : {}),
          ...(message.reactions?.length ? { reactions: message.reactions } : {}),
          ...(message.replyTo ? { replyTo: message.replyTo } : {}),
        };
        rowCache.set(message, row);
      }
      rows.push(row);
    }
    const confirmed = new Set(rows.map((row) => row.key));
    for (const snapshot of outbox) {
      const { clientMessageId, text, createdAt, failure, replyTo } = snapshot.context;
      if (snapshot.status !== 'active' || confirmed.has(clientMessageId)) continue;
      let row = rowCache.get(snapshot);
      if (!row) {
        const failed = snapshot.matches('failed');
        // On Vegeta's turn it is his from the start (issue 15, defect 4): it never jumps sides.
        const authorId = ownValue(pendingAuthors, clientMessageId) ?? currentUserId;
        row = {
          key: clientMessageId,
          id: null,
          seq: null,
          authorId,
          text,
          sentAt: createdAt,
          status: failed ? 'failed' : 'sending',
          isOwn: authorId === currentUserId,
          error: failed ? failure : null,
          // Older snapshots (restored before replies existed) have no quote.
          ...(replyTo ? { replyTo } : {}),
        };
        rowCache.set(snapshot, row);
      }
      rows.push(row);
    }
    return rows;
  };
}

/** What the composer and the log's edges need from the conversation's own states. */
export function conversationStatus(snapshot: ConversationSnapshot) {
  return {
    draft: snapshot.context.draft,
    canSend: snapshot.can({ type: 'message.submitted' }),
    hasMore: snapshot.context.hasMore,
    loadingHistory: snapshot.matches({ history: 'loading' }),
    historyError: snapshot.matches({ history: 'failed' }) ? snapshot.context.historyError : null,
    unreadFromSeq: snapshot.context.unreadFromSeq,
    muted: snapshot.matches({ notifications: 'muted' }),
    jumpSeq: snapshot.matches({ jump: 'arrived' }) ? snapshot.context.jumpSeq : null,
    seekingMessage: snapshot.matches({ jump: 'seeking' }),
    jumpFailed: snapshot.matches({ jump: 'failed' }),
  };
}
