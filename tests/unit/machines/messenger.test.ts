import { describe, expect, it } from 'vitest';
import { createActor, createMachine, SimulatedClock, type AnyActorRef } from 'xstate';
import {
  type ConversationsAndUsers,
  Limits,
  type Message,
  type User,
} from '../../../server/protocol.ts';
import {
  draftingTiming,
  lastSeqBeforeHole,
  messengerMachine,
  type MessengerContext,
  type MessengerEvent,
} from '../../../machines/messenger.ts';
import type { MessengerRequest } from '../../../machines/session.ts';
import {
  goku,
  groupUpdate,
  me,
  message,
  newConversationUpdate,
  olderGroupMessages,
  syncData,
} from '../../model/fixtures.ts';

/** The messenger as the app runs it: a child whose requests the parent (here: the test) hears. */
function start() {
  const requests: MessengerRequest[] = [];
  const clock = new SimulatedClock();
  const parent = createActor(
    createMachine({
      invoke: {
        id: 'messenger',
        src: 'messenger',
        input: { clientIdPrefix: 'run1', now: () => clock.now() },
      },
      on: { '*': { actions: ({ event }) => requests.push(event as MessengerRequest) } },
    }).provide({ actors: { messenger: messengerMachine } }),
    { clock },
  ).start();
  const messenger = parent.getSnapshot().children.messenger as AnyActorRef;
  const send = (event: MessengerEvent) => messenger.send(event);
  const context = (): MessengerContext => messenger.getSnapshot().context;
  send({ type: 'session.synced', data: syncData() });
  return { send, requests, clock, messenger, context };
}

const drafting = (requests: MessengerRequest[]) =>
  requests.flatMap((request) =>
    request.type === 'messenger.draftingChanged' ? [request.isDrafting] : [],
  );

const alan: User = {
  id: 'u-alan',
  firstName: 'Alan',
  lastName: 'Turing',
  avatar: { initials: 'AT', color: '#336699' },
};

/** Alan (whom the messenger may not know yet) writes in the group. */
function fromAlan(seq: number) {
  const update = groupUpdate('Hello all', seq);
  const sent = { ...update.message!, authorId: alan.id };
  return { conversation: { ...update.conversation, lastMessage: sent }, message: sent };
}

const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, index) => from + index);

const groupRange = (from: number, to: number): Message[] =>
  range(from, to).map((seq) =>
    message({
      id: `m-g-${seq}`,
      seq,
      conversationId: 'c-group',
      authorId: goku.id,
      text: `#${seq}`,
    }),
  );

/** A sync whose group page holds seqs from..to. */
function syncWithGroupPage(from: number, to: number): ConversationsAndUsers {
  const data = syncData();
  const group = data.conversations[1]!;
  group.messages = groupRange(from, to);
  group.lastMessage = group.messages.at(-1) ?? null;
  return data;
}

const catchUps = (requests: MessengerRequest[]) =>
  requests.flatMap((r) =>
    r.type === 'messenger.catchUpRequested'
      ? [{ conversationId: r.conversationId, after: r.after }]
      : [],
  );

