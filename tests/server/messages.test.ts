import { describe, expect, it, vi } from 'vitest';
import { Limits } from '../../server/protocol.ts';
import { vegeta } from '../../server/world.ts';
import {
  type Client,
  collect,
  connect,
  directConversationId,
  fetchWorld,
  nextEvent,
  nextEventWhere,
  onboard,
  request,
  settle,
  startTestServer,
} from './harness.ts';

async function send(client: Client, conversationId: string, text: string, clientMessageId: string) {
  const ack = await request(client, 'sendMessage', { conversationId, text, clientMessageId });
  if (!ack.ok) throw new Error(`send failed: ${ack.error.code}`);
  return ack.message;
}

describe('authorship alternation', () => {
  it('alternates user, Vegeta, user, Vegeta, ... in the DM', async () => {
    const test = await startTestServer();
    const { client, user } = await onboard(test);
    const dm = await directConversationId(client);
    const authors = [];
    for (let index = 0; index < 6; index += 1) {
      authors.push((await send(client, dm, `message ${index}`, `dm-${index}`)).authorId);
    }
    expect(authors).toEqual([user.id, vegeta.id, user.id, vegeta.id, user.id, vegeta.id]);
  });

  it('rotates the group through its characters on the bot turns', async () => {
    const test = await startTestServer();
    const { client, user } = await onboard(test);
    const authors = [];
    for (let index = 0; index < 8; index += 1) {
      authors.push((await send(client, 'capsule-corp', `hello ${index}`, `g-${index}`)).authorId);
    }
    expect(authors).toEqual([
      user.id,
      'goku',
      user.id,
      'bulma',
      user.id,
      'piccolo',
      user.id,
      'goku',
    ]);
  });

  it("foretells who authors the next sends: in the sync and in each send's ack, never for people alone", async () => {
    const test = await startTestServer();
    const { client, user } = await onboard(test);
    const dm = await directConversationId(client);
    const synced = (await fetchWorld(client)).conversations;
    expect(synced.find((c) => c.id === dm)?.authorTurns?.slice(0, 4)).toEqual([
      user.id,
      vegeta.id,
      user.id,
      vegeta.id,
    ]);
    expect(synced.find((c) => c.id === 'capsule-corp')?.authorTurns?.slice(0, 4)).toEqual([
      user.id,
      'goku',
      user.id,
      'bulma',
    ]);
    const ack = await request(client, 'sendMessage', {
      conversationId: dm,
      text: 'first',
      clientMessageId: 'turn-1',
    });
    expect(ack.message.authorId).toBe(user.id);
    // After this send, Vegeta's turn comes first: as the next send shows.
    expect(ack.authorTurns.slice(0, 2)).toEqual([vegeta.id, user.id]);
    expect((await send(client, dm, 'second', 'turn-2')).authorId).toBe(vegeta.id);

    // Between people nobody takes turns: nothing to foretell.
    const other = await onboard(test, { firstName: 'Alan', lastName: 'Mathison' });
    const opened = await request(client, 'createConversation', {
      kind: 'direct',
      userId: other.user.id,
    });
    const between = await request(client, 'sendMessage', {
      conversationId: opened.conversation.id,
      text: 'hi',
      clientMessageId: 'turn-3',
    });
    expect(between.authorTurns).toBeUndefined();
    expect(
      (await fetchWorld(client)).conversations.find((c) => c.id === opened.conversation.id),
    ).not.toHaveProperty('authorTurns');
  });

  it("finds the group's characters once, not by reading every member's record on each send", async () => {
    const test = await startTestServer();
    const { client, user } = await onboard(test);
    const authors = [(await send(client, 'capsule-corp', 'first', 'g-0')).authorId];
    const reads = vi.spyOn(test.store, 'getUsers');
    for (let index = 1; index < 4; index += 1) {
      authors.push((await send(client, 'capsule-corp', `hello ${index}`, `g-${index}`)).authorId);
    }
    expect(authors).toEqual([user.id, 'goku', user.id, 'bulma']);
    expect(reads).not.toHaveBeenCalled();
  });

  it('keeps the count per user and per conversation', async () => {
    const test = await startTestServer();
    const alice = await onboard(test, { firstName: 'Alice', lastName: 'Liddell' });
    const bob = await onboard(test, { firstName: 'Bobby', lastName: 'Tables' });
    const dm = await directConversationId(alice.client);

    expect((await send(alice.client, 'capsule-corp', 'a0', 'a0')).authorId).toBe(alice.user.id);
    expect((await send(alice.client, 'capsule-corp', 'a1', 'a1')).authorId).toBe('goku');
    // Bob's first group send is his own, whatever Alice did.
    expect((await send(bob.client, 'capsule-corp', 'b0', 'b0')).authorId).toBe(bob.user.id);
    // Alice's DM count starts at zero too.
    expect((await send(alice.client, dm, 'd0', 'd0')).authorId).toBe(alice.user.id);
    expect((await send(alice.client, 'capsule-corp', 'a2', 'a2')).authorId).toBe(alice.user.id);
  });

  it('sends channelUpdate with the message and the summary to every member', async () => {
    const test = await startTestServer();
    const alice = await onboard(test, { firstName: 'Alice', lastName: 'Liddell' });
    const bob = await onboard(test, { firstName: 'Bobby', lastName: 'Tables' });
    const carriesMessage = (update: { message: unknown }) => update.message !== null;
    const toAlice = nextEventWhere(alice.client, 'channelUpdate', carriesMessage);
    const toBob = nextEventWhere(bob.client, 'channelUpdate', carriesMessage);
    const message = await send(alice.client, 'capsule-corp', 'Hi all', 'c1');
    for (const update of [await toAlice, await toBob]) {
      expect(update.message).toEqual(message);
      expect(update.conversation).toMatchObject({ id: 'capsule-corp', lastMessage: message });
      expect(update.conversation).not.toHaveProperty('messages');
    }
  });
});

