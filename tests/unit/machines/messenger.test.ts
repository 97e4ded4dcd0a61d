import { describe, expect, it } from 'vitest';
import { createActor, fromCallback, type EventObject } from 'xstate';
import { messengerMachine, unsentOf, type MessengerEvent } from '../../../machines/messenger.ts';
import { reconnectDelayMs } from '../../../machines/session.ts';
import {
  conversationSystemId,
  notificationLimits,
  outgoingSystemId,
  type MessageNotification,
} from '../../../machines/system.ts';
import { UnsentStateSchema, type UnsentState } from '../../../machines/unsent.ts';
import type { ConversationsAndUsers, ErrorCode, User } from '../../../server/protocol.ts';
import {
  bulma,
  goku,
  groupUpdate,
  me,
  message,
  newConversationUpdate,
  olderGroupMessages,
  syncData,
} from '../../model/fixtures.ts';
import { outboxOf, range, startSignedIn, stored, type SignedIn } from './signedIn.ts';

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

/** How many times the list was asked for (the connection's own sync included). */
const syncRequests = (s: SignedIn) =>
  s.scripted.commands.filter((c) => c.type === 'requestConversationsAndUsers').length;

/** A sync that lists only the conversations named. */
function syncListing(...ids: string[]): ConversationsAndUsers {
  const data = syncData();
  data.conversations = data.conversations.filter((c) => ids.includes(c.id));
  return data;
}

