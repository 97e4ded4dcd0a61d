// The open conversation: header, messages (confirmed and unsent, one row each for life),
// composer state and who is typing.
import type { Message, User } from '../../../server/protocol.ts';
import type { ConversationSnapshot, OutgoingMessageSnapshot } from './snapshots.ts';
import type { AvatarPerson } from './people.ts';

export type DeliveryStatus = 'sending' | 'sent' | 'failed';

export interface OpenConversationMessage {
  /** The clientMessageId for the user's own messages (stable from unsent to confirmed). */
  key: string;
  /** Its place in the conversation; null while unsent. */
  seq: number | null;
  authorId: string;
  text: string;
  sentAt: number;
  status: DeliveryStatus;
  isOwn: boolean;
  /** Why sending failed (status `failed`): retry with `message.retried` to that message. */
  error: string | null;
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
}

export function membersText(memberNames: string[]): string {
  const names = [...memberNames, 'you'];
  if (names.length <= 2) return names.join(' and ');
  return `${names.slice(0, -1).join(', ')} and you`;
}

/**
 * Rows for the log, reusing each message's row object while the message object stays the same,
 * so a new message renders one new bubble, not all of them.
 */
export function createMessageRows() {
  let rowCache = new WeakMap<object, OpenConversationMessage>();
  let rowCacheUserId: string | null = null;
  return (
    messages: readonly Message[],
    outbox: readonly OutgoingMessageSnapshot[],
    currentUserId: string,
  ): OpenConversationMessage[] => {
    if (rowCacheUserId !== currentUserId) {
      rowCache = new WeakMap();
      rowCacheUserId = currentUserId;
    }
    const rows = messages.map((message) => {
      let row = rowCache.get(message);
      if (!row) {
        row = {
          key: message.clientMessageId ?? message.id,
          seq: message.seq,
          authorId: message.authorId,
          text: message.text,
          sentAt: message.sentAt,
          status: 'sent',
          isOwn: message.authorId === currentUserId,
          error: null,
        };
        rowCache.set(message, row);
      }
      return row;
    });
    const confirmed = new Set(rows.map((row) => row.key));
    for (const snapshot of outbox) {
      const { clientMessageId, text, createdAt, failure } = snapshot.context;
      if (snapshot.status !== 'active' || confirmed.has(clientMessageId)) continue;
      let row = rowCache.get(snapshot);
      if (!row) {
        const failed = snapshot.matches('failed');
        row = {
          key: clientMessageId,
          seq: null,
          authorId: currentUserId,
          text,
          sentAt: createdAt,
          status: failed ? 'failed' : 'sending',
          isOwn: true,
          error: failed ? failure : null,
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
  };
}
