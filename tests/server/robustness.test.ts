import { describe, expect, it } from 'vitest';
import { Limits } from '../../server/protocol.ts';
import { connect, fetchWorld, onboard, rawEmit, request, startTestServer } from './harness.ts';

describe('bad input never crashes the server', () => {
  it.each([
    ['requestVerificationCode', { phone: 4155550100 }],
    ['requestVerificationCode', { phone: '415-555-0100' }],
    ['requestVerificationCode', null],
    ['requestVerificationCode', 'just a string'],
    ['requestVerificationCode', [1, 2, 3]],
    ['verifyCode', { phone: '+14155550100' }],
    ['verifyCode', { phone: '+14155550100', code: '12345a' }],
    ['creatingNewUser', { phone: '+14155550100', firstName: 'Goten' }],
    [
      'creatingNewUser',
      { phone: '+14155550100', firstName: 7, lastName: {}, verificationToken: 1 },
    ],
  ])('answers %s with %j by invalid_payload and one log line', async (event, payload) => {
    const test = await startTestServer();
    const client = await connect(test.url);
    expect(await request(client, event, payload)).toMatchObject({
      ok: false,
      error: { code: 'invalid_payload', message: expect.any(String) },
    });
    const logged = test.logs.filter((line) => line.includes('bad input') && line.includes(event));
    expect(logged).toHaveLength(1);
    expect(logged[0]).not.toContain('\n');
  });

  it('answers signed-in events with wrong types by invalid_payload', async () => {
    const test = await startTestServer();
    const { client } = await onboard(test);
    for (const [event, payload] of [
      ['sendMessage', { conversationId: ['capsule-corp'], text: 'x', clientMessageId: 'a' }],
      ['isDrafting', { conversationId: 'capsule-corp', isDrafting: 'yes' }],
      ['requestMessages', { conversationId: 'capsule-corp', before: '10' }],
      ['requestConversationsAndUsers', { everything: true }],
      ['signOut', 'now'],
    ] as const) {
      expect(await request(client, event, payload)).toMatchObject({
        ok: false,
        error: { code: 'invalid_payload' },
      });
    }
    expect((await fetchWorld(client)).conversations).toHaveLength(2);
  });

  it('survives events sent without an ack callback', async () => {
    const test = await startTestServer();
    const { client } = await onboard(test);
    rawEmit(client, 'sendMessage', { conversationId: 'capsule-corp' });
    rawEmit(client, 'sendMessage', {
      conversationId: 'capsule-corp',
      text: 'no ack wanted',
      clientMessageId: 'no-ack',
    });
    rawEmit(client, 'requestConversationsAndUsers');
    // Still serving this client, and the valid ack-less send was stored.
    const world = await fetchWorld(client);
    const group = world.conversations.find((c) => c.id === 'capsule-corp');
    expect(group?.lastMessage?.text).toBe('no ack wanted');
  });

  it('answers unknown events with an error ack when one is asked for, and logs them', async () => {
    const test = await startTestServer();
    const client = await connect(test.url);
    expect(await request(client, 'deleteEverything', { please: true })).toMatchObject({
      ok: false,
      error: { code: 'invalid_payload', message: 'unknown event' },
    });
    rawEmit(client, 'anotherUnknownEvent');
    expect(
      await request(client, 'requestVerificationCode', { phone: '+14155550199' }),
    ).toMatchObject({ ok: true });
    expect(test.logs.filter((line) => line.includes('unknown event'))).toHaveLength(2);
  });

  it('drops a client that sends more than the payload limit, and keeps serving others', async () => {
    const test = await startTestServer();
    const bystander = await onboard(test);
    const attacker = await onboard(test);
    const dropped = new Promise<string>((resolve) => attacker.client.once('disconnect', resolve));
    rawEmit(attacker.client, 'sendMessage', {
      conversationId: 'capsule-corp',
      text: 'x'.repeat(Limits.maxPayloadBytes + 1),
      clientMessageId: 'huge',
    });
    expect(await dropped).toBe('transport close');

    const world = await fetchWorld(bystander.client);
    expect(world.conversations.find((c) => c.id === 'capsule-corp')?.lastMessage?.text).not.toMatch(
      /^x+$/,
    );
    expect(
      await request(bystander.client, 'sendMessage', {
        conversationId: 'capsule-corp',
        text: 'still here',
        clientMessageId: 'ok',
      }),
    ).toMatchObject({ ok: true });
  });

  it('refuses text that fits the buffer but not the schema', async () => {
    const test = await startTestServer();
    const { client } = await onboard(test);
    expect(
      await request(client, 'sendMessage', {
        conversationId: 'capsule-corp',
        text: 'x'.repeat(Limits.messageMaxChars * 4 + 1),
        clientMessageId: 'big',
      }),
    ).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
  });

  it('answers internal when the store fails, without crashing', async () => {
    const test = await startTestServer();
    const { client } = await onboard(test);
    test.store.listMessages = async () => {
      throw new Error('disk on fire');
    };
    expect(
      await request(client, 'requestMessages', { conversationId: 'capsule-corp' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'internal' },
    });
    expect(
      test.logs.some(
        (line) => line.startsWith('error handler failed') && line.includes('disk on fire'),
      ),
    ).toBe(true);
    expect(
      await request(client, 'sendMessage', {
        conversationId: 'capsule-corp',
        text: 'still works',
        clientMessageId: 'after-failure',
      }),
    ).toMatchObject({ ok: true });
  });
});
