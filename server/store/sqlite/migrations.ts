// The SQLite schema as an ordered list of migrations. Each runs once, inside a transaction,
// and is recorded in `schema_migrations`; a database written by a newer Parley is refused
// rather than guessed at. Append new migrations; never edit one that has shipped.
import type { DatabaseSync } from 'node:sqlite';
import { searchDocumentOf } from '../../search.ts';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'users, sessions, conversations, messages',
    sql: `
      CREATE TABLE users (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('person', 'bot')),
        first_name TEXT NOT NULL,
        last_name TEXT NOT NULL,
        avatar TEXT NOT NULL CHECK (json_valid(avatar)),
        phone TEXT UNIQUE,
        created_at INTEGER NOT NULL
      ) STRICT;

      -- Only the sha-256 of a session token is kept: a copied database holds no usable token.
      CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY CHECK (length(token_hash) = 64),
        user_id TEXT NOT NULL,
        created_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX sessions_by_user ON sessions (user_id);

      CREATE TABLE conversations (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('direct', 'group')),
        title TEXT NOT NULL,
        created_at INTEGER NOT NULL
      ) STRICT;

      -- position keeps join order: the order bots take their authorship turns in.
      CREATE TABLE conversation_members (
        conversation_id TEXT NOT NULL REFERENCES conversations (id),
        user_id TEXT NOT NULL,
        position INTEGER NOT NULL,
        PRIMARY KEY (conversation_id, user_id)
      ) STRICT;
      CREATE INDEX members_by_user ON conversation_members (user_id);

      -- sender_id and client_message_id are NULL for the world's own messages (many NULLs are
      -- allowed by UNIQUE); for a person's send the pair is the idempotency key.
      CREATE TABLE messages (
        id TEXT PRIMARY KEY,
        conversation_id TEXT NOT NULL REFERENCES conversations (id),
        seq INTEGER NOT NULL CHECK (seq >= 0),
        author_id TEXT NOT NULL,
        sender_id TEXT,
        client_message_id TEXT,
        text TEXT NOT NULL,
        sent_at INTEGER NOT NULL,
        UNIQUE (conversation_id, seq),
        UNIQUE (sender_id, client_message_id),
        CHECK ((sender_id IS NULL) = (client_message_id IS NULL))
      ) STRICT;

      CREATE TABLE send_counts (
        conversation_id TEXT NOT NULL REFERENCES conversations (id),
        sender_id TEXT NOT NULL,
        count INTEGER NOT NULL CHECK (count >= 0),
        PRIMARY KEY (conversation_id, sender_id)
      ) STRICT;
    `,
  },
  {
    version: 2,
    name: 'sessions remember when they were last seen and what signed in',
    // SQLite cannot add a NOT NULL column without a default, so the table is rebuilt (nothing
    // references it). A session from before this version counts as seen at the upgrade: its
    // creation time would sign out, at the first idle sweep, everyone who has used Parley for
    // more than 30 days.
    sql: `
      CREATE TABLE sessions_v2 (
        token_hash TEXT PRIMARY KEY CHECK (length(token_hash) = 64),
        user_id TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        last_seen_at INTEGER NOT NULL,
        client TEXT NOT NULL DEFAULT ''
      ) STRICT;
      INSERT INTO sessions_v2 (token_hash, user_id, created_at, last_seen_at)
        SELECT token_hash, user_id, created_at, CAST(unixepoch('subsec') * 1000 AS INTEGER)
        FROM sessions;
      DROP TABLE sessions;
      ALTER TABLE sessions_v2 RENAME TO sessions;
      -- The user's list of sessions, oldest first, straight from the index.
      CREATE INDEX sessions_by_user ON sessions (user_id, created_at, token_hash);
      -- The idle sweep: DELETE ... WHERE last_seen_at < ?.
      CREATE INDEX sessions_by_last_seen ON sessions (last_seen_at);
    `,
  },
  {
    version: 3,
    name: 'profiles, people search, people-made conversations, read and delivered positions',
    // search_key is searchKeyOf(first_name, last_name), computed in JS (SQL has no NFKD): NULL
    // until then; SqliteStore.open fills in every NULL key, so rows from before this version
    // are found too.
    sql: `
      ALTER TABLE users ADD COLUMN findable_by_phone INTEGER NOT NULL DEFAULT 0
        CHECK (findable_by_phone IN (0, 1));
      ALTER TABLE users ADD COLUMN search_key TEXT;
      CREATE INDEX users_by_search_key ON users (kind, search_key, id);

      -- NULL for the world's own conversations.
      ALTER TABLE conversations ADD COLUMN created_by TEXT;

      -- One direct conversation per pair of people: the pair, smaller id first, is the key.
      CREATE TABLE direct_pairs (
        low_user_id TEXT NOT NULL,
        high_user_id TEXT NOT NULL,
        conversation_id TEXT NOT NULL UNIQUE REFERENCES conversations (id),
        PRIMARY KEY (low_user_id, high_user_id),
        CHECK (low_user_id <= high_user_id)
      ) STRICT;

      -- Message seqs, -1 for nothing yet; read implies delivered.
      CREATE TABLE member_positions (
        conversation_id TEXT NOT NULL REFERENCES conversations (id),
        user_id TEXT NOT NULL,
        delivered_seq INTEGER NOT NULL CHECK (delivered_seq >= -1),
        read_seq INTEGER NOT NULL CHECK (read_seq >= -1 AND read_seq <= delivered_seq),
        PRIMARY KEY (conversation_id, user_id)
      ) STRICT;

      CREATE TABLE avatar_images (
        user_id TEXT PRIMARY KEY,
        hash TEXT NOT NULL,
        mime TEXT NOT NULL,
        bytes BLOB NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 4,
    name: 'members mute conversations',
    // Kept on the member's position row: it goes when they leave, as the position does. A mute
    // set before any read position is a row with the positions at -1.
    sql: `
      ALTER TABLE member_positions ADD COLUMN muted INTEGER NOT NULL DEFAULT 0
        CHECK (muted IN (0, 1));
    `,
  },
  {
    version: 5,
    name: 'replies, edits, deletions for everyone and for oneself, reactions, change revisions',
    // An edit is an UPDATE of messages.text and a deletion sets it to '' (triggers on messages,
    // such as a full-text index's, keep up). revision: the conversation's change counter at the
    // message's latest change (0: never changed); conversations.revision is the counter.
    sql: `
      ALTER TABLE messages ADD COLUMN reply_to_id TEXT;
      ALTER TABLE messages ADD COLUMN edited_at INTEGER;
      ALTER TABLE messages ADD COLUMN edit_count INTEGER NOT NULL DEFAULT 0
        CHECK (edit_count >= 0);
      ALTER TABLE messages ADD COLUMN deleted_at INTEGER;
      ALTER TABLE messages ADD COLUMN revision INTEGER NOT NULL DEFAULT 0
        CHECK (revision >= 0);
      CREATE INDEX messages_by_revision ON messages (conversation_id, revision)
        WHERE revision > 0;
      CREATE INDEX messages_by_reply_to ON messages (reply_to_id) WHERE reply_to_id IS NOT NULL;

      ALTER TABLE conversations ADD COLUMN revision INTEGER NOT NULL DEFAULT 0
        CHECK (revision >= 0);

      -- One reaction per person and message.
      CREATE TABLE message_reactions (
        message_id TEXT NOT NULL REFERENCES messages (id),
        user_id TEXT NOT NULL,
        emoji TEXT NOT NULL,
        reacted_at INTEGER NOT NULL,
        PRIMARY KEY (message_id, user_id)
      ) STRICT;

      -- "Delete for me": per person, with the revision the hide took.
      CREATE TABLE hidden_messages (
        message_id TEXT NOT NULL REFERENCES messages (id),
        user_id TEXT NOT NULL,
        conversation_id TEXT NOT NULL REFERENCES conversations (id),
        hidden_at INTEGER NOT NULL,
        revision INTEGER NOT NULL CHECK (revision > 0),
        PRIMARY KEY (message_id, user_id)
      ) STRICT;
      CREATE INDEX hidden_by_viewer ON hidden_messages (conversation_id, user_id, revision);
    `,
  },
  // Search (6) was written beside version 5 and does not depend on it: a database that got 6
  // first applies 5 after it (migrate skips what is recorded, gaps allowed).
  {
    version: 6,
    name: 'full-text message search',
    // An external-content FTS5 index over messages: it keeps only the words, the text stays in
    // messages. What it indexes is parley_search_document(text) (server/search.ts, registered on
    // every connection by migrate): the folded words, so the ascii tokenizer only splits on the
    // spaces between them and never folds again. detail=none: a search needs which messages
    // hold a word, never where; prefix indexes make one- to three-letter prefixes cheap. The
    // triggers follow every write of text, edits and deletions (text = '') included; the last
    // statement indexes the messages already there. Never 'rebuild' this table: that would
    // index the raw text.
    sql: `
      CREATE VIRTUAL TABLE messages_search USING fts5(
        text,
        content = 'messages',
        content_rowid = 'rowid',
        tokenize = 'ascii',
        detail = 'none',
        prefix = '1 2 3'
      );
      CREATE TRIGGER messages_search_after_insert AFTER INSERT ON messages BEGIN
        INSERT INTO messages_search (rowid, text)
          VALUES (new.rowid, parley_search_document(new.text));
      END;
      CREATE TRIGGER messages_search_after_delete AFTER DELETE ON messages BEGIN
        INSERT INTO messages_search (messages_search, rowid, text)
          VALUES ('delete', old.rowid, parley_search_document(old.text));
      END;
      CREATE TRIGGER messages_search_after_update AFTER UPDATE OF text ON messages BEGIN
        INSERT INTO messages_search (messages_search, rowid, text)
          VALUES ('delete', old.rowid, parley_search_document(old.text));
        INSERT INTO messages_search (rowid, text)
          VALUES (new.rowid, parley_search_document(new.text));
      END;
      INSERT INTO messages_search (rowid, text)
        SELECT rowid, parley_search_document(text) FROM messages;
    `,
  },
];

/** The highest version, wherever it sits in the list (versions may arrive out of order). */
export const latestSchemaVersion = Math.max(0, ...migrations.map((migration) => migration.version));

export class SchemaTooNewError extends Error {
  override name = 'SchemaTooNewError';
}

/** The versions recorded in the database, creating the version table on first use. */
function appliedVersions(db: DatabaseSync): Set<number> {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at INTEGER NOT NULL
  ) STRICT`);
  const rows = db.prepare('SELECT version FROM schema_migrations').all();
  return new Set(rows.map((row) => Number(row.version)));
}

