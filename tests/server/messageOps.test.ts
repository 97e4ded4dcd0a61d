// Working with messages between real clients: replies, edits, deletion for everyone and for
// oneself, reactions, and catching up on all of them after a reconnect through the
// conversation's change revision. Each refusal is checked with what a client is told and what
// stays stored.
import { afterEach, describe, expect, it } from 'vitest';
import { createRateLimits } from '../../server/limits/rateLimits.ts';
import { Limits, type Message, MessageSchema } from '../../server/protocol.ts';
import { SqliteStore } from '../../server/store/sqlite/store.ts';
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
  type OnboardedUser,
  request,
  settle,
  startTestServer,
  type TestServer,
} from './harness.ts';

const hour = 60 * 60_000;
const sqliteStores: SqliteStore[] = [];
afterEach(async () => {
  for (const store of sqliteStores.splice(0)) await store.close();
});
let sends = 0;

async function send(
  client: Client,
  conversationId: string,
  text: string,
  replyToId?: string,
): Promise<Message> {
  sends += 1;
  const ack = await request(client, 'sendMessage', {
    conversationId,
    text,
    clientMessageId: `op-${sends}`,
    ...(replyToId === undefined ? {} : { replyToId }),
  });
  if (!ack.ok) throw new Error(`send failed: ${ack.error.code}`);
  return ack.message;
}

const refused = (code: string) => ({ ok: false, error: { code, message: expect.any(String) } });

/** Two people (Bulma and Yamcha), their DM and a group of theirs with a third person. */
async function setUp(options: Parameters<typeof startTestServer>[0] = {}) {
  const test = await startTestServer(options);
  const bulma = await onboard(test, { firstName: 'Bulma', lastName: 'Brief' });
  const yamcha = await onboard(test, { firstName: 'Yamcha', lastName: 'Bandit' });
  const tien = await onboard(test, { firstName: 'Tien', lastName: 'Shinhan' });
  const dm = await request(bulma.client, 'createConversation', {
    kind: 'direct',
    userId: yamcha.user.id,
  });
  if (!dm.ok) throw new Error(dm.error.code);
  const group = await request(bulma.client, 'createConversation', {
    kind: 'group',
    title: 'West City',
    memberIds: [yamcha.user.id, tien.user.id],
  });
  if (!group.ok) throw new Error(group.error.code);
  await settle(yamcha.client);
  await settle(tien.client);
  return {
    test,
    bulma,
    yamcha,
    tien,
    dmId: dm.conversation.id as string,
    groupId: group.conversation.id as string,
  };
}

async function stored(test: TestServer, conversationId: string, messageId: string) {
  return test.store.getMessage(conversationId, messageId);
}

