// Projections from stored records to what goes on the wire. Phones never leave the server
// except in a user's own record.
import type { ServerContext } from './context.ts';
import type {
  Conversation,
  ConversationsAndUsers,
  ConversationSummary,
  SelfUser,
  User,
} from './protocol.ts';
import { Limits } from './protocol.ts';
import type { StoredConversation, StoredUser } from './store/types.ts';

export function publicUser(user: StoredUser): User {
  return { id: user.id, firstName: user.firstName, lastName: user.lastName, avatar: user.avatar };
}

export function selfUser(user: StoredUser): SelfUser {
  return { ...publicUser(user), phone: user.phone ?? '' };
}

export async function summaryOf(
  context: ServerContext,
  conversation: StoredConversation,
): Promise<ConversationSummary> {
  return {
    id: conversation.id,
    kind: conversation.kind,
    title: conversation.title,
    memberIds: conversation.memberIds,
    lastMessage: await context.store.getLastMessage(conversation.id),
    drafting: await context.drafting.drafting(conversation.id),
  };
}

export async function conversationOf(
  context: ServerContext,
  conversation: StoredConversation,
): Promise<Conversation> {
  const page = await context.store.listMessages(conversation.id, {
    limit: Limits.pageDefaultLimit,
  });
  return {
    ...(await summaryOf(context, conversation)),
    messages: page.messages,
    hasMore: page.hasMore,
  };
}

/** The bots of a conversation in member order: the order their authorship turns rotate. */
export async function botIdsOf(
  context: ServerContext,
  conversation: StoredConversation,
): Promise<string[]> {
  const members = await context.store.getUsers(conversation.memberIds);
  return members.filter((member) => member.kind === 'bot').map((member) => member.id);
}

/** The current user's world: their conversations and everyone in them, themselves included. */
export async function conversationsAndUsersOf(
  context: ServerContext,
  user: StoredUser,
): Promise<ConversationsAndUsers> {
  const stored = await context.store.listConversationsOf(user.id);
  const conversations = await Promise.all(stored.map((item) => conversationOf(context, item)));
  const memberIds = new Set(stored.flatMap((conversation) => conversation.memberIds));
  memberIds.delete(user.id);
  const others = await context.store.getUsers([...memberIds]);
  return {
    currentUserId: user.id,
    users: [selfUser(user), ...others.map(publicUser)],
    conversations,
  };
}
