// Delivery and read receipts, priced per message rather than per member. Each member's
// positions are kept by the store; what the members hear is one pair of watermarks per
// conversation: the lowest delivered and the lowest read position among its people. The
// watermarks only move when the member who was lowest moves, so a conversation hears at most
// two receiptsChanged per message, however many members it has (and a send that moves them
// carries them in its own channelUpdate instead: one frame per member, not two). Who read one message is asked
// for by its author (listReceipts), never broadcast.
//
// The sender's own position moves to each message they send (sending reads a conversation), so
// a watermark at or past one of their messages means every other person has it too. The
// imaginary characters have no devices: they count as having read everything.
import { conversationRoom, type ServerContext } from './context.ts';
import { Events, Limits, type ReceiptList, type Receipts } from './protocol.ts';
import type { MemberPosition, StoredConversation } from './store/types.ts';
import { botIdsOf } from './bots.ts';

/** The people (not bots) of a conversation small enough to keep watermarks for, else null. */
async function trackedPeopleOf(
  context: ServerContext,
  conversation: StoredConversation,
): Promise<string[] | null> {
  // Cheap refusal first: the member list is at hand, the bots are cached.
  if (conversation.memberIds.length > Limits.receiptsMaxMembers * 2) return null;
  const bots = new Set(await botIdsOf(context, conversation));
  const people = conversation.memberIds.filter((id) => !bots.has(id));
  return people.length > Limits.receiptsMaxMembers ? null : people;
}

function watermarksOf(people: readonly string[], positions: readonly MemberPosition[]): Receipts {
  const byUser = new Map(positions.map((position) => [position.userId, position]));
  let deliveredSeq = Number.POSITIVE_INFINITY;
  let readSeq = Number.POSITIVE_INFINITY;
  for (const userId of people) {
    const position = byUser.get(userId);
    deliveredSeq = Math.min(deliveredSeq, position?.deliveredSeq ?? -1);
    readSeq = Math.min(readSeq, position?.readSeq ?? -1);
  }
  // A conversation with no people (none reach here in practice) has nothing to wait for.
  return people.length === 0 ? { deliveredSeq: -1, readSeq: -1 } : { deliveredSeq, readSeq };
}

/** The conversation's watermarks, or null where it is too big to keep them. */
export async function receiptsOf(
  context: ServerContext,
  conversation: StoredConversation,
): Promise<Receipts | null> {
  const people = await trackedPeopleOf(context, conversation);
  if (!people) return null;
  return watermarksOf(people, await context.store.listPositions(conversation.id));
}

/**
 * What telling the watermarks needs read before `userId`'s position moves; the function it
 * returns, given how the position moved, answers the conversation's watermarks when that moved
 * one (for the caller to tell the members), else null. The watermark moved exactly when this
 * member was below the new one before: with two members moving at once, the one whose read of
 * the positions comes last sees both and tells.
 */
export async function beforePositionMoves(
  context: ServerContext,
  conversation: StoredConversation,
  userId: string,
): Promise<(moved: { changed: boolean }) => Promise<Receipts | null>> {
  const people = await trackedPeopleOf(context, conversation);
  const before = people ? await context.store.getPosition(conversation.id, userId) : null;
  return async ({ changed }) => {
    if (!people || !before || !changed) return null;
    const receipts = watermarksOf(people, await context.store.listPositions(conversation.id));
    const moved = before.deliveredSeq < receipts.deliveredSeq || before.readSeq < receipts.readSeq;
    return moved ? receipts : null;
  };
}

/** Moves a member's position forwards and tells the members when a watermark moved. */
export async function advancePositionAndAnnounce(
  context: ServerContext,
  conversation: StoredConversation,
  userId: string,
  to: { deliveredSeq?: number; readSeq?: number },
): Promise<{ position: MemberPosition; changed: boolean }> {
  const movedBy = await beforePositionMoves(context, conversation, userId);
  const result = await context.store.advancePosition(conversation.id, userId, to);
  const moved = await movedBy(result);
  if (moved) {
    context.io
      .to(conversationRoom(conversation.id))
      .emit(Events.receiptsChanged, { conversationId: conversation.id, ...moved });
  }
  return result;
}

/** Of the people other than `authorId`: who read message `seq`, and who has it unread. */
export async function receiptListOf(
  context: ServerContext,
  conversation: StoredConversation,
  authorId: string,
  seq: number,
): Promise<ReceiptList> {
  const bots = new Set(await botIdsOf(context, conversation));
  const positions = new Map(
    (await context.store.listPositions(conversation.id)).map((position) => [
      position.userId,
      position,
    ]),
  );
  const readBy: string[] = [];
  const deliveredTo: string[] = [];
  for (const userId of conversation.memberIds) {
    if (userId === authorId || bots.has(userId)) continue;
    const position = positions.get(userId);
    if ((position?.readSeq ?? -1) >= seq) readBy.push(userId);
    else if ((position?.deliveredSeq ?? -1) >= seq) deliveredTo.push(userId);
  }
  return { readBy, deliveredTo };
}