describe('replies', () => {
  it('quote the original live to the other member, and the quote follows its edit and deletion', async () => {
    const { bulma, yamcha, dmId } = await setUp();
    const original = await send(bulma.client, dmId, 'Meet at Capsule Corp?');
    const heard = nextEventWhere(yamcha.client, 'channelUpdate', (u) => u.message?.text === 'Sure');
    const replyHeard = nextEventWhere(
      bulma.client,
      'channelUpdate',
      (u) => u.message?.text === 'Sure',
    );
    const reply = await send(yamcha.client, dmId, 'Sure', original.id);
    const quote = {
      messageId: original.id,
      seq: original.seq,
      authorId: bulma.user.id,
      snippet: 'Meet at Capsule Corp?',
      deleted: false,
    };
    expect(reply.replyTo).toEqual(quote);
    expect((await heard).message?.replyTo).toEqual(quote);
    expect((await replyHeard).message?.replyTo).toEqual(quote);

    await request(bulma.client, 'editMessage', {
      conversationId: dmId,
      messageId: original.id,
      text: 'Meet at Kame House?',
    });
    const page = await request(yamcha.client, 'requestMessages', { conversationId: dmId });
    expect(page.messages.find((m: Message) => m.id === reply.id).replyTo).toEqual({
      ...quote,
      snippet: 'Meet at Kame House?',
    });

    await request(bulma.client, 'deleteMessage', { conversationId: dmId, messageId: original.id });
    const world = await fetchWorld(yamcha.client);
    const messages = world.conversations.find((c) => c.id === dmId)?.messages ?? [];
    expect(messages.find((m) => m.id === reply.id)?.replyTo).toEqual({
      ...quote,
      snippet: '',
      deleted: true,
    });
  });

  it.each(['memory', 'sqlite'] as const)(
    'leave out the quote of an original the viewer hid: live, in the sync, history and search (%s store)',
    async (kind) => {
      const sqlite = kind === 'sqlite' ? SqliteStore.open(':memory:') : null;
      if (sqlite) sqliteStores.push(sqlite);
      const { bulma, yamcha, groupId } = await setUp(sqlite ? { store: sqlite } : {});
      const original = await send(yamcha.client, groupId, 'Capsule secret formula');
      await request(bulma.client, 'hideMessage', {
        conversationId: groupId,
        messageId: original.id,
      });
      const theirQuote = {
        messageId: original.id,
        seq: original.seq,
        authorId: yamcha.user.id,
        snippet: '',
        deleted: false,
        hidden: true,
      };
      const bulmaHears = nextEventWhere(
        bulma.client,
        'channelUpdate',
        (u) => u.message?.replyTo !== undefined,
      );
      const yamchaHears = nextEventWhere(
        yamcha.client,
        'channelUpdate',
        (u) => u.message?.replyTo !== undefined,
      );
      const reply = await send(yamcha.client, groupId, 'about that zebra', original.id);
      const live = await bulmaHears;
      expect(live.message?.replyTo).toEqual(theirQuote);
      expect(JSON.stringify(live)).not.toContain('secret');
      expect((await yamchaHears).message?.replyTo?.snippet).toBe('Capsule secret formula');

      const synced = (await fetchWorld(bulma.client)).conversations.find((c) => c.id === groupId);
      expect(synced?.messages.find((m) => m.id === reply.id)?.replyTo).toEqual(theirQuote);
      expect(synced?.lastMessage?.replyTo).toEqual(theirQuote);
      expect(JSON.stringify(synced)).not.toContain('secret');
      const page = await request(bulma.client, 'requestMessages', { conversationId: groupId });
      expect(page.messages.find((m: Message) => m.id === reply.id).replyTo).toEqual(theirQuote);
      const found = await request(bulma.client, 'searchMessages', { query: 'zebra' });
      expect(found.results[0].messages[0].message.replyTo).toEqual(theirQuote);
      expect(JSON.stringify(found)).not.toContain('secret');
      // What goes on the wire is what the client's schema takes.
      expect(MessageSchema.parse(live.message).replyTo).toEqual(theirQuote);
    },
  );

  it('cut the quote to 120 characters, counting emoji as one each', async () => {
    const { bulma, yamcha, dmId } = await setUp();
    const original = await send(bulma.client, dmId, '🐉'.repeat(200));
    const reply = await send(yamcha.client, dmId, 'wow', original.id);
    expect(reply.replyTo?.snippet).toBe('🐉'.repeat(Limits.replySnippetMaxChars));
  });

  it('are refused for a message of another conversation, an unknown one, or a deleted one, storing nothing', async () => {
    const { test, bulma, yamcha, dmId, groupId } = await setUp();
    const inGroup = await send(bulma.client, groupId, 'group only');
    const gone = await send(yamcha.client, dmId, 'soon gone');
    await request(yamcha.client, 'deleteMessage', { conversationId: dmId, messageId: gone.id });
    const attempts = [
      [inGroup.id, 'not_found'],
      ['no-such-message', 'not_found'],
      [gone.id, 'message_deleted'],
    ] as const;
    for (const [replyToId, code] of attempts) {
      expect(
        await request(yamcha.client, 'sendMessage', {
          conversationId: dmId,
          text: 'a reply',
          clientMessageId: `bad-reply-${code}-${replyToId.length}`,
          replyToId,
        }),
      ).toEqual(refused(code));
    }
    expect(
      await request(yamcha.client, 'sendMessage', {
        conversationId: dmId,
        text: 'a reply',
        clientMessageId: 'huge-reply-id',
        replyToId: 'x'.repeat(65),
      }),
    ).toEqual(refused('invalid_payload'));
    const texts = (await test.store.listMessages(dmId, { limit: 100 })).messages.map((m) => m.text);
    expect(texts).not.toContain('a reply');
  });
});

