// Searching message history (searchMessages) against a real server on a loopback port: what a
// person finds and how it is grouped and highlighted, that nobody finds what is said where they
// are not (or no longer) a member, that query syntax is only ever text, and what bounds a search.
import { afterEach, describe, expect, it } from 'vitest';
import { Limits, MessagesFoundSchema } from '../../server/protocol.ts';
import {
  foldedWords,
  ftsMatchOf,
  matchMessage,
  postgresDocumentOf,
  queryTerms,
  tsQueryOf,
} from '../../server/search.ts';
import { SqliteStore } from '../../server/store/sqlite/store.ts';
import type { Store } from '../../server/store/types.ts';
import {
  type Client,
  connect,
  directConversationId,
  onboard,
  type OnboardedUser,
  request,
  startTestServer,
  type TestServer,
} from './harness.ts';

const refused = (code: string, message: unknown = expect.any(String)) => ({
  ok: false,
  error: { code, message },
});

let sent = 0;
async function send(client: Client, conversationId: string, text: string) {
  sent += 1;
  const ack = await request(client, 'sendMessage', {
    conversationId,
    text,
    clientMessageId: `search-${sent}`,
  });
  if (!ack.ok) throw new Error(`send failed: ${ack.error.code}`);
  return ack.message;
}

async function search(client: Client, query: string, before?: number) {
  const ack = await request(
    client,
    'searchMessages',
    before === undefined ? { query } : { query, before },
  );
  // Whatever the server answers must be what the client's schema accepts.
  if (ack.ok) MessagesFoundSchema.parse(ack);
  return ack;
}

/** The texts found, per conversation, in the order the answer gives them. */
function textsByConversation(ack: Awaited<ReturnType<typeof search>>): [string, string[]][] {
  if (!ack.ok) throw new Error(`search failed: ${ack.error.code}`);
  return ack.results.map(
    (group: { conversationId: string; messages: { message: { text: string } }[] }) => [
      group.conversationId,
      group.messages.map((hit) => hit.message.text),
    ],
  );
}

async function group(owner: OnboardedUser, members: OnboardedUser[], title = 'Plans') {
  const ack = await request(owner.client, 'createConversation', {
    kind: 'group',
    title,
    memberIds: members.map((member) => member.user.id),
  });
  if (!ack.ok) throw new Error(`createConversation failed: ${ack.error.code}`);
  return ack.conversation.id as string;
}

async function twoPeople(test: TestServer) {
  const launch = await onboard(test, { firstName: 'Launch', lastName: 'Briefs' });
  const yamcha = await onboard(test, { firstName: 'Yamcha', lastName: 'Bandit' });
  return { launch, yamcha };
}

const sqliteStores: SqliteStore[] = [];
afterEach(async () => {
  for (const store of sqliteStores.splice(0)) await store.close();
});

/** A server on the memory store (the harness's), or on SQLite, which searches with FTS5. */
async function serverOn(kind: 'memory' | 'sqlite'): Promise<{ test: TestServer; store: Store }> {
  if (kind === 'memory') {
    const test = await startTestServer();
    return { test, store: test.store };
  }
  const store = SqliteStore.open(':memory:');
  sqliteStores.push(store);
  return { test: await startTestServer({ store }), store };
}

