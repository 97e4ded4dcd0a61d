// Conversations people make, against a real server on a loopback port: finding people (and what
// a search must never reveal), direct conversations, groups, members and admins, leaving, and
// profile changes, each with the attack that the rule stops.
import { describe, expect, it } from 'vitest';
import {
  collect,
  connect,
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

type Four = [OnboardedUser, OnboardedUser, OnboardedUser, OnboardedUser];

/** The first `count` of four people, onboarded (only those may be destructured). */
async function people(test: TestServer, count: number): Promise<Four> {
  const names = [
    ['Launch', 'Briefs'],
    ['Yamcha', 'Bandit'],
    ['Krillin', 'Monk'],
    ['Tien', 'Shinhan'],
  ] as const;
  const onboarded: OnboardedUser[] = [];
  for (const [firstName, lastName] of names.slice(0, count)) {
    onboarded.push(await onboard(test, { firstName, lastName }));
  }
  return onboarded as Four;
}

const refused = (code: string) => ({ ok: false, error: { code, message: expect.any(String) } });

describe('searchPeople', () => {
  it('finds people by the start of any name word, case and accents aside, never bots or oneself', async () => {
    const test = await startTestServer();
    const [launch, yamcha] = await people(test, 2);
    expect(await request(launch.client, 'searchPeople', { query: 'YAM' })).toEqual({
      ok: true,
      people: [
        { id: yamcha.user.id, firstName: 'Yamcha', lastName: 'Bandit', avatar: yamcha.user.avatar },
      ],
    });
    expect(await request(launch.client, 'searchPeople', { query: 'bándit yam' })).toMatchObject({
      people: [{ id: yamcha.user.id }],
    });
    // Not the middle of a word, not the characters, not the searcher.
    expect(await request(launch.client, 'searchPeople', { query: 'amcha' })).toEqual({
      ok: true,
      people: [],
    });
    expect(await request(launch.client, 'searchPeople', { query: 'Vegeta' })).toEqual({
      ok: true,
      people: [],
    });
    expect(await request(launch.client, 'searchPeople', { query: 'launch' })).toEqual({
      ok: true,
      people: [],
    });
  });

  it('never tells a hidden number from an unknown one, and finds a number whose owner allows it', async () => {
    const test = await startTestServer();
    const [launch, yamcha] = await people(test, 2);
    const hidden = await request(launch.client, 'searchPeople', { phone: yamcha.phone });
    const unknown = await request(launch.client, 'searchPeople', { phone: '+14155559999' });
    expect(hidden).toEqual({ ok: true, people: [] });
    expect(unknown).toEqual(hidden);

    expect(await request(yamcha.client, 'updateProfile', { findableByPhone: true })).toMatchObject({
      ok: true,
      user: { id: yamcha.user.id, findableByPhone: true },
    });
    const found = await request(launch.client, 'searchPeople', { phone: yamcha.phone });
    expect(found).toMatchObject({ ok: true, people: [{ id: yamcha.user.id }] });
    // The phone itself never travels to someone else.
    expect(JSON.stringify(found)).not.toContain(yamcha.phone);
  });

  it('refuses bad queries with invalid_payload and a harvesting loop with rate_limited', async () => {
    const test = await startTestServer({
      rateLimits: (await import('../../server/limits/rateLimits.ts')).createRateLimits({
        rules: { peopleSearches: { points: 3, durationSeconds: 60 } },
      }),
    });
    const [launch] = await people(test, 1);
    for (const payload of [
      { query: '' },
      { query: 'x'.repeat(65) },
      { phone: '555' },
      { query: 'a', phone: '+14155550100' },
      { query: 5 },
    ]) {
      expect(await request(launch.client, 'searchPeople', payload)).toEqual(
        refused('invalid_payload'),
      );
    }
    for (let index = 0; index < 3; index += 1) {
      expect(await request(launch.client, 'searchPeople', { query: 'a' })).toMatchObject({
        ok: true,
      });
    }
    expect(await request(launch.client, 'searchPeople', { query: 'a' })).toMatchObject({
      ok: false,
      error: { code: 'rate_limited', retryAfterMs: expect.any(Number) },
    });
  });

  it('needs a signed-in socket', async () => {
    const test = await startTestServer();
    const anonymous = await connect(test.url);
    expect(await request(anonymous, 'searchPeople', { query: 'a' })).toEqual(
      refused('unauthenticated'),
    );
  });
});

describe('direct conversations between people', () => {
  it('opens one DM per pair, delivered live to both, and messages flow both ways', async () => {
    const test = await startTestServer();
    const [launch, yamcha] = await people(test, 2);
    const yamchaAdded = nextEvent(yamcha.client, 'conversationAdded');
    const opened = await request(launch.client, 'createConversation', {
      kind: 'direct',
      userId: yamcha.user.id,
    });
    expect(opened).toMatchObject({
      ok: true,
      created: true,
      conversation: {
        kind: 'direct',
        title: '',
        memberIds: [launch.user.id, yamcha.user.id],
        adminId: null,
        lastMessage: null,
        messages: [],
      },
    });
    const { conversation } = await yamchaAdded;
    expect(conversation.id).toBe(opened.conversation.id);

    // Opened from the other side, it is the same conversation, and nobody is told twice.
    const launchAdded = collect(launch.client, 'conversationAdded');
    const again = await request(yamcha.client, 'createConversation', {
      kind: 'direct',
      userId: launch.user.id,
    });
    expect(again).toMatchObject({
      ok: true,
      created: false,
      conversation: { id: conversation.id },
    });
    await settle(launch.client);
    expect(launchAdded).toEqual([]);

    // Both sockets are in the room: a message reaches the other side live, authored by its sender.
    const heard = nextEventWhere(yamcha.client, 'channelUpdate', (u) => u.message !== null);
    expect(
      await request(launch.client, 'sendMessage', {
        conversationId: conversation.id,
        text: 'Hi Yamcha',
        clientMessageId: 'dm-1',
      }),
    ).toMatchObject({ ok: true, message: { authorId: launch.user.id } });
    expect((await heard).message).toMatchObject({ text: 'Hi Yamcha', authorId: launch.user.id });
    // No bot in a DM between people: every send is the sender's own.
    expect(
      await request(launch.client, 'sendMessage', {
        conversationId: conversation.id,
        text: 'Still me',
        clientMessageId: 'dm-2',
      }),
    ).toMatchObject({ ok: true, message: { authorId: launch.user.id } });

    // And it is in both people's next sync.
    const world = await fetchWorld(yamcha.client);
    expect(world.conversations.map((c) => c.id)).toContain(conversation.id);
    expect(world.users.map((u) => u.id)).toContain(launch.user.id);
  });

  it('refuses oneself, bots and unknown people alike, creating nothing', async () => {
    const test = await startTestServer();
    const [launch] = await people(test, 1);
    expect(
      await request(launch.client, 'createConversation', {
        kind: 'direct',
        userId: launch.user.id,
      }),
    ).toEqual(refused('invalid_payload'));
    const bot = await request(launch.client, 'createConversation', {
      kind: 'direct',
      userId: 'vegeta',
    });
    const nobody = await request(launch.client, 'createConversation', {
      kind: 'direct',
      userId: 'nobody',
    });
    expect(bot).toEqual(refused('not_found'));
    expect(nobody).toEqual(bot);
    expect((await test.store.listConversationsOf(launch.user.id)).length).toBe(2);
  });

  it('delivers a new conversation to every window of the person', async () => {
    const test = await startTestServer();
    const [launch, yamcha] = await people(test, 2);
    const secondWindow = await connect(test.url, yamcha.sessionToken);
    await settle(secondWindow);
    const inSecond = nextEvent(secondWindow, 'conversationAdded');
    await request(launch.client, 'createConversation', { kind: 'direct', userId: yamcha.user.id });
    const { conversation } = await inSecond;
    const heard = nextEventWhere(secondWindow, 'channelUpdate', (u) => u.message !== null);
    await request(launch.client, 'sendMessage', {
      conversationId: conversation.id,
      text: 'both windows',
      clientMessageId: 'w-1',
    });
    expect((await heard).message?.text).toBe('both windows');
  });
});

describe('groups', () => {
  async function group(test: TestServer) {
    const [launch, yamcha, krillin, tien] = await people(test, 4);
    const created = await request(launch.client, 'createConversation', {
      kind: 'group',
      title: '  Turtle School  ',
      memberIds: [yamcha.user.id, krillin.user.id, yamcha.user.id],
    });
    if (!created.ok) throw new Error(created.error.code);
    return { launch, yamcha, krillin, tien, groupId: created.conversation.id as string, created };
  }

  it('creates a group with its creator as admin, delivered to every member with its people', async () => {
    const test = await startTestServer();
    const [launch, yamcha] = await people(test, 2);
    const yamchaAdded = nextEvent(yamcha.client, 'conversationAdded');
    const created = await request(launch.client, 'createConversation', {
      kind: 'group',
      title: '  Turtle School  ',
      memberIds: [yamcha.user.id, yamcha.user.id, launch.user.id],
    });
    expect(created).toMatchObject({
      ok: true,
      created: true,
      conversation: {
        kind: 'group',
        title: 'Turtle School',
        memberIds: [launch.user.id, yamcha.user.id],
        adminId: launch.user.id,
      },
    });
    const added = await yamchaAdded;
    expect(added.users.map((user) => user.id).sort()).toEqual(
      [launch.user.id, yamcha.user.id].sort(),
    );
  });

  it('refuses hidden characters, bad titles, bots, strangers and oversized member lists', async () => {
    const test = await startTestServer();
    const [launch, yamcha] = await people(test, 2);
    const create = (title: string, memberIds: string[]) =>
      request(launch.client, 'createConversation', { kind: 'group', title, memberIds });
    expect(await create('Turtle\u202eloohcS', [yamcha.user.id])).toEqual(
      refused('title_not_allowed'),
    );
    expect(await create('   ', [yamcha.user.id])).toEqual(refused('invalid_payload'));
    expect(await create('x'.repeat(65), [yamcha.user.id])).toEqual(refused('invalid_payload'));
    expect(await create('Saiyans', ['vegeta'])).toEqual(refused('not_found'));
    expect(await create('Alone', [launch.user.id])).toEqual(refused('invalid_payload'));
    expect(
      await create(
        'Crowd',
        Array.from({ length: 51 }, (_, index) => `u${index}`),
      ),
    ).toEqual(refused('invalid_payload'));
    expect((await test.store.listConversationsOf(launch.user.id)).length).toBe(2);
  });

  it('lets only the admin add members; the new member gets the conversation, the others the person', async () => {
    const test = await startTestServer();
    const { launch, yamcha, tien, groupId } = await group(test);
    expect(
      await request(yamcha.client, 'addMembers', {
        conversationId: groupId,
        userIds: [tien.user.id],
      }),
    ).toEqual(refused('forbidden'));
    // Not even the world's group: it has no admin.
    const capsule = (await fetchWorld(launch.client)).conversations.find(
      (c) => c.id === 'capsule-corp',
    );
    expect(capsule?.adminId).toBeNull();
    expect(
      await request(launch.client, 'addMembers', {
        conversationId: 'capsule-corp',
        userIds: [tien.user.id],
      }),
    ).toEqual(refused('forbidden'));

    const tienAdded = nextEvent(tien.client, 'conversationAdded');
    const yamchaHears = nextEventWhere(yamcha.client, 'userJoined', (joined) =>
      joined.conversationIds.includes(groupId),
    );
    expect(
      await request(launch.client, 'addMembers', {
        conversationId: groupId,
        userIds: [tien.user.id],
      }),
    ).toEqual({ ok: true });
    expect((await tienAdded).conversation.memberIds).toContain(tien.user.id);
    expect((await yamchaHears).user.id).toBe(tien.user.id);
  });

  it('hands a re-added member the messages they hid flagged and emptied, never their text', async () => {
    const test = await startTestServer();
    const { launch, yamcha, groupId } = await group(test);
    const sent = await request(launch.client, 'sendMessage', {
      conversationId: groupId,
      text: 'Yamcha-only embarrassment',
      clientMessageId: 'readd-1',
    });
    await settle(yamcha.client);
    await request(yamcha.client, 'hideMessage', {
      conversationId: groupId,
      messageId: sent.message.id,
    });
    await request(launch.client, 'removeMember', {
      conversationId: groupId,
      userId: yamcha.user.id,
    });
    const added = nextEvent(yamcha.client, 'conversationAdded');
    expect(
      await request(launch.client, 'addMembers', {
        conversationId: groupId,
        userIds: [yamcha.user.id],
      }),
    ).toEqual({ ok: true });
    const { conversation } = await added;
    expect(JSON.stringify(conversation)).not.toContain('embarrassment');
    const flagged = { id: sent.message.id, text: '', hidden: true };
    expect(conversation.messages.find((m) => m.id === sent.message.id)).toMatchObject(flagged);
    expect(conversation.lastMessage).toMatchObject(flagged);
  });

  it('removes a member: their sockets leave the room and every request of theirs is refused', async () => {
    const test = await startTestServer();
    const { launch, yamcha, krillin, groupId } = await group(test);
    expect(
      await request(yamcha.client, 'removeMember', {
        conversationId: groupId,
        userId: krillin.user.id,
      }),
    ).toEqual(refused('forbidden'));

    const removed = nextEvent(yamcha.client, 'conversationRemoved');
    const krillinHears = nextEvent(krillin.client, 'memberLeft');
    expect(
      await request(launch.client, 'removeMember', {
        conversationId: groupId,
        userId: yamcha.user.id,
      }),
    ).toEqual({ ok: true });
    expect(await removed).toEqual({
      conversationId: groupId,
      reason: 'removed',
      title: 'Turtle School',
    });
    expect(await krillinHears).toEqual({
      conversationId: groupId,
      userId: yamcha.user.id,
      adminId: launch.user.id,
    });

    // The removed person hears nothing more from the group, and can do nothing in it.
    const afterwards = collect(yamcha.client, 'channelUpdate');
    await request(launch.client, 'sendMessage', {
      conversationId: groupId,
      text: 'after you left',
      clientMessageId: 'g-1',
    });
    for (const [event, payload] of [
      ['sendMessage', { conversationId: groupId, text: 'let me in', clientMessageId: 'y-1' }],
      ['requestMessages', { conversationId: groupId }],
      ['isDrafting', { conversationId: groupId, isDrafting: true }],
      ['leaveConversation', { conversationId: groupId }],
    ] as const) {
      expect(await request(yamcha.client, event, payload)).toEqual(refused('forbidden'));
    }
    await settle(yamcha.client);
    expect(afterwards.filter((update) => update.conversation.id === groupId)).toEqual([]);
    expect((await fetchWorld(yamcha.client)).conversations.map((c) => c.id)).not.toContain(groupId);
  });

  it('lets members leave a group (the admin hands over to the earliest member), never a DM', async () => {
    const test = await startTestServer();
    const { launch, yamcha, krillin, groupId } = await group(test);
    const krillinHears = nextEvent(krillin.client, 'memberLeft');
    const otherWindow = await connect(test.url, launch.sessionToken);
    await settle(otherWindow);
    const inOtherWindow = nextEvent(otherWindow, 'conversationRemoved');
    expect(await request(launch.client, 'leaveConversation', { conversationId: groupId })).toEqual({
      ok: true,
    });
    expect(await krillinHears).toEqual({
      conversationId: groupId,
      userId: launch.user.id,
      adminId: yamcha.user.id,
    });
    expect(await inOtherWindow).toEqual({
      conversationId: groupId,
      reason: 'left',
      title: 'Turtle School',
    });
    // The new admin can manage members now.
    expect(
      await request(yamcha.client, 'removeMember', {
        conversationId: groupId,
        userId: krillin.user.id,
      }),
    ).toEqual({ ok: true });

    const direct = (await fetchWorld(launch.client)).conversations.find((c) => c.kind === 'direct');
    expect(
      await request(launch.client, 'leaveConversation', { conversationId: direct?.id }),
    ).toEqual(refused('forbidden'));
  });
});

describe('updateProfile', () => {
  it('renames a person for everyone who shares a conversation, and search finds the new name', async () => {
    const test = await startTestServer();
    const [launch, yamcha] = await people(test, 2);
    // They share the world's group.
    const yamchaHears = nextEvent(yamcha.client, 'userUpdated');
    const updated = await request(launch.client, 'updateProfile', {
      firstName: ' Lunch ',
      lastName: 'Blonde',
      avatarColor: '#00695C',
    });
    expect(updated).toMatchObject({
      ok: true,
      user: {
        id: launch.user.id,
        firstName: 'Lunch',
        lastName: 'Blonde',
        avatar: { initials: 'LB', color: '#00695c' },
        phone: launch.phone,
      },
    });
    const { user } = await yamchaHears;
    expect(user).toMatchObject({ id: launch.user.id, firstName: 'Lunch' });
    expect(JSON.stringify(user)).not.toContain(launch.phone);
    expect(await request(yamcha.client, 'searchPeople', { query: 'lunch' })).toMatchObject({
      people: [{ id: launch.user.id }],
    });
    expect(await request(yamcha.client, 'searchPeople', { query: 'launch' })).toMatchObject({
      people: [],
    });
  });

  it("refuses the characters' names, hidden characters, off-palette colours and empty patches", async () => {
    const test = await startTestServer();
    const [launch] = await people(test, 1);
    expect(
      await request(launch.client, 'updateProfile', { firstName: 'Vegeta', lastName: 'Saiyan' }),
    ).toEqual(refused('name_not_allowed'));
    expect(await request(launch.client, 'updateProfile', { firstName: 'Lu\u200bnch' })).toEqual(
      refused('name_not_allowed'),
    );
    expect(await request(launch.client, 'updateProfile', { avatarColor: '#ffffff' })).toEqual(
      refused('avatar_not_allowed'),
    );
    expect(await request(launch.client, 'updateProfile', {})).toEqual(refused('invalid_payload'));
    expect(await request(launch.client, 'updateProfile', { firstName: 'Lu' })).toEqual(
      refused('invalid_payload'),
    );
    expect((await test.store.getUser(launch.user.id))?.firstName).toBe('Launch');
  });
});

describe('read positions', () => {
  it('keeps how far each person has read, for their next sync and their other windows', async () => {
    const test = await startTestServer();
    const [launch] = await people(test, 1);
    const world = await fetchWorld(launch.client);
    const direct = world.conversations.find((c) => c.kind === 'direct')!;
    const group = world.conversations.find((c) => c.id === 'capsule-corp')!;
    // A newcomer has read the group's history (it is not news), not Vegeta's opening line.
    expect(direct.readSeq).toBe(-1);
    expect(group.readSeq).toBe(group.lastMessage?.seq);

    const otherWindow = await connect(test.url, launch.sessionToken);
    await settle(otherWindow);
    const heard = nextEvent(otherWindow, 'readPositionChanged');
    expect(await request(launch.client, 'markRead', { conversationId: direct.id, seq: 0 })).toEqual(
      { ok: true, conversationId: direct.id, readSeq: 0 },
    );
    expect(await heard).toEqual({ conversationId: direct.id, readSeq: 0 });
    expect(
      (await fetchWorld(otherWindow)).conversations.find((c) => c.id === direct.id)?.readSeq,
    ).toBe(0);

    // Never back, never past the last message, and a repeat tells nobody.
    const repeats = collect(otherWindow, 'readPositionChanged');
    expect(
      await request(launch.client, 'markRead', { conversationId: direct.id, seq: 500 }),
    ).toEqual({ ok: true, conversationId: direct.id, readSeq: 0 });
    await settle(otherWindow);
    expect(repeats).toEqual([]);
  });

  it('refuses strangers, bad seqs and a flood', async () => {
    const test = await startTestServer({
      rateLimits: (await import('../../server/limits/rateLimits.ts')).createRateLimits({
        rules: { readMarks: { points: 2, durationSeconds: 60 } },
      }),
    });
    const [launch, yamcha] = await people(test, 2);
    const direct = (await fetchWorld(launch.client)).conversations.find(
      (c) => c.kind === 'direct',
    )!;
    expect(await request(yamcha.client, 'markRead', { conversationId: direct.id, seq: 0 })).toEqual(
      refused('forbidden'),
    );
    for (const seq of [-1, 1.5, '0']) {
      expect(await request(launch.client, 'markRead', { conversationId: direct.id, seq })).toEqual(
        refused('invalid_payload'),
      );
    }
    await request(launch.client, 'markRead', { conversationId: direct.id, seq: 0 });
    await request(launch.client, 'markRead', { conversationId: direct.id, seq: 0 });
    expect(
      await request(launch.client, 'markRead', { conversationId: direct.id, seq: 0 }),
    ).toMatchObject({
      ok: false,
      error: { code: 'rate_limited' },
    });
    expect((await test.store.getPosition(direct.id, yamcha.user.id)).readSeq).toBe(-1);
  });

  it('keeps a mute per person and conversation, for their next sync and their other windows', async () => {
    const test = await startTestServer();
    const [launch, yamcha] = await people(test, 2);
    const world = await fetchWorld(launch.client);
    const direct = world.conversations.find((c) => c.kind === 'direct')!;
    expect(direct.muted).toBe(false);

    const otherWindow = await connect(test.url, launch.sessionToken);
    await settle(otherWindow);
    const heard = nextEvent(otherWindow, 'mutedChanged');
    const yamchaHears = collect(yamcha.client, 'mutedChanged');
    expect(
      await request(launch.client, 'setMuted', { conversationId: direct.id, muted: true }),
    ).toEqual({ ok: true, conversationId: direct.id, muted: true });
    expect(await heard).toEqual({ conversationId: direct.id, muted: true });
    const synced = await fetchWorld(otherWindow);
    expect(synced.conversations.find((c) => c.id === direct.id)?.muted).toBe(true);
    // Only for them: the group is not muted, and nobody else hears of it.
    expect(synced.conversations.find((c) => c.id === 'capsule-corp')?.muted).toBe(false);

    // A repeat tells nobody; unmuting does.
    const repeats = collect(otherWindow, 'mutedChanged');
    expect(
      await request(launch.client, 'setMuted', { conversationId: direct.id, muted: true }),
    ).toEqual({ ok: true, conversationId: direct.id, muted: true });
    await settle(otherWindow);
    expect(repeats).toEqual([]);
    const unmuted = nextEvent(otherWindow, 'mutedChanged');
    await request(launch.client, 'setMuted', { conversationId: direct.id, muted: false });
    expect(await unmuted).toEqual({ conversationId: direct.id, muted: false });
    await settle(yamcha.client);
    expect(yamchaHears).toEqual([]);
  });

  it('refuses to mute for strangers, bad payloads and a flood', async () => {
    const test = await startTestServer({
      rateLimits: (await import('../../server/limits/rateLimits.ts')).createRateLimits({
        rules: { muteSwitches: { points: 2, durationSeconds: 60 } },
      }),
    });
    const [launch, yamcha] = await people(test, 2);
    const direct = (await fetchWorld(launch.client)).conversations.find(
      (c) => c.kind === 'direct',
    )!;
    // Someone else's conversation: neither muted for the intruder nor for its member.
    expect(
      await request(yamcha.client, 'setMuted', { conversationId: direct.id, muted: true }),
    ).toEqual(refused('forbidden'));
    expect(await test.store.isMuted(direct.id, yamcha.user.id)).toBe(false);
    expect(await test.store.isMuted(direct.id, launch.user.id)).toBe(false);
    expect(
      await request(yamcha.client, 'setMuted', { conversationId: 'nowhere', muted: true }),
    ).toEqual(refused('not_found'));
    for (const payload of [
      { conversationId: direct.id, muted: 'yes' },
      { conversationId: direct.id, muted: 1 },
      { conversationId: direct.id },
      { conversationId: direct.id, muted: true, userId: yamcha.user.id },
      { conversationId: 'x'.repeat(65), muted: true },
    ]) {
      expect(await request(launch.client, 'setMuted', payload)).toEqual(refused('invalid_payload'));
    }
    expect(await test.store.isMuted(direct.id, launch.user.id)).toBe(false);
    // Two switches a minute here (the default is 30): the third is refused and changes nothing.
    await request(launch.client, 'setMuted', { conversationId: direct.id, muted: true });
    await request(launch.client, 'setMuted', { conversationId: direct.id, muted: false });
    expect(
      await request(launch.client, 'setMuted', { conversationId: direct.id, muted: true }),
    ).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    expect(await test.store.isMuted(direct.id, launch.user.id)).toBe(false);
  });

  it('gives people added to a group its history as read', async () => {
    const test = await startTestServer();
    const [launch, yamcha, krillin] = await people(test, 3);
    const created = await request(launch.client, 'createConversation', {
      kind: 'group',
      title: 'Kame House',
      memberIds: [yamcha.user.id],
    });
    const groupId = created.conversation.id as string;
    await request(launch.client, 'sendMessage', {
      conversationId: groupId,
      text: 'Before Krillin',
      clientMessageId: 'k-1',
    });
    const added = nextEvent(krillin.client, 'conversationAdded');
    await request(launch.client, 'addMembers', {
      conversationId: groupId,
      userIds: [krillin.user.id],
    });
    expect((await added).conversation.readSeq).toBe(0);
  });
});
