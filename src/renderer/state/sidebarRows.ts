// The conversation list: most recent activity first, with the preview the original showed.
import { ownValue } from '../../../machines/system.ts';
import type { User } from '../../../server/protocol.ts';
import { conversationIdentity, type AvatarPerson, type ConversationSummary } from './people.ts';

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

export function toSidebarRow(
  conversation: ConversationSummary,
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
      const author = ownValue(users, last.authorId);
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
export function byRecentActivity(rows: readonly SidebarRow[]): SidebarRow[] {
  return rows
    .map((row, index) => ({ row, index }))
    .sort(
      (a, b) =>
        (b.row.lastActivityAt ?? -Infinity) - (a.row.lastActivityAt ?? -Infinity) ||
        a.index - b.index,
    )
    .map(({ row }) => row);
}