describe('sendMessage errors store nothing', () => {
  it.each([
    ['empty text', { text: '' }, 'text_empty'],
    ['whitespace-only text', { text: ' \n\t ' }, 'text_empty'],
    [
      'text over 4000 characters',
      { text: 'x'.repeat(Limits.messageMaxChars + 1) },
      'text_too_long',
    ],
    ['4001 emoji (4001 characters)', { text: '😀'.repeat(4001) }, 'text_too_long'],
    ['an unknown conversation', { conversationId: 'no-such-conversation' }, 'not_found'],
    ['a missing clientMessageId', { clientMessageId: undefined }, 'invalid_payload'],
    ['a bad clientMessageId', { clientMessageId: 'has spaces' }, 'invalid_payload'],
    ['text that is not a string', { text: 42 }, 'invalid_payload'],
    ['an extra field', { authorId: 'vegeta' }, 'invalid_payload'],
  ])('refuses %s', async (_case, change, code) => {
    const test = await startTestServer();
    const { client } = await onboard(test);
    const dm = await directConversationId(client);
    const updates = collect(client, 'channelUpdate');
    const payload = { conversationId: dm, text: 'fine', clientMessageId: 'e1', ...change };
    const ack = await request(client, 'sendMessage', payload);
    expect(ack).toMatchObject({ ok: false, error: { code, message: expect.any(String) } });

    await settle(client);
    expect(updates).toEqual([]);
    expect((await test.store.listMessages(dm, { limit: 100 })).messages).toHaveLength(1);
    // The refused clientMessageId is still free: nothing was recorded under it.
    expect(await send(client, dm, 'now valid', 'e1')).toMatchObject({ text: 'now valid' });
  });

  it('accepts exactly 4000 characters, counting emoji as one each', async () => {
    const test = await startTestServer();
    const { client } = await onboard(test);
    const dm = await directConversationId(client);
    const text = '😀'.repeat(Limits.messageMaxChars);
    expect((await send(client, dm, text, 'long')).text).toBe(text);
  });

  it('refuses a conversation the user is not a member of', async () => {
    const test = await startTestServer();
    const alice = await onboard(test, { firstName: 'Alice', lastName: 'Liddell' });
    const bob = await onboard(test, { firstName: 'Bobby', lastName: 'Tables' });
    const aliceDm = await directConversationId(alice.client);
    expect(
      await request(bob.client, 'sendMessage', {
        conversationId: aliceDm,
        text: 'let me in',
        clientMessageId: 'x',
      }),
    ).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect((await test.store.listMessages(aliceDm, { limit: 100 })).messages).toHaveLength(1);
  });

  it('trims the text it stores', async () => {
    const test = await startTestServer();
    const { client } = await onboard(test);
    expect(
      (await send(client, await directConversationId(client), '  hi there \n', 't1')).text,
    ).toBe('hi there');
  });
});

