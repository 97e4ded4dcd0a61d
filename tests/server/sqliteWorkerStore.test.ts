// SqliteWorkerStore: the SQLite store on a worker thread with group commit. It must behave as
// SqliteStore does (the store contract, and the same results for the same calls), put
// concurrent calls into fewer transactions than calls, fail loudly rather than hang when its
// worker dies, and lose nothing it acknowledged when the process is killed mid-commit.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { latestSchemaVersion } from '../../server/store/sqlite/migrations.ts';
import { SqliteStore } from '../../server/store/sqlite/store.ts';
import { SqliteWorkerStore } from '../../server/store/sqlite/workerStore.ts';
import type { Store } from '../../server/store/types.ts';
import { describeStoreContract } from './storeContract.ts';

const folders: string[] = [];
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function tempFile(): string {
  const folder = mkdtempSync(path.join(tmpdir(), 'parley-worker-'));
  folders.push(folder);
  return path.join(folder, 'nested', 'parley.db');
}

describeStoreContract('SqliteWorkerStore (file)', () => SqliteWorkerStore.open(tempFile()));
describeStoreContract('SqliteWorkerStore (:memory:)', () => SqliteWorkerStore.open(':memory:'));

/** 60 sends from three people into one room, all in flight at once, and what they return. */
async function sendAtOnce(store: Store) {
  const room = await store.createConversation({
    id: 'room',
    kind: 'group',
    title: 'Room',
    memberIds: ['a', 'b', 'c', 'bot'],
    createdAt: 1,
  });
  const sends = Array.from({ length: 60 }, (_, index) => {
    const senderId = ['a', 'b', 'c'][index % 3] ?? 'a';
    return store.appendUserMessage({
      conversationId: room.id,
      senderId,
      // The last ten repeat earlier ids: duplicates, answered with the original.
      clientMessageId: `m${index < 50 ? index : index - 30}`,
      text: `send ${index}`,
      sentAt: index,
      authorFor: (sendIndex) => (sendIndex % 2 === 0 ? senderId : 'bot'),
    });
  });
  const results = await Promise.all(sends);
  const shape = ({ message, duplicate }: (typeof results)[number]) => ({
    seq: message.seq,
    authorId: message.authorId,
    text: message.text,
    clientMessageId: message.clientMessageId,
    duplicate,
  });
  return {
    results: results.map(shape).sort((x, y) => x.seq - y.seq || Number(x.duplicate)),
    counts: await Promise.all(['a', 'b', 'c'].map((id) => store.getSendCount(room.id, id))),
    stored: (await store.listMessages(room.id, { limit: 100 })).messages.map((m) => m.text),
  };
}