describe('editing', () => {
  it('reaches every member live, marked edited, and counts; the same text again changes nothing', async () => {
    const { test, bulma, yamcha, tien, groupId } = await setUp();
    const message = await send(bulma.client, groupId, 'Training at noon');
    test.clock.advance(5 * 60_000);
    const yamchaHears = nextEvent(yamcha.client, 'messageChanged');
    const tienHears = nextEvent(tien.client, 'messageChanged');
    const ack = await request(bulma.client, 'editMessage', {
      conversationId: groupId,
      messageId: message.id,
      text: '  Training at one  ',
    });
    const edited = {
      ...message,
      text: 'Training at one',
      editedAt: test.clock.now(),
      editCount: 1,
      revision: 1,
    };
    expect(ack).toEqual({ ok: true, message: edited });
    expect((await yamchaHears).message).toEqual(edited);
    expect((await tienHears).message).toEqual(edited);
    expect(MessageSchema.parse(edited)).toEqual(edited);

    // A retried edit (the same text) is answered with the message as it is, and nobody hears it.
    const repeats = collect(yamcha.client, 'messageChanged');
    expect(
      await request(bulma.client, 'editMessage', {
        conversationId: groupId,
        messageId: message.id,
        text: 'Training at one',
      }),
    ).toEqual({ ok: true, message: edited });
    await settle(yamcha.client);
    expect(repeats).toEqual([]);
    expect((await stored(test, groupId, message.id))?.editCount).toBe(1);
  });

  it("refuses someone else's message, one written as Vegeta, strangers, unknown and misplaced messages", async () => {
    const { test, bulma, yamcha, tien, dmId, groupId } = await setUp();
    const bulmas = await send(bulma.client, dmId, 'mine');
    const edit = (client: Client, conversationId: string, messageId: string) =>
      request(client, 'editMessage', { conversationId, messageId, text: 'changed' });
    expect(await edit(yamcha.client, dmId, bulmas.id)).toEqual(refused('forbidden'));
    // Tien is not in the DM.
    expect(await edit(tien.client, dmId, bulmas.id)).toEqual(refused('forbidden'));
    expect(await edit(bulma.client, dmId, 'no-such-message')).toEqual(refused('not_found'));
    // The message is in the DM, not in the group.
    expect(await edit(bulma.client, groupId, bulmas.id)).toEqual(refused('not_found'));
    expect(await edit(bulma.client, 'no-such-conversation', bulmas.id)).toEqual(
      refused('not_found'),
    );

    // In the Vegeta DM every other send is his: not Bulma's to change, though she sent it.
    const vegetaDm = await directConversationId(bulma.client);
    await send(bulma.client, vegetaDm, 'one');
    const his = await send(bulma.client, vegetaDm, 'two');
    expect(his.authorId).toBe(vegeta.id);
    expect(await edit(bulma.client, vegetaDm, his.id)).toEqual(refused('forbidden'));
    // Nor the world's own messages (Vegeta's opening line).
    const [opening] = (await test.store.listMessages(vegetaDm, { limit: 1, after: -1 })).messages;
    expect(await edit(bulma.client, vegetaDm, opening!.id)).toEqual(refused('forbidden'));
    expect((await stored(test, dmId, bulmas.id))?.text).toBe('mine');
    expect((await stored(test, vegetaDm, his.id))?.text).toBe('two');
  });

  it("is refused 24 hours after sending, by the server's clock", async () => {
    const { test, bulma, dmId } = await setUp();
    const message = await send(bulma.client, dmId, 'yesterday');
    test.clock.advance(24 * hour);
    expect(
      await request(bulma.client, 'editMessage', {
        conversationId: dmId,
        messageId: message.id,
        text: 'just in time',
      }),
    ).toMatchObject({ ok: true });
    test.clock.advance(1);
    expect(
      await request(bulma.client, 'editMessage', {
        conversationId: dmId,
        messageId: message.id,
        text: 'too late',
      }),
    ).toEqual(refused('edit_window_closed'));
    expect((await stored(test, dmId, message.id))?.text).toBe('just in time');
  });

  it('refuses the 11th edit', async () => {
    const { test, bulma, dmId } = await setUp();
    const message = await send(bulma.client, dmId, 'v0');
    for (let edit = 1; edit <= Limits.messageMaxEdits; edit += 1) {
      expect(
        await request(bulma.client, 'editMessage', {
          conversationId: dmId,
          messageId: message.id,
          text: `v${edit}`,
        }),
      ).toMatchObject({ ok: true, message: { editCount: edit } });
    }
    expect(
      await request(bulma.client, 'editMessage', {
        conversationId: dmId,
        messageId: message.id,
        text: 'v11',
      }),
    ).toEqual(refused('edit_limit_reached'));
    expect(await stored(test, dmId, message.id)).toMatchObject({ text: 'v10', editCount: 10 });
  });

  it('refuses text sendMessage would refuse, and malformed payloads, changing nothing', async () => {
    const { test, bulma, dmId } = await setUp();
    const message = await send(bulma.client, dmId, 'original');
    const attempts: [unknown, string][] = [
      [{ text: 'x'.repeat(Limits.messageMaxChars + 1) }, 'text_too_long'],
      [{ text: '😀'.repeat(Limits.messageMaxChars + 1) }, 'text_too_long'],
      [{ text: '   \n ' }, 'text_empty'],
      [{ text: 'broken \ud83d' }, 'invalid_payload'],
      [{ text: 'x'.repeat(Limits.messageMaxChars * 4 + 1) }, 'invalid_payload'],
      [{ text: 42 }, 'invalid_payload'],
      [{ text: 'ok', authorId: bulma.user.id }, 'invalid_payload'],
      [{ text: 'ok', messageId: 'x'.repeat(65) }, 'invalid_payload'],
    ];
    for (const [patch, code] of attempts) {
      expect(
        await request(bulma.client, 'editMessage', {
          conversationId: dmId,
          messageId: message.id,
          ...(patch as object),
        }),
      ).toEqual(refused(code));
    }
    expect(await request(bulma.client, 'editMessage', null)).toEqual(refused('invalid_payload'));
    expect(await stored(test, dmId, message.id)).toEqual(message);
    // Exactly 4000 characters is fine.
    expect(
      await request(bulma.client, 'editMessage', {
        conversationId: dmId,
        messageId: message.id,
        text: '😀'.repeat(Limits.messageMaxChars),
      }),
    ).toMatchObject({ ok: true });
  });

  it('never changes the author nor the alternation in the Vegeta DM', async () => {
    const { test, bulma } = await setUp();
    const vegetaDm = await directConversationId(bulma.client);
    const first = await send(bulma.client, vegetaDm, 'one');
    const second = await send(bulma.client, vegetaDm, 'two');
    expect([first.authorId, second.authorId]).toEqual([bulma.user.id, vegeta.id]);
    const turnsBefore = (await fetchWorld(bulma.client)).conversations.find(
      (c) => c.id === vegetaDm,
    )?.authorTurns;
    for (const text of ['one!', 'one!!', 'one!!!']) {
      const ack = await request(bulma.client, 'editMessage', {
        conversationId: vegetaDm,
        messageId: first.id,
        text,
      });
      expect(ack).toMatchObject({ ok: true, message: { authorId: bulma.user.id, seq: first.seq } });
    }
    const turnsAfter = (await fetchWorld(bulma.client)).conversations.find(
      (c) => c.id === vegetaDm,
    )?.authorTurns;
    expect(turnsAfter).toEqual(turnsBefore);
    expect(await test.store.getSendCount(vegetaDm, bulma.user.id)).toBe(2);
    const third = await send(bulma.client, vegetaDm, 'three');
    const fourth = await send(bulma.client, vegetaDm, 'four');
    expect([third.authorId, fourth.authorId]).toEqual([bulma.user.id, vegeta.id]);
    expect([third.seq, fourth.seq]).toEqual([second.seq + 1, second.seq + 2]);
  });
});