describe('searchMessages', () => {
  it('groups hits by conversation, newest first, with the matching parts highlighted', async () => {
    const test = await startTestServer();
    const { launch, yamcha } = await twoPeople(test);
    const direct = await directConversationId(launch.client);
    const plans = await group(launch, [yamcha]);
    await send(launch.client, plans, 'The Dragon Radar is ready');
    await send(launch.client, direct, 'Where did I leave the radar?');
    await send(yamcha.client, plans, 'Great, radar dragon hunt tomorrow!');
    await send(launch.client, plans, 'nothing to find here');

    const ack = await search(launch.client, 'RADAR drag');
    expect(ack).toMatchObject({ ok: true, hasMore: false, cursor: null });
    expect(textsByConversation(ack)).toEqual([
      [plans, ['Great, radar dragon hunt tomorrow!', 'The Dragon Radar is ready']],
    ]);
    const [hunt, ready] = ack.results[0].messages;
    expect(hunt.highlights).toEqual([
      [7, 12],
      [13, 17],
    ]);
    expect(ready.highlights).toEqual([
      [4, 8],
      [11, 16],
    ]);
    expect(hunt.message).toMatchObject({ conversationId: plans, authorId: yamcha.user.id });

    // One word: both conversations, the one with the newest hit first.
    expect(textsByConversation(await search(launch.client, 'radar'))).toEqual([
      [plans, ['Great, radar dragon hunt tomorrow!', 'The Dragon Radar is ready']],
      [direct, ['Where did I leave the radar?']],
    ]);
    // The highlight is in the text's own UTF-16 offsets, accents and emoji included.
    const text = '🐉🐉 Ｄｒａｇｏｎ Bällé';
    await send(launch.client, plans, text);
    const [emoji] = (await search(launch.client, 'dragon balle')).results[0].messages;
    expect(
      emoji.highlights.map(([start, end]: [number, number]) => text.slice(start, end)),
    ).toEqual(['Ｄｒａｇｏｎ', 'Bällé']);
  });

  it.each(['memory', 'sqlite'] as const)(
    'finds nothing in a conversation the searcher left, was removed from, or never joined (%s store)',
    async (kind) => {
      const { test } = await serverOn(kind);
      const { launch, yamcha } = await twoPeople(test);
      const krillin = await onboard(test, { firstName: 'Krillin', lastName: 'Monk' });
      const leftBehind = await group(launch, [yamcha, krillin], 'Left behind');
      const removedFrom = await group(launch, [yamcha, krillin], 'Removed from');
      const launchOnly = await group(launch, [krillin], 'Without Yamcha');
      await send(launch.client, leftBehind, 'zanzibar is where we go');
      await send(launch.client, removedFrom, 'zanzibar, then the tower');
      await send(launch.client, launchOnly, 'zanzibar without him');
      expect(textsByConversation(await search(yamcha.client, 'zanzibar'))).toEqual([
        [removedFrom, ['zanzibar, then the tower']],
        [leftBehind, ['zanzibar is where we go']],
      ]);

      expect(
        await request(yamcha.client, 'leaveConversation', { conversationId: leftBehind }),
      ).toEqual({ ok: true });
      expect(
        await request(launch.client, 'removeMember', {
          conversationId: removedFrom,
          userId: yamcha.user.id,
        }),
      ).toEqual({ ok: true });
      // What is said after they went, and what was said before: neither is found.
      await send(launch.client, leftBehind, 'zanzibar again, he is gone');
      expect(await search(yamcha.client, 'zanzibar')).toEqual({
        ok: true,
        results: [],
        hasMore: false,
        cursor: null,
      });
      // Nor with a cursor made up to reach further back.
      expect(await search(yamcha.client, 'zanzibar', 10 ** 9)).toMatchObject({ results: [] });
      // Those still in them find everything.
      expect(textsByConversation(await search(krillin.client, 'zanzibar'))).toEqual([
        [leftBehind, ['zanzibar again, he is gone', 'zanzibar is where we go']],
        [launchOnly, ['zanzibar without him']],
        [removedFrom, ['zanzibar, then the tower']],
      ]);
    },
  );

  it.each(['memory', 'sqlite'] as const)(
    'takes quotes, wildcards and operators as plain text: never an error, never another match (%s store)',
    async (kind) => {
      const { test, store } = await serverOn(kind);
      const { launch } = await twoPeople(test);
      const direct = await directConversationId(launch.client);
      const tricky = `He said "NEAR" OR 50% off_sale, it's *all* mine`;
      await send(launch.client, direct, tricky);
      await send(launch.client, direct, 'an unrelated message');
      const stored = await store.listMessages(direct, { limit: 100 });
      const hostile: [string, string[]][] = [
        ['"', []],
        ['""*', []],
        ['*', []],
        ['%', []],
        ['_', []],
        ["'", []],
        ['NEAR', [tricky]],
        ['NEAR(he said)', [tricky]],
        ['NEAR(he zebra)', []],
        ['OR', [tricky]],
        ['he OR zebra', []],
        ['NOT unrelated', []],
        ['50%', [tricky]],
        ['off_sale', [tricky]],
        ["it's", [tricky]],
        ['"near" *all*', [tricky]],
        ["'; DROP TABLE messages; --", []],
        ['a:* | !b & (c)', []],
        ['\\', []],
        ['%unre%', ['an unrelated message']],
      ];
      for (const [query, expected] of hostile) {
        const ack = await search(launch.client, query);
        // Only this conversation's hits: the world's group history has words like these too.
        const texts = textsByConversation(ack).find(([id]) => id === direct)?.[1] ?? [];
        expect({ query, ok: ack.ok, texts }).toEqual({ query, ok: true, texts: expected });
      }
      expect((await store.listMessages(direct, { limit: 100 })).messages).toEqual(stored.messages);
    },
  );

  it.each(['memory', 'sqlite'] as const)(
    'finds nothing the searcher hid nor anything deleted for everyone, and shows a hit as history does (%s store)',
    async (kind) => {
      const { test, store } = await serverOn(kind);
      const { launch, yamcha } = await twoPeople(test);
      const room = await group(launch, [yamcha], 'Dragon hunt');
      const found = await send(launch.client, room, 'dragon balls found');
      const replyAck = await request(yamcha.client, 'sendMessage', {
        conversationId: room,
        text: 'dragon radar says north',
        clientMessageId: 'search-reply',
        replyToId: found.id,
      });
      if (!replyAck.ok) throw new Error(`reply failed: ${replyAck.error.code}`);
      const reply = replyAck.message;
      await request(launch.client, 'reactToMessage', {
        conversationId: room,
        messageId: reply.id,
        emoji: '👍',
      });
      const gossip = await send(yamcha.client, room, 'dragon gossip for nobody');
      expect(
        await request(launch.client, 'hideMessage', { conversationId: room, messageId: gossip.id }),
      ).toMatchObject({ ok: true });
      const scrapped = await send(launch.client, room, 'dragon plan scrapped');
      expect(
        await request(launch.client, 'deleteMessage', {
          conversationId: room,
          messageId: scrapped.id,
        }),
      ).toMatchObject({ ok: true });

      const ack = await search(launch.client, 'dragon');
      expect(textsByConversation(ack)).toEqual([
        [room, ['dragon radar says north', 'dragon balls found']],
      ]);
      // Each hit is the message as the searcher's history shows it: quote, reactions, no more.
      const hits = ack.ok
        ? ack.results[0]?.messages.map((hit: { message: unknown }) => hit.message)
        : [];
      expect(hits).toEqual([
        await store.getMessage(room, reply.id, launch.user.id),
        await store.getMessage(room, found.id, launch.user.id),
      ]);
      expect(hits?.[0]).toMatchObject({
        replyTo: { messageId: found.id, snippet: 'dragon balls found', deleted: false },
        reactions: [{ emoji: '👍', userIds: [launch.user.id] }],
      });
      expect(hits?.[0]).not.toHaveProperty('senderId');
      // The hide is the searcher's alone; the deletion is everyone's.
      expect(textsByConversation(await search(yamcha.client, 'dragon'))).toEqual([
        [room, ['dragon gossip for nobody', 'dragon radar says north', 'dragon balls found']],
      ]);
      for (const client of [launch.client, yamcha.client]) {
        expect(await search(client, 'scrapped')).toMatchObject({ ok: true, results: [] });
      }
      expect(await search(launch.client, 'gossip')).toMatchObject({ ok: true, results: [] });
    },
  );

  it('pages through many hits with the cursor, none twice and none missed', async () => {
    const test = await startTestServer();
    const { launch } = await twoPeople(test);
    const direct = await directConversationId(launch.client);
    const total = Limits.messageSearchDefaultLimit + 12;
    for (let index = 0; index < total; index += 1) {
      await test.store.appendSystemMessage({
        conversationId: direct,
        authorId: launch.user.id,
        text: `quokka number ${index}`,
        sentAt: index,
      });
    }
    const first = await search(launch.client, 'quokka');
    const [[, firstTexts] = ['', []]] = textsByConversation(first);
    expect(firstTexts).toHaveLength(Limits.messageSearchDefaultLimit);
    expect(firstTexts[0]).toBe(`quokka number ${total - 1}`);
    expect(first).toMatchObject({ hasMore: true, cursor: expect.any(Number) });
    const second = await search(launch.client, 'quokka', first.cursor);
    expect(second).toMatchObject({ hasMore: false, cursor: null });
    const [[, secondTexts] = ['', []]] = textsByConversation(second);
    expect([...firstTexts, ...secondTexts]).toEqual(
      Array.from({ length: total }, (_, index) => `quokka number ${total - 1 - index}`),
    );
  });

  it('cuts a page of long messages to the page byte limit, and the cursor goes on from the cut', async () => {
    const test = await startTestServer();
    const { launch } = await twoPeople(test);
    const direct = await directConversationId(launch.client);
    // 40 messages of 4,000 two-byte characters: 320 KB, far past one page's 128 KB.
    for (let index = 0; index < 40; index += 1) {
      await test.store.appendSystemMessage({
        conversationId: direct,
        authorId: launch.user.id,
        text: `long${index} ${'é'.repeat(Limits.messageMaxChars - 10)}`,
        sentAt: index,
      });
    }
    const seen: string[] = [];
    let cursor: number | undefined;
    for (let page = 0; page < 10; page += 1) {
      const ack = await search(launch.client, 'long', cursor);
      const texts = textsByConversation(ack).flatMap(([, texts]) => texts);
      expect(texts.length).toBeGreaterThan(0);
      expect(Buffer.byteLength(JSON.stringify(ack.results))).toBeLessThan(
        Limits.pageMaxBytes + 1_024,
      );
      seen.push(...texts.map((text) => text.split(' ')[0] ?? ''));
      if (!ack.hasMore) break;
      cursor = ack.cursor;
    }
    expect(seen).toEqual(Array.from({ length: 40 }, (_, index) => `long${39 - index}`));
  });

  it('refuses bad payloads with a clear error, and a stranger before sign-in', async () => {
    const test = await startTestServer();
    const { launch } = await twoPeople(test);
    const cases: [unknown, RegExp][] = [
      [undefined, /expected object/i],
      [{}, /query/],
      [{ query: 42 }, /query/],
      [{ query: '' }, /query: the query is blank/],
      [{ query: ' \t\n ' }, /query: the query is blank/],
      [{ query: 'x'.repeat(Limits.messageSearchQueryMaxChars + 1) }, /^query: too big/i],
      [
        { query: 'one two three four five six seven eight nine' },
        /query: at most 8 different words \(this one has 9\)/,
      ],
      [{ query: 'radar', before: -1 }, /before/],
      [{ query: 'radar', before: 1.5 }, /before/],
      [{ query: 'radar', before: '10' }, /before/],
      [{ query: 'radar', limit: 1_000 }, /limit/],
      [{ query: 'radar', conversationId: 'capsule-corp' }, /conversationId/],
    ];
    for (const [payload, message] of cases) {
      expect({ payload, ack: await request(launch.client, 'searchMessages', payload) }).toEqual({
        payload,
        ack: refused('invalid_payload', expect.stringMatching(message)),
      });
    }
    // The same word many times, or words that others start, count once: this one is searched.
    const repeats = await search(launch.client, `${'go '.repeat(30)}g gon goku`);
    expect(repeats).toMatchObject({ ok: true });

    const stranger = await connect(test.url);
    expect(await request(stranger, 'searchMessages', { query: 'radar' })).toEqual(
      refused('unauthenticated'),
    );
  });

  it('allows 30 searches a minute per person, then refuses with the wait, whatever the socket', async () => {
    const test = await startTestServer();
    const { launch, yamcha } = await twoPeople(test);
    const secondWindow = await connect(test.url, launch.sessionToken);
    for (let index = 0; index < 30; index += 1) {
      const client = index % 2 === 0 ? launch.client : secondWindow;
      expect(await search(client, `word${index}`)).toMatchObject({ ok: true });
    }
    for (const client of [launch.client, secondWindow]) {
      const ack = await search(client, 'one more');
      expect(ack).toMatchObject(refused('rate_limited'));
      expect(ack.error.retryAfterMs).toBeGreaterThan(50_000);
      expect(ack.error.retryAfterMs).toBeLessThanOrEqual(60_000);
    }
    // Someone else's allowance is their own.
    expect(await search(yamcha.client, 'radar')).toMatchObject({ ok: true });
  });
});

