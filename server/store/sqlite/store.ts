// The SQLite Store (node:sqlite, built into Node and Electron: no native build). Every write
// commits before its promise resolves, and with WAL + synchronous=FULL a commit is on disk, so
// whatever the server acknowledged survives kill -9 and power loss. SqliteWorkerStore
// (workerStore.ts) runs this store on a worker thread in batch mode: many calls, one commit.
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import { AvatarSchema, ConversationKindSchema, type Message } from '../../protocol.ts';
import { likeWordStart, queryWords, searchKeyOf } from '../nameSearch.ts';
import { reactionFits, type StoredReaction, toWireMessage } from '../messageView.ts';
import { ftsMatchOf, pageOfHits, searchLimitOf, searchTermsOf } from '../../search.ts';
import type {
  AppendResult,
  ChangesPage,
  ChangesQuery,
  MessageChangeResult,
  MessageCheck,
  MessageDeletion,
  MessageEdit,
  MessageHide,
  MessageReactionInput,
  MessageRefusal,
  MessageTarget,
  AvatarImage,
  MemberPosition,
  MessagePage,
  MessageSearchOptions,
  MessageSearchPage,
  NewConversation,
  NewDirectConversation,
  NewSystemMessage,
  NewUser,
  NewUserMessage,
  PageQuery,
  Session,
  Store,
  StoredConversation,
  StoredUser,
  UserKind,
  UserPatch,
} from '../types.ts';
import { boundClient } from '../sessionClient.ts';
import { migrate } from './migrations.ts';

/** How long a write waits for another connection's lock (another process on the same file). */
const busyTimeoutMs = 5_000;

type Row = Record<string, SQLInputValue>;

const text = (value: unknown): string => String(value);
const integer = (value: unknown): number => Number(value);

function userFromRow(row: Row): StoredUser {
  return {
    id: text(row.id),
    kind: text(row.kind) as UserKind,
    firstName: text(row.first_name),
    lastName: text(row.last_name),
    avatar: AvatarSchema.parse(JSON.parse(text(row.avatar))),
    phone: row.phone === null ? null : text(row.phone),
    findableByPhone: integer(row.findable_by_phone) === 1,
    createdAt: integer(row.created_at),
  };
}

function positionFromRow(row: Row): MemberPosition {
  return {
    userId: text(row.user_id),
    deliveredSeq: integer(row.delivered_seq),
    readSeq: integer(row.read_seq),
  };
}

/** A fresh Uint8Array (node:sqlite may hand back a Buffer or a view of its own memory). */
const ownBytes = (value: unknown): Uint8Array => new Uint8Array(value as Uint8Array);

function sessionFromRow(row: Row): Session {
  return {
    tokenHash: text(row.token_hash),
    userId: text(row.user_id),
    createdAt: integer(row.created_at),
    lastSeenAt: integer(row.last_seen_at),
    client: text(row.client),
  };
}

const nullableInteger = (value: unknown): number | null => (value === null ? null : Number(value));

/**
 * A message with what it shows: the original it replies to (of its own conversation only), its
 * reactions, and the viewer's hide (of it and of the original). The viewer (or NULL) is the
 * statement's first parameter, as `v.viewer_id`.
 */
const messageShows = `o.id AS o_id, o.seq AS o_seq, o.author_id AS o_author_id,
    o.text AS o_text, o.deleted_at AS o_deleted_at,
    EXISTS (SELECT 1 FROM hidden_messages ho
            WHERE ho.message_id = o.id AND ho.user_id = v.viewer_id) AS o_hidden,
    (SELECT json_group_array(json_array(r.emoji, r.user_id, r.reacted_at))
     FROM message_reactions r WHERE r.message_id = m.id) AS reactions_json`;
const replyJoin =
  'LEFT JOIN messages o ON o.id = m.reply_to_id AND o.conversation_id = m.conversation_id';
const messageSelect = `SELECT m.*, ${messageShows}, h.revision AS hidden_revision
  FROM messages m
  CROSS JOIN (SELECT ? AS viewer_id) v
  ${replyJoin}
  LEFT JOIN hidden_messages h ON h.message_id = m.id AND h.user_id = v.viewer_id`;

function messageFromRow(row: Row): Message {
  const reactions = (
    JSON.parse(text(row.reactions_json ?? '[]')) as [string, string, number][]
  ).map(([emoji, userId, reactedAt]): StoredReaction => ({ emoji, userId, reactedAt }));
  return toWireMessage({
    id: text(row.id),
    conversationId: text(row.conversation_id),
    authorId: text(row.author_id),
    text: text(row.text),
    sentAt: integer(row.sent_at),
    seq: integer(row.seq),
    clientMessageId: row.client_message_id === null ? null : text(row.client_message_id),
    editedAt: nullableInteger(row.edited_at),
    editCount: integer(row.edit_count ?? 0),
    deletedAt: nullableInteger(row.deleted_at),
    revision: integer(row.revision ?? 0),
    replyTo:
      row.o_id === null || row.o_id === undefined
        ? null
        : {
            messageId: text(row.o_id),
            seq: integer(row.o_seq),
            authorId: text(row.o_author_id),
            text: text(row.o_text),
            deletedAt: nullableInteger(row.o_deleted_at),
            hiddenByViewer: Number(row.o_hidden ?? 0) === 1,
          },
    reactions,
    hiddenRevision: nullableInteger(row.hidden_revision ?? null),
  });
}

