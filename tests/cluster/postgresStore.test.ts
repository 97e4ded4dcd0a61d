// The PostgreSQL store: the shared store contract, then what only a shared database must get
// right: migrations that run once however many nodes start together, and appends from several
// nodes (separate pools) into one conversation that never duplicate a seq or break the bot
// alternation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, migrations } from '../../server/store/postgres/migrations.ts';
import { openPostgresStore, type PostgresStore } from '../../server/store/postgres/store.ts';
import { describeStoreContract } from '../server/storeContract.ts';
import { createSchema, dropSchemas, requirePostgres } from './services.ts';
import pg from 'pg';

const schemas: string[] = [];

async function freshStore(): Promise<PostgresStore> {
  const schema = await createSchema();
  schemas.push(schema.name);
  return openPostgresStore({ connectionString: schema.url, maxConnections: 4 });
}

beforeAll(requirePostgres);
afterAll(() => dropSchemas(schemas));

describeStoreContract('PostgresStore', freshStore);

/** Polls pg_locks until some session waits for an advisory lock. */
async function waitForAdvisoryLockWaiter(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (let attempt = 0; attempt < 500; attempt += 1) {
      const { rows } = await client.query<{ waiting: number }>(
        `SELECT count(*)::integer AS waiting FROM pg_locks
         WHERE locktype = 'advisory' AND NOT granted`,
      );
      if ((rows[0]?.waiting ?? 0) > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error('no session ever waited for the advisory lock');
  } finally {
    await client.end();
  }
}

describe('PostgresStore on a shared database', () => {
  it('migrates once when several nodes start at the same moment, and records the version', async () => {
    const schema = await createSchema();
    schemas.push(schema.name);
    const pools = Array.from(
      { length: 3 },
      () => new pg.Pool({ connectionString: schema.url, max: 2 }),
    );
    try {
      const applied = await Promise.all(pools.map((pool) => migrate(pool)));
      // Exactly one node applied everything; the others found nothing to do.
      expect(applied.flat().sort()).toEqual(migrations.map((migration) => migration.version));
      const { rows } = await pools[0]!.query('SELECT version, name FROM parley_schema_migrations');
      expect(rows).toEqual(migrations.map(({ version, name }) => ({ version, name })));
      expect(await migrate(pools[0]!)).toEqual([]);
    } finally {
      await Promise.all(pools.map((pool) => pool.end()));
    }
  });

  it('upgrades a version-1 schema: old sessions count as seen at the upgrade, old nodes can still sign in', async () => {
    const schema = await createSchema();
    schemas.push(schema.name);
    const pool = new pg.Pool({ connectionString: schema.url, max: 1 });
    try {
      // The schema as the release before sessions had lastSeenAt and client left it.
      await pool.query(migrations.find((migration) => migration.version === 1)!.sql);
      await pool.query(`CREATE TABLE parley_schema_migrations (
        version integer PRIMARY KEY, name text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now())`);
      await pool.query(`INSERT INTO parley_schema_migrations (version, name) VALUES (1, 'x')`);
      await pool.query(
        `INSERT INTO sessions (token_hash, user_id, created_at) VALUES ('old1', 'u1', 1000), ('old2', 'u1', 2000)`,
      );

      const upgradedAt = Date.now();
      const store = await openPostgresStore({ connectionString: schema.url, maxConnections: 2 });
      try {
        expect(await store.getSession('old1')).toEqual({
          tokenHash: 'old1',
          userId: 'u1',
          createdAt: 1000,
          lastSeenAt: expect.any(Number),
          client: '',
        });
        // Not its creation time: the first idle sweep would sign every long-time user out.
        expect((await store.getSession('old1'))!.lastSeenAt).toBeGreaterThanOrEqual(
          upgradedAt - 1000,
        );
        expect(await store.deleteSessionsIdleSince(upgradedAt - 30 * 24 * 60 * 60_000)).toBe(0);
        // A node still on the previous release inserts only the old columns: it must not fail,
        // and its session counts as seen now (not swept at once).
        const before = Date.now();
        await pool.query(
          `INSERT INTO sessions (token_hash, user_id, created_at) VALUES ('fromOldNode', 'u1', 3000)`,
        );
        const fromOldNode = await store.getSession('fromOldNode');
        expect(fromOldNode?.lastSeenAt).toBeGreaterThanOrEqual(before - 1000);
        expect((await store.listSessionsOf('u1')).map((session) => session.tokenHash)).toEqual([
          'old1',
          'old2',
          'fromOldNode',
        ]);
      } finally {
        await store.close();
      }
      const { rows } = await pool.query<{ indexname: string }>(
        `SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'sessions'`,
      );
      expect(rows.map((row) => row.indexname)).toEqual(
        expect.arrayContaining(['sessions_by_user', 'sessions_by_last_seen']),
      );
    } finally {
      await pool.end();
    }
  });

  it('upgrades a version-3 schema: read positions stay, nobody has muted anything, an old node still advances positions', async () => {
    const schema = await createSchema();
    schemas.push(schema.name);
    const pool = new pg.Pool({ connectionString: schema.url, max: 1 });
    try {
      // The schema as the release before mutes left it.
      await pool.query(`CREATE TABLE parley_schema_migrations (
        version integer PRIMARY KEY, name text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now())`);
      for (const migration of migrations.filter((candidate) => candidate.version <= 3)) {
        await pool.query(migration.sql);
        await pool.query('INSERT INTO parley_schema_migrations (version, name) VALUES ($1, $2)', [
          migration.version,
          migration.name,
        ]);
      }
      await pool.query(
        `INSERT INTO conversations (id, kind, title, created_at) VALUES ('c1', 'group', 'Old', 1)`,
      );
      await pool.query(
        `INSERT INTO member_positions (conversation_id, user_id, delivered_seq, read_seq)
         VALUES ('c1', 'a', 4, 3)`,
      );

      const store = await openPostgresStore({ connectionString: schema.url, maxConnections: 2 });
      try {
        expect(await store.getPosition('c1', 'a')).toEqual({
          userId: 'a',
          deliveredSeq: 4,
          readSeq: 3,
        });
        expect(await store.isMuted('c1', 'a')).toBe(false);
        expect(await store.setMuted('c1', 'a', true)).toEqual({ changed: true });
        // A node still on the previous release names only the old columns.
        await pool.query(
          `INSERT INTO member_positions (conversation_id, user_id, delivered_seq, read_seq)
           VALUES ('c1', 'b', 1, 1)`,
        );
        expect(await store.isMuted('c1', 'b')).toBe(false);
        expect(await store.isMuted('c1', 'a')).toBe(true);
      } finally {
        await store.close();
      }
    } finally {
      await pool.end();
    }
  });

  it('upgrades a version-2 schema: its people are found by name, and so is whoever an old node signs up', async () => {
    const schema = await createSchema();
    schemas.push(schema.name);
    const pool = new pg.Pool({ connectionString: schema.url, max: 1 });
    const oldUser = (id: string, firstName: string, lastName: string, phone: string) =>
      pool.query(
        `INSERT INTO users (id, kind, first_name, last_name, avatar, phone, created_at)
         VALUES ($1, 'person', $2, $3, '{"initials":"X","color":"#000000"}', $4, 1)`,
        [id, firstName, lastName, phone],
      );
    try {
      // The schema as the release before profiles, search and positions left it.
      await pool.query(`CREATE TABLE parley_schema_migrations (
        version integer PRIMARY KEY, name text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now())`);
      for (const migration of migrations.filter((candidate) => candidate.version <= 2)) {
        await pool.query(migration.sql);
        await pool.query('INSERT INTO parley_schema_migrations (version, name) VALUES ($1, $2)', [
          migration.version,
          migration.name,
        ]);
      }
      await oldUser('elodie', 'Élodie', 'Brière', '+14155550100');
      await pool.query(
        `INSERT INTO conversations (id, kind, title, created_at) VALUES ('c1', 'group', 'Old', 1)`,
      );

      const store = await openPostgresStore({ connectionString: schema.url, maxConnections: 2 });
      try {
        expect((await store.searchPeople('ELO bri', 10)).map((user) => user.id)).toEqual([
          'elodie',
        ]);
        expect((await store.getUser('elodie'))?.findableByPhone).toBe(false);
        expect((await store.getConversation('c1'))?.createdBy).toBeNull();
        // A node still on the previous release signs someone up, naming only the old columns.
        await oldUser('bulma', 'Bulma', 'Briefs', '+14155550101');
        expect((await store.searchPeople('bri', 10)).map((user) => user.id)).toEqual([
          'bulma',
          'elodie',
        ]);
      } finally {
        await store.close();
      }
    } finally {
      await pool.end();
    }
  });

  it('upgrades a version-4 schema: its messages are found by search, and so are those an old node stores or anyone edits', async () => {
    const schema = await createSchema();
    schemas.push(schema.name);
    const pool = new pg.Pool({ connectionString: schema.url, max: 1 });
    try {
      await pool.query(`CREATE TABLE parley_schema_migrations (
        version integer PRIMARY KEY, name text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now())`);
      // The schema as the release before search left it (version 5 is not needed first).
      for (const migration of migrations.filter((candidate) => candidate.version <= 4)) {
        await pool.query(migration.sql);
        await pool.query('INSERT INTO parley_schema_migrations (version, name) VALUES ($1, $2)', [
          migration.version,
          migration.name,
        ]);
      }
      // The columns a node on the previous release names when it appends.
      const oldAppend = (seq: number, text: string) =>
        pool.query(
          `INSERT INTO messages (id, conversation_id, seq, author_id, text, sent_at)
           VALUES ($1, 'c1', $2, 'a', $3, 1)`,
          [`m${seq}`, seq, text],
        );
      await pool.query(`INSERT INTO conversations (id, kind, title, created_at)
        VALUES ('c1', 'group', 'Old', 1)`);
      await pool.query(`INSERT INTO conversation_members (conversation_id, user_id, position)
        VALUES ('c1', 'a', 0)`);
      await oldAppend(0, 'Ünïcödé before the upgrade');
      await oldAppend(1, 'and another before');

      const store = await openPostgresStore({ connectionString: schema.url, maxConnections: 2 });
      try {
        const found = async (query: string) =>
          (await store.searchMessages('a', query)).hits.map((hit) => hit.message.id);
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
        expect(await found('before')).toEqual(['m1', 'm0']);
        // After the upgrade: an old node's append, an edit and a deletion (text '') by UPDATE.
        await oldAppend(2, 'from an old node');
        expect(await found('old node')).toEqual(['m2']);
        await pool.query(`UPDATE messages SET text = 'the edited Wörding' WHERE id = 'm1'`);
        await pool.query(`UPDATE messages SET text = '' WHERE id = 'm0'`);
        expect(await found('before')).toEqual([]);
        expect(await found('wording')).toEqual(['m1']);
        expect(await found('unicode')).toEqual([]);
      } finally {
        await store.close();
      }
      const { rows } = await pool.query<{ missing: number }>(
        'SELECT count(*)::integer AS missing FROM messages WHERE search_words IS NULL',
      );
      expect(rows[0]?.missing).toBe(0);
    } finally {
      await pool.end();
    }
  });

  it('applies a version that arrives after a later one (a gap in the versions, filled later)', async () => {
    const schema = await createSchema();
    schemas.push(schema.name);
    const pool = new pg.Pool({ connectionString: schema.url, max: 1 });
    try {
      const known = migrations.filter((migration) => migration.version !== 5);
      expect(await migrate(pool, known)).toEqual(known.map((migration) => migration.version));
      const late = { version: 5, name: 'arrives late', sql: 'CREATE TABLE arrived_late (x int)' };
      expect(await migrate(pool, [...known, late])).toEqual([5]);
      expect(await migrate(pool, [...known, late])).toEqual([]);
    } finally {
      await pool.end();
    }
  });

  it('opens one direct conversation per pair when several nodes open it at once', async () => {
    const schema = await createSchema();
    schemas.push(schema.name);
    const nodes = await Promise.all(
      Array.from({ length: 3 }, () =>
        openPostgresStore({ connectionString: schema.url, maxConnections: 4 }),
      ),
    );
    try {
      const opens = Array.from({ length: 12 }, (_, index) =>
        nodes[index % 3]!.openDirectConversation({
          userIds: index % 2 === 0 ? ['goku', 'vegeta'] : ['vegeta', 'goku'],
          createdBy: index % 2 === 0 ? 'goku' : 'vegeta',
          createdAt: index,
        }),
      );
      const results = await Promise.all(opens);
      expect(new Set(results.map((result) => result.conversation.id)).size).toBe(1);
      expect(results.filter((result) => result.created)).toHaveLength(1);
      expect(await nodes[2]!.listConversationsOf('vegeta')).toHaveLength(1);
    } finally {
      await Promise.all(nodes.map((node) => node.close()));
    }
  });

  it('keeps seq unique and gap-free and the alternation intact when three nodes append at once', async () => {
    const schema = await createSchema();
    schemas.push(schema.name);
    const nodes = await Promise.all(
      Array.from({ length: 3 }, () =>
        openPostgresStore({ connectionString: schema.url, maxConnections: 4 }),
      ),
    );
    try {
      const room = await nodes[0]!.createConversation({
        kind: 'direct',
        title: 'Vegeta',
        memberIds: ['me', 'vegeta'],
        createdAt: 1,
      });
      const sends = Array.from({ length: 60 }, (_, index) =>
        nodes[index % 3]!.appendUserMessage({
          conversationId: room.id,
          senderId: 'me',
          clientMessageId: `m${index}`,
          text: `message ${index}`,
          sentAt: index,
          authorFor: (sendIndex) => (sendIndex % 2 === 0 ? 'me' : 'vegeta'),
        }),
      );
      // The same message resent through two other nodes while the first is in flight.
      const resends = [1, 2].map((node) =>
        nodes[node]!.appendUserMessage({
          conversationId: room.id,
          senderId: 'me',
          clientMessageId: 'm0',
          text: 'message 0',
          sentAt: 0,
          authorFor: () => 'me',
        }),
      );
      await Promise.all([...sends, ...resends]);

      const { messages } = await nodes[2]!.listMessages(room.id, { limit: 100 });
      expect(messages.map((message) => message.seq)).toEqual(
        Array.from({ length: 60 }, (_, index) => index),
      );
      expect(new Set(messages.map((message) => message.clientMessageId)).size).toBe(60);
      expect(messages.map((message) => message.authorId)).toEqual(
        messages.map((_, index) => (index % 2 === 0 ? 'me' : 'vegeta')),
      );
      expect(await nodes[1]!.getSendCount(room.id, 'me')).toBe(60);
    } finally {
      await Promise.all(nodes.map((node) => node.close()));
    }
  });

  it('lets at most 10 edits through when three nodes edit one message at once, sends interleaved', async () => {
    const schema = await createSchema();
    schemas.push(schema.name);
    const nodes = await Promise.all(
      Array.from({ length: 3 }, () =>
        openPostgresStore({ connectionString: schema.url, maxConnections: 4 }),
      ),
    );
    try {
      const room = await nodes[0]!.createConversation({
        kind: 'direct',
        title: 'Vegeta',
        memberIds: ['me', 'vegeta'],
        createdAt: 1,
      });
      const alternate = (sendIndex: number) => (sendIndex % 2 === 0 ? 'me' : 'vegeta');
      const { message } = await nodes[0]!.appendUserMessage({
        conversationId: room.id,
        senderId: 'me',
        clientMessageId: 'first',
        text: 'v0',
        sentAt: 0,
        authorFor: alternate,
      });
      const atMostTen = (target: { editCount: number }) =>
        target.editCount >= 10 ? ('edit_limit_reached' as const) : null;
      const edits = Array.from({ length: 30 }, (_, index) =>
        nodes[index % 3]!.editMessage({
          conversationId: room.id,
          messageId: message.id,
          text: `v${index + 1}`,
          editedAt: 10 + index,
          check: atMostTen,
        }),
      );
      const sends = Array.from({ length: 9 }, (_, index) =>
        nodes[(index + 1) % 3]!.appendUserMessage({
          conversationId: room.id,
          senderId: 'me',
          clientMessageId: `m${index}`,
          text: `message ${index}`,
          sentAt: index,
          authorFor: alternate,
        }),
      );
      const results = await Promise.all(edits);
      await Promise.all(sends);
      expect(results.filter((result) => result.ok)).toHaveLength(10);
      expect(await nodes[1]!.getMessage(room.id, message.id)).toMatchObject({
        editCount: 10,
        revision: 10,
        authorId: 'me',
      });
      expect(await nodes[2]!.getRevision(room.id)).toBe(10);
      // The edits took nothing from the alternation: 10 sends, authored me, vegeta, me, ...
      const { messages } = await nodes[2]!.listMessages(room.id, { limit: 100 });
      expect(messages.map((m) => m.authorId)).toEqual(messages.map((_, i) => alternate(i)));
      expect(await nodes[0]!.getSendCount(room.id, 'me')).toBe(10);
    } finally {
      await Promise.all(nodes.map((node) => node.close()));
    }
  });

  it('runs lock-guarded work on one node at a time', async () => {
    const schema = await createSchema();
    schemas.push(schema.name);
    const nodes = await Promise.all(
      [1, 2].map(() => openPostgresStore({ connectionString: schema.url, maxConnections: 3 })),
    );
    try {
      const timeline: string[] = [];
      let releaseFirst!: () => void;
      const firstMayFinish = new Promise<void>((resolve) => (releaseFirst = resolve));
      let firstEntered!: () => void;
      const firstIn = new Promise<void>((resolve) => (firstEntered = resolve));
      const first = nodes[0]!.withLock('seed', async () => {
        timeline.push('first in');
        firstEntered();
        await firstMayFinish;
        timeline.push('first out');
      });
      await firstIn;
      const second = nodes[1]!.withLock('seed', async () => {
        timeline.push('second in');
      });
      // Let the first finish only once the second is seen waiting on the lock.
      await waitForAdvisoryLockWaiter(schema.url);
      expect(timeline).toEqual(['first in']);
      releaseFirst();
      await Promise.all([first, second]);
      expect(timeline).toEqual(['first in', 'first out', 'second in']);
    } finally {
      await Promise.all(nodes.map((node) => node.close()));
    }
  });

  it('fails to open with a clear error when the database cannot be reached', async () => {
    await expect(
      openPostgresStore({ connectionString: 'postgres://postgres@127.0.0.1:1/test' }),
    ).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe('change revisions', () => {
  it('are bigint columns: a conversation past 2^31 changes keeps counting, read as numbers', async () => {
    const schema = await createSchema();
    schemas.push(schema.name);
    const store = await openPostgresStore({ connectionString: schema.url, maxConnections: 2 });
    const client = new pg.Client({ connectionString: schema.url });
    await client.connect();
    try {
      const { rows: types } = await client.query<{ table_name: string; data_type: string }>(
        `SELECT table_name, data_type FROM information_schema.columns
         WHERE table_schema = current_schema() AND column_name = 'revision' ORDER BY table_name`,
      );
      expect(types).toEqual([
        { table_name: 'conversations', data_type: 'bigint' },
        { table_name: 'hidden_messages', data_type: 'bigint' },
        { table_name: 'messages', data_type: 'bigint' },
      ]);
      const room = await store.createConversation({
        kind: 'group',
        title: 'Busy',
        memberIds: ['a', 'b'],
        createdBy: 'a',
        createdAt: 1,
      });
      const { message } = await store.appendUserMessage({
        conversationId: room.id,
        senderId: 'a',
        clientMessageId: 'big-1',
        text: 'counting',
        sentAt: 2,
        authorFor: () => 'a',
      });
      const past = 2 ** 31;
      await client.query('UPDATE conversations SET revision = $2 WHERE id = $1', [room.id, past]);
      const edited = await store.editMessage({
        conversationId: room.id,
        messageId: message.id,
        text: 'counting on',
        editedAt: 3,
        check: () => null,
      });
      expect(edited).toMatchObject({ ok: true, message: { revision: past + 1 } });
      const hidden = await store.hideMessage({
        conversationId: room.id,
        messageId: message.id,
        userId: 'b',
        hiddenAt: 4,
      });
      expect(hidden).toMatchObject({ ok: true, message: { hidden: true, revision: past + 2 } });
      expect(await store.getRevision(room.id)).toBe(past + 2);
      const changes = await store.listMessageChanges(room.id, { since: past, limit: 10 });
      expect(changes.revision).toBe(past + 2);
      expect(changes.messages.map((m) => m.revision)).toEqual([past + 1]);
    } finally {
      await client.end();
      await store.close();
    }
  });
});
