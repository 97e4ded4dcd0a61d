// Message search over a large history: 100,000 stored messages across 1,000 conversations (full
// and quick runs), one person a member of a quarter of them, searched through each store's own
// `searchMessages` (the memory scan, SQLite FTS5, PostgreSQL's GIN index) for a first page of
// 50 hits. The words follow a Zipf law, so there are words in nearly every message and words in
// a handful; queries cover both, two words, one- and two-letter prefixes, a word nobody wrote and
// the worst query the protocol lets through (eight one-letter words).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { Limits } from '../../server/protocol.ts';
import { MemoryStore } from '../../server/store/memory.ts';
import { openPostgresStore } from '../../server/store/postgres/store.ts';
import { SqliteStore } from '../../server/store/sqlite/store.ts';
import type { Store } from '../../server/store/types.ts';
import { type Row, row, skippedRow } from '../lib/rows.ts';
import { isolate, servicesUnavailable } from '../lib/services.ts';
import { summarize } from '../lib/stats.ts';
import type { StoreKind } from '../servers/stores.ts';

export interface SearchProfile {
  messages: number;
  conversations: number;
  /** Timed searches per query (after one untimed warm-up). */
  repeats: number;
  stores: StoreKind[];
}

const searcher = 'searcher';

/** A small deterministic generator (mulberry32): every run searches the same history. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface History {
  /** Per message: its conversation index and text, in the order they are stored. */
  messages: { conversation: number; text: string }[];
  /** Words by rank (0: the most frequent). */
  vocabulary: string[];
}

function makeHistory(profile: SearchProfile): History {
  const next = random(7);
  const letters = 'abcdefghijklmnopqrstuvwxyzéüñ';
  const vocabulary: string[] = [];
  const seen = new Set<string>();
  while (vocabulary.length < 5_000) {
    const length = 3 + Math.floor(next() * 8);
    let word = '';
    for (let index = 0; index < length; index += 1) {
      word += letters[Math.floor(next() * (index === 0 ? 26 : letters.length))];
    }
    if (seen.has(word)) continue;
    seen.add(word);
    vocabulary.push(word);
  }
  // Zipf: rank r is drawn with weight 1 / (r + 1).
  const cumulative: number[] = [];
  let total = 0;
  for (let rank = 0; rank < vocabulary.length; rank += 1) {
    total += 1 / (rank + 1);
    cumulative.push(total);
  }
  const pick = (): string => {
    const target = next() * total;
    let low = 0;
    let high = cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((cumulative[middle] ?? 0) < target) low = middle + 1;
      else high = middle;
    }
    return vocabulary[low] ?? 'x';
  };
  const messages: History['messages'] = [];
  for (let index = 0; index < profile.messages; index += 1) {
    const words = Array.from({ length: 4 + Math.floor(next() * 12) }, pick);
    const first = words[0] ?? '';
    words[0] = first.charAt(0).toUpperCase() + first.slice(1);
    messages.push({
      conversation: Math.floor(next() * profile.conversations),
      text: `${words.join(' ')}${next() < 0.3 ? '!' : '.'}`,
    });
  }
  return { messages, vocabulary };
}

function queriesOf(vocabulary: readonly string[]): [label: string, query: string][] {
  const at = (rank: number) => vocabulary[Math.min(rank, vocabulary.length - 1)] ?? 'x';
  return [
    ['common word', at(0)],
    ['rare word', at(4_000)],
    ['two words', `${at(20)} ${at(300)}`],
    ['two-letter prefix', at(1).slice(0, 2)],
    ['one-letter prefix', 'q'],
    ['no match', 'zzzzqqq'],
    ['8 one-letter words', 'a b c d e f g h'],
  ];
}

interface OpenedStore {
  store: Store;
  close(): Promise<void>;
}

/** Conversation i; the searcher is a member of every fourth one. */
const conversationId = (index: number) => `c${index}`;
const membersOf = (index: number) => (index % 4 === 0 ? [searcher, 'other'] : ['other']);

async function seedThroughStore(store: Store, profile: SearchProfile, history: History) {
  for (let index = 0; index < profile.conversations; index += 1) {
    await store.createConversation({
      id: conversationId(index),
      kind: 'group',
      title: `Group ${index}`,
      memberIds: membersOf(index),
      createdAt: 0,
    });
  }
  for (const [index, message] of history.messages.entries()) {
    await store.appendSystemMessage({
      conversationId: conversationId(message.conversation),
      authorId: 'other',
      text: message.text,
      sentAt: index,
    });
  }
}

async function openMemory(profile: SearchProfile, history: History): Promise<OpenedStore> {
  const store = new MemoryStore();
  await seedThroughStore(store, profile, history);
  return { store, close: () => store.close() };
}