function targetFromRow(row: Row): MessageTarget {
  return {
    id: text(row.id),
    conversationId: text(row.conversation_id),
    senderId: row.sender_id === null ? null : text(row.sender_id),
    authorId: text(row.author_id),
    sentAt: integer(row.sent_at),
    editCount: integer(row.edit_count),
    deletedAt: nullableInteger(row.deleted_at),
    text: text(row.text),
  };
}

export interface SqliteStoreOptions {
  /** Default FULL. NORMAL would survive kill -9 too, but not an OS crash or power loss. */
  synchronous?: 'FULL' | 'NORMAL';
}

/** Computes the search key of every user without one (rows from before schema version 3). */
function fillSearchKeys(db: DatabaseSync): void {
  const missing = db.prepare(
    'SELECT id, first_name, last_name FROM users WHERE search_key IS NULL',
  );
  if (!missing.get()) return;
  db.exec('BEGIN IMMEDIATE');
  try {
    const update = db.prepare('UPDATE users SET search_key = ? WHERE id = ?');
    for (const row of missing.all()) {
      update.run(searchKeyOf(text(row.first_name), text(row.last_name)), text(row.id));
    }
    db.exec('COMMIT');
  } catch (error) {
    if (db.isTransaction) db.exec('ROLLBACK');
    throw error;
  }
}

/** A call of a batch failed after writing: the batch must be rolled back and run again. */
export class BatchReplayNeeded extends Error {
  constructor(cause: unknown) {
    super('a call of the batch failed after writing', { cause });
    this.name = 'BatchReplayNeeded';
  }
}

export class SqliteStore implements Store {
  readonly file: string;
  #db: DatabaseSync;
  #statements = new Map<string, StatementSync>();
  /** Inside beginBatch..commitBatch: each transaction is a savepoint of the batch's one. */
  #batching = false;
  /** Inside inBatch: the call is the transaction (its savepoint, or the batch's replay). */
  #inCall = false;
  #batchSavepoints = false;

  /** Opens (creating the folder and file if needed) and migrates the database at `file`. */
  static open(file: string, options: SqliteStoreOptions = {}): SqliteStore {
    if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
    const db = new DatabaseSync(file, {
      timeout: busyTimeoutMs,
      enableForeignKeyConstraints: true,
    });
    try {
      // WAL: readers never block the writer, and a commit is one append + fsync.
      db.exec('PRAGMA journal_mode = WAL');
      db.exec(`PRAGMA synchronous = ${options.synchronous ?? 'FULL'}`);
      migrate(db);
      fillSearchKeys(db);
    } catch (error) {
      db.close();
      throw error;
    }
    return new SqliteStore(db, file);
  }

  private constructor(db: DatabaseSync, file: string) {
    this.#db = db;
    this.file = file;
  }