describe('deleting for everyone', () => {
  it('leaves a tombstone for every member, live and in the sync, without text, reactions or reply', async () => {
    const { test, bulma, yamcha, tien, groupId } = await setUp();
    const asked = await send(yamcha.client, groupId, 'Who took my car?');
    const answer = await send(bulma.client, groupId, 'Not me, honest', asked.id);
    await request(yamcha.client, 'reactToMessage', {
      conversationId: groupId,
      messageId: answer.id,
      emoji: '🤔',
    });
    test.clock.advance(hour);
    const tienHears = nextEventWhere(tien.client, 'messageChanged', (p) => !!p.message.deletedAt);
    const ack = await request(bulma.client, 'deleteMessage', {
      conversationId: groupId,
      messageId: answer.id,
    });
    const tombstone = {
      id: answer.id,
      conversationId: groupId,
      authorId: bulma.user.id,
      text: '',
      sentAt: answer.sentAt,
      seq: answer.seq,
      clientMessageId: answer.clientMessageId,
      deletedAt: test.clock.now(),
      revision: 2,
    };
    expect(ack).toEqual({ ok: true, message: tombstone });
    expect((await tienHears).message).toEqual(tombstone);

    // The sync's preview (the last message) and page show no trace of the text.
    for (const person of [yamcha, tien, bulma]) {
      const synced = (await fetchWorld(person.client)).conversations.find((c) => c.id === groupId);
      expect(synced?.lastMessage).toEqual(tombstone);
      expect(synced?.messages.at(-1)).toEqual(tombstone);
      expect(JSON.stringify(synced)).not.toContain('Not me, honest');
    }
    // A second delete changes nothing and tells nobody.
    const repeats = collect(tien.client, 'messageChanged');
    expect(
      await request(bulma.client, 'deleteMessage', {
        conversationId: groupId,
        messageId: answer.id,
      }),
    ).toEqual({ ok: true, message: tombstone });
    await settle(tien.client);
    expect(repeats).toEqual([]);
  });

  it('is only for your own messages, within 24 hours; a tombstone takes no edit, reaction or reply', async () => {
    const { test, bulma, yamcha, tien, dmId, groupId } = await setUp();
    const bulmas = await send(bulma.client, dmId, 'mine');
    const remove = (client: Client, conversationId: string, messageId: string) =>
      request(client, 'deleteMessage', { conversationId, messageId });
    expect(await remove(yamcha.client, dmId, bulmas.id)).toEqual(refused('forbidden'));
    expect(await remove(tien.client, dmId, bulmas.id)).toEqual(refused('forbidden'));
    expect(await remove(bulma.client, groupId, bulmas.id)).toEqual(refused('not_found'));
    expect(await remove(bulma.client, dmId, 'nothing')).toEqual(refused('not_found'));
    const vegetaDm = await directConversationId(bulma.client);
    await send(bulma.client, vegetaDm, 'one');
    const his = await send(bulma.client, vegetaDm, 'two');
    expect(await remove(bulma.client, vegetaDm, his.id)).toEqual(refused('forbidden'));

    const old = await send(bulma.client, dmId, 'old news');
    test.clock.advance(24 * hour + 1);
    expect(await remove(bulma.client, dmId, old.id)).toEqual(refused('edit_window_closed'));
    expect((await stored(test, dmId, old.id))?.text).toBe('old news');

    const fresh = await send(bulma.client, dmId, 'fresh');
    expect(await remove(bulma.client, dmId, fresh.id)).toMatchObject({ ok: true });
    expect(
      await request(bulma.client, 'editMessage', {
        conversationId: dmId,
        messageId: fresh.id,
        text: 'back',
      }),
    ).toEqual(refused('message_deleted'));
    expect(
      await request(yamcha.client, 'reactToMessage', {
        conversationId: dmId,
        messageId: fresh.id,
        emoji: '👍',
      }),
    ).toEqual(refused('message_deleted'));
    expect(await stored(test, dmId, fresh.id)).toMatchObject({ text: '' });
    expect((await stored(test, dmId, fresh.id))?.reactions).toBeUndefined();
  });
});