describe('idempotent sends', () => {
  it('acks a repeated clientMessageId with the original and stores nothing new', async () => {
    const test = await startTestServer();
    const { client, user } = await onboard(test);
    const dm = await directConversationId(client);
    const original = await send(client, dm, 'only once', 'same-id');
    const updates = collect(client, 'channelUpdate');
    const repeat = await send(client, dm, 'only once', 'same-id');
    expect(repeat).toEqual(original);

    await settle(client);
    // Members hear the original again (its first broadcast may have been lost with a node that
    // died); it is the same message, which clients merge by id.
    expect(updates.map((update) => update.message)).toEqual([original]);
    expect((await test.store.listMessages(dm, { limit: 100 })).messages).toHaveLength(2);
    // The repeat did not use up a turn: the next send is Vegeta's.
    expect((await send(client, dm, 'second', 'next-id')).authorId).toBe(vegeta.id);
    expect(original.authorId).toBe(user.id);
  });

  it('keeps clientMessageIds of different users apart', async () => {
    const test = await startTestServer();
    const alice = await onboard(test, { firstName: 'Alice', lastName: 'Liddell' });
    const bob = await onboard(test, { firstName: 'Bobby', lastName: 'Tables' });
    const fromAlice = await send(alice.client, 'capsule-corp', 'from Alice', 'shared-id');
    const fromBob = await send(bob.client, 'capsule-corp', 'from Bob', 'shared-id');
    expect(fromBob.id).not.toBe(fromAlice.id);
    expect(fromBob.text).toBe('from Bob');
  });
});