describe('SqliteWorkerStore', () => {
  it('commits concurrent sends in fewer transactions than calls, with the results of the plain store', async () => {
    const plain = SqliteStore.open(tempFile());
    const expected = await sendAtOnce(plain);
    await plain.close();

    const store = await SqliteWorkerStore.open(tempFile());
    const before = await store.stats();
    const got = await sendAtOnce(store);
    const after = await store.stats();
    await store.close();

    expect(got).toEqual(expected);
    expect(got.counts).toEqual([17, 17, 16]);
    // 61 writes (the room and 60 sends, some asking twice for their author) in a few commits.
    expect(after.commits - before.commits).toBeGreaterThan(0);
    expect(after.commits - before.commits).toBeLessThan(10);
  });

  it('rolls back only the failing call of a batch, keeping the name and message of its error', async () => {
    const store = await SqliteWorkerStore.open(tempFile());
    await store.createConversation({
      id: 'room',
      kind: 'group',
      title: 'Room',
      memberIds: ['a'],
      createdAt: 1,
    });
    const [ok, duplicateRoom, missing, alsoOk] = await Promise.allSettled([
      store.appendSystemMessage({ conversationId: 'room', authorId: 'x', text: '1', sentAt: 1 }),
      store.createConversation({
        id: 'room',
        kind: 'group',
        title: 'Again',
        memberIds: ['a'],
        createdAt: 2,
      }),
      store.appendSystemMessage({ conversationId: 'nowhere', authorId: 'x', text: '2', sentAt: 2 }),
      store.appendSystemMessage({ conversationId: 'room', authorId: 'x', text: '3', sentAt: 3 }),
    ]);
    expect(ok.status).toBe('fulfilled');
    expect(alsoOk.status).toBe('fulfilled');
    expect(duplicateRoom).toMatchObject({
      status: 'rejected',
      reason: { name: 'Error', message: 'conversation room already exists' },
    });
    expect(missing).toMatchObject({
      status: 'rejected',
      reason: { message: 'conversation nowhere does not exist' },
    });
    expect((await store.getConversation('room'))?.title).toBe('Room');
    const texts = (await store.listMessages('room', { limit: 10 })).messages.map((m) => m.text);
    expect(texts).toEqual(['1', '3']);
    await store.close();
  });

  it('runs a batch without a savepoint per call, and replays it when a call fails after writing', async () => {
    const file = tempFile();
    // A trigger that fails Bulma's sends after their message row (and its search entry) is
    // written, as a disk or constraint error halfway through a call would.
    const plain = SqliteStore.open(file);
    await plain.close();
    const db = new DatabaseSync(file);
    db.exec(`CREATE TRIGGER fail_late AFTER INSERT ON send_counts WHEN new.sender_id = 'bulma'
             BEGIN SELECT RAISE(ABORT, 'failed after writing'); END`);
    db.close();
    const store = await SqliteWorkerStore.open(file);
    await store.createConversation({
      id: 'room',
      kind: 'group',
      title: 'Room',
      memberIds: ['goku', 'bulma'],
      createdAt: 1,
    });
    const send = (senderId: string, text: string) =>
      store.appendUserMessage({
        conversationId: 'room',
        senderId,
        clientMessageId: text,
        text,
        sentAt: 1,
        authorFor: () => senderId,
      });
    const before = await store.stats();
    // A failure that wrote nothing is the call's own: no replay.
    const clean = await Promise.allSettled([
      send('goku', 'kamehameha'),
      store.appendSystemMessage({ conversationId: 'nowhere', authorId: 'x', text: 'x', sentAt: 1 }),
    ]);
    expect(clean.map((result) => result.status)).toEqual(['fulfilled', 'rejected']);
    expect((await store.stats()).replays).toBe(before.replays);

    const dirty = await Promise.allSettled([
      send('goku', 'spirit bomb'),
      send('bulma', 'capsule corp'),
      send('goku', 'instant transmission'),
    ]);
    expect(dirty.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(dirty[1]).toMatchObject({ reason: { message: 'failed after writing' } });
    expect((await store.stats()).replays).toBe(before.replays + 1);
    // Only the failed call was undone: its message, its search entry and its count.
    const texts = (await store.listMessages('room', { limit: 10 })).messages.map((m) => m.text);
    expect(texts).toEqual(['kamehameha', 'spirit bomb', 'instant transmission']);
    expect(await store.searchMessages('bulma', 'capsule', { limit: 10 })).toMatchObject({
      hits: [],
    });
    expect(await store.searchMessages('goku', 'spirit', { limit: 10 })).toMatchObject({
      hits: [{ message: { text: 'spirit bomb' } }],
    });
    expect(await store.getSendCount('room', 'bulma')).toBe(0);
    expect(await store.getSendCount('room', 'goku')).toBe(3);
    await store.close();
  });

  it('fails every waiting and later call, and reports it, when its worker dies', async () => {
    const failures: Error[] = [];
    const store = await SqliteWorkerStore.open(tempFile(), {
      onFailure: (error) => failures.push(error),
    });
    await store.createConversation({
      id: 'room',
      kind: 'group',
      title: 'Room',
      memberIds: ['a'],
      createdAt: 1,
    });
    store.crashForTests();
    const waiting = store.listMessages('room', { limit: 10 });
    await expect(waiting).rejects.toThrow(/worker failed: crash requested by a test/);
    await expect(store.listPositions('room')).rejects.toThrow(/worker failed/);
    await expect(
      store.appendSystemMessage({ conversationId: 'room', authorId: 'x', text: 'x', sentAt: 2 }),
    ).rejects.toThrow(/worker failed/);
    expect(failures).toHaveLength(1);
    await store.close();
  });

  it('answers the conversation and send count of a send from memory, kept right through changes', async () => {
    const store = await SqliteWorkerStore.open(tempFile());
    const room = await store.createConversation({
      kind: 'group',
      title: 'Room',
      memberIds: ['a', 'b'],
      createdAt: 1,
    });
    const send = (clientMessageId: string) =>
      store.appendUserMessage({
        conversationId: room.id,
        senderId: 'a',
        clientMessageId,
        text: clientMessageId,
        sentAt: 1,
        authorFor: () => 'a',
      });
    await send('m1');
    await send('m2');
    const before = await store.stats();
    const read = await store.getConversation(room.id);
    expect(await store.getSendCount(room.id, 'a')).toBe(2);
    expect((await store.stats()).calls - before.calls).toBe(1); // only the stats call itself
    // A copy: changing it changes nothing stored.
    read?.memberIds.push('mallory');
    expect((await store.getConversation(room.id))?.memberIds).toEqual(['a', 'b']);
    await store.addMember(room.id, 'c');
    await store.removeMember(room.id, 'a');
    expect((await store.getConversation(room.id))?.memberIds).toEqual(['b', 'c']);
    await send('m2'); // a resend: counted once
    await send('m3');
    expect(await store.getSendCount(room.id, 'a')).toBe(3);
    await store.close();
    const reopened = SqliteStore.open(store.file);
    expect((await reopened.getConversation(room.id))?.memberIds).toEqual(['b', 'c']);
    expect(await reopened.getSendCount(room.id, 'a')).toBe(3);
    await reopened.close();
  });

  it('refuses to open a database written by a newer Parley, the error named as the worker threw it', async () => {
    const file = tempFile();
    await SqliteStore.open(file).close();
    const db = new DatabaseSync(file);
    db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
      latestSchemaVersion + 1,
      'from the future',
      0,
    );
    db.close();
    await expect(SqliteWorkerStore.open(file)).rejects.toMatchObject({
      name: 'SchemaTooNewError',
      message: expect.stringContaining('newer than this Parley knows'),
    });
  });

  it('truncates the WAL itself between batches once it passes its page limit', async () => {
    const store = await SqliteWorkerStore.open(tempFile(), {
      checkpointPages: 20,
      checkpointEveryMs: 20,
    });
    await store.createConversation({
      id: 'room',
      kind: 'group',
      title: 'Room',
      memberIds: ['a'],
      createdAt: 1,
    });
    const text = 'a long enough message to fill WAL pages quickly. '.repeat(20);
    for (let wave = 0; wave < 20; wave += 1) {
      await Promise.all(
        Array.from({ length: 10 }, () =>
          store.appendSystemMessage({ conversationId: 'room', authorId: 'x', text, sentAt: wave }),
        ),
      );
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const stats = await store.stats();
    expect(stats.checkpoints).toBeGreaterThan(0);
    // SQLite's own checkpoint (at 1,000 pages by default) is off: the WAL stays near the limit.
    expect(statSync(`${store.file}-wal`).size / 4096).toBeLessThan(200);
    expect((await store.listMessages('room', { limit: 500 })).messages).toHaveLength(200);
    await store.close();
  });

  it('drains on close: what was posted before close() is committed', async () => {
    const file = tempFile();
    const store = await SqliteWorkerStore.open(file);
    await store.createConversation({
      id: 'room',
      kind: 'group',
      title: 'Room',
      memberIds: ['a'],
      createdAt: 1,
    });
    const appends = Array.from({ length: 20 }, (_, index) =>
      store.appendSystemMessage({
        conversationId: 'room',
        authorId: 'x',
        text: `${index}`,
        sentAt: 1,
      }),
    );
    await store.close();
    expect((await Promise.all(appends)).map((message) => message.seq)).toEqual(
      Array.from({ length: 20 }, (_, index) => index),
    );
    const reopened = SqliteStore.open(file);
    expect((await reopened.listMessages('room', { limit: 50 })).messages).toHaveLength(20);
    await reopened.close();
  });

  it('keeps every acknowledged send, each whole, when the process is killed mid-commit', async () => {
    const file = tempFile();
    const setup = SqliteStore.open(file);
    await setup.createConversation({
      id: 'room',
      kind: 'group',
      title: 'Room',
      memberIds: ['a', 'b', 'c', 'd', 'bot'],
      createdAt: 1,
    });
    await setup.close();

    const child = spawn(
      process.execPath,
      [path.join(import.meta.dirname, 'fixtures', 'batchWriter.ts'), file, 'room'],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    children.push(child);
    const exited = once(child, 'exit');
    const acked: string[] = [];
    const lines = createInterface({ input: child.stdout! });
    // Killed while sends keep coming: commits are back to back, so the kill lands in one.
    await new Promise<void>((resolve) => {
      lines.on('line', (line) => {
        if (line === 'ready') return;
        acked.push(line);
        if (acked.length === 300) {
          child.kill('SIGKILL');
          resolve();
        }
      });
    });
    expect(await exited).toEqual([null, 'SIGKILL']);

    const db = new DatabaseSync(file, { readOnly: true });
    const rows = db
      .prepare(
        `SELECT seq, sender_id, author_id, client_message_id FROM messages
         WHERE conversation_id = 'room' ORDER BY seq`,
      )
      .all() as { seq: number; sender_id: string; author_id: string; client_message_id: string }[];
    const counts = db
      .prepare(`SELECT sender_id, count FROM send_counts WHERE conversation_id = 'room'`)
      .all() as { sender_id: string; count: number }[];
    db.close();

    const stored = new Set(rows.map((row) => row.client_message_id));
    expect(acked.filter((id) => !stored.has(id))).toEqual([]);
    // Nothing half-applied: seqs without gaps, each sender's counter equal to their messages,
    // and each message authored as its place in its sender's sends says.
    expect(rows.map((row) => row.seq)).toEqual(rows.map((_, index) => index));
    const bySender = new Map<string, number>();
    for (const row of rows) {
      const index = bySender.get(row.sender_id) ?? 0;
      expect(row.author_id).toBe(index % 2 === 0 ? row.sender_id : 'bot');
      bySender.set(row.sender_id, index + 1);
    }
    expect(Object.fromEntries(counts.map((row) => [row.sender_id, row.count]))).toEqual(
      Object.fromEntries(bySender),
    );
  });
});
