// The PostgreSQL Store: what several server nodes share. Every multi-row change is one
// transaction; appends lock their conversation's row (SELECT ... FOR UPDATE), so two nodes
// sending into one conversation take turns: seq stays gap-free and unique, and the per-person
// send counter that drives the bot alternation is read and bumped by one node at a time.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Pool, PoolClient } from 'pg';
import type { Logger } from '../../logger.ts';
import type { Message } from '../../protocol.ts';
import { likeWordStart, queryWords, searchKeyOf } from '../nameSearch.ts';
import { reactionFits, type StoredReaction } from '../messageView.ts';
import {
  pageOfHits,
  postgresDocumentOf,
  searchLimitOf,
  searchTermsOf,
  tsQueryOf,
} from '../../search.ts';
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
  UserPatch,
} from '../types.ts';
import { boundClient } from '../sessionClient.ts';
import { migrate } from './migrations.ts';
import {
  type AvatarImageRow,
  type ConversationRow,
  conversationColumns,
  type MessageRow,
  messageSelect,
  type PositionRow,
  searchHitSelect,
  type SearchHitRow,
  type SessionRow,
  sessionColumns,
  toAvatarImage,
  toConversation,
  toMessage,
  toPosition,
  toSession,
  toUser,
  type UserRow,
  userColumns,
} from './rows.ts';

export interface PostgresStoreOptions {
  /** A libpq URL, e.g. `postgres://parley@db:5432/parley`. `?options=-c search_path=s` works. */
  connectionString: string;
  /** Pool size per node. Default 10. */
  maxConnections?: number;
  /** Where idle-connection failures are reported (a restarting database, say). */
  logger?: Logger;
}

type Queryable = Pool | PoolClient;

const uniqueViolation = '23505';

function isUniqueViolation(error: unknown, constraint: string): boolean {
  const candidate = error as { code?: string; constraint?: string } | null;
  return candidate?.code === uniqueViolation && candidate.constraint === constraint;
}

/** Connects, applies pending migrations, and returns the ready store. */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<PostgresStore> {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.maxConnections ?? 10,
  });
  // An idle client's connection can drop (database restart); the pool replaces it. Without a
  // listener the 'error' event would crash the process.
  pool.on('error', (error) => {
    options.logger?.error('postgres idle connection failed', { reason: error.message });
  });
  try {
    await migrate(pool);
    await fillSearchKeys(pool);
    await fillSearchWords(pool);
  } catch (error) {
    await pool.end();
    throw error;
  }
  return new PostgresStore(pool);
}

/**
 * Computes missing search keys (rows from before schema version 3, or from a node still on the
 * previous release), a batch at a time. Nodes doing it at once write the same values.
 */
async function fillSearchKeys(queryable: Queryable): Promise<void> {
  for (;;) {
    const { rows } = await queryable.query<{ id: string; first_name: string; last_name: string }>(
      'SELECT id, first_name, last_name FROM users WHERE search_key IS NULL LIMIT 500',
    );
    if (rows.length === 0) return;
    await queryable.query(
      `UPDATE users SET search_key = keyed.search_key
       FROM unnest($1::text[], $2::text[]) AS keyed (id, search_key)
       WHERE users.id = keyed.id`,
      [rows.map((row) => row.id), rows.map((row) => searchKeyOf(row.first_name, row.last_name))],
    );
  }
}

/** The tsvector of exactly the lexemes in `$n` (a space-separated postgresDocumentOf). */
const wordsVector = (parameter: string) => `array_to_tsvector(string_to_array(${parameter}, ' '))`;

/**
 * Writes the search words of every message without them (rows from before schema version 6,
 * edited ones, those a node on the previous release stored), a batch at a time. A text changed
 * since it was read is left NULL for the next round, so the words always follow the text.
 */
async function fillSearchWords(queryable: Queryable): Promise<void> {
  for (let round = 0; round < 10_000; round += 1) {
    const { rows } = await queryable.query<{ id: string; text: string }>(
      'SELECT id, text FROM messages WHERE search_words IS NULL ORDER BY search_order LIMIT 1000',
    );
    if (rows.length === 0) return;
    await queryable.query(
      `UPDATE messages SET search_words = ${wordsVector('keyed.document')}
       FROM unnest($1::text[], $2::text[], $3::text[]) AS keyed (id, text, document)
       WHERE messages.id = keyed.id AND messages.text = keyed.text
         AND messages.search_words IS NULL`,
      [
        rows.map((row) => row.id),
        rows.map((row) => row.text),
        rows.map((row) => postgresDocumentOf(row.text)),
      ],
    );
  }
}

export class PostgresStore implements Store {
  #pool: Pool;

  constructor(pool: Pool) {
    this.#pool = pool;
  }

