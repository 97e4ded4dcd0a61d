// The messenger's view atoms over the real actor system: what the sidebar, the open
// conversation and the connection banner show as the scripted server syncs, pushes, acks and
// refuses, and as the user types, sends and retries.
import { afterEach, describe, expect, it } from 'vitest';
import type { ChannelUpdate } from '../../../server/protocol.ts';
import { bulma, goku, groupUpdate, me, message, syncData, vegeta } from '../../model/fixtures.ts';
import { startApp } from './harness.ts';

let app: Awaited<ReturnType<typeof startApp>> | undefined;
afterEach(() => app?.stop());

async function signedIn() {
  app = await startApp({ savedToken: 'saved' });
  return app;
}

/** Who is drafting in the group, and nothing else new. */
function groupDrafting(ids: string[]): ChannelUpdate {
  const update = groupUpdate();
  return {
    conversation: {
      ...update.conversation,
      lastMessage: syncedGroupHello(),
      drafting: ids,
    },
    message: null,
  };
}

const syncedGroupHello = () =>
  message({
    id: 'm-g-5',
    seq: 5,
    conversationId: 'c-group',
    authorId: goku.id,
    text: 'Training at noon!',
  });

describe('sidebarRowsAtom', () => {
  it('DM rows show the other person; group previews carry the sender first name; newest first', async () => {
    const { store, atoms, goLive } = await signedIn();
    expect(store.get(atoms.sidebarRowsAtom)).toEqual([]);
    expect(store.get(atoms.messengerReadyAtom)).toBe(false);
    goLive();
    expect(store.get(atoms.messengerReadyAtom)).toBe(true);
    const rows = store.get(atoms.sidebarRowsAtom);
    expect(rows.map((row) => [row.title, row.preview])).toEqual([
      ['Capsule Corp', 'Goku: Training at noon!'],
      ['Vegeta Saiyan', 'Kakarot is late again.'],
    ]);
    expect(rows[1]?.avatar).toEqual(vegeta);
    expect(rows[0]?.avatar.avatar.initials).toBe('CC');
  });

  it('"You: " before the user\'s own last message, unread counts, and "…" while others draft', async () => {
    const { store, atoms, goLive, server } = await signedIn();
    goLive();
    const mine = groupUpdate('On my way', 6, [bulma.id]);
    mine.message = { ...mine.message!, authorId: me.id };
    mine.conversation.lastMessage = mine.message;
    server.push(mine);
    server.push(groupUpdate('Hurry', 7, [bulma.id, me.id]));
    // The user's own message is not unread; Goku's is, while the group is closed.
    expect(store.get(atoms.sidebarRowsAtom)[0]).toMatchObject({
      id: 'c-group',
      preview: 'Goku: Hurry',
      unreadCount: 1,
      isDrafting: true,
    });
    // Only the user drafting (in another window) is no "…".
    server.push({
      conversation: { ...mine.conversation, drafting: [me.id] },
      message: null,
    });
    expect(store.get(atoms.sidebarRowsAtom)[0]).toMatchObject({
      preview: 'You: On my way',
      isDrafting: false,
    });
  });

  it('an unsent draft is the preview ("Draft: …", on one line) only while its conversation is not open', async () => {
    const { store, atoms, goLive, open } = await signedIn();
    goLive();
    const groupRow = () => store.get(atoms.sidebarRowsAtom).find((row) => row.id === 'c-group');
    open('c-group');
    store.set(atoms.sendToOpenConversationAtom, { type: 'draft.changed', text: ' On my\n way ' });
    expect(groupRow()).toMatchObject({ preview: 'Goku: Training at noon!' });
    expect(groupRow()?.draft).toBeUndefined();
    open('c-vegeta');
    expect(groupRow()).toMatchObject({ preview: 'Draft: On my way', draft: 'On my way' });
    // Whitespace alone is no draft.
    open('c-group');
    store.set(atoms.sendToOpenConversationAtom, { type: 'draft.changed', text: ' \n ' });
    open('c-vegeta');
    expect(groupRow()).toMatchObject({ preview: 'Goku: Training at noon!' });
    expect(groupRow()?.draft).toBeUndefined();
  });

  it('muted conversations keep their count in the list but leave the total; the open one says it is muted', async () => {
    const { store, atoms, goLive, server, open } = await signedIn();
    const total = () => store.get(atoms.unreadTotalAtom);
    store.sub(atoms.unreadTotalAtom, () => {});
    store.sub(atoms.mutedIdsAtom, () => {});
    goLive();
    server.push(groupUpdate('Hurry', 6));
    // Vegeta's opening line (never read) and Goku's message.
    const before = total();
    expect(store.get(atoms.sidebarRowsAtom).find((r) => r.id === 'c-group')?.unreadCount).toBe(1);
    open('c-group');
    store.set(atoms.sendToOpenConversationAtom, { type: 'mute.toggled' });
    expect(store.get(atoms.openConversationAtom)?.muted).toBe(true);
    expect([...store.get(atoms.mutedIdsAtom)]).toEqual(['c-group']);
    open('c-vegeta');
    server.push(groupUpdate('Still there?', 7));
    expect(store.get(atoms.sidebarRowsAtom).find((r) => r.id === 'c-group')?.unreadCount).toBe(1);
    // Vegeta's DM is read now and the group is muted: nothing counts.
    expect(total()).toBe(0);
    expect(before).toBeGreaterThan(0);
    server.push({ ...groupUpdate('Loud again', 8) });
    open('c-group');
    store.set(atoms.sendToOpenConversationAtom, { type: 'mute.toggled' });
    expect(store.get(atoms.openConversationAtom)?.muted).toBe(false);
    open('c-vegeta');
    server.push(groupUpdate('Counted', 9));
    expect(total()).toBe(1);
  });

  it('a message from someone else moves its conversation to the top', async () => {
    const { store, atoms, goLive, server } = await signedIn();
    goLive();
    const late = message({ id: 'm-v-1', seq: 1, text: 'Finally.', sentAt: 1_800_000_000_000 });
    server.push({
      conversation: {
        id: 'c-vegeta',
        kind: 'direct',
        title: 'Vegeta',
        lastMessage: late,
        drafting: [],
      },
      message: late,
    });
    expect(store.get(atoms.sidebarRowsAtom).map((row) => [row.title, row.unreadCount])).toEqual([
      ['Vegeta Saiyan', 1],
      ['Capsule Corp', 0],
    ]);
  });
});

