// Delivery and read receipts against a real server on a loopback port: the watermarks each
// conversation's members hear (and when they do not), who read a message (its author's to
// know), and the marks a stranger, a bad payload or a flood cannot move.
import { describe, expect, it } from 'vitest';
import { createRateLimits } from '../../server/limits/rateLimits.ts';
import { Limits } from '../../server/protocol.ts';
import {
  collect,
  connect,
  fetchWorld,
  nextEvent,
  onboard,
  type OnboardedUser,
  request,
  settle,
  startTestServer,
  type TestServer,
} from './harness.ts';

const refused = (code: string) => ({ ok: false, error: { code, message: expect.any(String) } });

async function people(test: TestServer, count: number): Promise<OnboardedUser[]> {
  const names = [
    ['Launch', 'Briefs'],
    ['Yamcha', 'Bandit'],
    ['Krillin', 'Monk'],
  ] as const;
  const onboarded: OnboardedUser[] = [];
  for (const [firstName, lastName] of names.slice(0, count)) {
    onboarded.push(await onboard(test, { firstName, lastName }));
  }
  return onboarded;
}

async function directBetween(a: OnboardedUser, b: OnboardedUser): Promise<string> {
  const opened = await request(a.client, 'createConversation', {
    kind: 'direct',
    userId: b.user.id,
  });
  const id = opened.conversation.id as string;
  await settle(b.client);
  return id;
}

let sends = 0;
const send = (user: OnboardedUser, conversationId: string, text: string) => {
  sends += 1;
  return request(user.client, 'sendMessage', {
    conversationId,
    text,
    clientMessageId: `r-${sends}`,
  });
};

