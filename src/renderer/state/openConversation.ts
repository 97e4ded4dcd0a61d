// The open conversation: header, messages (confirmed and optimistic, one row each for life),
// composer state and who is typing.
import type { User } from '../../../server/protocol.ts';
import { conversationIdentity, draftingFirstNames, type AvatarPerson } from './people.ts';
import type { MessengerSnapshot } from './snapshots.ts';
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
  const { context } = snapshot;
  const id = context.selectedConversationId;
  const conversation = id ? context.conversations[id] : undefined;
  const currentUserId = context.currentUserId;
  if (!id || !conversation || !currentUserId) return null;
  const { users } = context;
  const { title, avatar } = conversationIdentity(conversation, users, currentUserId);
  const confirmed: OpenConversationMessage[] = conversation.messages.map((message) => ({
    key: message.clientMessageId ?? message.id,
    authorId: message.authorId,
    text: message.text,
    sentAt: message.sentAt,
    status: 'sent',
    isOwn: message.authorId === currentUserId,
    error: null,
  }));
  const confirmedKeys = new Set(confirmed.map((message) => message.key));
  const pending: OpenConversationMessage[] = context.pending
    .filter((entry) => entry.conversationId === id && !confirmedKeys.has(entry.clientMessageId))
    .map((entry) => ({
      key: entry.clientMessageId,
      authorId: currentUserId,
      text: entry.text,
      sentAt: entry.createdAt,
      status: entry.status,
      isOwn: true,
      error: entry.error,
    }));
  const draft = context.drafts[id] ?? '';
  const others = conversation.memberIds
    .filter((memberId) => memberId !== currentUserId)
    .map((memberId) => users[memberId]?.firstName ?? 'Someone');
  return {
    id,
    kind: conversation.kind,
    title,
    avatar,
    membersText: conversation.kind === 'direct' ? title : membersText(others),
    typingText: typingText(draftingFirstNames(conversation, users, currentUserId)),
    currentUserId,
    usersById: new Map(Object.entries(users)),
    messages: [...confirmed, ...pending],
    hasMore: conversation.hasMore,
    loadingHistory: conversation.loadingHistory,
    historyError: conversation.historyError,
    draft,
    canSend: snapshot.can({ type: 'message.submitted' }),
  };
}