describe('messenger machine', () => {
  it('waits for the first sync, then holds the list, the people, and one live actor per conversation', () => {
    const s = startSignedIn();
    expect(s.messenger.getSnapshot().value).toBe('loading');
    s.goLive();
    const { context } = s.messenger.getSnapshot();
    expect(s.messenger.getSnapshot().matches('ready')).toBe(true);
    expect(context.conversationIds).toEqual(['c-vegeta', 'c-group']);
    expect(context.currentUserId).toBe(me.id);
    expect(Object.keys(context.users)).toEqual([me.id, 'u-vegeta', goku.id, bulma.id]);
    for (const id of ['c-vegeta', 'c-group']) {
      expect(context.conversations[id]).toBe(s.conversation(id));
      expect(s.conversation(id).getSnapshot().matches({ link: 'online' })).toBe(true);
    }
    expect(s.conversation('c-group').getSnapshot().context.title).toBe('Capsule Corp');
  });

  it('runs on its own too (the visualizer, model runs): it spawns its conversations', () => {
    const actor = createActor(messengerMachine, { input: { clientIdPrefix: 'p' } }).start();
    actor.send({ type: 'sync.received', data: syncData() });
    expect(actor.getSnapshot().matches('ready')).toBe(true);
    expect(actor.system.get(conversationSystemId('c-group'))).toBeDefined();
  });

  describe('selection', () => {
    it('opens the selected conversation and closes the previous one', () => {
      const s = startSignedIn();
      s.goLive();
      s.messenger.send({ type: 'conversation.selected', conversationId: 'c-vegeta' });
      expect(s.messenger.getSnapshot().matches({ ready: { selection: 'viewing' } })).toBe(true);
      expect(s.messenger.getSnapshot().context.selectedConversationId).toBe('c-vegeta');
      expect(s.conversation('c-vegeta').getSnapshot().matches({ visibility: 'open' })).toBe(true);
      s.messenger.send({ type: 'conversation.selected', conversationId: 'c-group' });
      expect(s.conversation('c-vegeta').getSnapshot().matches({ visibility: 'closed' })).toBe(true);
      expect(s.conversation('c-group').getSnapshot().matches({ visibility: 'open' })).toBe(true);
      // One it does not know is not selected.
      s.messenger.send({ type: 'conversation.selected', conversationId: 'c-nope' });
      expect(s.messenger.getSnapshot().context.selectedConversationId).toBe('c-group');
      s.messenger.send({ type: 'conversation.closed' });
      expect(s.messenger.getSnapshot().matches({ ready: { selection: 'browsing' } })).toBe(true);
      expect(s.messenger.getSnapshot().context.selectedConversationId).toBeNull();
      expect(s.conversation('c-group').getSnapshot().matches({ visibility: 'closed' })).toBe(true);
    });

    it('ignores a selection before the list is there, or of an unknown conversation', () => {
      const s = startSignedIn();
      s.messenger.send({ type: 'conversation.selected', conversationId: 'c-vegeta' });
      s.goLive();
      s.messenger.send({ type: 'conversation.selected', conversationId: 'c-nope' });
      expect(s.messenger.getSnapshot().matches({ ready: { selection: 'browsing' } })).toBe(true);
      expect(s.messenger.getSnapshot().context.selectedConversationId).toBeNull();
    });
  });

  describe('pushes', () => {
    it('hands each update to its conversation: merged once, unread only where it is not open', () => {
      const s = startSignedIn();
      s.goLive();
      s.messenger.send({ type: 'conversation.selected', conversationId: 'c-vegeta' });
      s.scripted.push(groupUpdate('One', 6, [me.id, goku.id]));
      s.scripted.push(groupUpdate('One', 6, [goku.id]));
      const group = () => s.conversation('c-group').getSnapshot().context;
      expect(group().messages.map((m) => m.seq)).toEqual([5, 6]);
      expect(group().unread).toBe(1);
      expect(group().drafting).toEqual([goku.id]);
      expect(s.conversation('c-vegeta').getSnapshot().context.messages).toHaveLength(1);
      s.messenger.send({ type: 'conversation.selected', conversationId: 'c-group' });
      expect(group().unread).toBe(0);
      s.scripted.push(groupUpdate('Two', 7));
      expect(group().unread).toBe(0);
      expect(syncRequests(s)).toBe(1);
    });

    it('learns who joined: the user, and their membership of the conversations named, once', () => {
      const s = startSignedIn();
      s.goLive();
      s.scripted.joined({ user: alan, conversationIds: ['c-group', 'c-unknown'] });
      s.scripted.joined({ user: alan, conversationIds: ['c-group'] });
      expect(s.messenger.getSnapshot().context.users[alan.id]).toEqual(alan);
      expect(s.conversation('c-group').getSnapshot().context.memberIds).toEqual([
        me.id,
        goku.id,
        bulma.id,
        alan.id,
      ]);
      expect(s.conversation('c-vegeta').getSnapshot().context.memberIds).not.toContain(alan.id);
      // Their message then has a known author: no resync, and the members are kept.
      s.scripted.push(fromAlan(6));
      expect(syncRequests(s)).toBe(1);
      expect(s.conversation('c-group').getSnapshot().context.memberIds).toContain(alan.id);
      expect(s.conversation('c-group').getSnapshot().context.lastMessage?.authorId).toBe(alan.id);
    });

    it('syncs once, rather than showing a conversation without members, when an update is for one it does not know', () => {
      const s = startSignedIn();
      s.goLive();
      const elsewhere = newConversationUpdate();
      s.scripted.push(elsewhere);
      s.scripted.push(elsewhere);
      expect(syncRequests(s)).toBe(2);
      expect(s.messenger.getSnapshot().matches({ ready: { sync: 'resyncing' } })).toBe(true);
      expect(s.messenger.getSnapshot().context.conversations['c-new']).toBeUndefined();
      expect(s.messenger.getSnapshot().context.conversationIds).toEqual(['c-vegeta', 'c-group']);
      const data = syncData();
      data.conversations.push({
        ...elsewhere.conversation,
        memberIds: [me.id, goku.id],
        messages: [elsewhere.message!],
        hasMore: false,
      });
      s.scripted.sync(data);
      expect(s.messenger.getSnapshot().matches({ ready: { sync: 'upToDate' } })).toBe(true);
      expect(s.messenger.getSnapshot().context.conversationIds).toEqual([
        'c-vegeta',
        'c-group',
        'c-new',
      ]);
      const added = s.conversation('c-new').getSnapshot();
      expect(added.context.memberIds).toEqual([me.id, goku.id]);
      expect(added.context.messages.map((m) => m.text)).toEqual(['Welcome']);
      expect(added.matches({ link: 'online' })).toBe(true);
    });

    it('syncs once when an update names someone it does not know, until that is answered', () => {
      const s = startSignedIn();
      s.goLive();
      s.scripted.push(fromAlan(6));
      s.scripted.push(fromAlan(7));
      expect(syncRequests(s)).toBe(2);
      // The update is shown meanwhile.
      expect(
        s
          .conversation('c-group')
          .getSnapshot()
          .context.messages.map((m) => m.seq),
      ).toEqual([5, 6, 7]);
      const data = syncData();
      data.users.push(alan);
      data.conversations[1]!.memberIds.push(alan.id);
      s.scripted.sync(data);
      expect(s.messenger.getSnapshot().context.users[alan.id]).toEqual(alan);
      expect(s.messenger.getSnapshot().matches({ ready: { sync: 'upToDate' } })).toBe(true);
      s.scripted.push(fromAlan(8));
      expect(syncRequests(s)).toBe(2);
    });

    it('syncs when a page of history names someone it does not know', () => {
      const s = startSignedIn();
      s.goLive();
      s.conversation('c-group').send({ type: 'history.requested' });
      s.scripted.history('c-group', [{ ...olderGroupMessages[0]!, authorId: alan.id }], true);
      expect(syncRequests(s)).toBe(2);
      // Known authors ask for nothing.
      s.scripted.sync(syncData());
      s.conversation('c-group').send({ type: 'history.requested' });
      s.scripted.history('c-group', [olderGroupMessages[1]!], false);
      expect(syncRequests(s)).toBe(2);
    });

    it('a resync that fails leaves the list as it was, ready to ask again', () => {
      const s = startSignedIn();
      s.goLive();
      s.scripted.push(fromAlan(6));
      s.messenger.send({ type: 'sync.failed' });
      expect(s.messenger.getSnapshot().matches({ ready: { sync: 'upToDate' } })).toBe(true);
      s.scripted.push(fromAlan(7));
      expect(syncRequests(s)).toBe(3);
    });
  });

  describe('notifications', () => {
    /** The platform's notifier: records the commands, and can answer as the platform does. */
    function startWithNotifier() {
      const commands: EventObject[] = [];
      let answer: (event: MessengerEvent) => void = () => {};
      const notifier = fromCallback<EventObject>(({ receive, sendBack }) => {
        answer = sendBack;
        receive((command) => commands.push(command));
      });
      const s = startSignedIn({ notifier });
      s.goLive();
      const permission = () => s.messenger.getSnapshot().value as { ready: { permission: string } };
      return { s, commands, answer: (event: MessengerEvent) => answer(event), permission };
    }
    const shown = (commands: EventObject[]) =>
      commands.flatMap((c) =>
        c.type === 'notify'
          ? [(c as unknown as { notification: MessageNotification }).notification]
          : [],
      );

    it('offers the prompt when never asked; asking opens the platform’s dialog, and an answer settles it', () => {
      const { s, commands, answer, permission } = startWithNotifier();
      expect(permission().ready.permission).toBe('unknown');
      answer({ type: 'permission.changed', permission: 'default', dismissed: false });
      expect(permission().ready.permission).toBe('offering');
      s.messenger.send({ type: 'prompt.accepted' });
      expect(commands).toEqual([{ type: 'permission.requested' }]);
      answer({ type: 'permission.changed', permission: 'granted', dismissed: false });
      expect(permission().ready.permission).toBe('on');
    });

    it('"Not now" is remembered by the platform; a refusal or a dismissal before offers nothing', () => {
      const { s, commands, answer, permission } = startWithNotifier();
      answer({ type: 'permission.changed', permission: 'default', dismissed: false });
      s.messenger.send({ type: 'prompt.declined' });
      expect(permission().ready.permission).toBe('off');
      expect(commands).toEqual([{ type: 'prompt.dismissed' }]);
      answer({ type: 'permission.changed', permission: 'default', dismissed: true });
      expect(permission().ready.permission).toBe('off');
      answer({ type: 'permission.changed', permission: 'denied', dismissed: false });
      expect(permission().ready.permission).toBe('off');
      answer({ type: 'permission.changed', permission: 'unsupported', dismissed: false });
      expect(permission().ready.permission).toBe('off');
      // The prompt's buttons do nothing once it is gone.
      s.messenger.send({ type: 'prompt.accepted' });
      expect(commands).toEqual([{ type: 'prompt.dismissed' }]);
    });

    it('shows news from others where the person is not reading, titled by the group or the sender', () => {
      const { s, commands, answer } = startWithNotifier();
      // Not allowed yet: nothing is shown.
      s.scripted.push(groupUpdate('Before asking', 6));
      expect(shown(commands)).toEqual([]);
      answer({ type: 'permission.changed', permission: 'granted', dismissed: false });
      s.scripted.push(groupUpdate('Who is coming?', 7));
      const fromVegeta = message({ id: 'm-v-1', seq: 1, text: `Kakarot!\n${'!'.repeat(300)}` });
      s.scripted.push({
        conversation: {
          id: 'c-vegeta',
          kind: 'direct',
          title: 'Vegeta',
          lastMessage: fromVegeta,
          drafting: [],
        },
        message: fromVegeta,
      });
      const [group, direct] = shown(commands);
      expect(group).toEqual({
        conversationId: 'c-group',
        title: 'Capsule Corp',
        body: 'Goku: Who is coming?',
      });
      expect(direct?.title).toBe('Vegeta Saiyan');
      expect(direct?.body.startsWith('Kakarot! !!!')).toBe(true);
      expect([...direct!.body]).toHaveLength(notificationLimits.bodyMaxChars);
      expect(direct?.body.endsWith('…')).toBe(true);

      // The open conversation, in the focused window, is being read: no notification.
      s.messenger.send({ type: 'conversation.selected', conversationId: 'c-group' });
      s.scripted.push(groupUpdate('Read here', 8));
      expect(shown(commands)).toHaveLength(2);
      // The window loses the focus: it is news again.
      s.messenger.send({ type: 'window.blurred' });
      s.scripted.push(groupUpdate('While away', 9));
      expect(shown(commands).map((n) => n.body)).toContain('Goku: While away');
    });

    it('shows nothing for a muted conversation', () => {
      const { s, commands, answer } = startWithNotifier();
      answer({ type: 'permission.changed', permission: 'granted', dismissed: false });
      s.conversation('c-group').send({ type: 'mute.toggled' });
      s.scripted.push(groupUpdate('Shh', 6));
      expect(shown(commands)).toEqual([]);
    });

    it('a click on a notification opens its conversation, read once the window has the focus', () => {
      const { s, answer } = startWithNotifier();
      s.messenger.send({ type: 'window.blurred' });
      s.scripted.push(groupUpdate('Look', 6));
      expect(s.conversation('c-group').getSnapshot().context.unread).toBe(1);
      // The platform brings the window forward, then says which notification it was.
      s.messenger.send({ type: 'window.focused' });
      answer({ type: 'notification.clicked', conversationId: 'c-group' });
      expect(s.messenger.getSnapshot().context.selectedConversationId).toBe('c-group');
      expect(
        s
          .conversation('c-group')
          .getSnapshot()
          .matches({ visibility: { open: 'reading' } }),
      ).toBe(true);
      expect(s.conversation('c-group').getSnapshot().context.unread).toBe(0);
      // A click for a conversation no longer listed opens nothing.
      answer({ type: 'notification.clicked', conversationId: 'c-gone' });
      expect(s.messenger.getSnapshot().context.selectedConversationId).toBe('c-group');
    });

    it('hands a mute from another window to its conversation', () => {
      const { s } = startWithNotifier();
      s.messenger.send({
        type: 'muted.changed',
        state: { conversationId: 'c-group', muted: true },
      });
      expect(s.conversation('c-group').getSnapshot().matches({ notifications: 'muted' })).toBe(
        true,
      );
      expect(s.conversation('c-vegeta').getSnapshot().matches({ notifications: 'audible' })).toBe(
        true,
      );
    });
  });

  describe('the list changes', () => {
    it('stops the conversations a sync no longer lists, and unselects the open one', () => {
      const s = startSignedIn();
      s.goLive();
      const group = s.conversation('c-group');
      s.messenger.send({ type: 'conversation.selected', conversationId: 'c-group' });
      s.scripted.sync(syncListing('c-vegeta'));
      expect(group.getSnapshot().status).toBe('stopped');
      expect(s.actor.system.get(conversationSystemId('c-group'))).toBeUndefined();
      const { context } = s.messenger.getSnapshot();
      expect(context.conversationIds).toEqual(['c-vegeta']);
      expect(Object.keys(context.conversations)).toEqual(['c-vegeta']);
      expect(context.selectedConversationId).toBeNull();
      expect(s.messenger.getSnapshot().matches({ ready: { selection: 'browsing' } })).toBe(true);
      // Its pushes go nowhere now, and do not bring it back without a sync.
      s.scripted.push(groupUpdate('Still there?', 6));
      expect(s.messenger.getSnapshot().context.conversations['c-group']).toBeUndefined();
    });

    it('keeps the same actor for a conversation listed again, with what it held', () => {
      const s = startSignedIn();
      s.goLive();
      const vegeta = s.conversation('c-vegeta');
      vegeta.send({ type: 'draft.changed', text: 'half' });
      s.messenger.send({ type: 'conversation.selected', conversationId: 'c-vegeta' });
      s.scripted.sync(syncData());
      expect(s.conversation('c-vegeta')).toBe(vegeta);
      expect(vegeta.getSnapshot().context.draft).toBe('half');
      expect(s.messenger.getSnapshot().context.selectedConversationId).toBe('c-vegeta');
      expect(s.messenger.getSnapshot().matches({ ready: { selection: 'viewing' } })).toBe(true);
      expect(vegeta.getSnapshot().matches({ visibility: 'open' })).toBe(true);
    });

    it('a later sync keeps the older pages a conversation loaded', () => {
      const s = startSignedIn();
      s.goLive();
      s.conversation('c-group').send({ type: 'history.requested' });
      s.scripted.history('c-group', olderGroupMessages, false);
      s.reconnect();
      const group = s.conversation('c-group').getSnapshot().context;
      expect(group.messages.map((m) => m.seq)).toEqual([3, 4, 5]);
      expect(group.hasMore).toBe(false);
    });
  });

  describe('delivery through the system', () => {
    it('sends one message at a time per conversation, oldest first, each conversation on its own', () => {
      const s = startSignedIn();
      s.goLive();
      s.write('c-vegeta', 'a');
      s.write('c-vegeta', 'b');
      s.write('c-group', 'x');
      expect(s.scripted.sentIds()).toEqual(['run1-1-1', 'run1-2-1']);
      s.scripted.ack('run1-1-1', stored('run1-1-1', 1));
      expect(s.scripted.sentIds()).toEqual(['run1-1-1', 'run1-2-1', 'run1-1-2']);
      expect(s.scripted.commands.find((c) => c.type === 'sendMessage')).toEqual({
        type: 'sendMessage',
        conversationId: 'c-vegeta',
        text: 'a',
        clientMessageId: 'run1-1-1',
      });
    });

    it('resends what was not acknowledged after a reconnect, in order, with the same clientMessageId', () => {
      const s = startSignedIn();
      s.goLive();
      for (const text of ['a', 'b', 'c']) s.write('c-vegeta', text);
      s.scripted.ack('run1-1-1', stored('run1-1-1', 1));
      s.scripted.session({ type: 'socket.disconnected', reason: 'transport close' });
      expect(s.session.getSnapshot().value).toBe('reconnecting');
      expect(s.scripted.attempts[0]?.open).toBe(false);
      expect(outboxOf(s.conversation('c-vegeta'))).toEqual([
        ['run1-1-2', 'queued'],
        ['run1-1-3', 'queued'],
      ]);
      // Written while down: waits behind the others.
      s.write('c-vegeta', 'd');
      s.scripted.commands.length = 0;
      s.clock.increment(reconnectDelayMs(1, () => 0));
      expect(s.scripted.attempts).toHaveLength(2);
      s.scripted.connect();
      expect(s.scripted.sentIds()).toEqual([]);
      s.scripted.sync(syncData());
      expect(s.scripted.sentIds()).toEqual(['run1-1-2']);
      s.scripted.ack('run1-1-2', stored('run1-1-2', 2));
      s.scripted.ack('run1-1-3', stored('run1-1-3', 3));
      expect(s.scripted.sentIds()).toEqual(['run1-1-2', 'run1-1-3', 'run1-1-4']);
    });

    it('after a rate-limit wait the message is resent, not reconnected', () => {
      const s = startSignedIn();
      s.goLive();
      s.write('c-vegeta', 'a');
      s.write('c-vegeta', 'b');
      s.scripted.reject('run1-1-1', {
        code: 'rate_limited',
        message: 'slow down',
        retryAfterMs: 1_200,
      });
      expect(s.session.getSnapshot().matches({ connection: 'live' })).toBe(true);
      s.clock.increment(1_199);
      expect(s.scripted.sentIds()).toEqual(['run1-1-1']);
      s.clock.increment(1);
      expect(s.scripted.sentIds()).toEqual(['run1-1-1', 'run1-1-1']);
      // On the same connection: no new attempt, no new sync.
      expect(s.session.getSnapshot().matches({ connection: 'live' })).toBe(true);
      expect(s.scripted.attempts).toHaveLength(1);
      expect(syncRequests(s)).toBe(1);
      s.scripted.ack('run1-1-1', stored('run1-1-1', 1));
      expect(s.scripted.sentIds()).toEqual(['run1-1-1', 'run1-1-1', 'run1-1-2']);
    });

    it('a user-fixable rejection leaves the outbox: failed with Retry, later messages go, a reconnect does not resend it', () => {
      const s = startSignedIn();
      s.goLive();
      s.write('c-vegeta', 'too long');
      s.write('c-vegeta', 'fine');
      s.scripted.reject('run1-1-1', { code: 'text_too_long', message: 'too long' });
      const vegeta = s.conversation('c-vegeta');
      expect(outboxOf(vegeta)).toEqual([
        ['run1-1-1', 'failed'],
        ['run1-1-2', 'sending'],
      ]);
      expect(vegeta.getSnapshot().context.outbox[0]?.getSnapshot().context.failure).toBe(
        'too long',
      );
      expect(s.session.getSnapshot().matches({ connection: 'live' })).toBe(true);
      s.scripted.ack('run1-1-2', stored('run1-1-2', 1));
      s.reconnect();
      expect(s.scripted.sentIds()).toEqual(['run1-1-1', 'run1-1-2']);
      expect(outboxOf(vegeta)).toEqual([['run1-1-1', 'failed']]);
      // Retry (the view sends it to the message itself): the same id again.
      vegeta.getSnapshot().context.outbox[0]!.send({ type: 'message.retried' });
      expect(s.scripted.sentIds()).toEqual(['run1-1-1', 'run1-1-2', 'run1-1-1']);
    });

    it.each([
      ['an ack that never came', 'network: operation has timed out'],
      ['a server failure', 'the store failed'],
    ])(
      'treats %s as a broken connection: reconnects and resends, never fails the message',
      (_, reason) => {
        const s = startSignedIn();
        s.goLive();
        s.write('c-vegeta', 'a');
        s.scripted.reject('run1-1-1', { code: 'internal' as ErrorCode, message: reason });
        expect(s.session.getSnapshot().value).toBe('reconnecting');
        expect(s.session.getSnapshot().context.lastError).toBe(reason);
        expect(outboxOf(s.conversation('c-vegeta'))).toEqual([['run1-1-1', 'queued']]);
        s.clock.increment(reconnectDelayMs(1, () => 0));
        s.scripted.connect();
        s.scripted.sync(syncData());
        expect(s.scripted.sentIds()).toEqual(['run1-1-1', 'run1-1-1']);
        expect(s.scripted.attempts).toHaveLength(2);
      },
    );

    it('a message whose ack was lost is shown once, as delivered, when the sync after a reconnect shows it stored', () => {
      const s = startSignedIn();
      s.goLive();
      s.write('c-vegeta', 'one');
      s.write('c-vegeta', 'two');
      const data = syncData();
      data.conversations[0]!.messages.push(stored('run1-1-1', 1, { text: 'one' }));
      s.reconnect(data);
      const vegeta = s.conversation('c-vegeta');
      expect(outboxOf(vegeta)).toEqual([['run1-1-2', 'sending']]);
      expect(s.scripted.sentIds()).toEqual(['run1-1-1', 'run1-1-2']);
      expect(vegeta.getSnapshot().context.messages.map((m) => m.text)).toEqual([
        'Kakarot is late again.',
        'one',
      ]);
    });
  });

  describe('unsent state', () => {
    const unsent: UnsentState = {
      version: 1,
      userId: me.id,
      drafts: { 'c-group': 'half a thought', 'c-gone': 'left behind' },
      outbox: [
        {
          conversationId: 'c-vegeta',
          text: 'too long',
          clientMessageId: 'old-1',
          createdAt: 1,
          failure: 'too long',
        },
        {
          conversationId: 'c-gone',
          text: 'for later',
          clientMessageId: 'old-2',
          createdAt: 2,
          failure: null,
        },
        {
          conversationId: 'c-vegeta',
          text: 'waiting',
          clientMessageId: 'old-3',
          createdAt: 3,
          failure: null,
        },
      ],
    };

    it('hands what a restart left unsent to the conversations it belongs to, after the first sync', () => {
      const s = startSignedIn({ unsent });
      s.scripted.connect();
      expect(s.scripted.sentIds()).toEqual([]);
      s.scripted.sync(syncData());
      expect(s.conversation('c-group').getSnapshot().context.draft).toBe('half a thought');
      const vegeta = s.conversation('c-vegeta');
      // The failed one starts failed (not sent); the queued one is sent.
      expect(outboxOf(vegeta)).toEqual([
        ['old-1', 'failed'],
        ['old-3', 'sending'],
      ]);
      expect(vegeta.getSnapshot().context.outbox[0]?.getSnapshot().context.failure).toBe(
        'too long',
      );
      expect(s.scripted.sentIds()).toEqual(['old-3']);
      // Its ack reaches it by its id, as any other.
      s.scripted.ack('old-3', stored('old-3', 1, { text: 'waiting' }));
      expect(outboxOf(vegeta)).toEqual([['old-1', 'failed']]);
      // What belongs to a conversation the server does not list stays, for a later sync.
      expect(s.messenger.getSnapshot().context.unsent).toEqual({
        version: 1,
        userId: me.id,
        drafts: { 'c-gone': 'left behind' },
        outbox: [unsent.outbox[1]],
      });
    });

    it('unsentOf: every draft and every unacknowledged message, oldest first, failures with their reason', () => {
      const s = startSignedIn({ unsent });
      s.goLive();
      s.clock.increment(100);
      s.write('c-group', 'sent soon');
      s.clock.increment(100);
      s.write('c-group', 'on its way');
      s.clock.increment(100);
      s.conversation('c-group').send({ type: 'draft.changed', text: 'typing' });
      s.conversation('c-vegeta').send({ type: 'draft.changed', text: '' });
      s.scripted.ack('run1-2-1', stored('run1-2-1', 6, { conversationId: 'c-group' }));
      s.scripted.reject('old-3', { code: 'forbidden', message: 'not a member' });
      const state = unsentOf(s.messenger.getSnapshot().context);
      expect(state).toEqual({
        version: 1,
        userId: me.id,
        drafts: { 'c-gone': 'left behind', 'c-group': 'typing' },
        outbox: [
          { ...unsent.outbox[0], failure: 'too long' },
          unsent.outbox[1],
          { ...unsent.outbox[2], failure: 'not a member' },
          {
            conversationId: 'c-group',
            text: 'on its way',
            clientMessageId: 'run1-2-2',
            createdAt: 200,
            failure: null,
          },
        ],
      });
      // What is saved reads back as it was.
      expect(UnsentStateSchema.parse(JSON.parse(JSON.stringify(state)))).toEqual(state);
    });

    it('unsentOf before the first sync is what was restored', () => {
      const s = startSignedIn({ unsent });
      expect(unsentOf(s.messenger.getSnapshot().context)).toEqual(unsent);
    });

    it('restores nothing saved by another user: no draft, nothing sent, and none of it kept', () => {
      const s = startSignedIn({ unsent: { ...unsent, userId: 'u-someone-else' } });
      s.goLive();
      expect(s.conversation('c-group').getSnapshot().context.draft).toBe('');
      expect(outboxOf(s.conversation('c-vegeta'))).toEqual([]);
      expect(s.scripted.sentIds()).toEqual([]);
      // What is saved from now on is this user's, without the other's.
      expect(unsentOf(s.messenger.getSnapshot().context)).toEqual({
        version: 1,
        userId: me.id,
        drafts: {},
        outbox: [],
      });
    });

    it('restores what the same user saved', () => {
      const s = startSignedIn({ unsent });
      s.goLive();
      expect(s.conversation('c-group').getSnapshot().context.draft).toBe('half a thought');
      expect(s.scripted.sentIds()).toEqual(['old-3']);
    });

    it('a conversation the server stops listing keeps its draft and unsent messages, back when it is listed again', () => {
      const s = startSignedIn();
      s.goLive();
      s.write('c-group', 'on the wire');
      s.write('c-group', 'waiting');
      s.conversation('c-group').send({ type: 'draft.changed', text: 'half' });
      s.scripted.sync(syncListing('c-vegeta'));
      expect(s.actor.system.get(conversationSystemId('c-group'))).toBeUndefined();
      const kept = unsentOf(s.messenger.getSnapshot().context);
      expect(kept.drafts).toEqual({ 'c-group': 'half' });
      expect(
        kept.outbox.map((m) => [m.conversationId, m.text, m.clientMessageId, m.failure]),
      ).toEqual([
        ['c-group', 'on the wire', 'run1-2-1', null],
        ['c-group', 'waiting', 'run1-2-2', null],
      ]);
      s.scripted.sync(syncData());
      const group = s.conversation('c-group');
      expect(group.getSnapshot().context.draft).toBe('half');
      expect(outboxOf(group)).toEqual([
        ['run1-2-1', 'sending'],
        ['run1-2-2', 'queued'],
      ]);
      expect(s.scripted.sentIds()).toEqual(['run1-2-1', 'run1-2-1']);
      expect(s.messenger.getSnapshot().context.unsent).toEqual({
        version: 1,
        userId: me.id,
        drafts: {},
        outbox: [],
      });
    });

    it('saves a failure reason of any length cut to what the stored state admits', () => {
      const s = startSignedIn();
      s.goLive();
      s.write('c-vegeta', 'refused');
      s.scripted.reject('run1-1-1', { code: 'forbidden', message: 'x'.repeat(600) });
      const state = unsentOf(s.messenger.getSnapshot().context);
      expect(state.outbox[0]?.failure).toBe('x'.repeat(500));
      // So it reads back whole.
      expect(UnsentStateSchema.parse(JSON.parse(JSON.stringify(state)))).toEqual(state);
    });

    it('keeps at most 1,000 unsent messages, the oldest', () => {
      const many: UnsentState = {
        version: 1,
        userId: me.id,
        drafts: {},
        outbox: range(1, 1_001).map((n) => ({
          conversationId: 'c-gone',
          text: `#${n}`,
          clientMessageId: `old-${n}`,
          createdAt: n,
          failure: null,
        })),
      };
      const s = startSignedIn({ unsent: many });
      s.goLive();
      const state = unsentOf(s.messenger.getSnapshot().context);
      expect(state.outbox).toHaveLength(1_000);
      expect(state.outbox.at(-1)?.clientMessageId).toBe('old-1000');
    });

    it('a restored message whose clientMessageId is "__proto__" stops with its conversation and comes back with it', () => {
      const s = startSignedIn({
        unsent: {
          version: 1,
          userId: me.id,
          drafts: {},
          outbox: [
            {
              conversationId: 'c-group',
              text: 'odd id',
              clientMessageId: '__proto__',
              createdAt: 1,
              failure: 'refused',
            },
          ],
        },
      });
      s.goLive();
      const group = s.conversation('c-group');
      const message = s.actor.system.get(outgoingSystemId('__proto__'));
      expect(Object.values(group.getSnapshot().children)).toContain(message);
      s.scripted.sync(syncListing('c-vegeta'));
      expect(message?.getSnapshot().status).toBe('stopped');
      s.scripted.sync(syncData());
      expect(s.messenger.getSnapshot().status).toBe('active');
      expect(outboxOf(s.conversation('c-group'))).toEqual([['__proto__', 'failed']]);
    });

    it('keeps it saved while the list is up: persistUnsent runs from the first sync until the messenger stops', () => {
      const log: string[] = [];
      const persistUnsent = fromCallback(() => {
        log.push('start');
        return () => log.push('stop');
      });
      const s = startSignedIn({ persistUnsent });
      expect(log).toEqual([]);
      s.goLive();
      s.reconnect();
      s.scripted.push(newConversationUpdate());
      s.scripted.sync(syncData());
      expect(log).toEqual(['start']);
      s.actor.stop();
      expect(log).toEqual(['start', 'stop']);
    });
  });

  describe('ids the server chose are only ids', () => {
    // Names Object.prototype has: a lookup by plain `record[id]` would answer them with its
    // functions, and an assignment to "__proto__" would replace the record's prototype.
    const prototypeNames = ['constructor', 'toString', '__proto__', 'hasOwnProperty'];

    /** A group named `id`, with one message from Goku, the user a member. */
    function groupNamed(id: string): ConversationsAndUsers['conversations'][number] {
      const first = { ...groupUpdate('First', 1).message!, id: `m-${id}-1`, conversationId: id };
      return {
        id,
        kind: 'group',
        title: `Group ${id}`,
        memberIds: [me.id, goku.id],
        lastMessage: first,
        drafting: [],
        messages: [first],
        hasMore: false,
      };
    }

    /** A push from Goku in the conversation `id`. */
    function pushIn(id: string, text: string, seq: number) {
      const update = groupUpdate(text, seq);
      const sent = { ...update.message!, id: `m-${id}-${seq}`, conversationId: id };
      return {
        conversation: { ...update.conversation, id, title: `Group ${id}`, lastMessage: sent },
        message: sent,
      };
    }

    const texts = (s: SignedIn, id: string) =>
      s
        .conversation(id)
        .getSnapshot()
        .context.messages.map((m) => m.text);

    it('a sync naming conversations after Object.prototype lists exactly them, each its own actor', () => {
      const s = startSignedIn();
      const data = syncData();
      data.conversations.push(...prototypeNames.map(groupNamed));
      s.goLive(data);
      expect(s.messenger.getSnapshot().status).toBe('active');
      const { context } = s.messenger.getSnapshot();
      const all = ['c-vegeta', 'c-group', ...prototypeNames];
      expect(context.conversationIds).toEqual(all);
      expect(Object.keys(context.conversations)).toEqual(all);
      expect(Object.getPrototypeOf(context.conversations)).toBe(Object.prototype);
      for (const id of prototypeNames) {
        expect(context.conversations[id]).toBe(s.conversation(id));
        expect(s.conversation(id).getSnapshot().context.title).toBe(`Group ${id}`);
      }
      // A later sync keeps each of them, and normal messages still arrive.
      s.scripted.sync(data);
      expect(s.messenger.getSnapshot().context.conversationIds).toEqual(all);
      s.scripted.push(groupUpdate('Still here', 6));
      expect(texts(s, 'c-group')).toEqual(['Training at noon!', 'Still here']);
      s.scripted.push(pushIn('constructor', 'Built', 2));
      expect(texts(s, 'constructor')).toEqual(['First', 'Built']);
      expect(s.messenger.getSnapshot().status).toBe('active');
    });

    it('a sync that drops them stops them, and a sync with none of them spawns none', () => {
      const s = startSignedIn();
      s.goLive();
      expect(Object.keys(s.messenger.getSnapshot().context.conversations)).toEqual([
        'c-vegeta',
        'c-group',
      ]);
      const data = syncData();
      data.conversations.push(...prototypeNames.map(groupNamed));
      s.scripted.sync(data);
      const first = s.conversation('toString');
      s.scripted.sync(syncData());
      expect(s.messenger.getSnapshot().status).toBe('active');
      expect(first.getSnapshot().status).toBe('stopped');
      expect(Object.keys(s.messenger.getSnapshot().context.conversations)).toEqual([
        'c-vegeta',
        'c-group',
      ]);
    });

    it.each(prototypeNames)(
      'a push for an unknown conversation named %s asks for a sync; the next message still arrives',
      (id) => {
        const s = startSignedIn();
        s.goLive();
        s.scripted.push(pushIn(id, 'Who am I?', 2));
        expect(s.messenger.getSnapshot().status).toBe('active');
        expect(s.messenger.getSnapshot().matches({ ready: { sync: 'resyncing' } })).toBe(true);
        expect(syncRequests(s)).toBe(2);
        expect(s.messenger.getSnapshot().context.conversationIds).toEqual(['c-vegeta', 'c-group']);
        s.scripted.sync(syncData());
        s.scripted.push(groupUpdate('Still here', 6));
        expect(texts(s, 'c-group')).toEqual(['Training at noon!', 'Still here']);
      },
    );

    it('a userJoined naming conversations after Object.prototype reaches only the real ones', () => {
      const s = startSignedIn();
      s.goLive();
      s.scripted.joined({ user: alan, conversationIds: [...prototypeNames, 'c-group'] });
      expect(s.messenger.getSnapshot().status).toBe('active');
      expect(s.conversation('c-group').getSnapshot().context.memberIds).toContain(alan.id);
      expect(s.conversation('c-vegeta').getSnapshot().context.memberIds).not.toContain(alan.id);
      s.scripted.push(fromAlan(6));
      expect(texts(s, 'c-group')).toEqual(['Training at noon!', 'Hello all']);
      expect(syncRequests(s)).toBe(1);
    });

    it('a user with the id "__proto__" is one of the people, not the prototype of the list', () => {
      const proto: User = { ...alan, id: '__proto__', firstName: 'Proto' };
      const s = startSignedIn();
      s.goLive();
      // Unknown yet: their message asks for a sync.
      const update = fromAlan(6);
      const byProto = { ...update.message, authorId: proto.id };
      s.scripted.push({
        conversation: { ...update.conversation, lastMessage: byProto },
        message: byProto,
      });
      expect(syncRequests(s)).toBe(2);
      const data = syncData();
      data.users.push(proto);
      data.conversations[1]!.memberIds.push(proto.id);
      s.scripted.sync(data);
      const { users } = s.messenger.getSnapshot().context;
      expect(Object.keys(users)).toEqual([me.id, 'u-vegeta', goku.id, bulma.id, '__proto__']);
      expect(Object.getPrototypeOf(users)).toBe(Object.prototype);
      expect(Object.hasOwn(users, '__proto__')).toBe(true);
      // Known now: their next message asks for nothing.
      const next = { ...byProto, id: 'm-g-7', seq: 7 };
      s.scripted.push({
        conversation: { ...update.conversation, lastMessage: next },
        message: next,
      });
      expect(syncRequests(s)).toBe(2);
      // A userJoined for them too keeps them an own key.
      s.scripted.joined({ user: proto, conversationIds: ['c-vegeta'] });
      expect(Object.keys(s.messenger.getSnapshot().context.users)).toContain('__proto__');
      expect(Object.getPrototypeOf(s.messenger.getSnapshot().context.users)).toBe(Object.prototype);
    });

    it('a sync listing the same conversation twice spawns one actor for it, without an error', () => {
      const s = startSignedIn();
      const data = syncData();
      data.conversations.push(structuredClone(data.conversations[1]!));
      s.goLive(data);
      expect(s.messenger.getSnapshot().status).toBe('active');
      const { context } = s.messenger.getSnapshot();
      expect(context.conversationIds).toEqual(['c-vegeta', 'c-group']);
      expect(Object.keys(s.messenger.getSnapshot().children).sort()).toEqual(
        [
          conversationSystemId('c-group'),
          conversationSystemId('c-vegeta'),
          'membership',
          'messageActions',
          'messageSearch',
          'newChat',
          'notifier',
          'persistUnsent',
          'receiptList',
          'settings',
        ].sort(),
      );
      // Listed twice again later: still the one actor.
      const group = s.conversation('c-group');
      s.scripted.sync(data);
      expect(s.messenger.getSnapshot().status).toBe('active');
      expect(s.conversation('c-group')).toBe(group);
      s.write('c-group', 'once');
      expect(s.scripted.sentIds()).toEqual(['run1-2-1']);
    });

    describe('a conversation with the id "persistUnsent"', () => {
      function start() {
        const log: string[] = [];
        const persistUnsent = fromCallback(() => {
          log.push('start');
          return () => log.push('stop');
        });
        return { log, s: startSignedIn({ persistUnsent }) };
      }
      const data = () => {
        const listed = syncData();
        listed.conversations.push(groupNamed('persistUnsent'));
        return listed;
      };
      /** The messenger's child under that id: still the invoked callback actor? */
      const ownChild = (s: SignedIn) =>
        (s.messenger.getSnapshot().children as Record<string, { src?: unknown }>).persistUnsent
          ?.src;

      it('listed later does not replace the messenger’s persistUnsent child, which stops with it', () => {
        const { log, s } = start();
        s.goLive();
        s.scripted.sync(data());
        expect(s.messenger.getSnapshot().status).toBe('active');
        expect(ownChild(s)).toBe('persistUnsent');
        s.scripted.push(pushIn('persistUnsent', 'Saved?', 2));
        expect(texts(s, 'persistUnsent')).toEqual(['First', 'Saved?']);
        expect(log).toEqual(['start']);
        s.actor.stop();
        expect(log).toEqual(['start', 'stop']);
      });

      it('listed in the first sync is a child of its own, stopped with the messenger', () => {
        const { log, s } = start();
        s.goLive(data());
        expect(ownChild(s)).toBe('persistUnsent');
        const conversation = s.conversation('persistUnsent');
        expect(Object.values(s.messenger.getSnapshot().children)).toContain(conversation);
        s.actor.stop();
        expect(log).toEqual(['start', 'stop']);
        expect(conversation.getSnapshot().status).toBe('stopped');
      });
    });
  });

  describe('message ids', () => {
    it('with randomId, each message gets a random id, not one that can be told in advance', () => {
      let n = 0;
      const s = startSignedIn({ randomId: () => `r${(n += 1)}x` });
      s.goLive();
      s.write('c-vegeta', 'a');
      s.write('c-vegeta', 'b');
      s.write('c-group', 'c');
      expect(s.scripted.sentIds()).toEqual(['r1x', 'r3x']);
      expect(outboxOf(s.conversation('c-vegeta'))).toEqual([
        ['r1x', 'sending'],
        ['r2x', 'queued'],
      ]);
      // Another member's message carrying what would have been the next predictable id is
      // theirs: the message waiting behind is not taken for delivered.
      const theirs = groupUpdate('Gotcha', 6);
      const forged = {
        ...theirs.message!,
        conversationId: 'c-vegeta',
        authorId: 'u-vegeta',
        clientMessageId: 'run1-1-2',
      };
      s.scripted.push({
        conversation: {
          ...theirs.conversation,
          id: 'c-vegeta',
          title: 'Vegeta',
          kind: 'direct',
          lastMessage: forged,
        },
        message: forged,
      });
      s.scripted.ack('r1x', stored('r1x', 7, { text: 'a' }));
      expect(outboxOf(s.conversation('c-vegeta'))).toEqual([['r2x', 'sending']]);
      expect(s.scripted.sentIds()).toEqual(['r1x', 'r3x', 'r2x']);
    });
  });

  it('ignores unknown and malformed events without throwing', () => {
    const s = startSignedIn();
    s.goLive();
    const before = s.messenger.getSnapshot().context;
    for (const event of [
      { type: 'nonsense' },
      { type: 'conversation.selected', conversationId: 'nope' },
      { type: 'conversation.closed' },
      { type: 'authors.seen', userIds: [me.id] },
      { type: 'sync.failed' },
      { type: 'user.joined', joined: { user: alan, conversationIds: [] } },
    ]) {
      s.messenger.send(event as never);
    }
    expect(s.messenger.getSnapshot().status).toBe('active');
    const after = s.messenger.getSnapshot().context;
    expect({ ...after, users: before.users }).toEqual(before);
    expect(syncRequests(s)).toBe(1);
  });
});
