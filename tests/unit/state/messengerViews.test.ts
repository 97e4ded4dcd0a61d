import { afterEach, describe, expect, it } from 'vitest';
import { bulma, goku, groupUpdate, me, vegeta } from '../../model/fixtures.ts';
import { startApp } from './harness.ts';

let app: Awaited<ReturnType<typeof startApp>> | undefined;
afterEach(() => app?.stop());

async function signedIn() {
  app = await startApp({ savedToken: 'saved' });
  return app;
}

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
    const { store, atoms, goLive, emit } = await signedIn();
    goLive();
    const mine = groupUpdate('On my way', 6, [bulma.id]);
    mine.message = { ...mine.message!, authorId: me.id };
    mine.conversation.lastMessage = mine.message;
    emit({ type: 'socket.channelUpdate', update: mine });
    emit({ type: 'socket.channelUpdate', update: groupUpdate('Hurry', 7, [bulma.id, me.id]) });
    const group = store.get(atoms.sidebarRowsAtom)[0];
    expect(group).toMatchObject({
      id: 'c-group',
      preview: 'Goku: Hurry',
      unreadCount: 1,
      isDrafting: true,
    });
    emit({
      type: 'socket.channelUpdate',
      update: { ...mine, conversation: { ...mine.conversation, drafting: [me.id] }, message: null },
    });
    expect(store.get(atoms.sidebarRowsAtom)[0]).toMatchObject({
      preview: 'You: On my way',
      isDrafting: false,
    });
  });
});

describe('openConversationAtom and typingTextAtom', () => {
  it("shows the header, own and others' messages, and optimistic ones sending -> sent / failed", async () => {
    const { store, atoms, goLive, emit, commands, clock } = await signedIn();
    goLive();
    expect(store.get(atoms.openConversationAtom)).toBeNull();
    store.set(atoms.sendToMessengerAtom, {
      type: 'conversation.selected',
      conversationId: 'c-group',
    });
    store.set(atoms.sendToMessengerAtom, { type: 'draft.changed', text: 'Hello' });
    expect(store.get(atoms.openConversationAtom)).toMatchObject({
      title: 'Capsule Corp',
      membersText: 'Goku, Bulma and you',
      draft: 'Hello',
      canSend: true,
      hasMore: true,
    });
    store.set(atoms.sendToMessengerAtom, { type: 'message.submitted' });
    let view = store.get(atoms.openConversationAtom);
    expect(view?.messages.map((m) => [m.text, m.isOwn, m.status])).toEqual([
      ['Training at noon!', false, 'sent'],
      ['Hello', true, 'sending'],
    ]);
    expect(view?.messages[1]?.sentAt).toBe(clock.now());
    const send = commands.find((c) => c.type === 'socket.sendMessage');
    const clientMessageId = send?.type === 'socket.sendMessage' ? send.message.clientMessageId : '';
    emit({
      type: 'socket.messageRejected',
      clientMessageId,
      error: { code: 'text_too_long', message: 'Too long' },
    });
    expect(store.get(atoms.openConversationAtom)?.messages[1]).toMatchObject({
      status: 'failed',
      error: 'Too long',
      key: clientMessageId,
    });
    store.set(atoms.sendToMessengerAtom, { type: 'message.retried', clientMessageId });
    emit({
      type: 'socket.messageAcked',
      clientMessageId,
      message: {
        id: 'm-9',
        conversationId: 'c-group',
        authorId: me.id,
        text: 'Hello',
        sentAt: 9,
        seq: 6,
        clientMessageId,
      },
    });
    view = store.get(atoms.openConversationAtom);
    expect(view?.messages.map((m) => [m.key, m.status])).toEqual([
      ['m-g-5', 'sent'],
      [clientMessageId, 'sent'],
    ]);
  });

  it('says who is typing: one, two, or a count', async () => {
    const { store, atoms, goLive, emit } = await signedIn();
    goLive();
    store.set(atoms.sendToMessengerAtom, {
      type: 'conversation.selected',
      conversationId: 'c-group',
    });
    expect(store.get(atoms.typingTextAtom)).toBeNull();
    const drafting = (ids: string[]) => {
      const update = groupUpdate();
      emit({
        type: 'socket.channelUpdate',
        update: {
          ...update,
          conversation: { ...update.conversation, drafting: ids },
          message: null,
        },
      });
    };
    drafting([goku.id]);
    expect(store.get(atoms.typingTextAtom)).toBe('Goku is typing…');
    drafting([goku.id, bulma.id, me.id]);
    expect(store.get(atoms.typingTextAtom)).toBe('Goku and Bulma are typing…');
    drafting([goku.id, bulma.id, vegeta.id]);
    expect(store.get(atoms.typingTextAtom)).toBe('3 people are typing…');
  });
});

describe('sessionBannerAtom', () => {
  it('connecting, then nothing when live, reconnecting after a loss, offline while offline', async () => {
    const { store, atoms, goLive, emit, clock } = await signedIn();
    expect(store.get(atoms.sessionBannerAtom)?.problem).toBe('connecting');
    goLive();
    expect(store.get(atoms.sessionBannerAtom)).toBeNull();
    emit({ type: 'socket.disconnected', reason: 'transport close' });
    expect(store.get(atoms.sessionBannerAtom)).toEqual({
      problem: 'reconnecting',
      text: 'Connection lost. Reconnecting…',
    });
    clock.increment(60_000);
    expect(store.get(atoms.sessionBannerAtom)?.problem).toBe('reconnecting');
    store.set(atoms.sendToAppAtom, { type: 'network.offline' });
    expect(store.get(atoms.sessionBannerAtom)?.problem).toBe('offline');
  });
});

describe('the mirror follows children as they come and go', () => {
  it('after sign-out and a new onboarding, atoms read the new children', async () => {
    const { store, atoms, goLive } = await signedIn();
    goLive();
    expect(store.get(atoms.sidebarRowsAtom)).toHaveLength(2);
    store.set(atoms.sendToAppAtom, { type: 'signOut.requested' });
    await new Promise((resolve) => setTimeout(resolve, 0));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(store.get(atoms.screenAtom)).toBe('onboarding');
    expect(store.get(atoms.sidebarRowsAtom)).toEqual([]);
    store.set(atoms.sendToOnboardingAtom, { type: 'phone.changed', text: '41' });
    expect(store.get(atoms.onboardingViewAtom)?.phoneFormatted).toBe('41');
  });
});
