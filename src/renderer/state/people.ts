// Who a conversation is about, as the sidebar and header show it.
import type { Avatar, User } from '../../../server/protocol.ts';
import type { ConversationContext } from '../../../machines/conversation.ts';
import { ownValue } from '../../../machines/system.ts';

/** What the list and the header need of a conversation. */
export type ConversationSummary = Pick<
  ConversationContext,
  'id' | 'kind' | 'title' | 'memberIds' | 'drafting' | 'lastMessage' | 'unread'
>;

/** What the Avatar component draws: a user, or a group's own picture. */
export interface AvatarPerson {
  firstName: string;
  lastName: string;
  avatar: Avatar;
}

const groupColors = ['#5c6bc0', '#26a69a', '#ef6c00', '#8e24aa', '#43a047', '#e53935'];

function initialsOf(title: string): string {
  const words = title.trim().split(/\s+/).filter(Boolean);
  return words
    .slice(0, 2)
    .map((word) => [...word][0]?.toUpperCase() ?? '')
    .join('');
}

function colorOf(id: string): string {
  let hash = 0;
  for (const char of id) hash = (hash * 31 + (char.codePointAt(0) ?? 0)) >>> 0;
  return groupColors[hash % groupColors.length] ?? '#5c6bc0';
}

/** In a DM, the other member (the one who is not the current user). */
export function otherMember(
  conversation: ConversationSummary,
  users: Record<string, User>,
  currentUserId: string | null,
): User | undefined {
  const otherId = conversation.memberIds.find((id) => id !== currentUserId);
  return otherId ? ownValue(users, otherId) : undefined;
}

export function fullName(user: Pick<User, 'firstName' | 'lastName'>): string {
  return `${user.firstName} ${user.lastName}`.trim();
}

/** A DM is titled and pictured by the other person; a group by its title and initials. */
export function conversationIdentity(
  conversation: ConversationSummary,
  users: Record<string, User>,
  currentUserId: string | null,
): { title: string; avatar: AvatarPerson } {
  if (conversation.kind === 'direct') {
    const other = otherMember(conversation, users, currentUserId);
    if (other) return { title: fullName(other), avatar: other };
  }
  return {
    title: conversation.title,
    avatar: {
      firstName: conversation.title,
      lastName: '',
      avatar: { initials: initialsOf(conversation.title), color: colorOf(conversation.id) },
    },
  };
}

/** First names of the other members drafting in a conversation, in member order. */
export function draftingFirstNames(
  conversation: ConversationSummary,
  users: Record<string, User>,
  currentUserId: string | null,
): string[] {
  return conversation.drafting
    .filter((id) => id !== currentUserId)
    .map((id) => ownValue(users, id)?.firstName ?? 'Someone');
}