describe('people named after Object.prototype', () => {
  it('an unknown member, author or drafter called "constructor" or "toString" is someone, not a function', async () => {
    const { store, atoms, server, open } = await signedIn();
    const data = syncData();
    const group = data.conversations[1]!;
    const last = { ...group.lastMessage!, authorId: 'constructor' };
    group.lastMessage = last;
    group.messages = [last];
    group.memberIds = [me.id, 'constructor', 'toString'];
    group.drafting = ['toString'];
    // A DM with someone the list does not know: titled by the conversation.
    data.conversations[0]!.memberIds = [me.id, 'hasOwnProperty'];
    server.connect();
    server.sync(data);
    const rows = store.get(atoms.sidebarRowsAtom);
    expect(rows.map((row) => [row.title, row.preview])).toEqual([
      ['Capsule Corp', 'Training at noon!'],
      ['Vegeta', 'Kakarot is late again.'],
    ]);
    open('c-group');
    expect(store.get(atoms.openConversationAtom)?.membersText).toBe('Someone, Someone and you');
    expect(store.get(atoms.typingTextAtom)).toBe('Someone is typing…');
  });
});

describe('openConversationAtom and typingTextAtom', () => {
  it("shows the header, own and others' messages, and unsent ones sending -> failed -> sent", async () => {
    const { store, atoms, goLive, server, clock, open } = await signedIn();
    goLive();
    expect(store.get(atoms.openConversationAtom)).toBeNull();
    open('c-group');
    store.set(atoms.sendToOpenConversationAtom, { type: 'draft.changed', text: 'Hello' });
    expect(store.get(atoms.openConversationAtom)).toMatchObject({
      title: 'Capsule Corp',
      membersText: 'Goku, Bulma and you',
      draft: 'Hello',
      canSend: true,
      hasMore: true,
    });
    store.set(atoms.sendToOpenConversationAtom, { type: 'message.submitted' });
    let view = store.get(atoms.openConversationAtom);
    expect(view?.draft).toBe('');
    expect(view?.messages.map((m) => [m.text, m.isOwn, m.status])).toEqual([
      ['Training at noon!', false, 'sent'],
      ['Hello', true, 'sending'],
    ]);
    expect(view?.messages[1]?.sentAt).toBe(clock.now());
    const [clientMessageId = ''] = server.sentIds();

    server.reject(clientMessageId, { code: 'text_too_long', message: 'Too long' });
    expect(store.get(atoms.openConversationAtom)?.messages[1]).toMatchObject({
      status: 'failed',
      error: 'Too long',
      key: clientMessageId,
    });

    store.set(atoms.retryMessageAtom, clientMessageId);
    expect(server.sentIds()).toEqual([clientMessageId, clientMessageId]);
    expect(store.get(atoms.openConversationAtom)?.messages[1]).toMatchObject({
      status: 'sending',
      error: null,
    });
    server.ack(clientMessageId, {
      id: 'm-9',
      conversationId: 'c-group',
      authorId: me.id,
      text: 'Hello',
      sentAt: 9,
      seq: 6,
      clientMessageId,
    });
    view = store.get(atoms.openConversationAtom);
    expect(view?.messages.map((m) => [m.key, m.status])).toEqual([
      ['m-g-5', 'sent'],
      [clientMessageId, 'sent'],
    ]);
  });

  it('cannot send a blank draft', async () => {
    const { store, atoms, goLive, server, open } = await signedIn();
    goLive();
    open('c-vegeta');
    store.set(atoms.sendToOpenConversationAtom, { type: 'draft.changed', text: '   ' });
    expect(store.get(atoms.openConversationAtom)?.canSend).toBe(false);
    store.set(atoms.sendToOpenConversationAtom, { type: 'message.submitted' });
    expect(server.sentIds()).toEqual([]);
    expect(store.get(atoms.openConversationAtom)?.messages).toHaveLength(1);
  });

  it('says who is typing: one, two, or a count', async () => {
    const { store, atoms, goLive, server, open } = await signedIn();
    goLive();
    open('c-group');
    expect(store.get(atoms.typingTextAtom)).toBeNull();
    server.push(groupDrafting([goku.id]));
    expect(store.get(atoms.typingTextAtom)).toBe('Goku is typing…');
    server.push(groupDrafting([goku.id, bulma.id, me.id]));
    expect(store.get(atoms.typingTextAtom)).toBe('Goku and Bulma are typing…');
    server.push(groupDrafting([goku.id, bulma.id, vegeta.id]));
    expect(store.get(atoms.typingTextAtom)).toBe('3 people are typing…');
    server.push(groupDrafting([]));
    expect(store.get(atoms.typingTextAtom)).toBeNull();
  });
});