describe('messenger machine', () => {
  it('waits for the first sync, then holds conversations and users', () => {
    const actor = createActor(messengerMachine, { input: { clientIdPrefix: 'p' } }).start();
    expect(actor.getSnapshot().value).toBe('loading');
    actor.send({ type: 'session.synced', data: syncData() });
    expect(actor.getSnapshot().matches('ready')).toBe(true);
    expect(actor.getSnapshot().context.conversationIds).toEqual(['c-vegeta', 'c-group']);
    expect(actor.getSnapshot().context.currentUserId).toBe(me.id);
  });

  it('drafting: true on the first keystroke, refreshed every 3 s of typing, false after 3 s idle', () => {
    const { send, requests, clock } = start();
    send({ type: 'conversation.selected', conversationId: 'c-group' });
    send({ type: 'draft.changed', text: 'H' });
    send({ type: 'draft.changed', text: 'He' });
    expect(drafting(requests)).toEqual([true]);
    clock.increment(2_000);
    send({ type: 'draft.changed', text: 'Hel' });
    clock.increment(draftingTiming.refreshMs - 2_000);
    send({ type: 'draft.changed', text: 'Hell' });
    expect(drafting(requests)).toEqual([true, true]);
    clock.increment(draftingTiming.idleMs);
    expect(drafting(requests)).toEqual([true, true, false]);
    expect(
      requests.every(
        (r) => r.type !== 'messenger.draftingChanged' || r.conversationId === 'c-group',
      ),
    ).toBe(true);
  });

  it('drafting: false on send and on clearing the text, per conversation', () => {
    const { send, requests } = start();
    send({ type: 'conversation.selected', conversationId: 'c-group' });
    send({ type: 'draft.changed', text: 'Hi' });
    send({ type: 'draft.changed', text: '' });
    expect(drafting(requests)).toEqual([true, false]);
    send({ type: 'conversation.selected', conversationId: 'c-vegeta' });
    send({ type: 'draft.changed', text: 'Yo' });
    send({ type: 'message.submitted' });
    expect(drafting(requests)).toEqual([true, false, true, false]);
    expect(
      requests.filter((r) => r.type === 'messenger.draftingChanged').map((r) => r.conversationId),
    ).toEqual(['c-group', 'c-group', 'c-vegeta', 'c-vegeta']);
  });

  it('counts a draft in code points, as the server does: 4,000 emoji send, a 4,001st is clipped whole', () => {
    const { send, requests, context } = start();
    send({ type: 'conversation.selected', conversationId: 'c-vegeta' });
    send({ type: 'draft.changed', text: '😀'.repeat(Limits.messageMaxChars + 1) });
    const draft = context().drafts['c-vegeta']!;
    expect(draft.isWellFormed()).toBe(true);
    expect([...draft]).toHaveLength(Limits.messageMaxChars);
    send({ type: 'message.submitted' });
    const outgoing = requests.find((r) => r.type === 'messenger.messageSent');
    expect(outgoing).toMatchObject({ message: { text: '😀'.repeat(Limits.messageMaxChars) } });
  });

  it('sends optimistically: sending, then sent on ack; failed on rejection, then retried with the same id', () => {
    const { send, requests, context } = start();
    send({ type: 'conversation.selected', conversationId: 'c-vegeta' });
    send({ type: 'draft.changed', text: '  Hello Vegeta  ' });
    send({ type: 'message.submitted' });
    const outgoing = requests.find((r) => r.type === 'messenger.messageSent');
    expect(outgoing).toEqual({
      type: 'messenger.messageSent',
      message: { conversationId: 'c-vegeta', text: 'Hello Vegeta', clientMessageId: 'run1-1' },
    });
    expect(context().drafts['c-vegeta']).toBe('');
    expect(context().pending.map((p) => p.status)).toEqual(['sending']);
    send({
      type: 'session.messageRejected',
      clientMessageId: 'run1-1',
      error: { code: 'text_too_long', message: 'too long' },
    });
    expect(context().pending).toMatchObject([{ status: 'failed', error: 'too long' }]);
    send({ type: 'message.retried', clientMessageId: 'run1-1' });
    expect(requests.filter((r) => r.type === 'messenger.messageSent')).toHaveLength(2);
    expect(context().pending.map((p) => p.status)).toEqual(['sending']);
    const message = {
      id: 'm-new',
      conversationId: 'c-vegeta',
      authorId: me.id,
      text: 'Hello Vegeta',
      sentAt: 5,
      seq: 1,
      clientMessageId: 'run1-1',
    };
    send({ type: 'session.messageAcked', clientMessageId: 'run1-1', message });
    expect(context().pending).toEqual([]);
    expect(context().conversations['c-vegeta']?.messages.map((m) => m.id)).toEqual([
      'm-v-0',
      'm-new',
    ]);
  });

  it('does not send an empty or whitespace draft', () => {
    const { send, requests } = start();
    send({ type: 'conversation.selected', conversationId: 'c-vegeta' });
    send({ type: 'draft.changed', text: '   ' });
    send({ type: 'message.submitted' });
    expect(requests.filter((r) => r.type === 'messenger.messageSent')).toEqual([]);
  });

  it('merges channel updates: appends once, counts unread only for conversations not open', () => {
    const { send, context } = start();
    send({ type: 'conversation.selected', conversationId: 'c-vegeta' });
    send({ type: 'session.channelUpdate', update: groupUpdate('One', 6, [me.id, 'u-goku']) });
    send({ type: 'session.channelUpdate', update: groupUpdate('One', 6, ['u-goku']) });
    const group = context().conversations['c-group'];
    expect(group?.messages.map((m) => m.seq)).toEqual([5, 6]);
    expect(group?.unread).toBe(1);
    expect(group?.drafting).toEqual(['u-goku']);
    send({ type: 'conversation.selected', conversationId: 'c-group' });
    expect(context().conversations['c-group']?.unread).toBe(0);
    send({ type: 'session.channelUpdate', update: groupUpdate('Two', 7) });
    expect(context().conversations['c-group']?.unread).toBe(0);
  });

  it('keeps the members it knows when an update (which carries none) arrives', () => {
    const { send, context } = start();
    send({ type: 'session.userJoined', user: alan, conversationIds: ['c-group'] });
    const alanWrote = fromAlan(6);
    send({ type: 'session.channelUpdate', update: alanWrote });
    send({
      type: 'session.channelUpdate',
      update: { conversation: { ...alanWrote.conversation, drafting: [goku.id] }, message: null },
    });
    const group = context().conversations['c-group'];
    expect(group?.memberIds).toEqual([me.id, goku.id, 'u-bulma', alan.id]);
    expect(group?.lastMessage?.authorId).toBe(alan.id);
    expect(group?.drafting).toEqual([goku.id]);
  });

  it('syncs once, rather than showing a conversation without members, when an update is for one it does not know', () => {
    const { send, requests, context } = start();
    const elsewhere = newConversationUpdate();
    send({ type: 'session.channelUpdate', update: elsewhere });
    send({ type: 'session.channelUpdate', update: elsewhere });
    expect(requests.filter((r) => r.type === 'messenger.resyncRequested')).toHaveLength(1);
    expect(context().conversations['c-new']).toBeUndefined();
    expect(context().conversationIds).toEqual(['c-vegeta', 'c-group']);
    const data = syncData();
    data.conversations.push({
      ...elsewhere.conversation,
      memberIds: [me.id, goku.id],
      messages: [elsewhere.message!],
      hasMore: false,
    });
    send({ type: 'session.synced', data });
    expect(context().conversations['c-new']?.memberIds).toEqual([me.id, goku.id]);
    expect(context().conversations['c-new']?.messages.map((m) => m.text)).toEqual(['Welcome']);
    expect(context().resyncRequested).toBe(false);
  });

  it('loads older pages before the oldest message, prepends them, and stops when there are no more', () => {
    const { send, requests, context } = start();
    send({ type: 'conversation.selected', conversationId: 'c-group' });
    send({ type: 'history.requested', conversationId: 'c-group' });
    send({ type: 'history.requested', conversationId: 'c-group' });
    expect(requests.filter((r) => r.type === 'messenger.historyRequested')).toEqual([
      { type: 'messenger.historyRequested', conversationId: 'c-group', before: 5 },
    ]);
    send({
      type: 'session.messagesLoaded',
      conversationId: 'c-group',
      messages: olderGroupMessages,
      hasMore: false,
    });
    expect(context().conversations['c-group']?.messages.map((m) => m.seq)).toEqual([3, 4, 5]);
    send({ type: 'history.requested', conversationId: 'c-group' });
    expect(requests.filter((r) => r.type === 'messenger.historyRequested')).toHaveLength(1);
  });

  it('learns who joined: the user, and their membership of the conversations named', () => {
    const { send, requests, context } = start();
    send({
      type: 'session.userJoined',
      user: alan,
      conversationIds: ['c-group', 'c-unknown'],
    });
    expect(context().users[alan.id]).toEqual(alan);
    expect(context().conversations['c-group']?.memberIds).toEqual([
      me.id,
      goku.id,
      'u-bulma',
      alan.id,
    ]);
    expect(context().conversations['c-vegeta']?.memberIds).not.toContain(alan.id);
    send({ type: 'session.userJoined', user: alan, conversationIds: ['c-group'] });
    expect(
      context().conversations['c-group']?.memberIds.filter((id) => id === alan.id),
    ).toHaveLength(1);
    // Their message then has a known author: no resync needed.
    send({ type: 'session.channelUpdate', update: fromAlan(6) });
    expect(requests.filter((r) => r.type === 'messenger.resyncRequested')).toEqual([]);
  });

  it('asks for one resync when an update names someone it does not know, until it is answered', () => {
    const { send, requests, context } = start();
    send({ type: 'session.channelUpdate', update: fromAlan(6) });
    send({ type: 'session.channelUpdate', update: fromAlan(7) });
    expect(requests.filter((r) => r.type === 'messenger.resyncRequested')).toHaveLength(1);
    expect(context().resyncRequested).toBe(true);
    const data = syncData();
    data.users.push(alan);
    data.conversations[1]!.memberIds.push(alan.id);
    send({ type: 'session.synced', data });
    expect(context().users[alan.id]).toEqual(alan);
    expect(context().resyncRequested).toBe(false);
  });

  it('after a reconnect, catches up the messages between what it had and the new page, page by page, without duplicates', () => {
    const { send, requests, context } = start();
    send({ type: 'session.channelUpdate', update: groupUpdate('Before the drop', 6) });
    // Reconnected: the resync brings the latest page, 200-249; 7-199 were missed.
    send({ type: 'session.synced', data: syncWithGroupPage(200, 249) });
    expect(catchUps(requests)).toEqual([{ conversationId: 'c-group', after: 6 }]);
    expect(context().conversations['c-group']?.catchingUp).toBe(true);
    // A second update while catching up does not ask twice.
    send({ type: 'session.channelUpdate', update: groupUpdate('Live', 250) });
    expect(catchUps(requests)).toHaveLength(1);
    send({
      type: 'session.caughtUp',
      conversationId: 'c-group',
      after: 6,
      messages: groupRange(7, 106),
      hasMore: true,
    });
    expect(catchUps(requests)).toEqual([
      { conversationId: 'c-group', after: 6 },
      { conversationId: 'c-group', after: 106 },
    ]);
    // The last page overlaps what the resync brought: merged by seq, shown once.
    send({
      type: 'session.caughtUp',
      conversationId: 'c-group',
      after: 106,
      messages: groupRange(107, 206),
      hasMore: true,
    });
    expect(catchUps(requests)).toHaveLength(2);
    const group = context().conversations['c-group'];
    expect(group?.catchingUp).toBe(false);
    expect(group?.messages.map((m) => m.seq)).toEqual(range(5, 250));
    expect(lastSeqBeforeHole(group?.messages ?? [])).toBeNull();
  });

  it('stops catching up on a failure or an empty page; the next sync asks again', () => {
    const { send, requests, context } = start();
    send({ type: 'session.channelUpdate', update: groupUpdate('Before the drop', 6) });
    send({ type: 'session.synced', data: syncWithGroupPage(200, 249) });
    send({
      type: 'session.catchUpFailed',
      conversationId: 'c-group',
      error: { code: 'internal', message: 'x' },
    });
    expect(context().conversations['c-group']?.catchingUp).toBe(false);
    send({ type: 'session.synced', data: syncWithGroupPage(200, 249) });
    expect(catchUps(requests)).toHaveLength(2);
    send({
      type: 'session.caughtUp',
      conversationId: 'c-group',
      after: 6,
      messages: [],
      hasMore: true,
    });
    expect(catchUps(requests)).toHaveLength(2);
    expect(context().conversations['c-group']?.catchingUp).toBe(false);
  });

  it('a message whose ack was lost is shown once, as delivered, when a resync or catch-up shows it stored', () => {
    const { send, context } = start();
    send({ type: 'conversation.selected', conversationId: 'c-vegeta' });
    for (const text of ['one', 'two']) {
      send({ type: 'draft.changed', text });
      send({ type: 'message.submitted' });
    }
    expect(context().pending.map((p) => p.clientMessageId)).toEqual(['run1-1', 'run1-2']);
    const data = syncData();
    const one = message({
      id: 'm-1',
      seq: 1,
      authorId: me.id,
      text: 'one',
      clientMessageId: 'run1-1',
    });
    data.conversations[0]!.messages.push(one);
    send({ type: 'session.synced', data });
    expect(context().pending.map((p) => p.clientMessageId)).toEqual(['run1-2']);
    const two = message({
      id: 'm-2',
      seq: 2,
      authorId: 'u-vegeta',
      text: 'two',
      clientMessageId: 'run1-2',
    });
    send({
      type: 'session.caughtUp',
      conversationId: 'c-vegeta',
      after: 1,
      messages: [two],
      hasMore: false,
    });
    expect(context().pending).toEqual([]);
    expect(context().conversations['c-vegeta']?.messages.map((m) => m.text)).toEqual([
      'Kakarot is late again.',
      'one',
      'two',
    ]);
  });

  it('ignores unknown and malformed events without throwing', () => {
    const { send, messenger, context } = start();
    const before = context();
    for (const event of [
      { type: 'nonsense' },
      { type: 'conversation.selected', conversationId: 'nope' },
      { type: 'session.synced', data: 'x' },
      { type: 'session.channelUpdate', update: {} },
      { type: 'session.messageAcked', clientMessageId: 'nope' },
      { type: 'message.retried', clientMessageId: 'nope' },
      { type: 'draft.changed' },
      { type: 'history.requested', conversationId: 'nope' },
      { type: 'session.userJoined', user: null, conversationIds: ['c-group'] },
      { type: 'session.caughtUp', conversationId: 'nope', after: 1, messages: [], hasMore: true },
      { type: 'session.catchUpFailed', conversationId: 'nope' },
    ]) {
      send(event as never);
    }
    expect(messenger.getSnapshot().status).toBe('active');
    expect(context()).toEqual(before);
  });
});
