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
  /**
   * The preview in its two parts, so the view can lay the message's own text out in its own
   * direction ("You: " stays left to right before Arabic text): who (`You`, a first name, or
   * empty) and the message text.
   */
  previewParts?: { by: string; text: string };
  /** The last message's time (epoch ms), null for an empty conversation. */
  lastActivityAt: number | null;
  unreadCount: number;
  /**
   * The unsent composer text of a conversation that is not open, on one line ("Draft: …" in
   * place of the last message, as Telegram and Signal show); absent when there is none.
   */
  draft?: string;
  /** Someone other than the user is typing: the row shows "…". */
  isDrafting: boolean;
  selected: boolean;
}

export function toSidebarRow(
  conversation: ConversationSummary,
  users: Record<string, User>,
  currentUserId: string | null,
  selected: boolean,
  draft = '',
): SidebarRow {
  const { title, avatar } = conversationIdentity(conversation, users, currentUserId);
  const last = conversation.lastMessage;
  let by = '';
  if (last && !last.hidden) {
    if (last.authorId === currentUserId) by = 'You';
    else if (conversation.kind === 'group') by = ownValue(users, last.authorId)?.firstName ?? '';
  }
  // Deleted for everyone: said so; deleted for me (hidden): nothing to preview.
  const text = last?.deletedAt !== undefined ? 'This message was deleted' : (last?.text ?? '');
  // The open conversation's draft is in its composer; whitespace alone is no draft.
  const draftLine = selected ? '' : draft.trim().replace(/\s+/g, ' ');
  let preview = by ? `${by}: ${text}` : text;
  if (draftLine) preview = `Draft: ${draftLine}`;
  return {
    id: conversation.id,
    kind: conversation.kind,
    title,
    avatar,
    preview,
    previewParts: { by, text },
    ...(draftLine ? { draft: draftLine } : {}),
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