describe('how search reads text (server/search.ts, shared by every store)', () => {
  it('counts a word once, and not at all when a longer word of the query starts with it', () => {
    expect(queryTerms('go GO gok goku Gon')).toEqual(['goku', 'gon']);
    expect(queryTerms('"NEAR" OR *')).toEqual(['near', 'or']);
    expect(queryTerms('%_\'"*')).toEqual([]);
  });

  it('hands each database only quoted words, whatever the query held', () => {
    const terms = queryTerms(`it's "NEAR" a:* | !b & (c) ; DROP`);
    expect(ftsMatchOf(terms)).toBe('"near"* "drop"* "it"* "s"* "a"* "b"* "c"*');
    expect(tsQueryOf(['near', 'ab', 'x'])).toBe("'near':* & ('^ab' | 'ab') & ('^x' | 'x')");
  });

  it('indexes for PostgreSQL each word and its first one and two characters, marked', () => {
    expect(postgresDocumentOf('Hi a Hello hello 𝐁𝐨𝐥𝐝')).toBe('hi ^h a hello ^he bold ^b ^bo');
  });

  it('folds width, case, accents and invisible characters, and keeps offsets of the original', () => {
    const text = 'ＣＡＦＥ\u0301 pass\u00adword İstanbul';
    expect(foldedWords(text)).toEqual(['cafe', 'password', 'istanbul']);
    const highlights = matchMessage(text, queryTerms('cafe passw ist')) ?? [];
    expect(highlights.map(([start, end]) => text.slice(start, end))).toEqual([
      'ＣＡＦＥ\u0301',
      'pass\u00adw',
      'İst',
    ]);
    expect(matchMessage(text, queryTerms('cafe zebra'))).toBeNull();
    expect(matchMessage('', queryTerms('cafe'))).toBeNull();
  });
});
