// Rows as PostgreSQL returns them, and their mapping to the store's records. bigint columns
// arrive as strings (pg does not guess at precision); epoch milliseconds fit a double exactly.
import type { Avatar, ConversationKind, Message } from '../../protocol.ts';
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
}

export const userColumns =
  'id, kind, first_name, last_name, avatar, phone, findable_by_phone, created_at';

export const sessionColumns = 'token_hash, user_id, created_at, last_seen_at, client';

export const messageColumns =
  'id, conversation_id, author_id, text, sent_at, seq, client_message_id';

/** A message found by a search, with its place in the order of storing (bigint: a string). */
export interface SearchHitRow extends MessageRow {
  search_order: string;
}

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

export function toMessage(row: MessageRow): Message {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    authorId: row.author_id,
    text: row.text,
    sentAt: Number(row.sent_at),
    seq: row.seq,
    clientMessageId: row.client_message_id,
  };
}