  async createUser(input: NewUser): Promise<{ user: StoredUser; created: boolean }> {
    return this.#transaction(() => {
      if (input.phone !== null) {
        const existing = this.#get('SELECT * FROM users WHERE phone = ?', input.phone);
        if (existing) return { user: userFromRow(existing), created: false };
      }
      const id = input.id ?? randomUUID();
      if (this.#get('SELECT id FROM users WHERE id = ?', id)) {
        throw new Error(`user ${id} already exists`);
      }
      const findableByPhone = input.findableByPhone ?? false;
      this.#run(
        `INSERT INTO users (id, kind, first_name, last_name, avatar, phone, findable_by_phone,
           search_key, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        id,
        input.kind,
        input.firstName,
        input.lastName,
        JSON.stringify(AvatarSchema.parse(input.avatar)),
        input.phone,
        findableByPhone ? 1 : 0,
        searchKeyOf(input.firstName, input.lastName),
        input.createdAt,
      );
      return { user: { ...structuredClone(input), findableByPhone, id }, created: true };
    });
  }

  async getUser(id: string): Promise<StoredUser | null> {
    const row = this.#get('SELECT * FROM users WHERE id = ?', id);
    return row ? userFromRow(row) : null;
  }

  async getUserByPhone(phone: string): Promise<StoredUser | null> {
    const row = this.#get('SELECT * FROM users WHERE phone = ?', phone);
    return row ? userFromRow(row) : null;
  }

  async getUsers(ids: readonly string[]): Promise<StoredUser[]> {
    const rows = this.#all(
      'SELECT * FROM users WHERE id IN (SELECT value FROM json_each(?))',
      JSON.stringify(ids),
    );
    const byId = new Map(rows.map((row) => [text(row.id), userFromRow(row)]));
    return ids.flatMap((id) => {
      const user = byId.get(id);
      return user ? [structuredClone(user)] : [];
    });
  }

  async updateUser(id: string, patch: UserPatch): Promise<StoredUser | null> {
    return this.#transaction(() => {
      const row = this.#get('SELECT * FROM users WHERE id = ?', id);
      if (!row) return null;
      const before = userFromRow(row);
      const user: StoredUser = {
        ...before,
        firstName: patch.firstName ?? before.firstName,
        lastName: patch.lastName ?? before.lastName,
        avatar: patch.avatar === undefined ? before.avatar : AvatarSchema.parse(patch.avatar),
        findableByPhone: patch.findableByPhone ?? before.findableByPhone,
      };
      this.#run(
        `UPDATE users SET first_name = ?, last_name = ?, avatar = ?, findable_by_phone = ?,
           search_key = ? WHERE id = ?`,
        user.firstName,
        user.lastName,
        JSON.stringify(user.avatar),
        user.findableByPhone ? 1 : 0,
        searchKeyOf(user.firstName, user.lastName),
        id,
      );
      return user;
    });
  }

  async searchPeople(query: string, limit: number): Promise<StoredUser[]> {
    const words = queryWords(query);
    if (words.length === 0 || limit <= 0) return [];
    // Every word starts a word of ' ' || search_key. Both sides are lower case already, so
    // LIKE's ASCII case folding changes nothing; BINARY order is code point order.
    const conditions = words.map(() => `(' ' || search_key) LIKE ? ESCAPE '\\'`).join(' AND ');
    return this.#all(
      `SELECT * FROM users WHERE kind = 'person' AND ${conditions}
       ORDER BY search_key, id LIMIT ?`,
      ...words.map(likeWordStart),
      limit,
    ).map(userFromRow);
  }

  async putAvatarImage(image: AvatarImage): Promise<void> {
    this.#run(
      `INSERT INTO avatar_images (user_id, hash, mime, bytes, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (user_id) DO UPDATE
       SET hash = excluded.hash, mime = excluded.mime, bytes = excluded.bytes,
           updated_at = excluded.updated_at`,
      image.userId,
      image.hash,
      image.mime,
      image.bytes,
      image.updatedAt,
    );
  }

  async getAvatarImage(userId: string): Promise<AvatarImage | null> {
    const row = this.#get('SELECT * FROM avatar_images WHERE user_id = ?', userId);
    if (!row) return null;
    return {
      userId: text(row.user_id),
      hash: text(row.hash),
      mime: text(row.mime),
      bytes: ownBytes(row.bytes),
      updatedAt: integer(row.updated_at),
    };
  }

  async deleteAvatarImage(userId: string): Promise<void> {
    this.#run('DELETE FROM avatar_images WHERE user_id = ?', userId);
  }

  async createSession(session: Session): Promise<void> {
    this.#run(
      `INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, client)
       VALUES (?, ?, ?, ?, ?)`,
      session.tokenHash,
      session.userId,
      session.createdAt,
      session.lastSeenAt,
      boundClient(session.client),
    );
  }

  async getSession(tokenHash: string): Promise<Session | null> {
    const row = this.#get('SELECT * FROM sessions WHERE token_hash = ?', tokenHash);
    return row ? sessionFromRow(row) : null;
  }

  async touchSession(tokenHash: string, lastSeenAt: number): Promise<void> {
    this.#run('UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?', lastSeenAt, tokenHash);
  }

  async listSessionsOf(userId: string): Promise<Session[]> {
    return this.#all(
      'SELECT * FROM sessions WHERE user_id = ? ORDER BY created_at, token_hash',
      userId,
    ).map(sessionFromRow);
  }

  async deleteSession(tokenHash: string): Promise<void> {
    this.#run('DELETE FROM sessions WHERE token_hash = ?', tokenHash);
  }

  async deleteSessionsIdleSince(cutoff: number): Promise<number> {
    return this.#run('DELETE FROM sessions WHERE last_seen_at < ?', cutoff);
  }

  async createConversation(input: NewConversation): Promise<StoredConversation> {
    return this.#transaction(() => this.#insertConversation(input));
  }

  async getConversation(id: string): Promise<StoredConversation | null> {
    return this.#conversation(id);
  }

  async listConversationsOf(userId: string): Promise<StoredConversation[]> {
    // rowid order is insertion order: "oldest first" as the contract asks.
    const rows = this.#all(
      `SELECT c.id FROM conversations c
       JOIN conversation_members m ON m.conversation_id = c.id AND m.user_id = ?
       ORDER BY c.rowid`,
      userId,
    );
    return rows.flatMap((row) => {
      const conversation = this.#conversation(text(row.id));
      return conversation ? [conversation] : [];
    });
  }

  async addMember(conversationId: string, userId: string): Promise<StoredConversation> {
    return this.#transaction(() => {
      this.#requireConversation(conversationId);
      this.#run(
        `INSERT INTO conversation_members (conversation_id, user_id, position)
         SELECT ?1, ?2, COALESCE(MAX(position) + 1, 0) FROM conversation_members
         WHERE conversation_id = ?1
         ON CONFLICT (conversation_id, user_id) DO NOTHING`,
        conversationId,
        userId,
      );
      return this.#requireConversation(conversationId);
    });
  }

  async removeMember(conversationId: string, userId: string): Promise<StoredConversation> {
    return this.#transaction(() => {
      this.#requireConversation(conversationId);
      this.#run(
        'DELETE FROM conversation_members WHERE conversation_id = ? AND user_id = ?',
        conversationId,
        userId,
      );
      this.#run(
        'DELETE FROM member_positions WHERE conversation_id = ? AND user_id = ?',
        conversationId,
        userId,
      );
      return this.#requireConversation(conversationId);
    });
  }

  async openDirectConversation(
    input: NewDirectConversation,
  ): Promise<{ conversation: StoredConversation; created: boolean }> {
    const [first, second] = input.userIds;
    const [low, high] = first <= second ? [first, second] : [second, first];
    // BEGIN IMMEDIATE: another connection to the file waits, then finds the pair.
    return this.#transaction(() => {
      const pair = this.#get(
        'SELECT conversation_id FROM direct_pairs WHERE low_user_id = ? AND high_user_id = ?',
        low,
        high,
      );
      if (pair) {
        return {
          conversation: this.#requireConversation(text(pair.conversation_id)),
          created: false,
        };
      }
      const conversation = this.#insertConversation({
        kind: 'direct',
        title: '',
        memberIds: [...input.userIds],
        createdBy: input.createdBy,
        createdAt: input.createdAt,
      });
      this.#run(
        'INSERT INTO direct_pairs (low_user_id, high_user_id, conversation_id) VALUES (?, ?, ?)',
        low,
        high,
        conversation.id,
      );
      return { conversation, created: true };
    });
  }

  async advancePosition(
    conversationId: string,
    userId: string,
    to: { deliveredSeq?: number; readSeq?: number },
  ): Promise<{ position: MemberPosition; changed: boolean }> {
    return this.#transaction(() => this.#advance(conversationId, userId, to));
  }

  /** Must run inside a transaction. */
  #advance(
    conversationId: string,
    userId: string,
    to: { deliveredSeq?: number; readSeq?: number },
  ): { position: MemberPosition; changed: boolean } {
    const row = this.#get(
      'SELECT * FROM member_positions WHERE conversation_id = ? AND user_id = ?',
      conversationId,
      userId,
    );
    const before = row ? positionFromRow(row) : { userId, deliveredSeq: -1, readSeq: -1 };
    const readSeq = Math.max(before.readSeq, to.readSeq ?? -1);
    const deliveredSeq = Math.max(before.deliveredSeq, to.deliveredSeq ?? -1, readSeq);
    const position = { userId, deliveredSeq, readSeq };
    const changed = readSeq !== before.readSeq || deliveredSeq !== before.deliveredSeq;
    if (changed) {
      this.#run(
        `INSERT INTO member_positions (conversation_id, user_id, delivered_seq, read_seq)
         VALUES (?, ?, ?, ?)
         ON CONFLICT (conversation_id, user_id) DO UPDATE
         SET delivered_seq = excluded.delivered_seq, read_seq = excluded.read_seq`,
        conversationId,
        userId,
        deliveredSeq,
        readSeq,
      );
    }
    return { position, changed };
  }

  async getPosition(conversationId: string, userId: string): Promise<MemberPosition> {
    const [row] = this.#all(
      'SELECT * FROM member_positions WHERE conversation_id = ? AND user_id = ?',
      conversationId,
      userId,
    );
    return row ? positionFromRow(row) : { userId, deliveredSeq: -1, readSeq: -1 };
  }

  async setMuted(
    conversationId: string,
    userId: string,
    muted: boolean,
  ): Promise<{ changed: boolean }> {
    return this.#transaction(() => {
      const row = this.#get(
        'SELECT muted FROM member_positions WHERE conversation_id = ? AND user_id = ?',
        conversationId,
        userId,
      );
      const before = row ? integer(row.muted) === 1 : false;
      if (before === muted) return { changed: false };
      this.#run(
        `INSERT INTO member_positions (conversation_id, user_id, delivered_seq, read_seq, muted)
         VALUES (?, ?, -1, -1, ?)
         ON CONFLICT (conversation_id, user_id) DO UPDATE SET muted = excluded.muted`,
        conversationId,
        userId,
        muted ? 1 : 0,
      );
      return { changed: true };
    });
  }

  async isMuted(conversationId: string, userId: string): Promise<boolean> {
    const [row] = this.#all(
      'SELECT muted FROM member_positions WHERE conversation_id = ? AND user_id = ?',
      conversationId,
      userId,
    );
    return row ? integer(row.muted) === 1 : false;
  }

  async listPositions(conversationId: string): Promise<MemberPosition[]> {
    return this.#all(
      'SELECT * FROM member_positions WHERE conversation_id = ? ORDER BY user_id',
      conversationId,
    ).map(positionFromRow);
  }

  async appendSystemMessage(input: NewSystemMessage): Promise<Message> {
    return this.#transaction(() =>
      this.#append(input.conversationId, input.authorId, input.text, input.sentAt, null, null),
    );
  }

  async findUserMessage(senderId: string, clientMessageId: string): Promise<Message | null> {
    const row = this.#get(
      `${messageSelect} WHERE m.sender_id = ? AND m.client_message_id = ?`,
      null,
      senderId,
      clientMessageId,
    );
    return row ? messageFromRow(row) : null;
  }

  async appendUserMessage(input: NewUserMessage): Promise<AppendResult> {
    // One transaction: the duplicate check, the send counter and the message row commit
    // together or not at all, so a crash never leaves a counted send without its message.
    return this.#transaction(() => {
      this.#requireConversationId(input.conversationId);
      const original = this.#get(
        `${messageSelect} WHERE m.sender_id = ? AND m.client_message_id = ?`,
        null,
        input.senderId,
        input.clientMessageId,
      );
      if (original) return this.#appended(input, messageFromRow(original), true);

      const sendIndex = this.#sendCount(input.conversationId, input.senderId);
      const message = this.#append(
        input.conversationId,
        input.authorFor(sendIndex),
        input.text,
        input.sentAt,
        input.senderId,
        input.clientMessageId,
        input.replyToId ?? null,
      );
      this.#run(
        `INSERT INTO send_counts (conversation_id, sender_id, count) VALUES (?, ?, 1)
         ON CONFLICT (conversation_id, sender_id) DO UPDATE SET count = count + 1`,
        input.conversationId,
        input.senderId,
      );
      return this.#appended(input, message, false);
    });
  }

  /** Must run inside the append's transaction: the sender's read moves with it (senderReads). */
  #appended(input: NewUserMessage, message: Message, duplicate: boolean): AppendResult {
    // A duplicate from another conversation is refused by the caller: nothing read here.
    if (!input.senderReads || message.conversationId !== input.conversationId) {
      return { message, duplicate };
    }
    const senderPosition = this.#advance(input.conversationId, input.senderId, {
      readSeq: message.seq,
    });
    return { message, duplicate, senderPosition };
  }

  async getLastMessage(conversationId: string, viewerId?: string): Promise<Message | null> {
    const row = this.#get(
      `${messageSelect} WHERE m.conversation_id = ? ORDER BY m.seq DESC LIMIT 1`,
      viewerId ?? null,
      conversationId,
    );
    return row ? messageFromRow(row) : null;
  }

  async getMessage(
    conversationId: string,
    messageId: string,
    viewerId?: string,
  ): Promise<Message | null> {
    return this.#readMessage(conversationId, messageId, viewerId ?? null);
  }

  async editMessage(edit: MessageEdit): Promise<MessageChangeResult> {
    return this.#change(edit.conversationId, edit.messageId, edit.check, (row) => {
      if (text(row.text) === edit.text) return false;
      this.#run(
        'UPDATE messages SET text = ?, edited_at = ?, edit_count = edit_count + 1 WHERE id = ?',
        edit.text,
        edit.editedAt,
        edit.messageId,
      );
      return true;
    });
  }

  async deleteMessage(deletion: MessageDeletion): Promise<MessageChangeResult> {
    return this.#change(deletion.conversationId, deletion.messageId, deletion.check, (row) => {
      if (row.deleted_at !== null) return false;
      this.#run(
        `UPDATE messages SET text = '', deleted_at = ?, reply_to_id = NULL WHERE id = ?`,
        deletion.deletedAt,
        deletion.messageId,
      );
      this.#run('DELETE FROM message_reactions WHERE message_id = ?', deletion.messageId);
      return true;
    });
  }

  async reactToMessage(reaction: MessageReactionInput): Promise<MessageChangeResult> {
    const check: MessageCheck = (target) => (target.deletedAt !== null ? 'message_deleted' : null);
    return this.#change(reaction.conversationId, reaction.messageId, check, () => {
      const reactions = this.#all(
        'SELECT emoji, user_id, reacted_at FROM message_reactions WHERE message_id = ?',
        reaction.messageId,
      ).map((row) => ({
        emoji: text(row.emoji),
        userId: text(row.user_id),
        reactedAt: integer(row.reacted_at),
      }));
      const current = reactions.find((r) => r.userId === reaction.userId)?.emoji ?? null;
      if (current === reaction.emoji) return false;
      if (reaction.emoji === null) {
        this.#run(
          'DELETE FROM message_reactions WHERE message_id = ? AND user_id = ?',
          reaction.messageId,
          reaction.userId,
        );
        return true;
      }
      if (!reactionFits(reactions, reaction.userId, reaction.emoji, reaction.maxEmoji)) {
        return 'reactions_full';
      }
      this.#run(
        `INSERT INTO message_reactions (message_id, user_id, emoji, reacted_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (message_id, user_id) DO UPDATE
         SET emoji = excluded.emoji, reacted_at = excluded.reacted_at`,
        reaction.messageId,
        reaction.userId,
        reaction.emoji,
        reaction.reactedAt,
      );
      return true;
    });
  }

  async hideMessage(hide: MessageHide): Promise<MessageChangeResult> {
    return this.#transaction((): MessageChangeResult => {
      const row = this.#get(
        'SELECT id FROM messages WHERE id = ? AND conversation_id = ?',
        hide.messageId,
        hide.conversationId,
      );
      if (!row) return { ok: false, refusal: 'not_found' };
      const hidden = this.#get(
        'SELECT 1 AS hidden FROM hidden_messages WHERE message_id = ? AND user_id = ?',
        hide.messageId,
        hide.userId,
      );
      if (!hidden) {
        this.#run(
          `INSERT INTO hidden_messages (message_id, user_id, conversation_id, hidden_at, revision)
           VALUES (?, ?, ?, ?, ?)`,
          hide.messageId,
          hide.userId,
          hide.conversationId,
          hide.hiddenAt,
          this.#nextRevision(hide.conversationId),
        );
      }
      const message = this.#readMessage(hide.conversationId, hide.messageId, hide.userId);
      if (!message) throw new Error(`message ${hide.messageId} vanished`);
      return { ok: true, message, changed: !hidden };
    });
  }

  async listHidersOf(conversationId: string, messageId: string): Promise<string[]> {
    return this.#all(
      `SELECT user_id FROM hidden_messages WHERE message_id = ? AND conversation_id = ?
       ORDER BY user_id`,
      messageId,
      conversationId,
    ).map((row) => text(row.user_id));
  }

  async getRevision(conversationId: string): Promise<number> {
    return integer(
      this.#get('SELECT revision FROM conversations WHERE id = ?', conversationId)?.revision ?? 0,
    );
  }

  async listMessageChanges(conversationId: string, query: ChangesQuery): Promise<ChangesPage> {
    const revision = await this.getRevision(conversationId);
    const limit = Math.max(0, query.limit);
    // The changed ids come from two indexes (messages by revision, the viewer's hides by
    // revision), so a catch-up reads what changed, not the whole history.
    const viewer = query.viewerId ?? null;
    const rows = this.#all(
      `${messageSelect}
       WHERE m.id IN (
         SELECT id FROM (
           SELECT id, revision AS r FROM messages
           WHERE conversation_id = ? AND revision > 0 AND revision > ?
           UNION ALL
           SELECT message_id, revision FROM hidden_messages
           WHERE conversation_id = ? AND user_id = ? AND revision > ?
         ) GROUP BY id ORDER BY max(r) LIMIT ?)
       ORDER BY max(m.revision, coalesce(h.revision, 0))`,
      viewer,
      conversationId,
      query.since,
      conversationId,
      viewer,
      query.since,
      limit + 1,
    );
    return {
      messages: rows.slice(0, limit).map(messageFromRow),
      hasMore: rows.length > limit,
      revision,
    };
  }

  #readMessage(conversationId: string, messageId: string, viewerId: string | null): Message | null {
    const row = this.#get(
      `${messageSelect} WHERE m.id = ? AND m.conversation_id = ?`,
      viewerId,
      messageId,
      conversationId,
    );
    return row ? messageFromRow(row) : null;
  }

  /** Must run inside a transaction (BEGIN IMMEDIATE holds the write lock until it commits). */
  #nextRevision(conversationId: string): number {
    const row = this.#get(
      'UPDATE conversations SET revision = revision + 1 WHERE id = ? RETURNING revision',
      conversationId,
    );
    if (!row) throw new Error(`conversation ${conversationId} does not exist`);
    return integer(row.revision);
  }

  /**
   * One change in one transaction: the row is read, checked and written, and the revision
   * taken, with the write lock held. `apply` returns whether it wrote, or a refusal (before
   * writing anything).
   */
  #change(
    conversationId: string,
    messageId: string,
    check: MessageCheck,
    apply: (row: Row) => boolean | MessageRefusal,
  ): Promise<MessageChangeResult> {
    return Promise.resolve(
      this.#transaction((): MessageChangeResult => {
        const row = this.#get(
          'SELECT * FROM messages WHERE id = ? AND conversation_id = ?',
          messageId,
          conversationId,
        );
        if (!row) return { ok: false, refusal: 'not_found' };
        const refusal = check(targetFromRow(row));
        if (refusal) return { ok: false, refusal };
        const applied = apply(row);
        if (typeof applied === 'string') return { ok: false, refusal: applied };
        if (applied) {
          this.#run(
            'UPDATE messages SET revision = ? WHERE id = ?',
            this.#nextRevision(conversationId),
            messageId,
          );
        }
        const message = this.#readMessage(conversationId, messageId, null);
        if (!message) throw new Error(`message ${messageId} vanished`);
        return { ok: true, message, changed: applied };
      }),
    );
  }

  async listMessages(conversationId: string, query: PageQuery): Promise<MessagePage> {
    const before = query.before ?? Number.MAX_SAFE_INTEGER;
    const viewer = query.viewerId ?? null;
    if (query.after !== undefined) {
      // One extra row tells whether more follow within the window.
      const rows = this.#all(
        `${messageSelect} WHERE m.conversation_id = ? AND m.seq > ? AND m.seq < ?
         ORDER BY m.seq ASC LIMIT ?`,
        viewer,
        conversationId,
        query.after,
        before,
        query.limit + 1,
      );
      return {
        messages: rows.slice(0, query.limit).map(messageFromRow),
        hasMore: rows.length > query.limit,
      };
    }
    const rows = this.#all(
      `${messageSelect} WHERE m.conversation_id = ? AND m.seq < ?
       ORDER BY m.seq DESC LIMIT ?`,
      viewer,
      conversationId,
      before,
      query.limit + 1,
    );
    return {
      messages: rows.slice(0, query.limit).reverse().map(messageFromRow),
      hasMore: rows.length > query.limit,
    };
  }

  async getSendCount(conversationId: string, senderId: string): Promise<number> {
    return this.#sendCount(conversationId, senderId);
  }

  async searchMessages(
    userId: string,
    query: string,
    options: MessageSearchOptions = {},
  ): Promise<MessageSearchPage> {
    const terms = searchTermsOf(query);
    const limit = searchLimitOf(options.limit);
    if (terms.length === 0) return { hits: [], hasMore: false, cursor: null };
    // The index streams its hits newest (highest rowid) first and the join drops other people's
    // conversations, so a common word stops after a page. matchMessage decides each candidate;
    // it only ever refuses one here when a term is longer than the index keeps. A message the
    // searcher hid is skipped (a deleted one's text is '' and is never indexed with words); a
    // hit shows what every read shows (its quote, reactions, edit).
    const sql = `SELECT m.rowid AS search_cursor, m.*, ${messageShows}, NULL AS hidden_revision
       FROM messages_search s
       JOIN messages m ON m.rowid = s.rowid
       CROSS JOIN (SELECT ? AS viewer_id) v
       ${replyJoin}
       WHERE messages_search MATCH ? AND s.rowid < ? AND m.text <> ''
         AND m.conversation_id IN
           (SELECT conversation_id FROM conversation_members WHERE user_id = ?)
         AND NOT EXISTS
           (SELECT 1 FROM hidden_messages h WHERE h.message_id = m.id AND h.user_id = ?)
       ORDER BY s.rowid DESC LIMIT ?`;
    const match = ftsMatchOf(terms);
    return pageOfHits(
      terms,
      limit,
      options.before ?? Number.MAX_SAFE_INTEGER,
      (before) => this.#all(sql, userId, match, before, userId, userId, limit + 1),
      (row) => ({ message: messageFromRow(row), cursor: integer(row.search_cursor) }),
    );
  }

  /** The durability settings in force on this connection (for diagnostics and tests). */
  durability(): { journalMode: string; synchronous: 'FULL' | 'NORMAL' | 'OTHER' } {
    const journalMode = text(this.#get('PRAGMA journal_mode')?.journal_mode);
    const level = integer(this.#get('PRAGMA synchronous')?.synchronous);
    return { journalMode, synchronous: level === 2 ? 'FULL' : level === 1 ? 'NORMAL' : 'OTHER' };
  }

  async close(): Promise<void> {
    if (this.#db.isOpen) this.#db.close();
  }

  /**
   * Group commit (the worker of SqliteWorkerStore): one transaction holds many calls, each run
   * with `inBatch`, and one commitBatch makes them all durable with one fsync. Nothing a call
   * returned may be acknowledged before commitBatch has returned. `savepoints`: each call in its
   * own savepoint (the slow way, for a batch replayed after a call failed having written).
   */
  beginBatch(options: { savepoints?: boolean } = {}): void {
    this.#db.exec('BEGIN IMMEDIATE');
    this.#batching = true;
    this.#batchSavepoints = options.savepoints ?? false;
  }

  /**
   * One call of a batch. The call must do all its work synchronously (every method here does:
   * the promise only carries the result), so no other call interleaves with it.
   *
   * Without savepoints (the normal way): a call that throws having written nothing (a missing
   * conversation, a callback the main thread must answer first) leaves the batch as it was and
   * its error is its own; one that throws after writing cannot be undone alone, so it throws
   * BatchReplayNeeded and the caller rolls the batch back and runs it again with savepoints.
   * A savepoint per call was the price of every call: FTS5 flushes its pending index at each
   * one, which cost the worker a fifth of its time and fragmented the search index.
   */
  async inBatch<T>(call: () => Promise<T>): Promise<T> {
    if (!this.#batching) throw new Error('inBatch outside beginBatch');
    // SQLite ends the whole transaction on some errors (disk full, I/O): the batch is lost.
    if (!this.#db.isTransaction) throw new Error("the batch's transaction was rolled back");
    if (this.#batchSavepoints) this.#statement('SAVEPOINT call').run();
    const changesBefore = this.#batchSavepoints ? 0 : this.totalChanges();
    this.#inCall = true;
    try {
      // The call's work is synchronous (see above): #inCall cannot leak into another call.
      const pending = call();
      this.#inCall = false;
      const result = await pending;
      if (this.#batchSavepoints) this.#statement('RELEASE call').run();
      return result;
    } catch (error) {
      this.#inCall = false;
      if (this.#batchSavepoints) this.#rollBackTo('call');
      else if (this.totalChanges() !== changesBefore) throw new BatchReplayNeeded(error);
      throw error;
    }
  }

  /** Ends a batch undoing all of it (to replay it with savepoints). */
  rollbackBatch(): void {
    this.#batching = false;
    if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
  }

  /** Rows this connection has inserted, changed or deleted since it opened (triggers' too). */
  totalChanges(): number {
    return Number(this.#get('SELECT total_changes() AS n')?.n ?? 0);
  }

  /** The batch's one COMMIT; if it fails, the whole batch is rolled back and it throws. */
  commitBatch(): void {
    this.#batching = false;
    if (!this.#db.isTransaction) throw new Error("the batch's transaction was rolled back");
    try {
      this.#db.exec('COMMIT');
    } catch (error) {
      if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
      throw error;
    }
  }

  /** Runs `sql` (the worker's PRAGMAs and checkpoints) outside any batch, returning its rows. */
  maintenance(sql: string): Row[] {
    if (this.#batching) throw new Error('maintenance inside a batch');
    return this.#all(sql);
  }

  #sendCount(conversationId: string, senderId: string): number {
    const row = this.#get(
      'SELECT count FROM send_counts WHERE conversation_id = ? AND sender_id = ?',
      conversationId,
      senderId,
    );
    return row ? integer(row.count) : 0;
  }

  /** Must run inside a transaction. */
  #insertConversation(input: NewConversation): StoredConversation {
    const id = input.id ?? randomUUID();
    const kind = ConversationKindSchema.parse(input.kind);
    const memberIds = [...new Set(input.memberIds)];
    const createdBy = input.createdBy ?? null;
    if (this.#get('SELECT id FROM conversations WHERE id = ?', id)) {
      throw new Error(`conversation ${id} already exists`);
    }
    this.#run(
      'INSERT INTO conversations (id, kind, title, created_by, created_at) VALUES (?, ?, ?, ?, ?)',
      id,
      kind,
      input.title,
      createdBy,
      input.createdAt,
    );
    for (const [position, userId] of memberIds.entries()) {
      this.#run(
        'INSERT INTO conversation_members (conversation_id, user_id, position) VALUES (?, ?, ?)',
        id,
        userId,
        position,
      );
    }
    return { id, kind, title: input.title, memberIds, createdBy, createdAt: input.createdAt };
  }

  #conversation(id: string): StoredConversation | null {
    const row = this.#get('SELECT * FROM conversations WHERE id = ?', id);
    if (!row) return null;
    const members = this.#all(
      'SELECT user_id FROM conversation_members WHERE conversation_id = ? ORDER BY position',
      id,
    );
    return {
      id: text(row.id),
      kind: ConversationKindSchema.parse(row.kind),
      title: text(row.title),
      memberIds: members.map((member) => text(member.user_id)),
      createdBy: row.created_by === null ? null : text(row.created_by),
      createdAt: integer(row.created_at),
    };
  }

  #requireConversation(id: string): StoredConversation {
    const conversation = this.#conversation(id);
    if (!conversation) throw new Error(`conversation ${id} does not exist`);
    return conversation;
  }

  /** That it exists, without reading its members (every append asks). */
  #requireConversationId(id: string): void {
    if (!this.#get('SELECT 1 AS found FROM conversations WHERE id = ?', id)) {
      throw new Error(`conversation ${id} does not exist`);
    }
  }

  /** Must run inside a transaction: the next seq is read and taken in one step. */
  #append(
    conversationId: string,
    authorId: string,
    body: string,
    sentAt: number,
    senderId: string | null,
    clientMessageId: string | null,
    replyToId: string | null = null,
  ): Message {
    this.#requireConversationId(conversationId);
    const next = this.#get(
      'SELECT COALESCE(MAX(seq) + 1, 0) AS seq FROM messages WHERE conversation_id = ?',
      conversationId,
    );
    const message: Message = {
      id: randomUUID(),
      conversationId,
      authorId,
      text: body,
      sentAt,
      seq: integer(next?.seq ?? 0),
      clientMessageId,
    };
    this.#run(
      `INSERT INTO messages
         (id, conversation_id, seq, author_id, sender_id, client_message_id, text, sent_at,
          reply_to_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      message.id,
      conversationId,
      message.seq,
      authorId,
      senderId,
      clientMessageId,
      body,
      sentAt,
      replyToId,
    );
    if (replyToId === null) return message;
    // With the quote of the original, as every read shows it.
    return this.#readMessage(conversationId, message.id, null) ?? message;
  }

  /**
   * BEGIN IMMEDIATE takes the write lock up front, so a read-then-write cannot interleave. In a
   * batch the lock is already the batch's: a savepoint, so a failing call undoes only itself.
   */
  #transaction<T>(work: () => T): T {
    // A call of a batch: its savepoint is this transaction (a throw rolls it back).
    if (this.#inCall) return work();
    if (this.#batching) {
      this.#statement('SAVEPOINT work').run();
      try {
        const result = work();
        this.#statement('RELEASE work').run();
        return result;
      } catch (error) {
        this.#rollBackTo('work');
        throw error;
      }
    }
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      const result = work();
      this.#db.exec('COMMIT');
      return result;
    } catch (error) {
      if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
      throw error;
    }
  }

  /** Undoes a savepoint's writes and ends it (ROLLBACK TO alone would leave it open). */
  #rollBackTo(savepoint: string): void {
    if (!this.#db.isTransaction) return;
    this.#statement(`ROLLBACK TO ${savepoint}`).run();
    this.#statement(`RELEASE ${savepoint}`).run();
  }

  #statement(sql: string): StatementSync {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  #get(sql: string, ...params: SQLInputValue[]): Row | undefined {
    return this.#statement(sql).get(...params) as Row | undefined;
  }

  #all(sql: string, ...params: SQLInputValue[]): Row[] {
    return this.#statement(sql).all(...params) as Row[];
  }

  /** Returns how many rows changed. */
  #run(sql: string, ...params: SQLInputValue[]): number {
    return Number(this.#statement(sql).run(...params).changes);
  }
}