describe('sessionBannerAtom', () => {
  it('connecting, then nothing when live, reconnecting after a loss, offline while offline', async () => {
    const { store, atoms, goLive, server, clock } = await signedIn();
    expect(store.get(atoms.sessionBannerAtom)?.problem).toBe('connecting');
    goLive();
    expect(store.get(atoms.sessionBannerAtom)).toBeNull();
    server.session({ type: 'socket.disconnected', reason: 'transport close' });
    expect(store.get(atoms.sessionBannerAtom)).toEqual({
      problem: 'reconnecting',
      text: 'Connection lost. Reconnecting…',
    });
    // The next attempt is under way, and still a reconnection.
    clock.increment(60_000);
    expect(server.attempts).toHaveLength(2);
    expect(store.get(atoms.sessionBannerAtom)?.problem).toBe('reconnecting');
    store.set(atoms.sendToAppAtom, { type: 'network.offline' });
    expect(store.get(atoms.sessionBannerAtom)).toEqual({
      problem: 'offline',
      text: 'You are offline. Messages will be sent when you are back online.',
    });
  });
});

describe('the atoms follow actors as they come and go', () => {
  it('after sign-out and a new onboarding, atoms read the new children', async () => {
    const { store, atoms, goLive, server } = await signedIn();
    goLive();
    expect(store.get(atoms.sidebarRowsAtom)).toHaveLength(2);
    store.set(atoms.sendToAppAtom, { type: 'signOut.requested' });
    // Sign-out goes through the live socket, and waits for the server to revoke the token.
    expect(store.get(atoms.screenAtom)).toBe('signingOut');
    expect(server.commands.at(-1)).toEqual({ type: 'signOut' });
    server.session({ type: 'signOut.done' });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(store.get(atoms.screenAtom)).toBe('onboarding');
    expect(store.get(atoms.sidebarRowsAtom)).toEqual([]);
    expect(store.get(atoms.openConversationAtom)).toBeNull();
    store.set(atoms.sendToOnboardingAtom, { type: 'phone.changed', text: '41' });
    expect(store.get(atoms.onboardingViewAtom)?.phoneFormatted).toBe('41');
  });
});