  /**
   * Runs `work` while holding a cluster-wide lock named `name` (a session advisory lock), so
   * one-time work such as seeding the world happens on one node while the others wait.
   */
  async withLock<T>(name: string, work: () => Promise<T>): Promise<T> {
    const client = await this.#pool.connect();
    const key = `current_schema() || ':' || $1::text`;
    try {
      await client.query(`SELECT pg_advisory_lock(hashtext(${key}))`, [name]);
      try {
        return await work();
      } finally {
        await client.query(`SELECT pg_advisory_unlock(hashtext(${key}))`, [name]);
      }
    } finally {
      client.release();
    }
  }

  async createUser(input: NewUser): Promise<{ user: StoredUser; created: boolean }> {
    const { rows } = await this.#pool.query<UserRow>(
      `INSERT INTO users (id, kind, first_name, last_name, avatar, phone, findable_by_phone,
         search_key, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (phone) DO NOTHING
       RETURNING ${userColumns}`,
      [
        input.id ?? randomUUID(),
        input.kind,
        input.firstName,
        input.lastName,
        JSON.stringify(input.avatar),
        input.phone,
        input.findableByPhone ?? false,
        searchKeyOf(input.firstName, input.lastName),
        input.createdAt,
      ],
    );
    const inserted = rows[0];
    if (inserted) return { user: toUser(inserted), created: true };
    // Only a phone conflict lands here (an id conflict raises): that phone's account wins.
    const existing = input.phone === null ? null : await this.getUserByPhone(input.phone);
    if (!existing) throw new Error('user insert neither created nor found a user');
    return { user: existing, created: false };
  }

  async getUser(id: string): Promise<StoredUser | null> {
    const { rows } = await this.#pool.query<UserRow>(
      `SELECT ${userColumns} FROM users WHERE id = $1`,
      [id],
    );
    return rows[0] ? toUser(rows[0]) : null;
  }

  async getUserByPhone(phone: string): Promise<StoredUser | null> {
    const { rows } = await this.#pool.query<UserRow>(
      `SELECT ${userColumns} FROM users WHERE phone = $1`,
      [phone],
    );
    return rows[0] ? toUser(rows[0]) : null;
  }

  async getUsers(ids: readonly string[]): Promise<StoredUser[]> {
    if (ids.length === 0) return [];
    const { rows } = await this.#pool.query<UserRow>(
      `SELECT ${userColumns} FROM users WHERE id = ANY($1::text[])`,
      [[...ids]],
    );
    const byId = new Map(rows.map((row) => [row.id, toUser(row)]));
    return ids.flatMap((id) => {
      const user = byId.get(id);
      return user ? [user] : [];
    });
  }

  async updateUser(id: string, patch: UserPatch): Promise<StoredUser | null> {
    return this.#transaction(async (client) => {
      const { rows } = await client.query<UserRow>(
        `SELECT ${userColumns} FROM users WHERE id = $1 FOR UPDATE`,
        [id],
      );
      if (!rows[0]) return null;
      const before = toUser(rows[0]);
      const firstName = patch.firstName ?? before.firstName;
      const lastName = patch.lastName ?? before.lastName;
      const { rows: updated } = await client.query<UserRow>(
        `UPDATE users SET first_name = $2, last_name = $3, avatar = $4, findable_by_phone = $5,
           search_key = $6
         WHERE id = $1 RETURNING ${userColumns}`,
        [
          id,
          firstName,
          lastName,
          JSON.stringify(patch.avatar ?? before.avatar),
          patch.findableByPhone ?? before.findableByPhone,
          searchKeyOf(firstName, lastName),
        ],
      );
      return updated[0] ? toUser(updated[0]) : null;
    });
  }

  async searchPeople(query: string, limit: number): Promise<StoredUser[]> {
    const words = queryWords(query);
    if (words.length === 0 || limit <= 0) return [];
    await fillSearchKeys(this.#pool);
    // Every word starts a word of ' ' || search_key (both sides are lower case already).
    const conditions = words
      .map((_, index) => `(' ' || search_key) LIKE $${index + 2} ESCAPE '\\'`)
      .join(' AND ');
    const { rows } = await this.#pool.query<UserRow>(
      `SELECT ${userColumns} FROM users WHERE kind = 'person' AND ${conditions}
       ORDER BY search_key COLLATE "C", id COLLATE "C" LIMIT $1`,
      [limit, ...words.map(likeWordStart)],
    );
    return rows.map(toUser);
  }

  async putAvatarImage(image: AvatarImage): Promise<void> {
    await this.#pool.query(
      `INSERT INTO avatar_images (user_id, hash, mime, bytes, updated_at)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (user_id) DO UPDATE
       SET hash = excluded.hash, mime = excluded.mime, bytes = excluded.bytes,
           updated_at = excluded.updated_at`,
      [image.userId, image.hash, image.mime, Buffer.from(image.bytes), image.updatedAt],
    );
  }

  async getAvatarImage(userId: string): Promise<AvatarImage | null> {
    const { rows } = await this.#pool.query<AvatarImageRow>(
      'SELECT user_id, hash, mime, bytes, updated_at FROM avatar_images WHERE user_id = $1',
      [userId],
    );
    return rows[0] ? toAvatarImage(rows[0]) : null;
  }

  async deleteAvatarImage(userId: string): Promise<void> {
    await this.#pool.query('DELETE FROM avatar_images WHERE user_id = $1', [userId]);
  }

  async createSession(session: Session): Promise<void> {
    await this.#pool.query(
      `INSERT INTO sessions (${sessionColumns}) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (token_hash) DO UPDATE
       SET user_id = $2, created_at = $3, last_seen_at = $4, client = $5`,
      [
        session.tokenHash,
        session.userId,
        session.createdAt,
        session.lastSeenAt,
        boundClient(session.client),
      ],
    );
  }

  async getSession(tokenHash: string): Promise<Session | null> {
    const { rows } = await this.#pool.query<SessionRow>(
      `SELECT ${sessionColumns} FROM sessions WHERE token_hash = $1`,
      [tokenHash],
    );
    return rows[0] ? toSession(rows[0]) : null;
  }

  async touchSession(tokenHash: string, lastSeenAt: number): Promise<void> {
    await this.#pool.query('UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1', [
      tokenHash,
      lastSeenAt,
    ]);
  }

  async listSessionsOf(userId: string): Promise<Session[]> {
    // COLLATE "C": the same byte order as the other stores, whatever the database's locale.
    const { rows } = await this.#pool.query<SessionRow>(
      `SELECT ${sessionColumns} FROM sessions WHERE user_id = $1
       ORDER BY created_at, token_hash COLLATE "C"`,
      [userId],
    );
    return rows.map(toSession);
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.#pool.query('DELETE FROM sessions WHERE token_hash = $1', [tokenHash]);
  }

  async deleteSessionsIdleSince(cutoff: number): Promise<number> {
    const { rowCount } = await this.#pool.query('DELETE FROM sessions WHERE last_seen_at < $1', [
      cutoff,
    ]);
    return rowCount ?? 0;
  }

  async createConversation(input: NewConversation): Promise<StoredConversation> {
    return this.#transaction((client) => this.#insertConversation(client, input));
  }

  async getConversation(id: string): Promise<StoredConversation | null> {
    return this.#getConversation(this.#pool, id);
  }

  async listConversationsOf(userId: string): Promise<StoredConversation[]> {
    const { rows } = await this.#pool.query<ConversationRow>(
      `SELECT ${conversationColumns} FROM conversations c
       WHERE EXISTS (SELECT 1 FROM conversation_members m
                     WHERE m.conversation_id = c.id AND m.user_id = $1)
       ORDER BY c.position`,
      [userId],
    );
    return rows.map(toConversation);
  }

  async addMember(conversationId: string, userId: string): Promise<StoredConversation> {
    return this.#transaction(async (client) => {
      await this.#lockConversation(client, conversationId);
      await client.query(
        `INSERT INTO conversation_members (conversation_id, user_id, position)
         SELECT $1, $2, COALESCE(MAX(position) + 1, 0)
         FROM conversation_members WHERE conversation_id = $1
         ON CONFLICT (conversation_id, user_id) DO NOTHING`,
        [conversationId, userId],
      );
      const conversation = await this.#getConversation(client, conversationId);
      if (!conversation) throw new Error(`conversation ${conversationId} does not exist`);
      return conversation;
    });
  }

  async removeMember(conversationId: string, userId: string): Promise<StoredConversation> {
    return this.#transaction(async (client) => {
      await this.#lockConversation(client, conversationId);
      await client.query(
        'DELETE FROM conversation_members WHERE conversation_id = $1 AND user_id = $2',
        [conversationId, userId],
      );
      await client.query(
        'DELETE FROM member_positions WHERE conversation_id = $1 AND user_id = $2',
        [conversationId, userId],
      );
      const conversation = await this.#getConversation(client, conversationId);
      if (!conversation) throw new Error(`conversation ${conversationId} does not exist`);
      return conversation;
    });
  }

  async openDirectConversation(
    input: NewDirectConversation,
  ): Promise<{ conversation: StoredConversation; created: boolean }> {
    const [first, second] = input.userIds;
    const [low, high] = first <= second ? [first, second] : [second, first];
    return this.#transaction(async (client) => {
      // Claim the pair first. A node claiming it at the same moment waits here for this
      // transaction, then finds the pair taken and reads the conversation this one made.
      const id = randomUUID();
      const claimed = await client.query(
        `INSERT INTO direct_pairs (low_user_id, high_user_id, conversation_id)
         VALUES ($1, $2, $3) ON CONFLICT (low_user_id, high_user_id) DO NOTHING`,
        [low, high, id],
      );
      if (claimed.rowCount === 1) {
        const conversation = await this.#insertConversation(client, {
          id,
          kind: 'direct',
          title: '',
          memberIds: [...input.userIds],
          createdBy: input.createdBy,
          createdAt: input.createdAt,
        });
        return { conversation, created: true };
      }
      const { rows } = await client.query<ConversationRow>(
        `SELECT ${conversationColumns} FROM direct_pairs p
         JOIN conversations c ON c.id = p.conversation_id
         WHERE p.low_user_id = $1 AND p.high_user_id = $2`,
        [low, high],
      );
      if (!rows[0]) throw new Error('direct pair neither claimed nor found');
      return { conversation: toConversation(rows[0]), created: false };
    });
  }

  async advancePosition(
    conversationId: string,
    userId: string,
    to: { deliveredSeq?: number; readSeq?: number },
  ): Promise<{ position: MemberPosition; changed: boolean }> {
    return this.#advance(this.#pool, conversationId, userId, to);
  }

  async #advance(
    queryable: Queryable,
    conversationId: string,
    userId: string,
    to: { deliveredSeq?: number; readSeq?: number },
  ): Promise<{ position: MemberPosition; changed: boolean }> {
    const readSeq = Math.max(-1, to.readSeq ?? -1);
    const deliveredSeq = Math.max(-1, to.deliveredSeq ?? -1, readSeq);
    if (deliveredSeq >= 0) {
      // One statement, so the row lock makes concurrent advances take turns; the WHERE skips
      // (and RETURNING omits) an update that would move nothing.
      const { rows } = await queryable.query<PositionRow>(
        `INSERT INTO member_positions AS p (conversation_id, user_id, delivered_seq, read_seq)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (conversation_id, user_id) DO UPDATE
         SET delivered_seq = GREATEST(p.delivered_seq, excluded.delivered_seq),
             read_seq = GREATEST(p.read_seq, excluded.read_seq)
         WHERE p.delivered_seq < excluded.delivered_seq OR p.read_seq < excluded.read_seq
         RETURNING user_id, delivered_seq, read_seq`,
        [conversationId, userId, deliveredSeq, readSeq],
      );
      if (rows[0]) return { position: toPosition(rows[0]), changed: true };
    }
    const { rows } = await queryable.query<PositionRow>(
      `SELECT user_id, delivered_seq, read_seq FROM member_positions
       WHERE conversation_id = $1 AND user_id = $2`,
      [conversationId, userId],
    );
    return {
      position: rows[0] ? toPosition(rows[0]) : { userId, deliveredSeq: -1, readSeq: -1 },
      changed: false,
    };
  }

  async getPosition(conversationId: string, userId: string): Promise<MemberPosition> {
    const { rows } = await this.#pool.query<PositionRow>(
      `SELECT user_id, delivered_seq, read_seq FROM member_positions
       WHERE conversation_id = $1 AND user_id = $2`,
      [conversationId, userId],
    );
    const [row] = rows;
    return row ? toPosition(row) : { userId, deliveredSeq: -1, readSeq: -1 };
  }

  async setMuted(
    conversationId: string,
    userId: string,
    muted: boolean,
  ): Promise<{ changed: boolean }> {
    // One statement each: the WHERE skips (and RETURNING omits) a switch to what is kept; no
    // row means not muted, so unmuting never makes one.
    const { rowCount } = muted
      ? await this.#pool.query(
          `INSERT INTO member_positions AS p
             (conversation_id, user_id, delivered_seq, read_seq, muted)
           VALUES ($1, $2, -1, -1, true)
           ON CONFLICT (conversation_id, user_id) DO UPDATE SET muted = true
           WHERE NOT p.muted
           RETURNING 1`,
          [conversationId, userId],
        )
      : await this.#pool.query(
          `UPDATE member_positions SET muted = false
           WHERE conversation_id = $1 AND user_id = $2 AND muted
           RETURNING 1`,
          [conversationId, userId],
        );
    return { changed: rowCount === 1 };
  }

  async isMuted(conversationId: string, userId: string): Promise<boolean> {
    const { rows } = await this.#pool.query<{ muted: boolean }>(
      'SELECT muted FROM member_positions WHERE conversation_id = $1 AND user_id = $2',
      [conversationId, userId],
    );
    return rows[0]?.muted ?? false;
  }

  async listPositions(conversationId: string): Promise<MemberPosition[]> {
    const { rows } = await this.#pool.query<PositionRow>(
      `SELECT user_id, delivered_seq, read_seq FROM member_positions
       WHERE conversation_id = $1 ORDER BY user_id COLLATE "C"`,
      [conversationId],
    );
    return rows.map(toPosition);
  }

  async appendSystemMessage(input: NewSystemMessage): Promise<Message> {
    return this.#transaction(async (client) => {
      const seq = await this.#lockConversation(client, input.conversationId);
      return this.#insertMessage(client, seq, {
        conversationId: input.conversationId,
        authorId: input.authorId,
        senderId: null,
        clientMessageId: null,
        text: input.text,
        sentAt: input.sentAt,
      });
    });
  }

  async findUserMessage(senderId: string, clientMessageId: string): Promise<Message | null> {
    return this.#findByClientId(this.#pool, senderId, clientMessageId);
  }

  async appendUserMessage(input: NewUserMessage): Promise<AppendResult> {
    try {
      return await this.#transaction(async (client) => {
        const seq = await this.#lockConversation(client, input.conversationId);
        const original = await this.#findByClientId(client, input.senderId, input.clientMessageId);
        if (original) return this.#appended(client, input, original, true);
        const { rows } = await client.query<{ sends: number }>(
          'SELECT sends FROM send_counts WHERE conversation_id = $1 AND sender_id = $2',
          [input.conversationId, input.senderId],
        );
        const sendIndex = rows[0]?.sends ?? 0;
        const message = await this.#insertMessage(client, seq, {
          conversationId: input.conversationId,
          authorId: input.authorFor(sendIndex),
          senderId: input.senderId,
          clientMessageId: input.clientMessageId,
          text: input.text,
          sentAt: input.sentAt,
          replyToId: input.replyToId ?? null,
        });
        await client.query(
          `INSERT INTO send_counts (conversation_id, sender_id, sends) VALUES ($1, $2, 1)
           ON CONFLICT (conversation_id, sender_id) DO UPDATE SET sends = send_counts.sends + 1`,
          [input.conversationId, input.senderId],
        );
        return this.#appended(client, input, message, false);
      });
    } catch (error) {
      // The same (sender, clientMessageId) raced in through another conversation's lock.
      if (!isUniqueViolation(error, 'messages_sender_client_message_id')) throw error;
      const original = await this.#findByClientId(
        this.#pool,
        input.senderId,
        input.clientMessageId,
      );
      if (!original) throw error;
      return this.#appended(this.#pool, input, original, true);
    }
  }

  /** The result of an append, the sender's position moved with it when asked (senderReads). */
  async #appended(
    queryable: Queryable,
    input: NewUserMessage,
    message: Message,
    duplicate: boolean,
  ): Promise<AppendResult> {
    // A duplicate from another conversation is refused by the caller: nothing read here.
    if (!input.senderReads || message.conversationId !== input.conversationId) {
      return { message, duplicate };
    }
    const senderPosition = await this.#advance(queryable, input.conversationId, input.senderId, {
      readSeq: message.seq,
    });
    return { message, duplicate, senderPosition };
  }

  async getLastMessage(conversationId: string, viewerId?: string): Promise<Message | null> {
    const { rows } = await this.#pool.query<MessageRow>(
      `${messageSelect} WHERE m.conversation_id = $2 ORDER BY m.seq DESC LIMIT 1`,
      [viewerId ?? null, conversationId],
    );
    return rows[0] ? toMessage(rows[0]) : null;
  }

  async getMessage(
    conversationId: string,
    messageId: string,
    viewerId?: string,
  ): Promise<Message | null> {
    return this.#readMessage(this.#pool, conversationId, messageId, viewerId ?? null);
  }

  async editMessage(edit: MessageEdit): Promise<MessageChangeResult> {
    return this.#change(edit.conversationId, edit.messageId, edit.check, async (client, row) => {
      if (row.text === edit.text) return false;
      await client.query(
        `UPDATE messages SET text = $2, edited_at = $3, edit_count = edit_count + 1
         WHERE id = $1`,
        [edit.messageId, edit.text, edit.editedAt],
      );
      return true;
    });
  }

  async deleteMessage(deletion: MessageDeletion): Promise<MessageChangeResult> {
    return this.#change(
      deletion.conversationId,
      deletion.messageId,
      deletion.check,
      async (client, row) => {
        if (row.deleted_at !== null) return false;
        await client.query(
          `UPDATE messages SET text = '', deleted_at = $2, reply_to_id = NULL WHERE id = $1`,
          [deletion.messageId, deletion.deletedAt],
        );
        await client.query('DELETE FROM message_reactions WHERE message_id = $1', [
          deletion.messageId,
        ]);
        return true;
      },
    );
  }

  async reactToMessage(reaction: MessageReactionInput): Promise<MessageChangeResult> {
    const check: MessageCheck = (target) => (target.deletedAt !== null ? 'message_deleted' : null);
    return this.#change(reaction.conversationId, reaction.messageId, check, async (client) => {
      const { rows } = await client.query<{ emoji: string; user_id: string; reacted_at: string }>(
        'SELECT emoji, user_id, reacted_at FROM message_reactions WHERE message_id = $1',
        [reaction.messageId],
      );
      const reactions: StoredReaction[] = rows.map((row) => ({
        emoji: row.emoji,
        userId: row.user_id,
        reactedAt: Number(row.reacted_at),
      }));
      const current = reactions.find((r) => r.userId === reaction.userId)?.emoji ?? null;
      if (current === reaction.emoji) return false;
      if (reaction.emoji === null) {
        await client.query('DELETE FROM message_reactions WHERE message_id = $1 AND user_id = $2', [
          reaction.messageId,
          reaction.userId,
        ]);
        return true;
      }
      if (!reactionFits(reactions, reaction.userId, reaction.emoji, reaction.maxEmoji)) {
        return 'reactions_full';
      }
      await client.query(
        `INSERT INTO message_reactions (message_id, user_id, emoji, reacted_at)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (message_id, user_id) DO UPDATE
         SET emoji = excluded.emoji, reacted_at = excluded.reacted_at`,
        [reaction.messageId, reaction.userId, reaction.emoji, reaction.reactedAt],
      );
      return true;
    });
  }

  async hideMessage(hide: MessageHide): Promise<MessageChangeResult> {
    return this.#transaction(async (client): Promise<MessageChangeResult> => {
      const locked = await client.query('SELECT 1 FROM conversations WHERE id = $1 FOR UPDATE', [
        hide.conversationId,
      ]);
      if (locked.rowCount !== 1) return { ok: false, refusal: 'not_found' };
      const found = await client.query(
        'SELECT 1 FROM messages WHERE id = $1 AND conversation_id = $2',
        [hide.messageId, hide.conversationId],
      );
      if (found.rowCount !== 1) return { ok: false, refusal: 'not_found' };
      const hidden = await client.query(
        'SELECT 1 FROM hidden_messages WHERE message_id = $1 AND user_id = $2',
        [hide.messageId, hide.userId],
      );
      const changed = hidden.rowCount !== 1;
      if (changed) {
        await client.query(
          `INSERT INTO hidden_messages (message_id, user_id, conversation_id, hidden_at, revision)
           VALUES ($1, $2, $3, $4, $5)`,
          [
            hide.messageId,
            hide.userId,
            hide.conversationId,
            hide.hiddenAt,
            await this.#nextRevision(client, hide.conversationId),
          ],
        );
      }
      const message = await this.#readMessage(
        client,
        hide.conversationId,
        hide.messageId,
        hide.userId,
      );
      if (!message) throw new Error(`message ${hide.messageId} vanished`);
      return { ok: true, message, changed };
    });
  }

  async listHidersOf(conversationId: string, messageId: string): Promise<string[]> {
    const { rows } = await this.#pool.query<{ user_id: string }>(
      `SELECT user_id FROM hidden_messages WHERE message_id = $1 AND conversation_id = $2
       ORDER BY user_id COLLATE "C"`,
      [messageId, conversationId],
    );
    return rows.map((row) => row.user_id);
  }

  async getRevision(conversationId: string): Promise<number> {
    const { rows } = await this.#pool.query<{ revision: string }>(
      'SELECT revision FROM conversations WHERE id = $1',
      [conversationId],
    );
    return Number(rows[0]?.revision ?? 0);
  }

  async listMessageChanges(conversationId: string, query: ChangesQuery): Promise<ChangesPage> {
    // Read first: revisions commit in order (under the conversation's lock), so every change up
    // to this one is visible to the query below.
    const revision = await this.getRevision(conversationId);
    const limit = Math.max(0, query.limit);
    // The changed ids come from two indexes (messages by revision, the viewer's hides by
    // revision), so a catch-up reads what changed, not the whole history.
    const { rows } = await this.#pool.query<MessageRow>(
      `${messageSelect}
       WHERE m.id IN (
         SELECT id FROM (
           SELECT id, revision AS r FROM messages
           WHERE conversation_id = $2 AND revision > 0 AND revision > $3
           UNION ALL
           SELECT message_id, revision FROM hidden_messages
           WHERE conversation_id = $2 AND user_id = $1 AND revision > $3
         ) AS changed GROUP BY id ORDER BY max(r) LIMIT $4)
       ORDER BY GREATEST(m.revision, COALESCE(h.revision, 0))`,
      [query.viewerId ?? null, conversationId, query.since, limit + 1],
    );
    return {
      messages: rows.slice(0, limit).map(toMessage),
      hasMore: rows.length > limit,
      revision,
    };
  }

  async #readMessage(
    queryable: Queryable,
    conversationId: string,
    messageId: string,
    viewerId: string | null,
  ): Promise<Message | null> {
    const { rows } = await queryable.query<MessageRow>(
      `${messageSelect} WHERE m.id = $2 AND m.conversation_id = $3`,
      [viewerId, messageId, conversationId],
    );
    return rows[0] ? toMessage(rows[0]) : null;
  }

  /** Must run inside a transaction holding the conversation's row lock. */
  async #nextRevision(client: PoolClient, conversationId: string): Promise<number> {
    const { rows } = await client.query<{ revision: string }>(
      'UPDATE conversations SET revision = revision + 1 WHERE id = $1 RETURNING revision',
      [conversationId],
    );
    if (!rows[0]) throw new Error(`conversation ${conversationId} does not exist`);
    return Number(rows[0].revision);
  }

  /**
   * One change in one transaction. The conversation's row is locked first (as appends lock
   * it), then the message's: changes to a conversation take turns across every node, so the
   * check (say, fewer than 10 edits) and the write cannot interleave with another's, and
   * revisions commit in the order they are taken.
   */
  async #change(
    conversationId: string,
    messageId: string,
    check: MessageCheck,
    apply: (
      client: PoolClient,
      row: { text: string; deleted_at: string | null },
    ) => Promise<boolean | MessageRefusal>,
  ): Promise<MessageChangeResult> {
    return this.#transaction(async (client): Promise<MessageChangeResult> => {
      const locked = await client.query('SELECT 1 FROM conversations WHERE id = $1 FOR UPDATE', [
        conversationId,
      ]);
      if (locked.rowCount !== 1) return { ok: false, refusal: 'not_found' };
      const { rows } = await client.query<{
        id: string;
        conversation_id: string;
        sender_id: string | null;
        author_id: string;
        sent_at: string;
        edit_count: number;
        deleted_at: string | null;
        text: string;
      }>(
        `SELECT id, conversation_id, sender_id, author_id, sent_at, edit_count, deleted_at, text
         FROM messages WHERE id = $1 AND conversation_id = $2 FOR UPDATE`,
        [messageId, conversationId],
      );
      const row = rows[0];
      if (!row) return { ok: false, refusal: 'not_found' };
      const refusal = check({
        id: row.id,
        conversationId: row.conversation_id,
        senderId: row.sender_id,
        authorId: row.author_id,
        sentAt: Number(row.sent_at),
        editCount: row.edit_count,
        deletedAt: row.deleted_at === null ? null : Number(row.deleted_at),
        text: row.text,
      });
      if (refusal) return { ok: false, refusal };
      const applied = await apply(client, row);
      if (typeof applied === 'string') return { ok: false, refusal: applied };
      if (applied) {
        await client.query('UPDATE messages SET revision = $2 WHERE id = $1', [
          messageId,
          await this.#nextRevision(client, conversationId),
        ]);
      }
      const message = await this.#readMessage(client, conversationId, messageId, null);
      if (!message) throw new Error(`message ${messageId} vanished`);
      return { ok: true, message, changed: applied };
    });
  }

  async listMessages(conversationId: string, query: PageQuery): Promise<MessagePage> {
    const limit = Math.max(0, query.limit);
    // One row more than asked says whether more exist beyond the page.
    const forwards = query.after !== undefined;
    const { rows } = await this.#pool.query<MessageRow>(
      `${messageSelect}
       WHERE m.conversation_id = $2
         AND ($3::integer IS NULL OR m.seq > $3)
         AND ($4::integer IS NULL OR m.seq < $4)
       ORDER BY m.seq ${forwards ? 'ASC' : 'DESC'}
       LIMIT $5`,
      [
        query.viewerId ?? null,
        conversationId,
        query.after ?? null,
        query.before ?? null,
        limit + 1,
      ],
    );
    const page = rows.slice(0, limit).map(toMessage);
    if (!forwards) page.reverse();
    return { messages: page, hasMore: rows.length > limit };
  }

  async getSendCount(conversationId: string, senderId: string): Promise<number> {
    const { rows } = await this.#pool.query<{ sends: number }>(
      'SELECT sends FROM send_counts WHERE conversation_id = $1 AND sender_id = $2',
      [conversationId, senderId],
    );
    return rows[0]?.sends ?? 0;
  }

  async searchMessages(
    userId: string,
    query: string,
    options: MessageSearchOptions = {},
  ): Promise<MessageSearchPage> {
    const terms = searchTermsOf(query);
    const limit = searchLimitOf(options.limit);
    if (terms.length === 0) return { hits: [], hasMore: false, cursor: null };
    await fillSearchWords(this.#pool);
    // The member's conversations go in as an array of known length: with a subquery instead,
    // a planner short of statistics on conversation_members guessed a handful and ran the GIN
    // scan once per conversation (2 s for a one-letter prefix over 100,000 messages).
    const { rows: memberships } = await this.#pool.query<{ conversation_id: string }>(
      'SELECT conversation_id FROM conversation_members WHERE user_id = $1',
      [userId],
    );
    if (memberships.length === 0) return { hits: [], hasMore: false, cursor: null };
    const conversationIds = memberships.map((row) => row.conversation_id);
    // The planner picks between the GIN index (rare words) and walking search_order backwards
    // until a page is found (common words). matchMessage decides each candidate (it only
    // refuses one here when a term is longer than the index keeps). A message the searcher hid
    // is skipped (a deleted one's text is '' and has no words); a hit shows what every read
    // shows (its quote, reactions, edit).
    return pageOfHits(
      terms,
      limit,
      options.before ?? Number.MAX_SAFE_INTEGER,
      async (before) => {
        const { rows } = await this.#pool.query<SearchHitRow>(
          `${searchHitSelect}
         WHERE m.search_words @@ $2::tsquery AND m.text <> '' AND m.search_order < $3
           AND m.conversation_id = ANY ($4::text[]) AND h.message_id IS NULL
         ORDER BY m.search_order DESC LIMIT $5`,
          [userId, tsQueryOf(terms), before, conversationIds, limit + 1],
        );
        return rows;
      },
      (row) => ({ message: toMessage(row), cursor: Number(row.search_order) }),
    );
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }

  async #transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.#pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: unknown) => {
        // A connection that cannot roll back is discarded rather than reused.
        broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
      });
      throw error;
    } finally {
      client.release(broken);
    }
  }

  /** Locks the conversation's row until the transaction ends; returns the next seq. */
  async #lockConversation(client: PoolClient, conversationId: string): Promise<number> {
    const { rows } = await client.query<{ message_count: number }>(
      'SELECT message_count FROM conversations WHERE id = $1 FOR UPDATE',
      [conversationId],
    );
    const row = rows[0];
    if (!row) throw new Error(`conversation ${conversationId} does not exist`);
    return row.message_count;
  }

  async #insertMessage(
    client: PoolClient,
    seq: number,
    input: {
      conversationId: string;
      authorId: string;
      senderId: string | null;
      clientMessageId: string | null;
      text: string;
      sentAt: number;
      replyToId?: string | null;
    },
  ): Promise<Message> {
    const message: Message = {
      id: randomUUID(),
      conversationId: input.conversationId,
      authorId: input.authorId,
      text: input.text,
      sentAt: input.sentAt,
      seq,
      clientMessageId: input.clientMessageId,
    };
    const replyToId = input.replyToId ?? null;
    await client.query(
      `INSERT INTO messages
         (id, conversation_id, seq, author_id, sender_id, client_message_id, text, sent_at,
          reply_to_id, search_words)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, ${wordsVector('$10')})`,
      [
        message.id,
        message.conversationId,
        seq,
        message.authorId,
        input.senderId,
        message.clientMessageId,
        message.text,
        message.sentAt,
        replyToId,
        postgresDocumentOf(message.text),
      ],
    );
    await client.query('UPDATE conversations SET message_count = $2 WHERE id = $1', [
      input.conversationId,
      seq + 1,
    ]);
    if (replyToId === null) return message;
    // With the quote of the original, as every read shows it.
    return (await this.#readMessage(client, input.conversationId, message.id, null)) ?? message;
  }

  async #findByClientId(
    queryable: Queryable,
    senderId: string,
    clientMessageId: string,
  ): Promise<Message | null> {
    const { rows } = await queryable.query<MessageRow>(
      `${messageSelect} WHERE m.sender_id = $2 AND m.client_message_id = $3`,
      [null, senderId, clientMessageId],
    );
    return rows[0] ? toMessage(rows[0]) : null;
  }

  async #insertConversation(
    client: PoolClient,
    input: NewConversation,
  ): Promise<StoredConversation> {
    const id = input.id ?? randomUUID();
    const memberIds = [...new Set(input.memberIds)];
    const createdBy = input.createdBy ?? null;
    await client.query(
      `INSERT INTO conversations (id, kind, title, created_by, created_at)
       VALUES ($1, $2, $3, $4, $5)`,
      [id, input.kind, input.title, createdBy, input.createdAt],
    );
    await client.query(
      `INSERT INTO conversation_members (conversation_id, user_id, position)
       SELECT $1, member.user_id, member.position - 1
       FROM unnest($2::text[]) WITH ORDINALITY AS member (user_id, position)`,
      [id, memberIds],
    );
    return {
      id,
      kind: input.kind,
      title: input.title,
      memberIds,
      createdBy,
      createdAt: input.createdAt,
    };
  }

  async #getConversation(queryable: Queryable, id: string): Promise<StoredConversation | null> {
    const { rows } = await queryable.query<ConversationRow>(
      `SELECT ${conversationColumns} FROM conversations c WHERE c.id = $1`,
      [id],
    );
    return rows[0] ? toConversation(rows[0]) : null;
  }
}
