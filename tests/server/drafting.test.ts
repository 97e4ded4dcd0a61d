import { describe, expect, it } from 'vitest';
import { Limits } from '../../server/protocol.ts';
import { vegeta } from '../../server/world.ts';
import {
  type Client,
  collect,
  directConversationId,
  fetchWorld,
  nextEventWhere,
  onboard,
  request,
  settle,
  startTestServer,
} from './harness.ts';

const draftUpdate = (client: Client, conversationId: string) =>
  nextEventWhere(
    client,
    'channelUpdate',
    (update) => update.conversation.id === conversationId && update.message === null,
  );

const drafting = (client: Client, conversationId: string, isDrafting: boolean) =>
  request(client, 'isDrafting', { conversationId, isDrafting });

describe('drafting', () => {
  it("attributes the draft to whoever authors the user's next message", async () => {
    const test = await startTestServer();
    const { client, user } = await onboard(test);
    const dm = await directConversationId(client);

    let update = draftUpdate(client, dm);
    expect(await drafting(client, dm, true)).toEqual({ ok: true });
    expect((await update).conversation.drafting).toEqual([user.id]);

    // After one send it is Vegeta's turn: he appears to type.
    await request(client, 'sendMessage', { conversationId: dm, text: 'hi', clientMessageId: 'd1' });
    update = draftUpdate(client, dm);
    await drafting(client, dm, true);
    expect((await update).conversation.drafting).toEqual([vegeta.id]);
  });

  it('rotates the attribution through the group characters', async () => {
    const test = await startTestServer();
    const { client, user } = await onboard(test);
    const shownAs: string[][] = [];
    for (let index = 0; index < 4; index += 1) {
      const update = draftUpdate(client, 'capsule-corp');
      await drafting(client, 'capsule-corp', true);
      shownAs.push((await update).conversation.drafting);
      await request(client, 'sendMessage', {
        conversationId: 'capsule-corp',
        text: `m${index}`,
        clientMessageId: `g${index}`,
      });
    }
    expect(shownAs).toEqual([[user.id], ['goku'], [user.id], ['bulma']]);
  });

  it('tells the other members too', async () => {
    const test = await startTestServer();
    const alice = await onboard(test, { firstName: 'Alice', lastName: 'Liddell' });
    const bob = await onboard(test, { firstName: 'Bobby', lastName: 'Tables' });
    const toBob = nextEventWhere(
      bob.client,
      'channelUpdate',
      (u) => u.conversation.drafting.length > 0,
    );
    await drafting(alice.client, 'capsule-corp', true);
    expect((await toBob).conversation.drafting).toEqual([alice.user.id]);
  });

  it('expires 6 s after the last isDrafting: true', async () => {
    const test = await startTestServer();
    const { client, user } = await onboard(test);
    const dm = await directConversationId(client);
    const started = draftUpdate(client, dm);
    await drafting(client, dm, true);
    await started;

    // A refresh at 5 s keeps it alive past the first 6 s.
    test.clock.advance(5_000);
    await drafting(client, dm, true);
    const updates = collect(client, 'channelUpdate');
    test.clock.advance(Limits.draftingExpiryMs - 1_000);
    await settle(client);
    expect(updates).toEqual([]);
    expect((await fetchWorld(client)).conversations.find((c) => c.id === dm)?.drafting).toEqual([
      user.id,
    ]);

    const expired = draftUpdate(client, dm);
    test.clock.advance(1_000);
    expect((await expired).conversation.drafting).toEqual([]);
    expect((await fetchWorld(client)).conversations.find((c) => c.id === dm)?.drafting).toEqual([]);
  });

  it('clears when the drafter sends', async () => {
    const test = await startTestServer();
    const { client } = await onboard(test);
    const dm = await directConversationId(client);
    await drafting(client, dm, true);
    const sent = nextEventWhere(client, 'channelUpdate', (u) => u.message !== null);
    await request(client, 'sendMessage', {
      conversationId: dm,
      text: 'done',
      clientMessageId: 's1',
    });
    expect((await sent).conversation.drafting).toEqual([]);
    // No expiry timer is left behind to announce a change later.
    expect(test.clock.pendingCount).toBe(0);
  });

  it('clears on isDrafting: false', async () => {
    const test = await startTestServer();
    const { client } = await onboard(test);
    const dm = await directConversationId(client);
    const started = draftUpdate(client, dm);
    await drafting(client, dm, true);
    await started;
    const stopped = draftUpdate(client, dm);
    await drafting(client, dm, false);
    expect((await stopped).conversation.drafting).toEqual([]);
  });

  it("clears when the drafter's last socket disconnects", async () => {
    const test = await startTestServer();
    const alice = await onboard(test, { firstName: 'Alice', lastName: 'Liddell' });
    const bob = await onboard(test, { firstName: 'Bobby', lastName: 'Tables' });
    const started = nextEventWhere(
      bob.client,
      'channelUpdate',
      (u) => u.conversation.drafting.length > 0,
    );
    await drafting(alice.client, 'capsule-corp', true);
    await started;
    const cleared = nextEventWhere(
      bob.client,
      'channelUpdate',
      (u) => u.conversation.drafting.length === 0,
    );
    alice.client.disconnect();
    expect((await cleared).conversation.drafting).toEqual([]);
  });

  it('refuses drafting in an unknown conversation', async () => {
    const test = await startTestServer();
    const { client } = await onboard(test);
    expect(await drafting(client, 'nope', true)).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
  });
});
