// The conversation list: most recent activity first, with the preview the original showed.
import type { User } from '../../../server/protocol.ts';
import type { ConversationState, MessengerContext } from '../../../machines/messenger.ts';
import { conversationIdentity, type AvatarPerson } from './people.ts';
import { sameItems } from './sameItems.ts';

export interface SidebarRow {
  id: string;
  kind: 'direct' | 'group';
  title: string;
  /** A DM shows the other person; a group its own picture. */
  avatar: AvatarPerson;
  /** "You: …" for the user's own last message; "Goku: …" for others' in groups. */
  preview: string;
  /** The last message's time (epoch ms), null for an empty conversation. */
  lastActivityAt: number | null;
  unreadCount: number;
  /** Someone other than the user is typing: the row shows "…". */
  isDrafting: boolean;
  selected: boolean;
}

function toSidebarRow(
  conversation: ConversationState,
  users: Record<string, User>,
  currentUserId: string | null,
  selected: boolean,
): SidebarRow {
  const { title, avatar } = conversationIdentity(conversation, users, currentUserId);
  const last = conversation.lastMessage;
  let preview = '';
  if (last) {
    if (last.authorId === currentUserId) preview = `You: ${last.text}`;
    else if (conversation.kind === 'group') {
      const author = users[last.authorId];
      preview = author ? `${author.firstName}: ${last.text}` : last.text;
    } else preview = last.text;
  }
  return {
    id: conversation.id,
    kind: conversation.kind,
    title,
    avatar,
    preview,
    lastActivityAt: last?.sentAt ?? null,
    unreadCount: conversation.unread,
    isDrafting: conversation.drafting.some((userId) => userId !== currentUserId),
    selected,
  };
}

/** Most recent first; conversations without messages keep the server's order at the end. */
function byRecentActivity(rows: SidebarRow[]): SidebarRow[] {
  return rows
    .map((row, index) => ({ row, index }))
    .sort(
      (a, b) =>
        (b.row.lastActivityAt ?? -Infinity) - (a.row.lastActivityAt ?? -Infinity) ||
        a.index - b.index,
    )
    .map(({ row }) => row);
}

export function toSidebarRows(context: MessengerContext): SidebarRow[] {
  const { users, currentUserId, selectedConversationId } = context;
  const rows: SidebarRow[] = [];
  for (const id of context.conversationIds) {
    const conversation = context.conversations[id];
    if (conversation) {
      rows.push(toSidebarRow(conversation, users, currentUserId, selectedConversationId === id));
    }
  }
  return byRecentActivity(rows);
}

type SidebarInputs = Pick<
  MessengerContext,
  'conversations' | 'conversationIds' | 'users' | 'currentUserId' | 'selectedConversationId'
>;

interface CachedRow {
  conversation: ConversationState;
  selected: boolean;
  row: SidebarRow;
}

/**
 * `toSidebarRows` for a stream of snapshots. Most snapshots (a keystroke's draft, a timer, the
 * outbox) leave every input the sidebar reads untouched: then the previous array comes back
 * as is. When one conversation changes, only its row is a new object, so memoized list items
 * of the others skip rendering; the array is new only when a row or the order changed.
 */
export function createSidebarRowsSelector(): (context: SidebarInputs) => SidebarRow[] {
  let previousInputs: SidebarInputs | null = null;
  let previousRows: SidebarRow[] = [];
  let cache = new Map<string, CachedRow>();
  return (context) => {
    const { conversations, conversationIds, users, currentUserId, selectedConversationId } =
      context;
    const previous = previousInputs;
    if (
      previous &&
      previous.conversations === conversations &&
      previous.conversationIds === conversationIds &&
      previous.users === users &&
      previous.currentUserId === currentUserId &&
      previous.selectedConversationId === selectedConversationId
    ) {
      return previousRows;
    }
    // Names and avatars come from users: a new user list (or user) can change any row.
    const reusable =
      previous && previous.users === users && previous.currentUserId === currentUserId;
    const nextCache = new Map<string, CachedRow>();
    const rows: SidebarRow[] = [];
    for (const id of conversationIds) {
      const conversation = conversations[id];
      if (!conversation) continue;
      const selected = selectedConversationId === id;
      const cached = reusable ? cache.get(id) : undefined;
      const row =
        cached && cached.conversation === conversation && cached.selected === selected
          ? cached.row
          : toSidebarRow(conversation, users, currentUserId, selected);
      nextCache.set(id, { conversation, selected, row });
      rows.push(row);
    }
    const sorted = byRecentActivity(rows);
    previousInputs = {
      conversations,
      conversationIds,
      users,
      currentUserId,
      selectedConversationId,
    };
    cache = nextCache;
    if (!sameItems(sorted, previousRows)) previousRows = sorted;
    return previousRows;
  };
}
