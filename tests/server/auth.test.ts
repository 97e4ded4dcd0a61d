import { describe, expect, it } from 'vitest';
import { Limits } from '../../server/protocol.ts';
import {
  connect,
  createClient,
  fetchWorld,
  onboard,
  request,
  requestAndVerify,
  startTestServer,
  uniquePhone,
} from './harness.ts';

function connectError(client: ReturnType<typeof createClient>) {
  return new Promise<Error & { data?: unknown }>((resolve, reject) => {
    client.once('connect_error', resolve);
    client.once('connect', () => reject(new Error('connected, but should have been refused')));
  });
}

describe('sessions', () => {
  it('reconnects with the session token as the same user', async () => {
    const test = await startTestServer();
    const { client, user, sessionToken } = await onboard(test);
    client.disconnect();

    const again = await connect(test.url, sessionToken);
    const world = await fetchWorld(again);
    expect(world.currentUserId).toBe(user.id);
    const self = world.users.find((candidate) => candidate.id === user.id);
    expect(self).toMatchObject({ phone: user.phone });
  });

  it('refuses a bad token with a clear invalid_token connect error', async () => {
    const test = await startTestServer();
    const error = await connectError(createClient(test.url, 'not-a-real-session-token'));
    expect(error.message).toBe('invalid_token');
    expect(error.data).toMatchObject({ code: 'invalid_token', message: expect.any(String) });
    expect(test.logs.some((line) => line.includes('invalid_token'))).toBe(true);
  });

  it('stores only a hash of the session token', async () => {
    const test = await startTestServer();
    const { sessionToken } = await onboard(test);
    expect(await test.store.getSession(sessionToken)).toBeNull();
  });

  it('refuses every signed-in event before authentication, and keeps the socket usable', async () => {
    const test = await startTestServer();
    const client = await connect(test.url);
    const attempts: [string, unknown][] = [
      ['requestConversationsAndUsers', {}],
      ['sendMessage', { conversationId: 'capsule-corp', text: 'hi', clientMessageId: 'm1' }],
      ['isDrafting', { conversationId: 'capsule-corp', isDrafting: true }],
      ['requestMessages', { conversationId: 'capsule-corp' }],
      ['signOut', {}],
    ];
    for (const [event, payload] of attempts) {
      expect(await request(client, event, payload)).toMatchObject({
        ok: false,
        error: { code: 'unauthenticated' },
      });
    }
    expect(await test.store.listMessages('capsule-corp', { limit: 100 })).toMatchObject({
      messages: expect.not.arrayContaining([expect.objectContaining({ text: 'hi' })]),
    });
    // Onboarding still works on the same socket.
    expect(
      await request(client, 'requestVerificationCode', { phone: uniquePhone() }),
    ).toMatchObject({
      ok: true,
    });
  });

  it('refuses onboarding events on a signed-in socket', async () => {
    const test = await startTestServer();
    const { client } = await onboard(test);
    expect(
      await request(client, 'requestVerificationCode', { phone: uniquePhone() }),
    ).toMatchObject({
      ok: false,
      error: { code: 'already_authenticated' },
    });
  });

  it('signOut revokes the token and disconnects the socket', async () => {
    const test = await startTestServer();
    const { client, sessionToken } = await onboard(test);
    const disconnected = new Promise<string>((resolve) => client.once('disconnect', resolve));
    expect(await request(client, 'signOut')).toEqual({ ok: true });
    expect(await disconnected).toBe('io server disconnect');

    const error = await connectError(createClient(test.url, sessionToken));
    expect(error.message).toBe('invalid_token');
  });

  it('signing in again issues a token that works alongside the first', async () => {
    const test = await startTestServer();
    const first = await onboard(test);
    const client = await connect(test.url);
    test.clock.advance(Limits.codeResendAfterMs);
    const verified = await requestAndVerify(test, client, first.phone);
    const secondToken = verified.ok && verified.registered ? verified.sessionToken : '';
    const viaFirst = await connect(test.url, first.sessionToken);
    const viaSecond = await connect(test.url, secondToken);
    expect((await fetchWorld(viaFirst)).currentUserId).toBe(first.user.id);
    expect((await fetchWorld(viaSecond)).currentUserId).toBe(first.user.id);
  });
});