describe('hiding for me', () => {
  it("reaches the person's other windows only, survives a reload, and leaves others' view alone", async () => {
    const { test, bulma, yamcha, dmId } = await setUp();
    const message = await send(yamcha.client, dmId, 'embarrassing');
    const otherWindow = await connect(test.url, bulma.sessionToken);
    await settle(otherWindow);
    const windowHears = nextEvent(otherWindow, 'messageHidden');
    const yamchaHears = collect(yamcha.client, 'messageHidden');
    const yamchaChanges = collect(yamcha.client, 'messageChanged');
    const ack = await request(bulma.client, 'hideMessage', {
      conversationId: dmId,
      messageId: message.id,
    });
    const hidden = {
      id: message.id,
      conversationId: dmId,
      authorId: yamcha.user.id,
      text: '',
      sentAt: message.sentAt,
      seq: message.seq,
      clientMessageId: message.clientMessageId,
      hidden: true,
      revision: 1,
    };
    expect(ack).toEqual({ ok: true, message: hidden });
    expect(await windowHears).toEqual({ conversationId: dmId, messageId: message.id, revision: 1 });

    // A reload: the sync flags it (the preview too), history pages too.
    const reloaded = await connect(test.url, bulma.sessionToken);
    const synced = (await fetchWorld(reloaded)).conversations.find((c) => c.id === dmId);
    expect(synced?.lastMessage).toEqual(hidden);
    expect(synced?.messages).toEqual([hidden]);
    expect(JSON.stringify(synced)).not.toContain('embarrassing');
    const page = await request(reloaded, 'requestMessages', { conversationId: dmId, after: -1 });
    expect(page.messages).toEqual([hidden]);

    // Yamcha heard nothing and still sees it.
    await settle(yamcha.client);
    expect(yamchaHears).toEqual([]);
    expect(yamchaChanges).toEqual([]);
    const his = (await fetchWorld(yamcha.client)).conversations.find((c) => c.id === dmId);
    expect(his?.messages.at(-1)?.text).toBe('embarrassing');

    // When Yamcha edits it, Bulma's windows are not sent the new text.
    const bulmaChanges = collect(bulma.client, 'messageChanged');
    const yamchaEdit = nextEvent(yamcha.client, 'messageChanged');
    await request(yamcha.client, 'editMessage', {
      conversationId: dmId,
      messageId: message.id,
      text: 'even worse',
    });
    await yamchaEdit;
    await settle(bulma.client);
    expect(bulmaChanges).toEqual([]);
    // A second hide changes nothing.
    expect(
      await request(bulma.client, 'hideMessage', { conversationId: dmId, messageId: message.id }),
    ).toMatchObject({ ok: true, message: { hidden: true } });
  });

  it("keeps the hidden text out of the hider's channelUpdate previews (drafting), not the others'", async () => {
    const { test, bulma, yamcha, dmId } = await setUp();
    const message = await send(yamcha.client, dmId, 'embarrassing');
    const otherWindow = await connect(test.url, bulma.sessionToken);
    await settle(otherWindow);
    await request(bulma.client, 'hideMessage', { conversationId: dmId, messageId: message.id });
    await settle(otherWindow);
    const bulmaHears = nextEvent(bulma.client, 'channelUpdate');
    const windowHears = nextEvent(otherWindow, 'channelUpdate');
    const yamchaHears = nextEvent(yamcha.client, 'channelUpdate');
    expect(
      await request(yamcha.client, 'isDrafting', { conversationId: dmId, isDrafting: true }),
    ).toEqual({ ok: true });
    for (const update of [await bulmaHears, await windowHears]) {
      expect(JSON.stringify(update)).not.toContain('embarrassing');
      expect(update.conversation.lastMessage).toMatchObject({
        id: message.id,
        text: '',
        hidden: true,
      });
      expect(update.conversation.drafting).toHaveLength(1);
    }
    const his = await yamchaHears;
    expect(his.conversation.lastMessage?.text).toBe('embarrassing');
    // The drafting lapse announces it again: still without the text for her.
    const lapse = nextEvent(bulma.client, 'channelUpdate');
    test.clock.advance(Limits.draftingExpiryMs);
    expect(JSON.stringify(await lapse)).not.toContain('embarrassing');
  });

  it('is refused for strangers and unknown messages', async () => {
    const { bulma, tien, dmId, groupId } = await setUp();
    const message = await send(bulma.client, dmId, 'ours');
    expect(
      await request(tien.client, 'hideMessage', { conversationId: dmId, messageId: message.id }),
    ).toEqual(refused('forbidden'));
    expect(
      await request(bulma.client, 'hideMessage', {
        conversationId: groupId,
        messageId: message.id,
      }),
    ).toEqual(refused('not_found'));
    expect(
      await request(bulma.client, 'hideMessage', { conversationId: dmId, messageId: 'nope' }),
    ).toEqual(refused('not_found'));
  });
});

