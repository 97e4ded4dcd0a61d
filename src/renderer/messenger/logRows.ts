// Turns the open conversation's messages into the rows the virtualized log draws: day
// separators between calendar days, and for each message whether it opens a run of messages
// from the same person (the run's first message carries their name and avatar in groups).
import type { User } from '../../../server/protocol.ts';
import type { OpenConversationMessage } from '../state/index.ts';
import { isSameDay } from './formatTime.ts';

export interface DayRow {
  kind: 'day';
  key: string;
  sentAt: number;
}

export interface MessageRow {
  kind: 'message';
  key: string;
  message: OpenConversationMessage;
  author: User | undefined;
  /** First of a run by the same person on the same day. */
  startsRun: boolean;
  /** Its reactions with who chose each, by name ("You" for the user), as the chips say. */
  reactions?: { emoji: string; names: string[]; mine: boolean }[];
  /** The quoted message's author's name, when it answers one. */
  replyAuthor?: string;
}

/** "New messages": where the unread part began when the conversation was opened. */
export interface UnreadRow {
  kind: 'unread';
  key: 'unread';
}

export type LogRow = DayRow | UnreadRow | MessageRow;

export function buildLogRows(
  messages: readonly OpenConversationMessage[],
  usersById: ReadonlyMap<string, User>,
  unreadFromSeq: number | null = null,
  currentUserId: string | null = null,
): LogRow[] {
  const nameOf = (userId: string) => {
    if (userId === currentUserId) return 'You';
    const user = usersById.get(userId);
    return user ? `${user.firstName} ${user.lastName}` : 'Someone';
  };
  const rows: LogRow[] = [];
  let previous: OpenConversationMessage | undefined;
  let unreadPlaced = unreadFromSeq === null;
  for (const message of messages) {
    const newDay = previous === undefined || !isSameDay(previous.sentAt, message.sentAt);
    if (newDay) rows.push({ kind: 'day', key: `day:${message.key}`, sentAt: message.sentAt });
    if (!unreadPlaced && message.seq !== null && message.seq >= (unreadFromSeq ?? 0)) {
      rows.push({ kind: 'unread', key: 'unread' });
      unreadPlaced = true;
    }
    rows.push({
      kind: 'message',
      key: message.key,
      message,
      author: usersById.get(message.authorId),
      startsRun: newDay || previous?.authorId !== message.authorId,
      ...(message.reactions
        ? {
            reactions: message.reactions.map(({ emoji, userIds }) => ({
              emoji,
              names: userIds.map(nameOf),
              mine: currentUserId !== null && userIds.includes(currentUserId),
            })),
          }
        : {}),
      ...(message.replyTo ? { replyAuthor: nameOf(message.replyTo.authorId) } : {}),
    });
    previous = message;
  }
  return rows;
}

/**
 * `buildLogRows` for one log's successive message lists: a row whose message, author and place
 * in its run are unchanged comes back as the same object, so the memoized bubbles it feeds skip
 * rendering (a new message renders its own bubble, not every bubble in the log).
 */
export function createLogRowBuilder(): typeof buildLogRows {
  let previous = new Map<string, LogRow>();
  return (messages, usersById, unreadFromSeq = null, currentUserId = null) => {
    const rows = buildLogRows(messages, usersById, unreadFromSeq, currentUserId).map((row) => {
      const before = previous.get(row.key);
      return before && sameRow(before, row) ? before : row;
    });
    previous = new Map(rows.map((row) => [row.key, row]));
    return rows;
  };
}

function sameRow(a: LogRow, b: LogRow): boolean {
  if (a.kind === 'day') return b.kind === 'day' && a.sentAt === b.sentAt;
  if (a.kind === 'unread') return b.kind === 'unread';
  if (b.kind !== 'message') return false;
  return a.message === b.message && a.author === b.author && a.startsRun === b.startsRun;
}
