import { describe, expect, it } from 'vitest';
import { groupCharacters, vegeta, vegetaOpeningLine } from '../../server/world.ts';
import {
  collect,
  fetchWorld,
  nextEvent,
  nextEventWhere,
  onboard,
  request,
  settle,
  startTestServer,
} from './harness.ts';

describe('the world a new user meets', () => {
  it('has a DM opened by Vegeta and the group with its characters and history', async () => {
    const test = await startTestServer();
    const { client, user } = await onboard(test, { firstName: 'Videl', lastName: 'Satan' });
    const world = await fetchWorld(client);

    expect(world.conversations.map((c) => c.kind)).toEqual(['group', 'direct']);
    const direct = world.conversations.find((c) => c.kind === 'direct');
    expect(direct).toMatchObject({
      memberIds: [user.id, vegeta.id],
      drafting: [],
      hasMore: false,
      messages: [{ seq: 0, authorId: vegeta.id, text: vegetaOpeningLine }],
      lastMessage: { seq: 0, authorId: vegeta.id },
    });

    const group = world.conversations.find((c) => c.kind === 'group');
    expect(group?.title).toBe('Capsule Corp');
    expect(group?.memberIds).toEqual([...groupCharacters.map((c) => c.id), user.id]);
    expect(group?.messages.length).toBeGreaterThanOrEqual(3);
    expect(group?.lastMessage).toEqual(group?.messages.at(-1));
    expect(new Set(group?.messages.map((m) => m.authorId))).toEqual(
      new Set(groupCharacters.map((c) => c.id)),
    );
  });

  it('lists every user the current user can see, themselves first and only they with a phone', async () => {
    const test = await startTestServer();
    const { client, user } = await onboard(test);
    const world = await fetchWorld(client);

    expect(world.users[0]).toEqual(user);
    expect(world.users.map((u) => u.id).toSorted()).toEqual(
      [user.id, vegeta.id, ...groupCharacters.map((c) => c.id)].toSorted(),
    );
    for (const other of world.users.slice(1)) {
      expect(other).not.toHaveProperty('phone');
      expect(other.avatar.asset).toBe(other.id);
    }
  });

  it('shows each user only their own conversations', async () => {
    const test = await startTestServer();
    const alice = await onboard(test, { firstName: 'Alice', lastName: 'Liddell' });
    const bob = await onboard(test, { firstName: 'Bobby', lastName: 'Tables' });
    const aliceWorld = await fetchWorld(alice.client);
    const bobWorld = await fetchWorld(bob.client);

    const aliceDm = aliceWorld.conversations.find((c) => c.kind === 'direct');
    const bobDm = bobWorld.conversations.find((c) => c.kind === 'direct');
    expect(aliceDm?.id).not.toBe(bobDm?.id);
    expect(bobWorld.conversations.map((c) => c.id)).not.toContain(aliceDm?.id);

    // Bob can neither read nor write Alice's DM, nor hear about it.
    const bobUpdates = collect(bob.client, 'channelUpdate');
    const message = { conversationId: aliceDm?.id, text: 'hi', clientMessageId: 'x1' };
    expect(await request(bob.client, 'sendMessage', message)).toMatchObject({
      error: { code: 'forbidden' },
    });
    expect(
      await request(bob.client, 'requestMessages', { conversationId: aliceDm?.id }),
    ).toMatchObject({ error: { code: 'forbidden' } });
    expect(
      await request(bob.client, 'isDrafting', { conversationId: aliceDm?.id, isDrafting: true }),
    ).toMatchObject({ error: { code: 'forbidden' } });
    await request(alice.client, 'sendMessage', { ...message, clientMessageId: 'a1' });
    await settle(bob.client);
    expect(bobUpdates.filter((u) => u.conversation.id === aliceDm?.id)).toEqual([]);
  });

  it('lets real users meet in the group: members hear who joined', async () => {
    const test = await startTestServer();
    const alice = await onboard(test, { firstName: 'Alice', lastName: 'Liddell' });
    const joined = nextEvent(alice.client, 'userJoined');
    const groupUpdate = nextEvent(alice.client, 'channelUpdate');
    const bob = await onboard(test, { firstName: 'Bobby', lastName: 'Tables' });

    expect(await joined).toEqual({
      user: { id: bob.user.id, firstName: 'Bobby', lastName: 'Tables', avatar: bob.user.avatar },
      conversationIds: ['capsule-corp'],
    });
    // The update carries no member list (userJoined said it); Alice's next sync has Bob in it.
    expect((await groupUpdate).conversation).not.toHaveProperty('memberIds');
    const aliceWorld = await fetchWorld(alice.client);
    const group = aliceWorld.conversations.find((c) => c.id === 'capsule-corp');
    expect(group?.memberIds).toContain(bob.user.id);

    const bobWorld = await fetchWorld(bob.client);
    expect(bobWorld.users.map((u) => u.id)).toContain(alice.user.id);
    expect(bobWorld.users.find((u) => u.id === alice.user.id)).not.toHaveProperty('phone');

    // A group message from Bob reaches Alice, authored by Bob (his first send).
    const update = nextEventWhere(alice.client, 'channelUpdate', (u) => u.message !== null);
    await request(bob.client, 'sendMessage', {
      conversationId: 'capsule-corp',
      text: 'Hello everyone',
      clientMessageId: 'b1',
    });
    expect(await update).toMatchObject({
      conversation: { id: 'capsule-corp', lastMessage: { authorId: bob.user.id } },
      message: { authorId: bob.user.id, text: 'Hello everyone' },
    });
  });

  it('gives previews what they need: the last message and its author', async () => {
    const test = await startTestServer();
    const { client, user } = await onboard(test);
    const world = await fetchWorld(client);
    const dmId = world.conversations.find((c) => c.kind === 'direct')?.id;

    await request(client, 'sendMessage', {
      conversationId: dmId,
      text: 'One',
      clientMessageId: 'p1',
    });
    await request(client, 'sendMessage', {
      conversationId: dmId,
      text: 'Two',
      clientMessageId: 'p2',
    });
    await request(client, 'sendMessage', {
      conversationId: 'capsule-corp',
      text: 'Three',
      clientMessageId: 'p3',
    });
    await request(client, 'sendMessage', {
      conversationId: 'capsule-corp',
      text: 'Four',
      clientMessageId: 'p4',
    });

    const after = await fetchWorld(client);
    const dm = after.conversations.find((c) => c.id === dmId);
    const group = after.conversations.find((c) => c.id === 'capsule-corp');
    // Vegeta wrote "Two" (the 2nd send): the preview shows it without "You: ".
    expect(dm?.lastMessage).toMatchObject({ text: 'Two', authorId: vegeta.id });
    // Goku wrote "Four" in the group: the preview carries his id, his first name is in users.
    expect(group?.lastMessage).toMatchObject({ text: 'Four', authorId: 'goku' });
    expect(after.users.find((u) => u.id === 'goku')?.firstName).toBe('Goku');
    expect(dm?.messages.map((m) => m.authorId)).toEqual([vegeta.id, user.id, vegeta.id]);
  });
});
