import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import {
  latestSchemaVersion,
  migrate,
  migrations,
  registerSearchFunctions,
  SchemaTooNewError,
} from '../../server/store/sqlite/migrations.ts';
import { SqliteStore } from '../../server/store/sqlite/store.ts';
import { describeStoreContract } from './storeContract.ts';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function tempFile(): string {
  const folder = mkdtempSync(path.join(tmpdir(), 'parley-sqlite-'));
  folders.push(folder);
  return path.join(folder, 'nested', 'parley.db');
}

describeStoreContract('SqliteStore (file)', () => SqliteStore.open(tempFile()));
describeStoreContract('SqliteStore (:memory:)', () => SqliteStore.open(':memory:'));

async function storeWithRoom(file = tempFile()) {
  const store = SqliteStore.open(file);
  const room = await store.createConversation({
    kind: 'group',
    title: 'Room',
    memberIds: ['a', 'b'],
    createdAt: 1,
  });
  return { store, room, file };
}

describe('SqliteStore on disk', () => {
  it('uses WAL with synchronous=FULL and records its schema version', async () => {
    const { store, file } = await storeWithRoom();
    await store.close();
    const db = new DatabaseSync(file, { readOnly: true });
    expect(db.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' });
    // Every version this Parley knows, and only those (versions may have gaps).
    expect(db.prepare('SELECT version FROM schema_migrations ORDER BY version').all()).toEqual(
      migrations.map(({ version }) => ({ version })).sort((a, b) => a.version - b.version),
    );
    expect(latestSchemaVersion).toBe(Math.max(...migrations.map(({ version }) => version)));
    db.close();
    // synchronous is per connection: ask the store's own.
    const reopened = SqliteStore.open(file);
    expect(reopened.durability()).toEqual({ journalMode: 'wal', synchronous: 'FULL' });
    await reopened.close();
    const relaxed = SqliteStore.open(file, { synchronous: 'NORMAL' });
    expect(relaxed.durability().synchronous).toBe('NORMAL');
    await relaxed.close();
  });

  it('keeps everything across close and reopen, without migrating twice', async () => {
    const { store, room, file } = await storeWithRoom();
    const { user } = await store.createUser({
      kind: 'person',
      firstName: 'Trunks',
      lastName: 'Briefs',
      avatar: { initials: 'TB', color: '#1565c0' },
      phone: '+14155550100',
      createdAt: 1,
    });
    await store.createSession({
      tokenHash: 'f'.repeat(64),
      userId: user.id,
      createdAt: 2,
      lastSeenAt: 2,
      client: 'Parley test',
    });
    const sent = await store.appendUserMessage({
      conversationId: room.id,
      senderId: 'a',
      clientMessageId: 'm1',
      text: 'kept',
      sentAt: 3,
      authorFor: () => 'a',
    });
    await store.close();

    const reopened = SqliteStore.open(file);
    expect(await reopened.getUserByPhone('+14155550100')).toEqual(user);
    expect(await reopened.getSession('f'.repeat(64))).toEqual({
      tokenHash: 'f'.repeat(64),
      userId: user.id,
      createdAt: 2,
      lastSeenAt: 2,
      client: 'Parley test',
    });
    expect(await reopened.getLastMessage(room.id)).toEqual(sent.message);
    expect(await reopened.getSendCount(room.id, 'a')).toBe(1);
    expect(await reopened.listConversationsOf('b')).toEqual([room]);
    await reopened.close();

    const db = new DatabaseSync(file);
    expect(migrate(db)).toEqual([]);
    db.close();
  });

  it('upgrades a version-1 database: its sessions count as seen at the upgrade, so none is swept as idle', async () => {
    const file = tempFile();
    mkdirSync(path.dirname(file), { recursive: true });
    // A database as the release before sessions had lastSeenAt and client left it.
    const old = new DatabaseSync(file);
    expect(
      migrate(
        old,
        migrations.filter((migration) => migration.version === 1),
      ),
    ).toEqual([1]);
    const insert = old.prepare(
      'INSERT INTO sessions (token_hash, user_id, created_at) VALUES (?, ?, ?)',
    );
    insert.run('a'.repeat(64), 'u1', 1_000);
    insert.run('b'.repeat(64), 'u1', 2_000);
    insert.run('c'.repeat(64), 'u2', 3_000);
    old.close();

    const upgradedAt = Date.now();
    const store = SqliteStore.open(file);
    // Made in 1970 and used yesterday, for all the old schema knew: it must survive the sweep.
    expect(await store.getSession('a'.repeat(64))).toEqual({
      tokenHash: 'a'.repeat(64),
      userId: 'u1',
      createdAt: 1_000,
      lastSeenAt: expect.any(Number),
      client: '',
    });
    for (const session of await store.listSessionsOf('u1')) {
      expect(session.lastSeenAt).toBeGreaterThanOrEqual(upgradedAt - 1_000);
      expect(session.lastSeenAt).toBeLessThanOrEqual(Date.now() + 1_000);
    }
    expect(await store.deleteSessionsIdleSince(upgradedAt - 30 * 24 * 60 * 60_000)).toBe(0);
    expect(await store.listSessionsOf('u2')).toHaveLength(1);
    await store.close();

    const db = new DatabaseSync(file, { readOnly: true });
    expect(db.prepare('SELECT max(version) AS version FROM schema_migrations').get()).toEqual({
      version: latestSchemaVersion,
    });
    const indexes = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'sessions'")
      .all()
      .map((row) => row.name);
    expect(indexes).toEqual(expect.arrayContaining(['sessions_by_user', 'sessions_by_last_seen']));
    db.close();
    // The rebuilt table still refuses what version 1 refused, and needs last_seen_at.
    const writable = new DatabaseSync(file);
    expect(() =>
      writable
        .prepare(
          "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at) VALUES ('short', 'u', 1, 1)",
        )
        .run(),
    ).toThrow(/CHECK constraint failed/);
    expect(() =>
      writable
        .prepare('INSERT INTO sessions (token_hash, user_id, created_at) VALUES (?, ?, ?)')
        .run('d'.repeat(64), 'u', 1),
    ).toThrow(/NOT NULL constraint failed: sessions.last_seen_at/);
    writable.close();
  });

  it('upgrades a version-2 database: its people are found by name, unfindable by phone, and its conversations made by nobody', async () => {
    const file = tempFile();
    mkdirSync(path.dirname(file), { recursive: true });
    // A database as the release before profiles, search and positions left it.
    const old = new DatabaseSync(file);
    expect(
      migrate(
        old,
        migrations.filter((migration) => migration.version <= 2),
      ),
    ).toEqual([1, 2]);
    const avatar = JSON.stringify({ initials: 'ÉB', color: '#1565c0' });
    const insertUser = old.prepare(
      `INSERT INTO users (id, kind, first_name, last_name, avatar, phone, created_at)
       VALUES (?, ?, ?, ?, ?, ?, 1)`,
    );
    insertUser.run('elodie', 'person', 'Élodie', 'Brière', avatar, '+14155550100');
    insertUser.run('bulma', 'person', 'Bulma', 'Briefs', avatar, '+14155550101');
    insertUser.run('bot', 'bot', 'Bulma', 'Bot', avatar, null);
    old
      .prepare(
        "INSERT INTO conversations (id, kind, title, created_at) VALUES ('c1', 'group', 'Old', 1)",
      )
      .run();
    old.close();

    const store = SqliteStore.open(file);
    expect((await store.searchPeople('bri', 10)).map((user) => user.id)).toEqual([
      'bulma',
      'elodie',
    ]);
    expect((await store.searchPeople('ELO', 10)).map((user) => user.id)).toEqual(['elodie']);
    expect((await store.getUser('elodie'))?.findableByPhone).toBe(false);
    expect((await store.getConversation('c1'))?.createdBy).toBeNull();
    await store.close();
    const db = new DatabaseSync(file, { readOnly: true });
    expect(db.prepare('SELECT COUNT(*) AS n FROM users WHERE search_key IS NULL').get()).toEqual({
      n: 0,
    });
    db.close();
  });

  it('upgrades a version-3 database: read positions stay, nobody has muted anything', async () => {
    const file = tempFile();
    mkdirSync(path.dirname(file), { recursive: true });
    // A database as the release before mutes left it.
    const old = new DatabaseSync(file);
    expect(
      migrate(
        old,
        migrations.filter((migration) => migration.version <= 3),
      ),
    ).toEqual([1, 2, 3]);
    old
      .prepare(
        "INSERT INTO conversations (id, kind, title, created_at) VALUES ('c1', 'group', 'Old', 1)",
      )
      .run();
    old
      .prepare(
        `INSERT INTO member_positions (conversation_id, user_id, delivered_seq, read_seq)
         VALUES ('c1', 'a', 4, 3)`,
      )
      .run();
    old.close();

    const store = SqliteStore.open(file);
    expect(await store.getPosition('c1', 'a')).toEqual({
      userId: 'a',
      deliveredSeq: 4,
      readSeq: 3,
    });
    expect(await store.isMuted('c1', 'a')).toBe(false);
    expect(await store.setMuted('c1', 'a', true)).toEqual({ changed: true });
    expect(await store.getPosition('c1', 'a')).toEqual({
      userId: 'a',
      deliveredSeq: 4,
      readSeq: 3,
    });
    await store.close();
  });

  it('upgrades a version-4 database: its messages are unchanged, unedited, and can be worked with', async () => {
    const file = tempFile();
    mkdirSync(path.dirname(file), { recursive: true });
    // A database as the release before replies, edits and reactions left it.
    const old = new DatabaseSync(file);
    expect(
      migrate(
        old,
        migrations.filter((migration) => migration.version <= 4),
      ),
    ).toEqual([1, 2, 3, 4]);
    old
      .prepare(
        "INSERT INTO conversations (id, kind, title, created_at) VALUES ('c1', 'group', 'Old', 1)",
      )
      .run();
    old
      .prepare(
        `INSERT INTO messages
           (id, conversation_id, seq, author_id, sender_id, client_message_id, text, sent_at)
         VALUES ('m1', 'c1', 0, 'a', 'a', 'x1', 'from before', 5)`,
      )
      .run();
    old.close();

    const store = SqliteStore.open(file);
    const before = {
      id: 'm1',
      conversationId: 'c1',
      authorId: 'a',
      text: 'from before',
      sentAt: 5,
      seq: 0,
      clientMessageId: 'x1',
    };
    expect(await store.getLastMessage('c1')).toEqual(before);
    expect(await store.getRevision('c1')).toBe(0);
    const edited = await store.editMessage({
      conversationId: 'c1',
      messageId: 'm1',
      text: 'edited after the upgrade',
      editedAt: 9,
      check: (target) => (target.senderId === 'a' ? null : 'forbidden'),
    });
    expect(edited).toEqual({
      ok: true,
      changed: true,
      message: {
        ...before,
        text: 'edited after the upgrade',
        editedAt: 9,
        editCount: 1,
        revision: 1,
      },
    });
    await store.close();
  });

  it('upgrades a version-4 database: the messages already there are found by search', async () => {
    const file = tempFile();
    mkdirSync(path.dirname(file), { recursive: true });
    // A database as the release before search left it (version 5 is not needed first).
    const old = new DatabaseSync(file);
    expect(
      migrate(
        old,
        migrations.filter((migration) => migration.version <= 4),
      ),
    ).toEqual([1, 2, 3, 4]);
    old.exec(`
      INSERT INTO conversations (id, kind, title, created_at) VALUES ('c1', 'group', 'Old', 1);
      INSERT INTO conversation_members (conversation_id, user_id, position) VALUES ('c1', 'a', 0);
      INSERT INTO messages (id, conversation_id, seq, author_id, text, sent_at)
        VALUES ('m0', 'c1', 0, 'a', 'Ünïcödé before the upgrade', 1),
               ('m1', 'c1', 1, 'a', 'and another before', 2);
    `);
    old.close();

    const store = SqliteStore.open(file);
    const page = await store.searchMessages('a', 'unicode BEF');
    expect(page.hits.map((hit) => [hit.message.id, hit.highlights])).toEqual([
      [
        'm0',
        [
          [0, 7],
          [8, 11],
        ],
      ],
    ]);
    expect((await store.searchMessages('a', 'before')).hits.map((hit) => hit.message.id)).toEqual([
      'm1',
      'm0',
    ]);
    await store.close();
  });

  it('search follows every change of a message’s text (edits, deletion as empty text, removal)', async () => {
    const { store, room, file } = await storeWithRoom();
    const first = await store.appendSystemMessage({
      conversationId: room.id,
      authorId: 'a',
      text: 'the original wording',
      sentAt: 1,
    });
    await store.appendSystemMessage({
      conversationId: room.id,
      authorId: 'a',
      text: 'another original',
      sentAt: 2,
    });
    await store.close();
    // Changed the way an edit or a delete-for-everyone changes it: an UPDATE of the text.
    const db = new DatabaseSync(file);
    registerSearchFunctions(db);
    db.prepare('UPDATE messages SET text = ? WHERE id = ?').run('the edited Wörding', first.id);
    db.close();

    const reopened = SqliteStore.open(file);
    const found = async (query: string) =>
      (await reopened.searchMessages('a', query)).hits.map((hit) => hit.message.text);
    expect(await found('original')).toEqual(['another original']);
    expect(await found('wording edit')).toEqual(['the edited Wörding']);
    await reopened.close();

    const again = new DatabaseSync(file);
    registerSearchFunctions(again);
    again.prepare("UPDATE messages SET text = '' WHERE id = ?").run(first.id);
    again.prepare("DELETE FROM messages WHERE text = 'another original'").run();
    again.close();
    const last = SqliteStore.open(file);
    expect((await last.searchMessages('a', 'wording')).hits).toEqual([]);
    expect((await last.searchMessages('a', 'original')).hits).toEqual([]);
    await last.close();
  });

  it('refuses a change of text from a connection that could not index it, changing nothing', async () => {
    const { store, room, file } = await storeWithRoom();
    await store.appendSystemMessage({
      conversationId: room.id,
      authorId: 'a',
      text: 'kept as it is',
      sentAt: 1,
    });
    await store.close();
    const raw = new DatabaseSync(file);
    expect(() => raw.prepare("UPDATE messages SET text = 'changed behind its back'").run()).toThrow(
      /no such function: parley_search_document/,
    );
    raw.close();
    const reopened = SqliteStore.open(file);
    expect((await reopened.searchMessages('a', 'kept')).hits).toHaveLength(1);
    expect((await reopened.listMessages(room.id, { limit: 5 })).messages[0]?.text).toBe(
      'kept as it is',
    );
    await reopened.close();
  });

  it('refuses a database written by a newer Parley', async () => {
    const { store, file } = await storeWithRoom();
    await store.close();
    const db = new DatabaseSync(file);
    db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
      latestSchemaVersion + 1,
      'from the future',
      0,
    );
    db.close();
    expect(() => SqliteStore.open(file)).toThrow(SchemaTooNewError);
  });

  it('applies a version that arrives after a later one (a gap in the versions, filled later)', () => {
    const db = new DatabaseSync(':memory:');
    const known = migrations.filter((migration) => migration.version !== 5);
    expect(migrate(db, known)).toEqual(known.map((migration) => migration.version));
    // Version 5 lands later (another change's): it runs then, and only it.
    const late = { version: 5, name: 'arrives late', sql: 'CREATE TABLE arrived_late (x)' };
    const all = [
      ...known.filter((migration) => migration.version < 5),
      late,
      ...known.filter((migration) => migration.version > 5),
    ];
    expect(migrate(db, all)).toEqual([5]);
    expect(migrate(db, all)).toEqual([]);
    db.close();
  });

  it('rolls a failed migration back entirely', () => {
    const db = new DatabaseSync(':memory:');
    const broken = [{ version: 1, name: 'half', sql: 'CREATE TABLE a (x); CREATE TABLE (' }];
    expect(() => migrate(db, broken)).toThrow(/syntax error/);
    expect(
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'a'").all(),
    ).toEqual([]);
    expect(db.prepare('SELECT COUNT(*) AS n FROM schema_migrations').get()).toEqual({ n: 0 });
    db.close();
  });

  it('enforces UNIQUE (sender, clientMessageId) in the schema itself', async () => {
    const { store, room, file } = await storeWithRoom();
    await store.appendUserMessage({
      conversationId: room.id,
      senderId: 'a',
      clientMessageId: 'once',
      text: 'x',
      sentAt: 1,
      authorFor: () => 'a',
    });
    await store.close();
    const db = new DatabaseSync(file);
    // Writing messages needs the search triggers' function (see the search tests below).
    registerSearchFunctions(db);
    expect(() =>
      db
        .prepare(
          `INSERT INTO messages (id, conversation_id, seq, author_id, sender_id,
             client_message_id, text, sent_at) VALUES ('other', ?, 99, 'a', 'a', 'once', 'y', 1)`,
        )
        .run(room.id),
    ).toThrow(/UNIQUE constraint failed: messages.sender_id, messages.client_message_id/);
    db.close();
  });

  it('stores nothing when a send fails half-way (message, seq and counter are one transaction)', async () => {
    const { store, room } = await storeWithRoom();
    await expect(
      store.appendUserMessage({
        conversationId: room.id,
        senderId: 'a',
        clientMessageId: 'boom',
        text: 'x',
        sentAt: 1,
        authorFor: () => {
          throw new Error('author lookup failed');
        },
      }),
    ).rejects.toThrow('author lookup failed');
    expect(await store.getSendCount(room.id, 'a')).toBe(0);
    expect(await store.getLastMessage(room.id)).toBeNull();
    // And the connection is usable afterwards (no transaction left open).
    const next = await store.appendUserMessage({
      conversationId: room.id,
      senderId: 'a',
      clientMessageId: 'boom',
      text: 'y',
      sentAt: 2,
      authorFor: () => 'a',
    });
    expect(next).toMatchObject({ duplicate: false, message: { seq: 0, text: 'y' } });
    await store.close();
  });

  it('round-trips unicode edge cases: NUL, RTL marks, zero-width joiners, astral emoji', async () => {
    const { store, room } = await storeWithRoom();
    const text = 'a\u0000b \u202Eevil\u202C 👩\u200D👩\u200D👧 \u200F𝔘';
    const { message } = await store.appendUserMessage({
      conversationId: room.id,
      senderId: 'a',
      clientMessageId: 'unicode',
      text,
      sentAt: 1,
      authorFor: () => 'a',
    });
    expect(message.text).toBe(text);
    expect((await store.getLastMessage(room.id))?.text).toBe(text);
    await store.close();
  });

  it('lets two connections to one file see each other’s writes (a restart while another reads)', async () => {
    const file = tempFile();
    const first = SqliteStore.open(file);
    const second = SqliteStore.open(file);
    const room = await first.createConversation({
      kind: 'group',
      title: 'Shared',
      memberIds: ['a'],
      createdAt: 1,
    });
    expect(await second.getConversation(room.id)).toEqual(room);
    await first.close();
    await second.close();
  });
});
