// Turns a conversation's messages into the rows the virtualized log draws: day separators
// between calendar days, and per message which side it sits on and whether it opens a run
// of messages from the same person (the run's first message carries their name and avatar).
import type { User } from '../../../server/protocol.ts';
import { isSameDay } from './formatTime.ts';

export type DeliveryStatus = 'sending' | 'sent' | 'failed';

export interface LogMessage {
  /** Stable for the message's whole life, so the optimistic copy and the confirmed one are one row. */
  key: string;
  authorId: string;
  text: string;
  sentAt: number;
  status: DeliveryStatus;
}

export interface DayRow {
  kind: 'day';
  key: string;
  sentAt: number;
}

export interface MessageRow {
  kind: 'message';
  key: string;
  message: LogMessage;
  isOwn: boolean;
  author: User | undefined;
  /** First of a run by the same person on the same day: show their name and avatar (groups). */
  startsRun: boolean;
}

export type LogRow = DayRow | MessageRow;

export function buildLogRows(
  messages: readonly LogMessage[],
  currentUserId: string,
  usersById: ReadonlyMap<string, User>,
): LogRow[] {
  const rows: LogRow[] = [];
  let previous: LogMessage | undefined;
  for (const message of messages) {
    const newDay = previous === undefined || !isSameDay(previous.sentAt, message.sentAt);
    if (newDay) rows.push({ kind: 'day', key: `day:${message.key}`, sentAt: message.sentAt });
    rows.push({
      kind: 'message',
      key: message.key,
      message,
      isOwn: message.authorId === currentUserId,
      author: usersById.get(message.authorId),
      startsRun: newDay || previous?.authorId !== message.authorId,
    });
    previous = message;
  }
  return rows;
}