describe('receipts', () => {
  it('tells a DM when the other person has the message, then when they read it, once each', async () => {
    const test = await startTestServer();
    const [launch, yamcha] = (await people(test, 2)) as [OnboardedUser, OnboardedUser];
    const directId = await directBetween(launch, yamcha);
    await send(launch, directId, 'Hi');

    // Sent, not yet delivered: the sender's own position is at the message, Yamcha's nowhere.
    const synced = (await fetchWorld(launch.client)).conversations.find((c) => c.id === directId);
    expect(synced?.receipts).toEqual({ deliveredSeq: -1, readSeq: -1 });

    const delivered = nextEvent(launch.client, 'receiptsChanged');
    expect(
      await request(yamcha.client, 'markDelivered', { conversationId: directId, seq: 0 }),
    ).toEqual({ ok: true, conversationId: directId, deliveredSeq: 0 });
    expect(await delivered).toEqual({ conversationId: directId, deliveredSeq: 0, readSeq: -1 });

    const read = nextEvent(launch.client, 'receiptsChanged');
    await request(yamcha.client, 'markRead', { conversationId: directId, seq: 0 });
    expect(await read).toEqual({ conversationId: directId, deliveredSeq: 0, readSeq: 0 });
    expect(
      (await fetchWorld(launch.client)).conversations.find((c) => c.id === directId)?.receipts,
    ).toEqual({ deliveredSeq: 0, readSeq: 0 });

    // Marking again, or past the last message, moves nothing and tells nobody.
    const repeats = collect(launch.client, 'receiptsChanged');
    expect(
      await request(yamcha.client, 'markDelivered', { conversationId: directId, seq: 99 }),
    ).toEqual({ ok: true, conversationId: directId, deliveredSeq: 0 });
    await request(yamcha.client, 'markRead', { conversationId: directId, seq: 0 });
    await settle(launch.client);
    expect(repeats).toEqual([]);
  });

  it('moves a group watermark only when the last person gets there, and tells the author who read', async () => {
    const test = await startTestServer();
    const [launch, yamcha, krillin] = (await people(test, 3)) as [
      OnboardedUser,
      OnboardedUser,
      OnboardedUser,
    ];
    const created = await request(launch.client, 'createConversation', {
      kind: 'group',
      title: 'Kame House',
      memberIds: [yamcha.user.id, krillin.user.id],
    });
    const groupId = created.conversation.id as string;
    await settle(yamcha.client);
    await settle(krillin.client);
    const sent = await send(launch, groupId, 'Training at dawn');
    const seq = sent.message.seq as number;

    const heard = collect(launch.client, 'receiptsChanged');
    await request(yamcha.client, 'markRead', { conversationId: groupId, seq });
    await settle(launch.client);
    expect(heard).toEqual([]);
    expect(await request(launch.client, 'listReceipts', { conversationId: groupId, seq })).toEqual({
      ok: true,
      readBy: [yamcha.user.id],
      deliveredTo: [],
    });

    await request(krillin.client, 'markDelivered', { conversationId: groupId, seq });
    await settle(launch.client);
    expect(heard).toEqual([{ conversationId: groupId, deliveredSeq: seq, readSeq: -1 }]);
    expect(await request(launch.client, 'listReceipts', { conversationId: groupId, seq })).toEqual({
      ok: true,
      readBy: [yamcha.user.id],
      deliveredTo: [krillin.user.id],
    });

    // Only the author learns who read it; strangers learn nothing; unknown messages are no one's.
    expect(await request(yamcha.client, 'listReceipts', { conversationId: groupId, seq })).toEqual(
      refused('forbidden'),
    );
    const stranger = await onboard(test, { firstName: 'Tien', lastName: 'Shinhan' });
    expect(
      await request(stranger.client, 'listReceipts', { conversationId: groupId, seq }),
    ).toEqual(refused('forbidden'));
    expect(
      await request(launch.client, 'listReceipts', { conversationId: groupId, seq: seq + 5 }),
    ).toEqual(refused('not_found'));
  });

  it('counts the imaginary characters as having read: a DM with Vegeta is read as soon as sent', async () => {
    const test = await startTestServer();
    const [launch] = (await people(test, 1)) as [OnboardedUser];
    const vegeta = (await fetchWorld(launch.client)).conversations.find(
      (c) => c.kind === 'direct',
    )!;
    const update = nextEvent(launch.client, 'channelUpdate');
    const separately = collect(launch.client, 'receiptsChanged');
    const sent = await send(launch, vegeta.id, 'Hello, Prince');
    // In the send's own channelUpdate: one event for the message and the watermarks it moved.
    expect(await update).toMatchObject({
      message: { id: sent.message.id },
      receipts: { deliveredSeq: sent.message.seq, readSeq: sent.message.seq },
    });
    await settle(launch.client);
    expect(separately).toEqual([]);
  });

  it("carries a send's watermark move in its channelUpdate only when it moved one", async () => {
    const test = await startTestServer();
    const [launch, yamcha] = (await people(test, 2)) as [OnboardedUser, OnboardedUser];
    const directId = await directBetween(launch, yamcha);
    await send(launch, directId, 'Hi');
    await request(yamcha.client, 'markRead', { conversationId: directId, seq: 0 });
    await settle(launch.client);
    // Yamcha was lowest (at 0); Launch's reply moves Yamcha's own position, so both hear it.
    const launchHears = nextEvent(launch.client, 'channelUpdate');
    const yamchaHears = nextEvent(yamcha.client, 'channelUpdate');
    const separately = collect(launch.client, 'receiptsChanged');
    const reply = await send(yamcha, directId, 'Hello');
    for (const heard of [await launchHears, await yamchaHears]) {
      expect(heard).toMatchObject({ message: { id: reply.message.id } });
      // Launch's position is at 0, below the reply: no watermark moved, so none is carried.
      expect(heard).not.toHaveProperty('receipts');
    }
    await settle(launch.client);
    expect(separately).toEqual([]);
  });

  it('keeps no watermarks for a conversation too big to price them, and says so in the sync', async () => {
    const test = await startTestServer();
    const [launch] = (await people(test, 1)) as [OnboardedUser];
    const crowd = Array.from(
      { length: Limits.receiptsMaxMembers + 1 },
      (_, index) => `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
    );
    const big = await test.store.createConversation({
      kind: 'group',
      title: 'Stadium',
      memberIds: [launch.user.id, ...crowd],
      createdAt: Date.now(),
    });
    const window = await connect(test.url, launch.sessionToken);
    await settle(window);
    const synced = (await fetchWorld(window)).conversations.find((c) => c.id === big.id);
    expect(synced?.receipts).toBeNull();
    const heard = collect(window, 'receiptsChanged');
    const sent = await send({ ...launch, client: window }, big.id, 'Hello, everyone');
    await request(window, 'markRead', { conversationId: big.id, seq: sent.message.seq });
    await settle(window);
    expect(heard).toEqual([]);
  });

  it('refuses strangers, bad seqs and a flood of delivery marks', async () => {
    const test = await startTestServer({
      rateLimits: createRateLimits({
        rules: { deliveryMarks: { points: 2, durationSeconds: 60 } },
      }),
    });
    const [launch, yamcha, krillin] = (await people(test, 3)) as [
      OnboardedUser,
      OnboardedUser,
      OnboardedUser,
    ];
    const directId = await directBetween(launch, yamcha);
    await send(launch, directId, 'Hi');
    expect(
      await request(krillin.client, 'markDelivered', { conversationId: directId, seq: 0 }),
    ).toEqual(refused('forbidden'));
    expect((await test.store.getPosition(directId, krillin.user.id)).deliveredSeq).toBe(-1);
    for (const seq of [-1, 1.5, '0', null]) {
      expect(
        await request(yamcha.client, 'markDelivered', { conversationId: directId, seq }),
      ).toEqual(refused('invalid_payload'));
    }
    expect(
      await request(yamcha.client, 'markDelivered', { conversationId: directId, seq: 0, extra: 1 }),
    ).toEqual(refused('invalid_payload'));
    await request(yamcha.client, 'markDelivered', { conversationId: directId, seq: 0 });
    await request(yamcha.client, 'markDelivered', { conversationId: directId, seq: 0 });
    expect(
      await request(yamcha.client, 'markDelivered', { conversationId: directId, seq: 0 }),
    ).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
  });
});
