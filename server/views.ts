// Projections from stored records to what goes on the wire. Phones never leave the server
// except in a user's own record.
import type { ServerContext } from './context.ts';
import type {
  Message,
  Conversation,
  ConversationsAndUsers,
  ConversationSummary,
  SelfUser,
  User,
} from './protocol.ts';
import { Limits } from './protocol.ts';
import { authorTurnsOf } from './authorship.ts';
import { botIdsOf } from './bots.ts';
import { receiptsOf } from './receipts.ts';
import type { StoredConversation, StoredUser } from './store/types.ts';

export function publicUser(user: StoredUser): User {
  return { id: user.id, firstName: user.firstName, lastName: user.lastName, avatar: user.avatar };
}

export function selfUser(user: StoredUser): SelfUser {
  return { ...publicUser(user), phone: user.phone ?? '', findableByPhone: user.findableByPhone };
}

/** `viewerId`: whose preview (a message they hid comes flagged); none for a room broadcast. */
export async function summaryOf(
  context: ServerContext,
  conversation: StoredConversation,
  viewerId?: string,
): Promise<ConversationSummary> {
  return summaryFrom(
    conversation,
    await context.store.getLastMessage(conversation.id, viewerId),
    await context.drafting.drafting(conversation.id),
  );
}

/** The summary from its preview and who is drafting, already read. */
export function summaryFrom(
  conversation: StoredConversation,
  lastMessage: ConversationSummary['lastMessage'],
  drafting: ConversationSummary['drafting'],
): ConversationSummary {
  return {
    id: conversation.id,
    kind: conversation.kind,
    title: conversation.title,
    lastMessage,
    drafting,
  };
}

/**
 * Who may add and remove a group's members: its creator while a member, then the member who
 * joined earliest (a people-made group has only people). None for direct conversations and the
 * world's own group.
 */
export function adminOf(conversation: StoredConversation): string | null {
  if (conversation.kind !== 'group' || conversation.createdBy === null) return null;
  if (conversation.memberIds.includes(conversation.createdBy)) return conversation.createdBy;
  return conversation.memberIds[0] ?? null;
}

/** The conversation as `viewerId` receives it (their read position; -1 when not given). */
export async function conversationOf(
  context: ServerContext,
  conversation: StoredConversation,
  viewerId?: string,
): Promise<Conversation> {
  // Read before the page: a change made meanwhile is then fetched again by a catch-up from this
  // revision, never missed.
  const revision = await context.store.getRevision(conversation.id);
  const [page, position, receipts, authorTurns, muted] = await Promise.all([
    context.store.listMessages(conversation.id, {
      limit: Limits.pageDefaultLimit,
      ...(viewerId === undefined ? {} : { viewerId }),
    }),
    viewerId === undefined ? null : context.store.getPosition(conversation.id, viewerId),
    receiptsOf(context, conversation),
    viewerId === undefined ? null : authorTurnsFor(context, conversation, viewerId),
    viewerId === undefined ? false : context.store.isMuted(conversation.id, viewerId),
  ]);
  const readSeq = position?.readSeq ?? -1;
  const fitted = fitPage(page.messages, 'newest');
  return {
    ...(await summaryOf(context, conversation, viewerId)),
    memberIds: conversation.memberIds,
    adminId: adminOf(conversation),
    readSeq,
    receipts,
    ...(authorTurns ? { authorTurns } : {}),
    muted,
    revision,
    messages: fitted.messages,
    hasMore: page.hasMore || fitted.cut,
  };
}

/** Who authors the viewer's next sends here (null: always the viewer, no bots). */
export async function authorTurnsFor(
  context: ServerContext,
  conversation: StoredConversation,
  viewerId: string,
): Promise<string[] | null> {
  const botIds = await botIdsOf(context, conversation);
  if (botIds.length === 0) return null;
  return authorTurnsOf(
    viewerId,
    botIds,
    await context.store.getSendCount(conversation.id, viewerId),
  );
}

/** The current user's world: their conversations and everyone in them, themselves included. */
export async function conversationsAndUsersOf(
  context: ServerContext,
  user: StoredUser,
): Promise<ConversationsAndUsers> {
  const stored = await context.store.listConversationsOf(user.id);
  const conversations = await Promise.all(
    stored.map((item) => conversationOf(context, item, user.id)),
  );
  const memberIds = new Set(stored.flatMap((conversation) => conversation.memberIds));
  memberIds.delete(user.id);
  const others = await context.store.getUsers([...memberIds]);
  return {
    currentUserId: user.id,
    users: [selfUser(user), ...others.map(publicUser)],
    conversations,
  };
}

/** The longest run of `messages` within `Limits.pageMaxBytes`, from the end it keeps. */
export function fitPage(
  messages: readonly Message[],
  keep: 'newest' | 'oldest',
): { messages: Message[]; cut: boolean } {
  const ordered = keep === 'newest' ? [...messages].reverse() : [...messages];
  const kept: Message[] = [];
  let bytes = 0;
  for (const message of ordered) {
    bytes += Buffer.byteLength(JSON.stringify(message));
    // One message always fits (4,000 characters are at most 16 KB): a page is never empty.
    if (bytes > Limits.pageMaxBytes && kept.length > 0) break;
    kept.push(message);
  }
  if (keep === 'newest') kept.reverse();
  return { messages: kept, cut: kept.length < messages.length };
}