describe('reactions', () => {
  it('reach every member live: one per person, replaced, removed; the same again changes nothing', async () => {
    const { test, bulma, yamcha, tien, groupId } = await setUp();
    const message = await send(bulma.client, groupId, 'I fixed the time machine');
    const react = (person: OnboardedUser, emoji: string | null) =>
      request(person.client, 'reactToMessage', {
        conversationId: groupId,
        messageId: message.id,
        emoji,
      });

    const bulmaHears = nextEvent(bulma.client, 'messageChanged');
    expect(await react(yamcha, '👍')).toMatchObject({
      ok: true,
      message: { reactions: [{ emoji: '👍', userIds: [yamcha.user.id] }], revision: 1 },
    });
    expect((await bulmaHears).message.reactions).toEqual([
      { emoji: '👍', userIds: [yamcha.user.id] },
    ]);
    test.clock.advance(1_000);
    await react(tien, '👍');
    test.clock.advance(1_000);
    await react(bulma, '🎉');
    const tienHears = nextEventWhere(
      tien.client,
      'messageChanged',
      (p) => p.message.revision === 4,
    );
    test.clock.advance(1_000);
    // Yamcha changes his mind: his 👍 becomes a 🎉.
    await react(yamcha, '🎉');
    expect((await tienHears).message.reactions).toEqual([
      { emoji: '👍', userIds: [tien.user.id] },
      { emoji: '🎉', userIds: [bulma.user.id, yamcha.user.id] },
    ]);
    // The same emoji again is kept as it is (the toggle is the client's: it sends null).
    const repeats = collect(bulma.client, 'messageChanged');
    expect(await react(yamcha, '🎉')).toMatchObject({ ok: true, message: { revision: 4 } });
    await settle(bulma.client);
    expect(repeats).toEqual([]);
    expect(await react(yamcha, null)).toMatchObject({
      ok: true,
      message: {
        reactions: [
          { emoji: '👍', userIds: [tien.user.id] },
          { emoji: '🎉', userIds: [bulma.user.id] },
        ],
      },
    });
    await react(tien, null);
    const last = await react(bulma, null);
    expect(last.ok && last.message.reactions).toBeUndefined();
  });

  it('take skin tones, families and flags, and refuse anything that is not one emoji', async () => {
    const { test, bulma, yamcha, tien, dmId } = await setUp();
    const message = await send(bulma.client, dmId, 'pick one');
    const react = (emoji: unknown) =>
      request(yamcha.client, 'reactToMessage', {
        conversationId: dmId,
        messageId: message.id,
        emoji,
      });
    for (const emoji of ['👍🏽', '👩‍👩‍👧', '🇯🇵', '🏴󠁧󠁢󠁳󠁣󠁴󠁿', '1️⃣', '❤️']) {
      expect(await react(emoji)).toMatchObject({ ok: true, message: { reactions: [{ emoji }] } });
    }
    for (const emoji of ['a', '1', '👍👍', '', ' ', '\u200d', '❤', '©', 'ok', '👍\u202e', '<b>']) {
      expect(await react(emoji)).toEqual(refused('emoji_not_allowed'));
    }
    for (const emoji of ['👍'.repeat(200), 'x'.repeat(200), 42, ['👍'], undefined]) {
      expect(await react(emoji)).toEqual(refused('invalid_payload'));
    }
    expect((await stored(test, dmId, message.id))?.reactions).toEqual([
      { emoji: '❤️', userIds: [yamcha.user.id] },
    ]);
    // Strangers and unknown messages.
    expect(
      await request(tien.client, 'reactToMessage', {
        conversationId: dmId,
        messageId: message.id,
        emoji: '👍',
      }),
    ).toEqual(refused('forbidden'));
    expect(
      await request(yamcha.client, 'reactToMessage', {
        conversationId: dmId,
        messageId: 'nope',
        emoji: '👍',
      }),
    ).toEqual(refused('not_found'));
  });

  it(`hold at most ${Limits.reactionsMaxEmoji} different emoji per message`, async () => {
    const { test, bulma, yamcha, groupId } = await setUp();
    const message = await send(bulma.client, groupId, 'react away');
    const emoji = [...'😀😃😄😁😆😅😂🤣😊😇🙂🙃😉😌😍🥰😘😗😙😚😋'];
    // Twenty people (straight into the store) fill the twenty places.
    for (let index = 0; index < Limits.reactionsMaxEmoji; index += 1) {
      await test.store.reactToMessage({
        conversationId: groupId,
        messageId: message.id,
        userId: `someone-${index}`,
        emoji: emoji[index]!,
        reactedAt: index,
        maxEmoji: Limits.reactionsMaxEmoji,
      });
    }
    const react = (value: string) =>
      request(yamcha.client, 'reactToMessage', {
        conversationId: groupId,
        messageId: message.id,
        emoji: value,
      });
    expect(await react(emoji[Limits.reactionsMaxEmoji]!)).toEqual(refused('reactions_full'));
    expect(await react(emoji[0]!)).toMatchObject({ ok: true });
    expect((await stored(test, groupId, message.id))?.reactions).toHaveLength(
      Limits.reactionsMaxEmoji,
    );
  });
});

