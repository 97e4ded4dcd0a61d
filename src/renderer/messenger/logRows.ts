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
}

export type LogRow = DayRow | MessageRow;

export function buildLogRows(
  messages: readonly OpenConversationMessage[],
  usersById: ReadonlyMap<string, User>,
): LogRow[] {
  const rows: LogRow[] = [];
  let previous: OpenConversationMessage | undefined;
  for (const message of messages) {
    const newDay = previous === undefined || !isSameDay(previous.sentAt, message.sentAt);
    if (newDay) rows.push({ kind: 'day', key: `day:${message.key}`, sentAt: message.sentAt });
    rows.push({
      kind: 'message',
      key: message.key,
      message,
      author: usersById.get(message.authorId),
      startsRun: newDay || previous?.authorId !== message.authorId,
    });
    previous = message;
  }
  return rows;
}
