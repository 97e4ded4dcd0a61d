import { describe, expect, it } from 'vitest';
import { createActor, createMachine, SimulatedClock, type AnyActorRef } from 'xstate';
import {
  draftingTiming,
  messengerMachine,
  type MessengerContext,
  type MessengerEvent,
} from '../../../machines/messenger.ts';
import type { MessengerRequest } from '../../../machines/session.ts';
import { groupUpdate, me, olderGroupMessages, syncData } from '../../model/fixtures.ts';

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
      error: { code: 'internal', message: 'boom' },
    });
    expect(context().pending).toMatchObject([{ status: 'failed', error: 'boom' }]);
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
    ]) {
      send(event as never);
    }
    expect(messenger.getSnapshot().status).toBe('active');
    expect(context()).toEqual(before);
  });
});