describe('retries after a lost ack', () => {
  it('answer a resent reply with the stored one even though its original was deleted meanwhile', async () => {
    const { test, bulma, yamcha, dmId } = await setUp();
    const original = await send(bulma.client, dmId, 'to be deleted');
    const payload = {
      conversationId: dmId,
      text: 'replying',
      clientMessageId: 'retry-reply',
      replyToId: original.id,
    };
    const first = await request(yamcha.client, 'sendMessage', payload);
    expect(first).toMatchObject({ ok: true });
    await request(bulma.client, 'deleteMessage', { conversationId: dmId, messageId: original.id });
    const again = await request(yamcha.client, 'sendMessage', payload);
    expect(again).toMatchObject({
      ok: true,
      message: { id: first.message.id, seq: first.message.seq },
    });
    const page = await test.store.listMessages(dmId, { limit: 10 });
    expect(page.messages.filter((m) => m.text === 'replying')).toHaveLength(1);
  });

  it('answer an unchanged 10th edit and a repeated delete after 24 hours as they are, not refused', async () => {
    const { test, bulma, yamcha, dmId } = await setUp();
    const message = await send(bulma.client, dmId, 'v0');
    const edit = (text: string) =>
      request(bulma.client, 'editMessage', { conversationId: dmId, messageId: message.id, text });
    for (let count = 1; count <= Limits.messageMaxEdits; count += 1) await edit(`v${count}`);
    await settle(yamcha.client);
    const heard = collect(yamcha.client, 'messageChanged');
    // The 10th edit resent: the same text, nothing changes, no refusal.
    expect(await edit(`v${Limits.messageMaxEdits}`)).toMatchObject({
      ok: true,
      message: { text: `v${Limits.messageMaxEdits}`, editCount: Limits.messageMaxEdits },
    });
    expect(await edit('v11')).toEqual(refused('edit_limit_reached'));
    await settle(yamcha.client);
    expect(heard).toEqual([]);

    const deletion = { conversationId: dmId, messageId: message.id };
    const deleted = await request(bulma.client, 'deleteMessage', deletion);
    expect(deleted).toMatchObject({ ok: true, message: { text: '' } });
    test.clock.advance(24 * hour + 1);
    expect(await request(bulma.client, 'deleteMessage', deletion)).toEqual(deleted);
    // Not someone else's, even as a retry.
    expect(await request(yamcha.client, 'deleteMessage', deletion)).toEqual(refused('forbidden'));
    // An edit after the window is still refused, whatever the text.
    const later = await send(bulma.client, dmId, 'later');
    test.clock.advance(24 * hour + 1);
    expect(
      await request(bulma.client, 'editMessage', {
        conversationId: dmId,
        messageId: later.id,
        text: 'changed',
      }),
    ).toEqual(refused('edit_window_closed'));
    expect(
      await request(bulma.client, 'editMessage', {
        conversationId: dmId,
        messageId: later.id,
        text: 'later',
      }),
    ).toMatchObject({ ok: true, message: { text: 'later' } });
  });
});

describe('catching up after a reconnect', () => {
  it('brings every edit, deletion and reaction since the revision the client had, in pages', async () => {
    const { test, bulma, yamcha, groupId } = await setUp();
    const messages: Message[] = [];
    for (let index = 0; index < 4; index += 1) {
      messages.push(await send(bulma.client, groupId, `note ${index}`));
    }
    const before = (await fetchWorld(yamcha.client)).conversations.find((c) => c.id === groupId);
    expect(before?.revision).toBe(0);
    yamcha.client.disconnect();

    await request(bulma.client, 'editMessage', {
      conversationId: groupId,
      messageId: messages[1]!.id,
      text: 'note 1, corrected',
    });
    await request(bulma.client, 'reactToMessage', {
      conversationId: groupId,
      messageId: messages[2]!.id,
      emoji: '✅',
    });
    await request(bulma.client, 'deleteMessage', {
      conversationId: groupId,
      messageId: messages[0]!.id,
    });
    await request(bulma.client, 'editMessage', {
      conversationId: groupId,
      messageId: messages[1]!.id,
      text: 'note 1, corrected twice',
    });

    const back = await connect(test.url, yamcha.sessionToken);
    const synced = (await fetchWorld(back)).conversations.find((c) => c.id === groupId);
    expect(synced?.revision).toBe(4);
    const changes = await request(back, 'listMessageChanges', {
      conversationId: groupId,
      since: before?.revision ?? 0,
    });
    expect(changes).toMatchObject({ ok: true, hasMore: false, revision: 4 });
    expect(
      changes.messages.map((m: Message) => [m.id, m.revision, m.text, m.reactions?.[0]?.emoji]),
    ).toEqual([
      [messages[2]!.id, 2, 'note 2', '✅'],
      [messages[0]!.id, 3, '', undefined],
      [messages[1]!.id, 4, 'note 1, corrected twice', undefined],
    ]);
    // Paged: one at a time, continuing after the last one's revision.
    const first = await request(back, 'listMessageChanges', {
      conversationId: groupId,
      since: 0,
      limit: 1,
    });
    expect(first).toMatchObject({ ok: true, hasMore: true, messages: [{ revision: 2 }] });
    const next = await request(back, 'listMessageChanges', {
      conversationId: groupId,
      since: 2,
      limit: 1,
    });
    expect(next).toMatchObject({ hasMore: true, messages: [{ revision: 3 }] });
    expect(
      await request(back, 'listMessageChanges', { conversationId: groupId, since: 4 }),
    ).toEqual({ ok: true, messages: [], hasMore: false, revision: 4 });
  });

  it("brings the person's own hides from another window, and never another person's", async () => {
    const { test, bulma, yamcha, dmId } = await setUp();
    const message = await send(yamcha.client, dmId, 'hide this');
    await request(bulma.client, 'hideMessage', { conversationId: dmId, messageId: message.id });
    const bulmaLater = await connect(test.url, bulma.sessionToken);
    expect(
      await request(bulmaLater, 'listMessageChanges', { conversationId: dmId, since: 0 }),
    ).toMatchObject({ ok: true, messages: [{ id: message.id, hidden: true, text: '' }] });
    expect(
      await request(yamcha.client, 'listMessageChanges', { conversationId: dmId, since: 0 }),
    ).toMatchObject({ ok: true, messages: [], hasMore: false });
  });

  it('is refused to strangers and for bad revisions', async () => {
    const { tien, bulma, dmId } = await setUp();
    expect(
      await request(tien.client, 'listMessageChanges', { conversationId: dmId, since: 0 }),
    ).toEqual(refused('forbidden'));
    for (const payload of [
      { conversationId: dmId, since: -1 },
      { conversationId: dmId, since: 1.5 },
      { conversationId: dmId, since: 0, limit: Limits.changesPageMaxLimit + 1 },
      { conversationId: dmId },
    ]) {
      expect(await request(bulma.client, 'listMessageChanges', payload)).toEqual(
        refused('invalid_payload'),
      );
    }
  });
});