async function openSqlite(profile: SearchProfile, history: History): Promise<OpenedStore> {
  const folder = mkdtempSync(path.join(tmpdir(), 'parley-bench-search-'));
  const file = path.join(folder, 'parley.db');
  // Seeded without an fsync per message (the figures are of searching, not of appending), then
  // reopened as shipped.
  const seeding = SqliteStore.open(file, { synchronous: 'NORMAL' });
  await seedThroughStore(seeding, profile, history);
  await seeding.close();
  const store = SqliteStore.open(file);
  return {
    store,
    async close() {
      await store.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

/**
 * PostgreSQL is seeded with plain INSERTs of the columns the previous release wrote, so opening
 * the store backfills every message's search words as an upgrade would; then ANALYZE, as
 * autovacuum would have by then.
 */
async function openPostgres(
  profile: SearchProfile,
  history: History,
  log: (line: string) => void,
): Promise<OpenedStore> {
  const isolation = await isolate();
  try {
    const empty = await openPostgresStore({ connectionString: isolation.databaseUrl });
    await empty.close();
    const pool = new pg.Pool({ connectionString: isolation.databaseUrl, max: 1 });
    try {
      const ids = Array.from({ length: profile.conversations }, (_, index) => index);
      await pool.query(
        `INSERT INTO conversations (id, kind, title, created_at)
         SELECT 'c' || i, 'group', 'Group ' || i, 0 FROM unnest($1::integer[]) AS i`,
        [ids],
      );
      await pool.query(
        `INSERT INTO conversation_members (conversation_id, user_id, position)
         SELECT 'c' || i, 'other', 0 FROM unnest($1::integer[]) AS i`,
        [ids],
      );
      await pool.query(
        `INSERT INTO conversation_members (conversation_id, user_id, position)
         SELECT 'c' || i, $2, 1 FROM unnest($1::integer[]) AS i`,
        [ids.filter((index) => membersOf(index).includes(searcher)), searcher],
      );
      const seqs = new Map<number, number>();
      const rows = history.messages.map((message, index) => {
        const seq = seqs.get(message.conversation) ?? 0;
        seqs.set(message.conversation, seq + 1);
        return { index, conversation: message.conversation, seq, text: message.text };
      });
      for (let start = 0; start < rows.length; start += 5_000) {
        const batch = rows.slice(start, start + 5_000);
        await pool.query(
          `INSERT INTO messages (id, conversation_id, seq, author_id, text, sent_at)
           SELECT 'm' || i, 'c' || c, s, 'other', t, i
           FROM unnest($1::integer[], $2::integer[], $3::integer[], $4::text[]) AS x (i, c, s, t)`,
          [
            batch.map((item) => item.index),
            batch.map((item) => item.conversation),
            batch.map((item) => item.seq),
            batch.map((item) => item.text),
          ],
        );
      }
      await pool.query(
        `UPDATE conversations SET message_count = counted.n
         FROM (SELECT conversation_id, count(*)::integer AS n FROM messages
               GROUP BY conversation_id) AS counted
         WHERE conversations.id = counted.conversation_id`,
      );
      // What the previous release left: no search words yet.
      await pool.query('UPDATE messages SET search_words = NULL');
    } finally {
      await pool.end();
    }
    const backfillStarted = performance.now();
    const store = await openPostgresStore({ connectionString: isolation.databaseUrl });
    log(
      `search: PostgreSQL backfilled ${profile.messages} messages' words in ${Math.round(
        performance.now() - backfillStarted,
      )} ms`,
    );
    const analyse = new pg.Client({ connectionString: isolation.databaseUrl });
    await analyse.connect();
    // conversation_members is left without statistics on purpose: a young deployment's worst
    // case for the planner (see PostgresStore.searchMessages).
    await analyse.query('VACUUM ANALYZE messages');
    await analyse.end();
    return {
      store,
      async close() {
        await store.close();
        await isolation.drop();
      },
    };
  } catch (error) {
    await isolation.drop();
    throw error;
  }
}

const labels: Record<StoreKind, string> = {
  memory: 'memory store',
  sqlite: 'SQLite store',
  'sqlite-event-loop': 'SQLite store on the event loop',
  postgres: 'PostgreSQL store',
};

export async function runSearch(
  profile: SearchProfile,
  log: (line: string) => void,
): Promise<Row[]> {
  const history = makeHistory(profile);
  const queries = queriesOf(history.vocabulary);
  const size = `${profile.messages} messages, ${profile.conversations} conversations`;
  const rows: Row[] = [];
  for (const kind of profile.stores) {
    const name = (label: string, p: string) => `search ${p}, ${label} (${labels[kind]})`;
    if (kind === 'postgres') {
      const unavailable = await servicesUnavailable();
      if (unavailable) {
        rows.push(skippedRow(name('every query', 'p50'), size, 'ms', unavailable));
        continue;
      }
    }
    log(`search: seeding ${profile.messages} messages into the ${labels[kind]}`);
    const seedStarted = performance.now();
    const opened =
      kind === 'memory'
        ? await openMemory(profile, history)
        : kind === 'sqlite'
          ? await openSqlite(profile, history)
          : await openPostgres(profile, history, log);
    log(`search: ${labels[kind]} ready in ${Math.round(performance.now() - seedStarted)} ms`);
    try {
      for (const [label, query] of queries) {
        // Untimed first: the memory store folds each message's words on its first search.
        const first = await opened.store.searchMessages(searcher, query);
        const samples: number[] = [];
        for (let repeat = 0; repeat < profile.repeats; repeat += 1) {
          const started = performance.now();
          await opened.store.searchMessages(searcher, query, {
            limit: Limits.messageSearchDefaultLimit,
          });
          samples.push(performance.now() - started);
        }
        const summary = summarize(samples);
        const note = `"${query}": ${first.hits.length}${first.hasMore ? '+' : ''} hits on the first page`;
        rows.push(row(name(label, 'p50'), size, summary.p50, 'ms', { note }));
        rows.push(row(name(label, 'p99'), size, summary.p99, 'ms'));
      }
    } finally {
      await opened.close();
    }
  }
  return rows;
}
