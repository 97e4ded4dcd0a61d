// The PostgreSQL schema as an ordered list of migrations. Each runs once, in its own
// transaction, recorded in parley_schema_migrations. Several nodes may start at the same moment:
// a transaction-scoped advisory lock (one per schema) lets exactly one of them migrate while the
// others wait and then find nothing left to do. Never edit a released migration: append one.
import type { Pool } from 'pg';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
      CREATE TABLE users (
        id text PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('person', 'bot')),
        first_name text NOT NULL,
        last_name text NOT NULL,
        avatar jsonb NOT NULL,
        phone text UNIQUE,
        created_at bigint NOT NULL
      );

      CREATE TABLE sessions (
        token_hash text PRIMARY KEY,
        user_id text NOT NULL,
        created_at bigint NOT NULL
      );

      -- message_count is the next seq: the row is locked (FOR UPDATE) by every append, which
      -- serializes appends per conversation across all nodes.
      CREATE TABLE conversations (
        id text PRIMARY KEY,
        position bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        kind text NOT NULL CHECK (kind IN ('direct', 'group')),
        title text NOT NULL,
        created_at bigint NOT NULL,
        message_count integer NOT NULL DEFAULT 0
      );

      -- position: join order, the order bot turns rotate in.
      CREATE TABLE conversation_members (
        conversation_id text NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
        user_id text NOT NULL,
        position integer NOT NULL,
        PRIMARY KEY (conversation_id, user_id)
      );
      CREATE INDEX conversation_members_by_user ON conversation_members (user_id);

      CREATE TABLE messages (
        conversation_id text NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
        seq integer NOT NULL,
        id text NOT NULL UNIQUE,
        author_id text NOT NULL,
        sender_id text,
        client_message_id text,
        text text NOT NULL,
        sent_at bigint NOT NULL,
        PRIMARY KEY (conversation_id, seq),
        -- A resent message is stored once. NULLs (system messages) never collide.
        CONSTRAINT messages_sender_client_message_id UNIQUE (sender_id, client_message_id)
      );

      -- Per person and conversation: drives the bot alternation.
      CREATE TABLE send_counts (
        conversation_id text NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
        sender_id text NOT NULL,
        sends integer NOT NULL,
        PRIMARY KEY (conversation_id, sender_id)
      );
    `,
  },
  {
    version: 2,
    name: 'sessions remember when they were last seen and what signed in',
    // A session from before this version counts as seen at the upgrade (its creation time would
    // sign out, at the first idle sweep, everyone who has used Parley for 30 days). The default on
    // last_seen_at is for nodes still running the previous release during a rolling upgrade:
    // their INSERT names only the old columns and must not fail (nothing refuses an older node
    // here, unlike SQLite). Every current insert sets it.
    sql: `
      ALTER TABLE sessions ADD COLUMN last_seen_at bigint;
      UPDATE sessions SET last_seen_at = (extract(epoch FROM now()) * 1000)::bigint;
      ALTER TABLE sessions
        ALTER COLUMN last_seen_at SET NOT NULL,
        ALTER COLUMN last_seen_at SET DEFAULT (extract(epoch FROM now()) * 1000)::bigint,
        ADD COLUMN client text NOT NULL DEFAULT '';
      -- The user's list of sessions, oldest first; the idle sweep.
      CREATE INDEX sessions_by_user ON sessions (user_id, created_at, token_hash COLLATE "C");
      CREATE INDEX sessions_by_last_seen ON sessions (last_seen_at);
    `,
  },
  {
    version: 3,
    name: 'profiles, people search, people-made conversations, read and delivered positions',
    // search_key is searchKeyOf(first_name, last_name), computed in JS (PostgreSQL's regexes
    // know no Unicode categories): NULL until then. The store fills NULL keys in at open and
    // before each search, which also covers people a node still on the previous release signs
    // up during a rolling upgrade (its INSERT names only the old columns; every new column has a
    // default or may be NULL). COLLATE "C": code point order, as the other stores sort.
    sql: `
      ALTER TABLE users
        ADD COLUMN findable_by_phone boolean NOT NULL DEFAULT false,
        ADD COLUMN search_key text;
      CREATE INDEX users_people_by_search_key ON users (search_key COLLATE "C", id COLLATE "C")
        WHERE kind = 'person';
      CREATE INDEX users_without_search_key ON users (id) WHERE search_key IS NULL;

      -- NULL for the world's own conversations.
      ALTER TABLE conversations ADD COLUMN created_by text;

      -- One direct conversation per pair of people, smaller id first: the primary key is what
      -- makes two nodes opening the same pair at once agree (INSERT ... ON CONFLICT DO NOTHING
      -- waits for the other's transaction). The reference is checked at commit, as the pair is
      -- claimed before its conversation is inserted.
      CREATE TABLE direct_pairs (
        low_user_id text NOT NULL,
        high_user_id text NOT NULL,
        conversation_id text NOT NULL UNIQUE
          REFERENCES conversations (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        PRIMARY KEY (low_user_id, high_user_id),
        CHECK (low_user_id <= high_user_id COLLATE "C")
      );

      -- Message seqs, -1 for nothing yet; read implies delivered.
      CREATE TABLE member_positions (
        conversation_id text NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
        user_id text NOT NULL,
        delivered_seq integer NOT NULL CHECK (delivered_seq >= -1),
        read_seq integer NOT NULL CHECK (read_seq >= -1 AND read_seq <= delivered_seq),
        PRIMARY KEY (conversation_id, user_id)
      );

      CREATE TABLE avatar_images (
        user_id text PRIMARY KEY,
        hash text NOT NULL,
        mime text NOT NULL,
        bytes bytea NOT NULL,
        updated_at bigint NOT NULL
      );
    `,
  },
  {
    version: 4,
    name: 'members mute conversations',
    // Kept on the member's position row: it goes when they leave, as the position does. A mute
    // set before any read position is a row with the positions at -1. A node still on the
    // previous release names only the old columns, which the default covers.
    sql: `
      ALTER TABLE member_positions ADD COLUMN muted boolean NOT NULL DEFAULT false;
    `,
  },
  {
    version: 5,
    name: 'replies, edits, deletions for everyone and for oneself, reactions, change revisions',
    // An edit is an UPDATE of messages.text and a deletion sets it to '' (triggers on messages,
    // such as a full-text index's, keep up). revision: the conversation's change counter at the
    // message's latest change (0: never changed); conversations.revision is the counter, bumped
    // under the conversation's row lock, so revisions commit in order; bigint, as every revision
    // column, so a busy conversation never runs out (parsed to a number, exact to 2^53). Every
    // new column has a
    // default or may be NULL: a node still on the previous release keeps appending.
    sql: `
      ALTER TABLE messages
        ADD COLUMN reply_to_id text,
        ADD COLUMN edited_at bigint,
        ADD COLUMN edit_count integer NOT NULL DEFAULT 0 CHECK (edit_count >= 0),
        ADD COLUMN deleted_at bigint,
        ADD COLUMN revision bigint NOT NULL DEFAULT 0 CHECK (revision >= 0);
      CREATE INDEX messages_by_revision ON messages (conversation_id, revision)
        WHERE revision > 0;
      CREATE INDEX messages_by_reply_to ON messages (reply_to_id) WHERE reply_to_id IS NOT NULL;

      ALTER TABLE conversations ADD COLUMN revision bigint NOT NULL DEFAULT 0
        CHECK (revision >= 0);

      -- One reaction per person and message.
      CREATE TABLE message_reactions (
        message_id text NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
        user_id text NOT NULL,
        emoji text NOT NULL,
        reacted_at bigint NOT NULL,
        PRIMARY KEY (message_id, user_id)
      );

      -- "Delete for me": per person, with the revision the hide took.
      CREATE TABLE hidden_messages (
        message_id text NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
        user_id text NOT NULL,
        conversation_id text NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
        hidden_at bigint NOT NULL,
        revision bigint NOT NULL CHECK (revision > 0),
        PRIMARY KEY (message_id, user_id)
      );
      CREATE INDEX hidden_by_viewer ON hidden_messages (conversation_id, user_id, revision);
    `,
  },
  // Search (6) was written beside version 5 and does not depend on it: a database that got 6
  // first applies 5 after it (migrate runs whatever is not recorded).
  {
    version: 6,
    name: 'full-text message search',
    // search_words holds the message's folded words and their first one and two characters,
    // marked ^ (server/search.ts postgresDocumentOf: PostgreSQL's parser and unaccent fold
    // differently from the other stores), written by the store with the text, as
    // array_to_tsvector of exactly those lexemes: NULL until then. A change of text that does not
    // also write search_words (an edit, a deletion, a node on the previous release) sets it back
    // to NULL, and the store fills NULL words in at open and before each search, batch by batch:
    // the rows from before this version too. search_order numbers messages in the order they
    // were stored (existing rows get numbers as the column is added): newest first is its
    // descending order, and a page's cursor is one of its values.
    sql: `
      ALTER TABLE messages
        ADD COLUMN search_order bigint GENERATED ALWAYS AS IDENTITY,
        ADD COLUMN search_words tsvector;
      CREATE UNIQUE INDEX messages_by_search_order ON messages (search_order);
      CREATE INDEX messages_search_words ON messages USING gin (search_words);
      CREATE INDEX messages_without_search_words ON messages (search_order)
        WHERE search_words IS NULL;

      CREATE FUNCTION parley_forget_search_words() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.search_words IS NOT DISTINCT FROM OLD.search_words THEN
          NEW.search_words := NULL;
        END IF;
        RETURN NEW;
      END
      $$;
      CREATE TRIGGER messages_search_words_follow_text
        BEFORE UPDATE OF text ON messages
        FOR EACH ROW WHEN (NEW.text IS DISTINCT FROM OLD.text)
        EXECUTE FUNCTION parley_forget_search_words();
    `,
  },
];

export const migrationsTable = 'parley_schema_migrations';

/**
 * Applies every pending migration; returns the versions applied by this call. Versions need not
 * be contiguous: each one not yet recorded runs, in the list's order.
 */
export async function migrate(
  pool: Pool,
  known: readonly Migration[] = migrations,
): Promise<number[]> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    await client.query(
      `SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':parley-migrations'))`,
    );
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${migrationsTable} (
         version integer PRIMARY KEY,
         name text NOT NULL,
         applied_at timestamptz NOT NULL DEFAULT now()
       )`,
    );
    const { rows } = await client.query<{ version: number }>(
      `SELECT version FROM ${migrationsTable}`,
    );
    const applied = new Set(rows.map((row) => row.version));
    const pending = known.filter((migration) => !applied.has(migration.version));
    for (const migration of pending) {
      await client.query(migration.sql);
      await client.query(`INSERT INTO ${migrationsTable} (version, name) VALUES ($1, $2)`, [
        migration.version,
        migration.name,
      ]);
    }
    await client.query('COMMIT');
    return pending.map((migration) => migration.version);
  } catch (error) {
    await client.query('ROLLBACK').catch((rollbackError: unknown) => {
      broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
    });
    throw error;
  } finally {
    client.release(broken);
  }
}
