// The open conversation: header, messages (confirmed and optimistic, one row each for life),
// composer state and who is typing.
import type { User } from '../../../server/protocol.ts';
import type { ConversationState, PendingMessage } from '../../../machines/messenger.ts';
import { conversationIdentity, draftingFirstNames, type AvatarPerson } from './people.ts';
import type { MessengerSnapshot } from './snapshots.ts';
import { sameItems } from './sameItems.ts';
import { typingText } from './typingText.ts';

export type DeliveryStatus = 'sending' | 'sent' | 'failed';

export interface OpenConversationMessage {
  /** The clientMessageId for the user's own messages (stable from optimistic to confirmed). */
  key: string;
  authorId: string;
  text: string;
  sentAt: number;
  status: DeliveryStatus;
  isOwn: boolean;
  /** Why sending failed (status `failed`): retry with `message.retried { clientMessageId: key }`. */
  error: string | null;
}

export interface OpenConversationView {
  id: string;
  kind: 'direct' | 'group';
  title: string;
  avatar: AvatarPerson;
  /** "Goku, Bulma and you" for groups, the other person's name for a DM. */
  membersText: string;
  typingText: string | null;
  currentUserId: string;
  usersById: ReadonlyMap<string, User>;
  /** Oldest first; the user's unconfirmed messages at the end. */
  messages: OpenConversationMessage[];
  hasMore: boolean;
  loadingHistory: boolean;
  historyError: string | null;
  draft: string;
  /** The messenger would accept `message.submitted` now (its own guard decides). */
  canSend: boolean;
}

function membersText(memberNames: string[]): string {
  const names = [...memberNames, 'you'];
  if (names.length <= 2) return names.join(' and ');
  return `${names.slice(0, -1).join(', ')} and you`;
}

export function toOpenConversation(snapshot: MessengerSnapshot): OpenConversationView | null {
  return createOpenConversationSelector()(snapshot);
}

type Message = ConversationState['messages'][number];

/**
 * `toOpenConversation` for a stream of snapshots. Every keystroke makes a snapshot with a new
 * draft: the view changes (draft, canSend) but its messages, users and avatar stay the same
 * objects, so the log, its rows and the header skip rendering. Message objects are reused one
 * by one, so a new message makes one new row; a snapshot that changes nothing the view shows
 * returns the previous view itself.
 */
export function createOpenConversationSelector(): (
  snapshot: MessengerSnapshot,
) => OpenConversationView | null {
  let previous: OpenConversationView | null = null;
  let usersSource: Record<string, User> | null = null;
  let usersById: ReadonlyMap<string, User> = new Map();
  let messagesSources: unknown[] = [];
  let messages: OpenConversationMessage[] = [];
  // Per source object (a confirmed message or a pending entry), valid for one current user.
  let rowCache = new WeakMap<object, OpenConversationMessage>();
  let rowCacheUserId: string | null = null;

  const confirmedRow = (message: Message, currentUserId: string): OpenConversationMessage => {
    let row = rowCache.get(message);
    if (!row) {
      row = {
        key: message.clientMessageId ?? message.id,
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
  };
  const pendingRow = (entry: PendingMessage, currentUserId: string): OpenConversationMessage => {
    let row = rowCache.get(entry);
    if (!row) {
      row = {
        key: entry.clientMessageId,
        authorId: currentUserId,
        text: entry.text,
        sentAt: entry.createdAt,
        status: entry.status,
        isOwn: true,
        error: entry.error,
      };
      rowCache.set(entry, row);
    }
    return row;
  };

  const messagesOf = (
    id: string,
    conversation: ConversationState,
    pendingEntries: PendingMessage[],
    currentUserId: string,
  ): OpenConversationMessage[] => {
    const sources = [id, conversation.messages, pendingEntries, currentUserId];
    if (sameItems(sources, messagesSources)) return messages;
    messagesSources = sources;
    if (rowCacheUserId !== currentUserId) {
      rowCache = new WeakMap();
      rowCacheUserId = currentUserId;
    }
    const confirmed = conversation.messages.map((message) => confirmedRow(message, currentUserId));
    const confirmedKeys = new Set(confirmed.map((message) => message.key));
    const pending = pendingEntries
      .filter((entry) => entry.conversationId === id && !confirmedKeys.has(entry.clientMessageId))
      .map((entry) => pendingRow(entry, currentUserId));
    const next = [...confirmed, ...pending];
    if (!sameItems(next, messages)) messages = next;
    return messages;
  };

  return (snapshot) => {
    const { context } = snapshot;
    const id = context.selectedConversationId;
    const conversation = id ? context.conversations[id] : undefined;
    const currentUserId = context.currentUserId;
    if (!id || !conversation || !currentUserId) {
      previous = null;
      return null;
    }
    const { users } = context;
    if (users !== usersSource) {
      usersSource = users;
      usersById = new Map(Object.entries(users));
    }
    const { title, avatar } = conversationIdentity(conversation, users, currentUserId);
    const others = conversation.memberIds
      .filter((memberId) => memberId !== currentUserId)
      .map((memberId) => users[memberId]?.firstName ?? 'Someone');
    const next: OpenConversationView = {
      id,
      kind: conversation.kind,
      title,
      avatar: previous && sameAvatar(previous.avatar, avatar) ? previous.avatar : avatar,
      membersText: conversation.kind === 'direct' ? title : membersText(others),
      typingText: typingText(draftingFirstNames(conversation, users, currentUserId)),
      currentUserId,
      usersById,
      messages: messagesOf(id, conversation, context.pending, currentUserId),
      hasMore: conversation.hasMore,
      loadingHistory: conversation.loadingHistory,
      historyError: conversation.historyError,
      draft: context.drafts[id] ?? '',
      canSend: snapshot.can({ type: 'message.submitted' }),
    };
    if (!previous || !sameFields(previous, next)) previous = next;
    return previous;
  };
}

function sameAvatar(a: AvatarPerson, b: AvatarPerson): boolean {
  return (
    a.firstName === b.firstName &&
    a.lastName === b.lastName &&
    a.avatar.initials === b.avatar.initials &&
    a.avatar.color === b.avatar.color &&
    a.avatar.asset === b.avatar.asset
  );
}

function sameFields<T extends object>(a: T, b: T): boolean {
  return (Object.keys(a) as (keyof T)[]).every((key) => Object.is(a[key], b[key]));
}