describe('requestMessages', () => {
  async function conversationWith(count: number) {
    const test = await startTestServer();
    const { client } = await onboard(test);
    const dm = await directConversationId(client);
    // Seed history straight into the store: the paging, not the sending, is under test.
    for (let index = 1; index < count; index += 1) {
      await test.store.appendSystemMessage({
        conversationId: dm,
        authorId: vegeta.id,
        text: `line ${index}`,
        sentAt: test.clock.now(),
      });
    }
    return { client, dm };
  }

  const seqs = (ack: { ok: boolean; messages?: { seq: number }[] }) =>
    ack.messages?.map((message) => message.seq);

  it('returns the latest page, oldest first, 50 by default', async () => {
    const { client, dm } = await conversationWith(120);
    const page = await request(client, 'requestMessages', { conversationId: dm });
    expect(page).toMatchObject({ ok: true, hasMore: true });
    expect(seqs(page)).toEqual(Array.from({ length: 50 }, (_, index) => 70 + index));
  });

  it('pages backwards with before until hasMore is false', async () => {
    const { client, dm } = await conversationWith(120);
    const older = await request(client, 'requestMessages', {
      conversationId: dm,
      before: 70,
      limit: 60,
    });
    expect(seqs(older)).toEqual(Array.from({ length: 60 }, (_, index) => 10 + index));
    expect(older).toMatchObject({ hasMore: true });
    const oldest = await request(client, 'requestMessages', {
      conversationId: dm,
      before: 10,
      limit: 60,
    });
    expect(seqs(oldest)).toEqual(Array.from({ length: 10 }, (_, index) => index));
    expect(oldest).toMatchObject({ hasMore: false });
  });

  it('catches up forwards with after', async () => {
    const { client, dm } = await conversationWith(30);
    const newer = await request(client, 'requestMessages', {
      conversationId: dm,
      after: 19,
      limit: 5,
    });
    expect(seqs(newer)).toEqual([20, 21, 22, 23, 24]);
    expect(newer).toMatchObject({ hasMore: true });
    const rest = await request(client, 'requestMessages', { conversationId: dm, after: 24 });
    expect(seqs(rest)).toEqual([25, 26, 27, 28, 29]);
    expect(rest).toMatchObject({ hasMore: false });
  });

  it.each([
    ['a limit over 100', { limit: Limits.pageMaxLimit + 1 }],
    ['a limit of 0', { limit: 0 }],
    ['a negative before', { before: -1 }],
    ['a fractional limit', { limit: 2.5 }],
  ])('refuses %s', async (_case, change) => {
    const { client, dm } = await conversationWith(3);
    expect(
      await request(client, 'requestMessages', { conversationId: dm, ...change }),
    ).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
  });

  it('allows the maximum limit of 100', async () => {
    const { client, dm } = await conversationWith(150);
    const page = await request(client, 'requestMessages', { conversationId: dm, limit: 100 });
    expect(seqs(page)).toHaveLength(100);
  });

  it('answers not_found for an unknown conversation', async () => {
    const { client } = await conversationWith(1);
    expect(await request(client, 'requestMessages', { conversationId: 'nope' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
  });
});

describe('channelUpdate size', () => {
  it('does not grow with the history (10 vs 1000 messages)', async () => {
    const sizes: number[] = [];
    for (const historyLength of [10, 1000]) {
      const test = await startTestServer();
      const { client } = await onboard(test);
      const dm = await directConversationId(client);
      for (let index = 1; index < historyLength; index += 1) {
        await test.store.appendSystemMessage({
          conversationId: dm,
          authorId: vegeta.id,
          text: 'same size text',
          sentAt: test.clock.now(),
        });
      }
      const update = nextEvent(client, 'channelUpdate');
      await send(client, dm, 'the new message', 'size-probe');
      sizes.push(JSON.stringify(await update).length);
    }
    const [small = 0, large = 0] = sizes;
    // Only the digits of `seq` may differ (9 vs 999, four times: message, lastMessage and the
    // two watermarks this send moved, Vegeta reading at once).
    expect(large - small).toBeLessThanOrEqual(8);
    expect(small).toBeLessThan(2_000);
  });

  it('does not grow with the group (3 vs 300 members), though the sync lists them all', async () => {
    const sizes: number[] = [];
    for (const memberCount of [3, 300]) {
      const test = await startTestServer();
      const { user, sessionToken } = await onboard(test);
      const others = [];
      for (let index = 1; index < memberCount; index += 1) {
        const { user: other } = await test.store.createUser({
          kind: 'person',
          firstName: 'Member',
          lastName: `Number ${index}`,
          avatar: { initials: 'MN', color: '#336699' },
          phone: `+1202555${String(index).padStart(4, '0')}`,
          createdAt: test.clock.now(),
        });
        others.push(other.id);
      }
      await test.store.createConversation({
        id: 'crowd',
        kind: 'group',
        title: 'Crowd',
        memberIds: [user.id, ...others],
        createdAt: test.clock.now(),
      });
      // A new connection joins the rooms of the conversations the user now belongs to.
      const client = await connect(test.url, sessionToken);
      const world = await fetchWorld(client);
      expect(world.conversations.find((c) => c.id === 'crowd')?.memberIds).toHaveLength(
        memberCount,
      );
      const update = nextEvent(client, 'channelUpdate');
      await send(client, 'crowd', 'the new message', 'size-probe');
      sizes.push(JSON.stringify(await update).length);
    }
    const [small = 0, large = 0] = sizes;
    expect(large).toBe(small);
    expect(small).toBeLessThan(2_000);
  });
});