describe('rate limits on working with messages', () => {
  it('refuses edits, deletions, hides, reactions and change lists beyond their budgets, per user, changing nothing', async () => {
    const rule = { points: 2, durationSeconds: 60 };
    const { test, bulma, yamcha, dmId } = await setUp({
      rateLimits: createRateLimits({
        rules: {
          messageEdits: rule,
          messageDeletes: rule,
          messageHides: rule,
          messageReactions: rule,
          messageChangeLists: rule,
        },
      }),
    });
    const messages: Message[] = [];
    for (let index = 0; index < 3; index += 1) {
      messages.push(await send(bulma.client, dmId, `m${index}`));
    }
    const ids = messages.map((m) => m.id);
    const attempts: [string, (index: number) => object][] = [
      ['editMessage', (i) => ({ conversationId: dmId, messageId: ids[0], text: `edit ${i}` })],
      [
        'reactToMessage',
        (i) => ({ conversationId: dmId, messageId: ids[0], emoji: ['👍', '🔥', '🎉'][i] }),
      ],
      ['hideMessage', (i) => ({ conversationId: dmId, messageId: ids[i] })],
      ['listMessageChanges', () => ({ conversationId: dmId, since: 0 })],
      ['deleteMessage', (i) => ({ conversationId: dmId, messageId: ids[i] })],
    ];
    for (const [event, payload] of attempts) {
      expect(await request(bulma.client, event, payload(0))).toMatchObject({ ok: true });
      expect(await request(bulma.client, event, payload(1))).toMatchObject({ ok: true });
      expect(await request(bulma.client, event, payload(2))).toMatchObject({
        ok: false,
        error: { code: 'rate_limited', retryAfterMs: expect.any(Number) },
      });
    }
    const third = await stored(test, dmId, ids[2]!);
    expect(third).toMatchObject({ text: 'm2' });
    expect(third?.deletedAt).toBeUndefined();
    expect((await stored(test, dmId, ids[0]!))?.text).toBe('');
    expect(await test.store.listHidersOf(dmId, ids[2]!)).toEqual([]);
    // Per user: Yamcha still reacts.
    expect(
      await request(yamcha.client, 'reactToMessage', {
        conversationId: dmId,
        messageId: ids[2],
        emoji: '👍',
      }),
    ).toMatchObject({ ok: true });
  });

  it('stops a reaction flood at the default budget, and the other member hears no more than it', async () => {
    const { bulma, yamcha, dmId } = await setUp();
    const message = await send(bulma.client, dmId, 'flood me');
    const heard = collect(bulma.client, 'messageChanged');
    const emoji = ['👍', '🔥'];
    let allowed = 0;
    let refusedCount = 0;
    for (let index = 0; index < 130; index += 1) {
      const ack = await request(yamcha.client, 'reactToMessage', {
        conversationId: dmId,
        messageId: message.id,
        emoji: emoji[index % 2],
      });
      if (ack.ok) allowed += 1;
      else if (ack.error.code === 'rate_limited') refusedCount += 1;
    }
    expect(allowed).toBe(120);
    expect(refusedCount).toBe(10);
    await settle(bulma.client);
    expect(heard).toHaveLength(120);
  });
});

describe('who may ask at all', () => {
  it('refuses every message operation on a socket that is not signed in', async () => {
    const { test, bulma, dmId } = await setUp();
    const message = await send(bulma.client, dmId, 'private');
    const anonymous = await connect(test.url);
    const base = { conversationId: dmId, messageId: message.id };
    for (const [event, payload] of [
      ['editMessage', { ...base, text: 'mine now' }],
      ['deleteMessage', base],
      ['hideMessage', base],
      ['reactToMessage', { ...base, emoji: '👍' }],
      ['listMessageChanges', { conversationId: dmId, since: 0 }],
    ] as const) {
      expect(await request(anonymous, event, payload)).toEqual(refused('unauthenticated'));
    }
    expect(await stored(test, dmId, message.id)).toEqual(message);
  });

  it('tells people outside the conversation nothing of its changes', async () => {
    const { bulma, yamcha, tien, dmId } = await setUp();
    const tienHears = collect(tien.client, 'messageChanged');
    const tienHides = collect(tien.client, 'messageHidden');
    const message = await send(bulma.client, dmId, 'between us');
    await request(bulma.client, 'editMessage', {
      conversationId: dmId,
      messageId: message.id,
      text: 'between us two',
    });
    await request(yamcha.client, 'reactToMessage', {
      conversationId: dmId,
      messageId: message.id,
      emoji: '🤫',
    });
    await request(yamcha.client, 'hideMessage', { conversationId: dmId, messageId: message.id });
    await request(bulma.client, 'deleteMessage', { conversationId: dmId, messageId: message.id });
    await settle(bulma.client);
    await settle(tien.client);
    expect(tienHears).toEqual([]);
    expect(tienHides).toEqual([]);
  });
});
