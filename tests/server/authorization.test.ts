// A socket acts only as its own user, and only in conversations that user belongs to.
import { describe, expect, it } from 'vitest';
import {
  type Client,
  collect,
  connect,
  createClient,
  fetchWorld,
  nextEvent,
  onboard,
  request,
  settle,
  startTestServer,
  type TestServer,
} from './harness.ts';

async function twoPeople(test: TestServer) {
  // Not 'Bulma Briefs': people cannot take the characters' names.
  const owner = await onboard(test, { firstName: 'Launch', lastName: 'Briefs' });
  const stranger = await onboard(test, { firstName: 'Yamcha', lastName: 'Bandit' });
  const ownerWorld = await fetchWorld(owner.client);
  const ownersDirect = ownerWorld.conversations.find((c) => c.kind === 'direct')!;
  return { owner, stranger, ownersDirect };
}

async function messageCount(test: TestServer, conversationId: string): Promise<number> {
  return (await test.store.listMessages(conversationId, { limit: 100 })).messages.length;
}

describe('conversations of other users', () => {
  it('refuses sendMessage, isDrafting and requestMessages with forbidden, storing nothing', async () => {
    const test = await startTestServer();
    const { owner, stranger, ownersDirect } = await twoPeople(test);
    const ownerUpdates = collect(owner.client, 'channelUpdate');
    const before = await messageCount(test, ownersDirect.id);

    for (const [event, payload] of [
      ['sendMessage', { conversationId: ownersDirect.id, text: 'hi', clientMessageId: 'x1' }],
      ['isDrafting', { conversationId: ownersDirect.id, isDrafting: true }],
      ['requestMessages', { conversationId: ownersDirect.id }],
      ['requestMessages', { conversationId: ownersDirect.id, after: -1 }],
    ] as const) {
      expect(await request(stranger.client, event, payload)).toMatchObject({
        ok: false,
        error: { code: 'forbidden', message: expect.any(String) },
      });
    }
    await settle(owner.client);
    expect(await messageCount(test, ownersDirect.id)).toBe(before);
    expect(await test.store.getSendCount(ownersDirect.id, stranger.user.id)).toBe(0);
    // The owner saw neither a message nor a drafting mark from the stranger.
    expect(ownerUpdates).toEqual([]);
  });

  it('never sends a non-member a channelUpdate of a conversation they are not in', async () => {
    const test = await startTestServer();
    const { owner, stranger, ownersDirect } = await twoPeople(test);
    const strangerUpdates = collect(stranger.client, 'channelUpdate');
    expect(
      await request(owner.client, 'isDrafting', {
        conversationId: ownersDirect.id,
        isDrafting: true,
      }),
    ).toEqual({ ok: true });
    expect(
      await request(owner.client, 'sendMessage', {
        conversationId: ownersDirect.id,
        text: 'only for Vegeta',
        clientMessageId: 'private-1',
      }),
    ).toMatchObject({ ok: true });
    // A group message reaches the stranger, which proves the listener works.
    await request(owner.client, 'sendMessage', {
      conversationId: 'capsule-corp',
      text: 'for everyone',
      clientMessageId: 'public-1',
    });
    await settle(stranger.client);
    expect(strangerUpdates.map((update) => update.conversation.id)).toEqual(['capsule-corp']);
    expect(JSON.stringify(strangerUpdates)).not.toContain('only for Vegeta');
  });

  it('answers not_found for a conversation that does not exist', async () => {
    const test = await startTestServer();
    const { client } = await onboard(test);
    expect(
      await request(client, 'sendMessage', {
        conversationId: 'no-such-room',
        text: 'hello?',
        clientMessageId: 'nf',
      }),
    ).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });
});

describe('acting as someone else', () => {
  it('refuses payloads that name an author, sender or user (strict schemas)', async () => {
    const test = await startTestServer();
    const { owner, stranger } = await twoPeople(test);
    for (const impersonation of [
      { authorId: owner.user.id },
      { senderId: owner.user.id },
      { userId: owner.user.id },
    ]) {
      expect(
        await request(stranger.client, 'sendMessage', {
          conversationId: 'capsule-corp',
          text: 'it was me',
          clientMessageId: 'imp',
          ...impersonation,
        }),
      ).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    }
    const sent = await request(stranger.client, 'sendMessage', {
      conversationId: 'capsule-corp',
      text: 'really me',
      clientMessageId: 'real',
    });
    expect(sent).toMatchObject({ ok: true, message: { authorId: stranger.user.id } });
  });

  it('ignores a userId in the handshake: only a session token signs a socket in', async () => {
    const test = await startTestServer();
    const owner = await onboard(test);
    const forged: Client = createClient(test.url);
    forged.auth = { userId: owner.user.id };
    forged.connect();
    await new Promise<void>((resolve) => forged.once('connect', () => resolve()));
    expect(await request(forged, 'requestConversationsAndUsers')).toMatchObject({
      ok: false,
      error: { code: 'unauthenticated' },
    });
  });
});

describe('sign-out', () => {
  it('disconnects every socket holding the revoked token, and only those', async () => {
    const test = await startTestServer();
    const { client, sessionToken, user, phone } = await onboard(test);
    const otherWindow = await connect(test.url, sessionToken);
    // The same person signed in on another device, with another token, keeps working.
    const secondDevice = await connect(test.url);
    const delivered = nextEvent(secondDevice, 'verificationCodeDelivered');
    await request(secondDevice, 'requestVerificationCode', { phone });
    const signedIn = await request(secondDevice, 'verifyCode', {
      phone,
      code: (await delivered).code,
    });
    expect(signedIn).toMatchObject({ ok: true, registered: true });
    const closed = new Promise<string>((resolve) => otherWindow.once('disconnect', resolve));
    expect(await request(client, 'signOut')).toEqual({ ok: true });
    expect(await closed).toBe('io server disconnect');
    expect((await fetchWorld(secondDevice)).currentUserId).toBe(user.id);
    const retry = createClient(test.url, sessionToken);
    const refusal = await new Promise<Error>((resolve) => retry.once('connect_error', resolve));
    expect(refusal.message).toBe('invalid_token');
  });
});
