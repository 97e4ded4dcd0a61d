// Rows as PostgreSQL returns them, and their mapping to the store's records. bigint columns
// arrive as strings (pg does not guess at precision); epoch milliseconds fit a double exactly.
import type { Avatar, ConversationKind, Message } from '../../protocol.ts';
import { toWireMessage } from '../messageView.ts';
import type {
  AvatarImage,
  MemberPosition,
  Session,
  StoredConversation,
  StoredUser,
  UserKind,
} from '../types.ts';

export interface UserRow {
  id: string;
  kind: UserKind;
  first_name: string;
  last_name: string;
  avatar: Avatar;
  phone: string | null;
  findable_by_phone: boolean;
  created_at: string;
}

export interface SessionRow {
  token_hash: string;
  user_id: string;
  created_at: string;
  last_seen_at: string;
  client: string;
}

export interface ConversationRow {
  id: string;
  kind: ConversationKind;
  title: string;
  created_by: string | null;
  created_at: string;
  member_ids: string[];
}

export interface PositionRow {
  user_id: string;
  delivered_seq: number;
  read_seq: number;
}

export interface AvatarImageRow {
  user_id: string;
  hash: string;
  mime: string;
  bytes: Buffer;
  updated_at: string;
}

export interface MessageRow {
  id: string;
  conversation_id: string;
  author_id: string;
  text: string;
  sent_at: string;
  seq: number;
  client_message_id: string | null;
  edited_at: string | null;
  edit_count: number;
  deleted_at: string | null;
  /** bigint: a string. */
  revision: string;
  o_id: string | null;
  o_seq: number | null;
  o_author_id: string | null;
  o_text: string | null;
  o_deleted_at: string | null;
  /** The viewer hid the original. */
  o_hidden: boolean;
  /** [emoji, user_id, reacted_at] */
  reactions: [string, string, number][];
  /** bigint: a string. */
  hidden_revision: string | null;
}

export const userColumns =
  'id, kind, first_name, last_name, avatar, phone, findable_by_phone, created_at';

export const sessionColumns = 'token_hash, user_id, created_at, last_seen_at, client';

/**
 * A message with what it shows: the original it replies to (of its own conversation only), its
 * reactions, and the viewer's hide (of it and of the original). The viewer (or NULL) is
 * parameter $1.
 */
export const messageSelect = `SELECT m.id, m.conversation_id, m.author_id, m.text, m.sent_at,
    m.seq, m.client_message_id, m.edited_at, m.edit_count, m.deleted_at, m.revision,
    o.id AS o_id, o.seq AS o_seq, o.author_id AS o_author_id, o.text AS o_text,
    o.deleted_at AS o_deleted_at,
    EXISTS (SELECT 1 FROM hidden_messages ho
            WHERE ho.message_id = o.id AND ho.user_id = $1::text) AS o_hidden,
    COALESCE((SELECT json_agg(json_build_array(r.emoji, r.user_id, r.reacted_at))
              FROM message_reactions r WHERE r.message_id = m.id), '[]'::json) AS reactions,
    h.revision AS hidden_revision
  FROM messages m
  LEFT JOIN messages o ON o.id = m.reply_to_id AND o.conversation_id = m.conversation_id
  LEFT JOIN hidden_messages h ON h.message_id = m.id AND h.user_id = $1::text`;

/** A message found by a search, with its place in the order of storing (bigint: a string). */
export interface SearchHitRow extends MessageRow {
  search_order: string;
}

/** messageSelect with each message's place in the order of storing (parameter $1: the viewer). */
export const searchHitSelect = messageSelect.replace(/^SELECT /, 'SELECT m.search_order, ');

/** Members in join order, as one array column next to the conversation's own columns. */
export const conversationColumns = `c.id, c.kind, c.title, c.created_by, c.created_at,
  ARRAY(SELECT m.user_id FROM conversation_members m
        WHERE m.conversation_id = c.id ORDER BY m.position) AS member_ids`;

export function toUser(row: UserRow): StoredUser {
  return {
    id: row.id,
    kind: row.kind,
    firstName: row.first_name,
    lastName: row.last_name,
    avatar: row.avatar,
    phone: row.phone,
    findableByPhone: row.findable_by_phone,
    createdAt: Number(row.created_at),
  };
}

export function toSession(row: SessionRow): Session {
  return {
    tokenHash: row.token_hash,
    userId: row.user_id,
    createdAt: Number(row.created_at),
    lastSeenAt: Number(row.last_seen_at),
    client: row.client,
  };
}

export function toConversation(row: ConversationRow): StoredConversation {
  return {
    id: row.id,
    kind: row.kind,
    title: row.title,
    memberIds: row.member_ids,
    createdBy: row.created_by,
    createdAt: Number(row.created_at),
  };
}

export function toPosition(row: PositionRow): MemberPosition {
  return { userId: row.user_id, deliveredSeq: row.delivered_seq, readSeq: row.read_seq };
}

export function toAvatarImage(row: AvatarImageRow): AvatarImage {
  return {
    userId: row.user_id,
    hash: row.hash,
    mime: row.mime,
    // A plain Uint8Array of its own, not pg's Buffer (which may share a pooled allocation).
    bytes: new Uint8Array(row.bytes),
    updatedAt: Number(row.updated_at),
  };
}

const nullableNumber = (value: string | number | null): number | null =>
  value === null ? null : Number(value);

export function toMessage(row: MessageRow): Message {
  return toWireMessage({
    id: row.id,
    conversationId: row.conversation_id,
    authorId: row.author_id,
    text: row.text,
    sentAt: Number(row.sent_at),
    seq: row.seq,
    clientMessageId: row.client_message_id,
    editedAt: nullableNumber(row.edited_at),
    editCount: row.edit_count,
    deletedAt: nullableNumber(row.deleted_at),
    revision: Number(row.revision),
    replyTo:
      row.o_id === null
        ? null
        : {
            messageId: row.o_id,
            seq: Number(row.o_seq),
            authorId: row.o_author_id ?? '',
            text: row.o_text ?? '',
            deletedAt: nullableNumber(row.o_deleted_at),
            hiddenByViewer: row.o_hidden === true,
          },
    reactions: row.reactions.map(([emoji, userId, reactedAt]) => ({
      emoji,
      userId,
      reactedAt: Number(reactedAt),
    })),
    hiddenRevision: nullableNumber(row.hidden_revision),
  });
}