/**
 * The SQL functions the schema's triggers call. Registered on every connection before anything
 * writes a message (migrate does it): a connection without them cannot change messages.
 */
export function registerSearchFunctions(db: DatabaseSync): void {
  db.function('parley_search_document', { deterministic: true }, (text) =>
    searchDocumentOf(String(text)),
  );
}

/**
 * Brings the schema up to date; returns the versions it applied (empty when current). Versions
 * need not be contiguous: each one not yet recorded runs, in the list's order.
 */
export function migrate(
  db: DatabaseSync,
  pending: readonly Migration[] = migrations,
  now: () => number = Date.now,
): number[] {
  registerSearchFunctions(db);
  const applied = appliedVersions(db);
  const newest = Math.max(0, ...applied);
  const known = Math.max(0, ...pending.map((migration) => migration.version));
  if (newest > known) {
    throw new SchemaTooNewError(
      `this database has schema version ${newest}, newer than this Parley knows (${known}): ` +
        'upgrade Parley or point it at another data folder',
    );
  }
  const ran: number[] = [];
  for (const migration of pending) {
    if (applied.has(migration.version)) continue;
    db.exec('BEGIN IMMEDIATE');
    try {
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        migration.version,
        migration.name,
        now(),
      );
      db.exec('COMMIT');
    } catch (error) {
      db.exec('ROLLBACK');
      throw error;
    }
    ran.push(migration.version);
  }
  return ran;
}
