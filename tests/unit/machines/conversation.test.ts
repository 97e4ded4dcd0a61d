import { describe, expect, it } from 'vitest';
import {
  draftingTiming,
  insertMessages,
  lastSeqBeforeHole,
} from '../../../machines/conversation.ts';
import { outgoingSystemId } from '../../../machines/system.ts';
import type { UnsentMessage } from '../../../machines/unsent.ts';
import { Limits, type ConversationsAndUsers, type Message } from '../../../server/protocol.ts';
import {
  bulma,
  goku,
  groupUpdate,
  me,
  message,
  olderGroupMessages,
  syncData,
} from '../../model/fixtures.ts';
import {
  draftingSignals,
  outboxOf,
  range,
  requests,
  sendCommands,
  startConversation,
  stored,
} from './signedIn.ts';

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

/** A sync whose group page holds seqs from..to (the latest page after a reconnect). */
function syncWithGroupPage(from: number, to: number): ConversationsAndUsers {
  const data = syncData();
  const group = data.conversations[1]!;
  group.messages = groupRange(from, to);
  group.lastMessage = group.messages.at(-1) ?? null;
  return data;
}

const seqs = (messages: readonly Message[]) => messages.map((m) => m.seq);

describe('conversation machine', () => {
  it('starts offline with the sync page, and goes online when the messenger hands it the sync', () => {
    const { snapshot, synced } = startConversation();
    expect(snapshot().matches({ link: 'offline' })).toBe(true);
    expect(snapshot().matches({ composer: 'quiet' })).toBe(true);
    expect(snapshot().matches({ history: 'idle' })).toBe(true);
    expect(snapshot().matches({ catchUp: 'complete' })).toBe(true);
    expect(snapshot().matches({ visibility: 'closed' })).toBe(true);
    expect(seqs(snapshot().context.messages)).toEqual([5]);
    expect(snapshot().context.memberIds).toEqual([me.id, goku.id, bulma.id]);
    synced();
    expect(snapshot().matches({ link: 'online' })).toBe(true);
  });

  describe('composer and drafting signal', () => {
    it('isDrafting: true on the first keystroke, again after 3 s of typing, false after 3 s idle', () => {
      const { ref, scripted, clock } = startConversation();
      ref.send({ type: 'draft.changed', text: 'H' });
      ref.send({ type: 'draft.changed', text: 'He' });
      expect(draftingSignals(scripted)).toEqual([['c-group', true]]);
      expect(ref.getSnapshot().matches({ composer: 'typing' })).toBe(true);
      clock.increment(2_000);
      ref.send({ type: 'draft.changed', text: 'Hel' });
      clock.increment(draftingTiming.refreshMs - 2_000);
      expect(draftingSignals(scripted)).toHaveLength(1);
      ref.send({ type: 'draft.changed', text: 'Hell' });
      expect(draftingSignals(scripted)).toEqual([
        ['c-group', true],
        ['c-group', true],
      ]);
      clock.increment(draftingTiming.idleMs - 1);
      expect(draftingSignals(scripted)).toHaveLength(2);
      clock.increment(1);
      expect(draftingSignals(scripted)).toEqual([
        ['c-group', true],
        ['c-group', true],
        ['c-group', false],
      ]);
      expect(ref.getSnapshot().matches({ composer: 'quiet' })).toBe(true);
      expect(ref.getSnapshot().context.draft).toBe('Hell');
    });

    it('refreshes the signal every 3 s while the user keeps typing, and only then', () => {
      const { ref, scripted, clock } = startConversation();
      for (let second = 0; second < 10; second += 1) {
        ref.send({ type: 'draft.changed', text: 'x'.repeat(second + 1) });
        clock.increment(1_000);
      }
      // Keystrokes at 0..9 s: the signal went out at 0, 3, 6 and 9 s.
      expect(draftingSignals(scripted)).toEqual([
        ['c-group', true],
        ['c-group', true],
        ['c-group', true],
        ['c-group', true],
      ]);
      clock.increment(draftingTiming.idleMs);
      expect(draftingSignals(scripted).at(-1)).toEqual(['c-group', false]);
      expect(draftingSignals(scripted)).toHaveLength(5);
    });

    it('isDrafting: false on send and on clearing the text; blank text signals nothing', () => {
      const { ref, scripted, clock } = startConversation();
      ref.send({ type: 'draft.changed', text: '   ' });
      expect(draftingSignals(scripted)).toEqual([]);
      ref.send({ type: 'draft.changed', text: 'Hi' });
      ref.send({ type: 'draft.changed', text: '' });
      expect(draftingSignals(scripted)).toEqual([
        ['c-group', true],
        ['c-group', false],
      ]);
      ref.send({ type: 'draft.changed', text: 'Yo' });
      ref.send({ type: 'message.submitted' });
      expect(draftingSignals(scripted)).toEqual([
        ['c-group', true],
        ['c-group', false],
        ['c-group', true],
        ['c-group', false],
      ]);
      expect(ref.getSnapshot().matches({ composer: 'quiet' })).toBe(true);
      // Nothing more once quiet: the idle wait ended with the send.
      clock.increment(draftingTiming.idleMs * 3);
      expect(draftingSignals(scripted)).toHaveLength(4);
    });

    it('counts a draft in code points, as the server does: 4,000 emoji send, a 4,001st is clipped whole', () => {
      const { ref, scripted, synced, context } = startConversation({ id: 'c-vegeta' });
      synced();
      ref.send({ type: 'draft.changed', text: '😀'.repeat(Limits.messageMaxChars + 1) });
      expect(context().draft.isWellFormed()).toBe(true);
      expect([...context().draft]).toHaveLength(Limits.messageMaxChars);
      expect(ref.getSnapshot().can({ type: 'message.submitted' })).toBe(true);
      ref.send({ type: 'message.submitted' });
      expect(sendCommands(scripted)[0]?.text).toBe('😀'.repeat(Limits.messageMaxChars));
    });

    it('does not send an empty or whitespace draft', () => {
      const { ref, scripted, synced, context } = startConversation({ id: 'c-vegeta' });
      synced();
      ref.send({ type: 'message.submitted' });
      ref.send({ type: 'draft.changed', text: '   ' });
      expect(ref.getSnapshot().can({ type: 'message.submitted' })).toBe(false);
      ref.send({ type: 'message.submitted' });
      expect(sendCommands(scripted)).toEqual([]);
      expect(context().outbox).toEqual([]);
    });
  });

  describe('outbox', () => {
    it('sends the trimmed draft at once when online, and shows it once the server acknowledges it', () => {
      const { ref, scripted, synced, context } = startConversation({ id: 'c-vegeta' });
      synced();
      ref.send({ type: 'draft.changed', text: '  Hello Vegeta  ' });
      ref.send({ type: 'message.submitted' });
      expect(sendCommands(scripted)).toEqual([
        {
          type: 'sendMessage',
          conversationId: 'c-vegeta',
          text: 'Hello Vegeta',
          clientMessageId: 'p-1',
        },
      ]);
      expect(context().draft).toBe('');
      expect(outboxOf(ref)).toEqual([['p-1', 'sending']]);
      expect(context().outbox[0]?.getSnapshot().context.createdAt).toBe(0);
      scripted.ack('p-1', stored('p-1', 1, { text: 'Hello Vegeta' }));
      expect(context().outbox).toEqual([]);
      expect(context().messages.map((m) => m.id)).toEqual(['m-v-0', 'm-p-1']);
    });

    it('stops a sent message’s actor: no longer among the conversation’s children, nor in the system', () => {
      const { ref, scripted, synced, write, actor } = startConversation({ id: 'c-vegeta' });
      synced();
      write('one');
      write('two');
      const [first, second] = ref.getSnapshot().context.outbox;
      expect(Object.values(ref.getSnapshot().children)).toEqual([first, second]);
      scripted.ack('p-1', stored('p-1', 1, { text: 'one' }));
      expect(Object.values(ref.getSnapshot().children)).toEqual([second]);
      expect(actor.system.get(outgoingSystemId('p-1'))).toBeUndefined();
      scripted.ack('p-2', stored('p-2', 2, { text: 'two' }));
      expect(ref.getSnapshot().children).toEqual({});
    });

    it('keeps messages written while offline until the sync, then sends them one at a time, oldest first', () => {
      const { scripted, synced, write, ref } = startConversation({ id: 'c-vegeta' });
      write('a');
      write('b');
      expect(outboxOf(ref)).toEqual([
        ['p-1', 'queued'],
        ['p-2', 'queued'],
      ]);
      expect(sendCommands(scripted)).toEqual([]);
      synced();
      write('c');
      // The next one goes out only once the previous is acknowledged: nothing overtakes it.
      expect(scripted.sentIds()).toEqual(['p-1']);
      scripted.ack('p-1', stored('p-1', 1));
      expect(scripted.sentIds()).toEqual(['p-1', 'p-2']);
      scripted.ack('p-2', stored('p-2', 2));
      scripted.ack('p-3', stored('p-3', 3));
      expect(scripted.sentIds()).toEqual(['p-1', 'p-2', 'p-3']);
      expect(outboxOf(ref)).toEqual([]);
      expect(seqs(ref.getSnapshot().context.messages)).toEqual([0, 1, 2, 3]);
    });

    it('when the connection is lost, what was on the wire waits and is sent again with the same id after the next sync', () => {
      const { scripted, synced, write, ref } = startConversation({ id: 'c-vegeta' });
      synced();
      write('a');
      write('b');
      ref.send({ type: 'connection.lost' });
      expect(ref.getSnapshot().matches({ link: 'offline' })).toBe(true);
      expect(outboxOf(ref)).toEqual([
        ['p-1', 'queued'],
        ['p-2', 'queued'],
      ]);
      synced();
      expect(scripted.sentIds()).toEqual(['p-1', 'p-1']);
      scripted.ack('p-1', stored('p-1', 1));
      expect(scripted.sentIds()).toEqual(['p-1', 'p-1', 'p-2']);
    });

    it('a user-fixable rejection leaves the outbox: failed with Retry, the next message goes, and it is not resent', () => {
      const { scripted, synced, write, ref, toSession } = startConversation({ id: 'c-vegeta' });
      synced();
      write('too long');
      write('fine');
      scripted.reject('p-1', { code: 'text_too_long', message: 'too long' });
      expect(outboxOf(ref)).toEqual([
        ['p-1', 'failed'],
        ['p-2', 'sending'],
      ]);
      expect(ref.getSnapshot().context.outbox[0]?.getSnapshot().context.failure).toBe('too long');
      expect(scripted.sentIds()).toEqual(['p-1', 'p-2']);
      expect(toSession).toEqual([]);
      // A reconnect resends what waits, not what failed.
      ref.send({ type: 'connection.lost' });
      synced();
      expect(scripted.sentIds()).toEqual(['p-1', 'p-2', 'p-2']);
      scripted.ack('p-2', stored('p-2', 1));
      expect(outboxOf(ref)).toEqual([['p-1', 'failed']]);
      expect(scripted.sentIds()).toHaveLength(3);
    });

    it('a retried message is sent again with the same id, before newer ones that wait', () => {
      const { scripted, synced, write, ref } = startConversation({ id: 'c-vegeta' });
      synced();
      write('a');
      write('b');
      write('c');
      scripted.reject('p-1', { code: 'forbidden', message: 'no' });
      expect(scripted.sentIds()).toEqual(['p-1', 'p-2']);
      const failed = ref.getSnapshot().context.outbox[0]!;
      failed.send({ type: 'message.retried' });
      // p-2 is on the wire: the retried one waits its turn, then goes before p-3.
      expect(scripted.sentIds()).toEqual(['p-1', 'p-2']);
      scripted.ack('p-2', stored('p-2', 1));
      expect(scripted.sentIds()).toEqual(['p-1', 'p-2', 'p-1']);
      scripted.ack('p-1', stored('p-1', 2));
      expect(scripted.sentIds()).toEqual(['p-1', 'p-2', 'p-1', 'p-3']);
    });

    it('a retry with nothing on the wire is sent at once', () => {
      const { scripted, synced, write, ref } = startConversation({ id: 'c-vegeta' });
      synced();
      write('a');
      scripted.reject('p-1', { code: 'not_found', message: 'gone' });
      ref.getSnapshot().context.outbox[0]!.send({ type: 'message.retried' });
      expect(scripted.sentIds()).toEqual(['p-1', 'p-1']);
      expect(outboxOf(ref)).toEqual([['p-1', 'sending']]);
    });

    it('waits out a rate limit with the next message held back, then resends, without asking to reconnect', () => {
      const { scripted, synced, write, ref, clock, toSession } = startConversation({
        id: 'c-vegeta',
      });
      synced();
      write('a');
      write('b');
      scripted.reject('p-1', { code: 'rate_limited', message: 'slow down', retryAfterMs: 2_000 });
      expect(outboxOf(ref)).toEqual([
        ['p-1', 'rateLimited'],
        ['p-2', 'queued'],
      ]);
      clock.increment(1_999);
      expect(scripted.sentIds()).toEqual(['p-1']);
      clock.increment(1);
      expect(scripted.sentIds()).toEqual(['p-1', 'p-1']);
      scripted.ack('p-1', stored('p-1', 1));
      expect(scripted.sentIds()).toEqual(['p-1', 'p-1', 'p-2']);
      expect(toSession).toEqual([]);
      expect(ref.getSnapshot().matches({ link: 'online' })).toBe(true);
    });

    it('no ack in time: the session is told the connection is unreliable and the message waits for the next sync', () => {
      const { scripted, synced, write, ref, toSession } = startConversation({ id: 'c-vegeta' });
      synced();
      write('a');
      write('b');
      const reason = 'network: operation has timed out';
      scripted.reject('p-1', { code: 'internal', message: reason });
      expect(toSession).toEqual([{ type: 'connection.unreliable', reason }]);
      expect(outboxOf(ref)).toEqual([
        ['p-1', 'queued'],
        ['p-2', 'queued'],
      ]);
      expect(scripted.sentIds()).toEqual(['p-1']);
      // The session reconnects: the messenger passes on the lost connection, then the sync.
      ref.send({ type: 'connection.lost' });
      synced();
      expect(scripted.sentIds()).toEqual(['p-1', 'p-1']);
    });

    it('a message the server turns out to have (its ack lost) is shown once, and the next one goes', () => {
      const { scripted, synced, write, ref, context } = startConversation({ id: 'c-vegeta' });
      synced();
      write('one');
      write('two');
      ref.send({ type: 'connection.lost' });
      const data = syncData();
      data.conversations[0]!.messages.push(stored('p-1', 1, { text: 'one' }));
      synced(data);
      expect(outboxOf(ref)).toEqual([['p-2', 'sending']]);
      expect(scripted.sentIds()).toEqual(['p-1', 'p-2']);
      // Its ack, arriving after all, adds nothing.
      scripted.ack('p-1', stored('p-1', 1, { text: 'one' }));
      // The other one is seen in a push before its ack (e.g. from another window).
      ref.send({
        type: 'channel.updated',
        update: {
          conversation: {
            id: 'c-vegeta',
            kind: 'direct',
            title: 'Vegeta',
            lastMessage: stored('p-2', 2, { text: 'two' }),
            drafting: [],
          },
          message: stored('p-2', 2, { text: 'two' }),
        },
      });
      expect(outboxOf(ref)).toEqual([]);
      scripted.ack('p-2', stored('p-2', 2, { text: 'two' }));
      expect(context().messages.map((m) => m.text)).toEqual([
        'Kakarot is late again.',
        'one',
        'two',
      ]);
    });

    it('starts with what a restart left unsent: the draft, a failed message still failed, a queued one sent after the sync', () => {
      const restored: UnsentMessage[] = [
        {
          conversationId: 'c-vegeta',
          text: 'too long',
          clientMessageId: 'old-1',
          createdAt: 10,
          failure: 'too long',
        },
        {
          conversationId: 'c-vegeta',
          text: 'waiting',
          clientMessageId: 'old-2',
          createdAt: 20,
          failure: null,
        },
      ];
      const { scripted, synced, ref, context } = startConversation({
        id: 'c-vegeta',
        restored: { draft: 'half a thought', outbox: restored },
      });
      expect(context().draft).toBe('half a thought');
      expect(outboxOf(ref)).toEqual([
        ['old-1', 'failed'],
        ['old-2', 'queued'],
      ]);
      expect(context().outbox[0]?.getSnapshot().context.failure).toBe('too long');
      expect(sendCommands(scripted)).toEqual([]);
      synced();
      expect(sendCommands(scripted)).toEqual([
        {
          type: 'sendMessage',
          conversationId: 'c-vegeta',
          text: 'waiting',
          clientMessageId: 'old-2',
        },
      ]);
      // New messages get ids of this run, after the restored ones.
      ref.send({ type: 'message.submitted' });
      scripted.ack('old-2', stored('old-2', 1));
      expect(scripted.sentIds()).toEqual(['old-2', 'p-1']);
    });
  });

  describe('history', () => {
    it('loads the page before the oldest message, one request at a time, and stops when there are no more', () => {
      const { ref, scripted, synced, context } = startConversation();
      synced();
      ref.send({ type: 'history.requested' });
      ref.send({ type: 'history.requested' });
      expect(requests(scripted, 'history')).toEqual([
        {
          type: 'requestMessages',
          purpose: 'history',
          conversationId: 'c-group',
          before: 5,
          limit: Limits.pageDefaultLimit,
        },
      ]);
      expect(ref.getSnapshot().matches({ history: 'loading' })).toBe(true);
      scripted.history('c-group', olderGroupMessages, false);
      expect(ref.getSnapshot().matches({ history: 'idle' })).toBe(true);
      expect(seqs(context().messages)).toEqual([3, 4, 5]);
      expect(context().hasMore).toBe(false);
      ref.send({ type: 'history.requested' });
      expect(requests(scripted, 'history')).toHaveLength(1);
    });

    it('asks for the page before the oldest loaded one next', () => {
      const { ref, scripted, synced } = startConversation();
      synced();
      ref.send({ type: 'history.requested' });
      scripted.history('c-group', olderGroupMessages, true);
      ref.send({ type: 'history.requested' });
      expect(requests(scripted, 'history').map((r) => 'before' in r && r.before)).toEqual([5, 3]);
    });

    it('shows a failure, and loads on retry', () => {
      const { ref, scripted, synced, context } = startConversation();
      synced();
      ref.send({ type: 'history.requested' });
      scripted.historyFailed('c-group', { code: 'internal', message: 'the store failed' });
      expect(ref.getSnapshot().matches({ history: 'failed' })).toBe(true);
      expect(context().historyError).toBe('the store failed');
      ref.send({ type: 'history.requested' });
      expect(ref.getSnapshot().matches({ history: 'loading' })).toBe(true);
      expect(context().historyError).toBeNull();
      expect(requests(scripted, 'history')).toHaveLength(2);
      scripted.history('c-group', olderGroupMessages, false);
      expect(ref.getSnapshot().matches({ history: 'idle' })).toBe(true);
      expect(seqs(context().messages)).toEqual([3, 4, 5]);
    });

    it('a failure without a message still says why', () => {
      const { ref, scripted, synced, context } = startConversation();
      synced();
      ref.send({ type: 'history.requested' });
      scripted.historyFailed('c-group', { code: 'internal', message: '' });
      expect(context().historyError).toBe('Could not load older messages.');
    });

    it('fails at once while offline, and a lost connection ends a load', () => {
      const { ref, scripted, synced, context } = startConversation();
      ref.send({ type: 'history.requested' });
      expect(ref.getSnapshot().matches({ history: 'failed' })).toBe(true);
      expect(context().historyError).toBe('Not connected.');
      // The socket is there (connecting), but nothing is asked of it before the link is live.
      expect(scripted.commands.filter((c) => c.type === 'requestMessages')).toEqual([]);
      synced();
      ref.send({ type: 'history.requested' });
      expect(ref.getSnapshot().matches({ history: 'loading' })).toBe(true);
      ref.send({ type: 'connection.lost' });
      expect(ref.getSnapshot().matches({ history: 'idle' })).toBe(true);
      // Its answer, if it comes at all, changes nothing.
      scripted.history('c-group', olderGroupMessages, false);
      expect(seqs(context().messages)).toEqual([5]);
    });

    it('tells the messenger who wrote the page, so it can learn people it does not know', () => {
      const { ref, scripted, synced, toMessenger } = startConversation();
      synced();
      ref.send({ type: 'history.requested' });
      scripted.history('c-group', olderGroupMessages, false);
      expect(toMessenger).toEqual([{ type: 'authors.seen', userIds: [bulma.id, me.id] }]);
    });

    it('a later sync keeps the older pages already loaded', () => {
      const { ref, scripted, synced, context } = startConversation();
      synced();
      ref.send({ type: 'history.requested' });
      scripted.history('c-group', olderGroupMessages, false);
      synced();
      expect(seqs(context().messages)).toEqual([3, 4, 5]);
      expect(context().hasMore).toBe(false);
    });
  });

  describe('catch-up', () => {
    it('after a reconnect, fetches what lies between what it had and the new page, page by page, without duplicates', () => {
      const { ref, scripted, synced, context } = startConversation();
      synced();
      ref.send({ type: 'channel.updated', update: groupUpdate('Before the drop', 6) });
      ref.send({ type: 'connection.lost' });
      // Reconnected: the sync brings the latest page, 200-249; 7-199 were missed.
      synced(syncWithGroupPage(200, 249));
      expect(ref.getSnapshot().matches({ catchUp: 'catchingUp' })).toBe(true);
      expect(requests(scripted, 'catchUp')).toEqual([
        {
          type: 'requestMessages',
          purpose: 'catchUp',
          conversationId: 'c-group',
          after: 6,
          limit: Limits.pageMaxLimit,
        },
      ]);
      // A push meanwhile does not ask twice.
      ref.send({ type: 'channel.updated', update: groupUpdate('Live', 250) });
      expect(requests(scripted, 'catchUp')).toHaveLength(1);
      scripted.catchUp('c-group', 6, groupRange(7, 106), true);
      expect(requests(scripted, 'catchUp').map((r) => 'after' in r && r.after)).toEqual([6, 106]);
      // The last page overlaps what the sync brought (the server has more: that page): merged
      // by seq, shown once, and the catch-up is complete.
      scripted.catchUp('c-group', 106, groupRange(107, 206), true);
      expect(requests(scripted, 'catchUp')).toHaveLength(2);
      expect(ref.getSnapshot().matches({ catchUp: 'complete' })).toBe(true);
      expect(seqs(context().messages)).toEqual(range(5, 250));
      expect(lastSeqBeforeHole(context().messages)).toBeNull();
      // So the next hole is caught up too.
      synced(syncWithGroupPage(300, 349));
      expect(requests(scripted, 'catchUp').map((r) => 'after' in r && r.after)).toEqual([
        6, 106, 250,
      ]);
    });

    it('catches up again when a later sync leaves a new hole', () => {
      const { ref, scripted, synced } = startConversation();
      synced();
      ref.send({ type: 'channel.updated', update: groupUpdate('Before the drop', 6) });
      synced(syncWithGroupPage(200, 249));
      scripted.catchUp('c-group', 6, groupRange(7, 199), false);
      expect(ref.getSnapshot().matches({ catchUp: 'complete' })).toBe(true);
      synced(syncWithGroupPage(300, 349));
      expect(requests(scripted, 'catchUp').map((r) => 'after' in r && r.after)).toEqual([6, 249]);
    });

    it('gives up on a failure or an empty page; the next sync asks again', () => {
      const { ref, scripted, synced } = startConversation();
      synced();
      ref.send({ type: 'channel.updated', update: groupUpdate('Before the drop', 6) });
      synced(syncWithGroupPage(200, 249));
      scripted.catchUpFailed('c-group', { code: 'internal', message: 'x' });
      expect(ref.getSnapshot().matches({ catchUp: 'gaveUp' })).toBe(true);
      expect(requests(scripted, 'catchUp')).toHaveLength(1);
      synced(syncWithGroupPage(200, 249));
      expect(requests(scripted, 'catchUp')).toHaveLength(2);
      scripted.catchUp('c-group', 6, [], true);
      expect(ref.getSnapshot().matches({ catchUp: 'gaveUp' })).toBe(true);
      expect(requests(scripted, 'catchUp')).toHaveLength(2);
    });

    it('a page that does not move the hole on ends the catch-up, though the server says it has more', () => {
      const { ref, scripted, synced, context } = startConversation();
      synced();
      ref.send({ type: 'channel.updated', update: groupUpdate('Before the drop', 6) });
      synced(syncWithGroupPage(200, 249));
      expect(requests(scripted, 'catchUp')).toHaveLength(1);
      // What it already had, again: the hole still starts after 6.
      scripted.catchUp('c-group', 6, groupRange(5, 6), true);
      expect(requests(scripted, 'catchUp')).toHaveLength(1);
      expect(ref.getSnapshot().matches({ catchUp: 'gaveUp' })).toBe(true);
      expect(lastSeqBeforeHole(context().messages)).toBe(6);
      // A page that moves it on but leaves a hole asks for the rest.
      synced(syncWithGroupPage(200, 249));
      scripted.catchUp('c-group', 6, groupRange(7, 50), true);
      expect(requests(scripted, 'catchUp').map((r) => 'after' in r && r.after)).toEqual([6, 6, 50]);
    });

    it('waits for the link: nothing is asked while offline, a lost connection ends the catch-up', () => {
      const { ref, scripted, synced } = startConversation();
      ref.send({ type: 'channel.updated', update: groupUpdate('Pushed early', 9) });
      expect(ref.getSnapshot().matches({ catchUp: 'complete' })).toBe(true);
      expect(requests(scripted, 'catchUp')).toEqual([]);
      synced();
      expect(requests(scripted, 'catchUp')).toHaveLength(1);
      ref.send({ type: 'connection.lost' });
      expect(ref.getSnapshot().matches({ catchUp: 'complete' })).toBe(true);
      synced();
      expect(requests(scripted, 'catchUp').map((r) => 'after' in r && r.after)).toEqual([5, 5]);
    });

    it('a page with one of our unacknowledged messages delivers it, and names its authors to the messenger', () => {
      const { ref, scripted, synced, toMessenger, context } = startConversation();
      synced();
      ref.send({ type: 'channel.updated', update: groupUpdate('Before the drop', 6) });
      ref.send({ type: 'connection.lost' });
      ref.send({ type: 'draft.changed', text: 'mine' });
      ref.send({ type: 'message.submitted' });
      synced(syncWithGroupPage(8, 9));
      expect(outboxOf(ref)).toEqual([['p-1', 'sending']]);
      scripted.catchUp(
        'c-group',
        6,
        [stored('p-1', 7, { conversationId: 'c-group', text: 'mine' })],
        false,
      );
      expect(outboxOf(ref)).toEqual([]);
      expect(context().messages.filter((m) => m.clientMessageId === 'p-1')).toHaveLength(1);
      // Goku's push was news (announced, closed as it is); the page's authors are reported.
      expect(toMessenger.map((event) => event.type)).toEqual(['message.notable', 'authors.seen']);
      expect(toMessenger.at(-1)).toEqual({ type: 'authors.seen', userIds: [me.id] });
    });
  });

  describe('visibility and unread', () => {
    it('counts new messages from others while closed, once each; opening reads them', () => {
      const { ref, synced, context } = startConversation();
      synced();
      ref.send({ type: 'channel.updated', update: groupUpdate('One', 6, [goku.id]) });
      ref.send({ type: 'channel.updated', update: groupUpdate('One', 6, []) });
      expect(context().unread).toBe(1);
      expect(context().drafting).toEqual([]);
      expect(seqs(context().messages)).toEqual([5, 6]);
      // Drafting-only updates and the user's own messages are not unread.
      ref.send({
        type: 'channel.updated',
        update: { conversation: groupUpdate('One', 6, [goku.id]).conversation, message: null },
      });
      const own = groupUpdate('Mine', 7);
      own.message = { ...own.message!, authorId: me.id };
      // The synced messages were read (the sync names no read position: all it brought is).
      expect(context().readSeq).toBe(5);
      ref.send({ type: 'channel.updated', update: own });
      // Written in another window: read, and so is everything before it (as sending marks a
      // conversation read in Telegram and Signal).
      expect(context().unread).toBe(0);
      expect(context().readSeq).toBe(7);
      ref.send({ type: 'channel.updated', update: groupUpdate('After mine', 8, []) });
      expect(context().unread).toBe(1);
      ref.send({ type: 'conversation.opened' });
      expect(ref.getSnapshot().matches({ visibility: 'open' })).toBe(true);
      expect(context().unread).toBe(0);
      expect(context().readSeq).toBe(8);
    });

    it('opened in a window without the focus, reads nothing until the window has it', () => {
      const { ref, synced, context } = startConversation();
      synced();
      ref.send({ type: 'channel.updated', update: groupUpdate('Unseen', 6) });
      expect(context().unread).toBe(1);
      ref.send({ type: 'conversation.opened', focused: false });
      expect(ref.getSnapshot().matches({ visibility: { open: 'away' } })).toBe(true);
      expect(context().unread).toBe(1);
      expect(context().unreadFromSeq).toBe(6);
      ref.send({ type: 'window.focused' });
      expect(context().unread).toBe(0);
      expect(context().readSeq).toBe(6);
    });

    it('while open, new messages are read as they arrive; closed again, they count', () => {
      const { ref, synced, context } = startConversation();
      synced();
      ref.send({ type: 'conversation.opened' });
      ref.send({ type: 'channel.updated', update: groupUpdate('Two', 8) });
      expect(context().unread).toBe(0);
      expect(context().readSeq).toBe(8);
      ref.send({ type: 'conversation.closed' });
      ref.send({ type: 'channel.updated', update: groupUpdate('Three', 9) });
      expect(context().unread).toBe(1);
      expect(context().readSeq).toBe(8);
    });
  });

  describe('notifications and mute', () => {
    const announced = (toMessenger: { type: string }[]) =>
      toMessenger.filter((event) => event.type === 'message.notable') as unknown as {
        conversationId: string;
        kind: string;
        title: string;
        message: { text: string };
      }[];

    it('announces a new message from someone else while closed or away, once, never the user’s own', () => {
      const { ref, synced, toMessenger } = startConversation();
      synced();
      ref.send({ type: 'channel.updated', update: groupUpdate('One', 6) });
      // Heard again (a resend after a lost ack is broadcast again): not news.
      ref.send({ type: 'channel.updated', update: groupUpdate('One', 6) });
      const own = groupUpdate('Mine', 7);
      own.message = { ...own.message!, authorId: me.id };
      ref.send({ type: 'channel.updated', update: own });
      expect(announced(toMessenger)).toEqual([
        {
          type: 'message.notable',
          conversationId: 'c-group',
          kind: 'group',
          title: 'Capsule Corp',
          message: groupUpdate('One', 6).message,
        },
      ]);
      // Open and read (the window focused): nothing; open in a window without the focus: yes.
      ref.send({ type: 'conversation.opened' });
      ref.send({ type: 'channel.updated', update: groupUpdate('Read as it comes', 8) });
      expect(announced(toMessenger)).toHaveLength(1);
      ref.send({ type: 'window.blurred' });
      ref.send({ type: 'channel.updated', update: groupUpdate('While away', 9) });
      expect(announced(toMessenger).map((event) => event.message.text)).toEqual([
        'One',
        'While away',
      ]);
    });

    it('muted: announces nothing, tells the server, and follows syncs and other windows', () => {
      const { ref, synced, toMessenger, scripted, snapshot } = startConversation();
      synced();
      expect(snapshot().matches({ notifications: 'audible' })).toBe(true);
      ref.send({ type: 'mute.toggled' });
      expect(snapshot().matches({ notifications: 'muted' })).toBe(true);
      expect(scripted.commands.filter((c) => c.type === 'setMuted')).toEqual([
        { type: 'setMuted', conversationId: 'c-group', muted: true },
      ]);
      ref.send({ type: 'channel.updated', update: groupUpdate('Quiet', 6) });
      expect(announced(toMessenger)).toEqual([]);
      // Still unread: muting hides the news, not the messages.
      expect(snapshot().context.unread).toBe(1);

      // A sync from an older server says nothing: still muted. One that says unmuted: audible.
      synced();
      expect(snapshot().matches({ notifications: 'muted' })).toBe(true);
      const data = syncData();
      data.conversations.find((c) => c.id === 'c-group')!.muted = false;
      synced(data);
      expect(snapshot().matches({ notifications: 'audible' })).toBe(true);
      data.conversations.find((c) => c.id === 'c-group')!.muted = true;
      synced(data);
      expect(snapshot().matches({ notifications: 'muted' })).toBe(true);

      // Another window unmutes: nothing sent back to the server.
      ref.send({ type: 'mute.changed', muted: false });
      expect(snapshot().matches({ notifications: 'audible' })).toBe(true);
      ref.send({ type: 'mute.changed', muted: true });
      expect(snapshot().matches({ notifications: 'muted' })).toBe(true);
      ref.send({ type: 'mute.toggled' });
      expect(scripted.commands.filter((c) => c.type === 'setMuted')).toEqual([
        { type: 'setMuted', conversationId: 'c-group', muted: true },
        { type: 'setMuted', conversationId: 'c-group', muted: false },
      ]);
      ref.send({ type: 'channel.updated', update: groupUpdate('Loud', 7) });
      expect(announced(toMessenger).map((event) => event.message.text)).toEqual(['Loud']);
    });
  });

  describe('read positions the server keeps', () => {
    const marks = (scripted: ReturnType<typeof startConversation>['scripted']) =>
      scripted.commands.filter((command) => command.type === 'markRead');

    it('starts from the read position of the sync, and opening marks the rest read on the server', () => {
      const data = syncData();
      const group = data.conversations.find((c) => c.id === 'c-group')!;
      group.readSeq = 3;
      const { ref, synced, context, scripted } = startConversation({ conversation: group });
      synced(data);
      expect(context().unread).toBe(2);
      expect(marks(scripted)).toEqual([]);
      ref.send({ type: 'conversation.opened' });
      // "New messages" goes above the first unread one, and stays while it is open.
      expect(context().unreadFromSeq).toBe(4);
      expect(context().unread).toBe(0);
      expect(marks(scripted)).toEqual([{ type: 'markRead', conversationId: 'c-group', seq: 5 }]);
      ref.send({ type: 'channel.updated', update: groupUpdate('More', 6) });
      expect(context().unreadFromSeq).toBe(4);
      expect(marks(scripted).at(-1)).toMatchObject({ seq: 6 });
      ref.send({ type: 'conversation.closed' });
      expect(context().unreadFromSeq).toBeNull();
      // Opened again with nothing unread: no line, and nothing to tell the server.
      ref.send({ type: 'conversation.opened' });
      expect(context().unreadFromSeq).toBeNull();
      expect(marks(scripted)).toHaveLength(2);
    });

    it('leaves what comes while the window is away unread, and reads it when the person is back', () => {
      const { ref, synced, context, scripted } = startConversation();
      synced();
      ref.send({ type: 'conversation.opened' });
      ref.send({ type: 'window.blurred' });
      expect(ref.getSnapshot().matches({ visibility: { open: 'away' } })).toBe(true);
      ref.send({ type: 'channel.updated', update: groupUpdate('While away', 6) });
      ref.send({ type: 'channel.updated', update: groupUpdate('Still away', 7) });
      expect(context().unread).toBe(2);
      expect(marks(scripted)).toEqual([]);
      ref.send({ type: 'window.focused' });
      expect(ref.getSnapshot().matches({ visibility: { open: 'reading' } })).toBe(true);
      expect(context().unread).toBe(0);
      expect(marks(scripted)).toEqual([{ type: 'markRead', conversationId: 'c-group', seq: 7 }]);
    });

    it("adopts another window's read position, never going back", () => {
      const data = syncData();
      const group = data.conversations.find((c) => c.id === 'c-group')!;
      group.readSeq = 1;
      const { ref, synced, context } = startConversation({ conversation: group });
      synced(data);
      expect(context().unread).toBe(4);
      ref.send({ type: 'read.moved', readSeq: 4 });
      expect(context()).toMatchObject({ readSeq: 4, unread: 1 });
      ref.send({ type: 'read.moved', readSeq: 2 });
      expect(context()).toMatchObject({ readSeq: 4, unread: 1 });
    });
  });

  describe('jump to a message', () => {
    it('arrives at once at a loaded message, and is idle again once the log has shown it', () => {
      const { ref, scripted, synced, context } = startConversation();
      synced();
      ref.send({ type: 'message.jumpRequested', seq: 5 });
      expect(ref.getSnapshot().matches({ jump: 'arrived' })).toBe(true);
      expect(context().jumpSeq).toBe(5);
      expect(requests(scripted, 'history')).toEqual([]);
      ref.send({ type: 'message.jumpShown' });
      expect(ref.getSnapshot().matches({ jump: 'idle' })).toBe(true);
    });

    it('loads older pages, one after another, until the message is loaded', () => {
      const { ref, scripted, synced, context } = startConversation();
      synced();
      ref.send({ type: 'message.jumpRequested', seq: 1 });
      expect(ref.getSnapshot().matches({ jump: { seeking: 'loading' } })).toBe(true);
      // The history region asks (its loading bar shows), the page before the oldest.
      expect(ref.getSnapshot().matches({ history: 'loading' })).toBe(true);
      scripted.history('c-group', olderGroupMessages, true);
      expect(ref.getSnapshot().matches({ jump: { seeking: 'loading' } })).toBe(true);
      expect(requests(scripted, 'history').map((r) => 'before' in r && r.before)).toEqual([5, 3]);
      scripted.history('c-group', groupRange(0, 2), false);
      expect(ref.getSnapshot().matches({ jump: 'arrived' })).toBe(true);
      expect(seqs(context().messages)).toEqual([0, 1, 2, 3, 4, 5]);
      expect(requests(scripted, 'history')).toHaveLength(2);
    });

    it('waits for a page already on its way rather than asking twice', () => {
      const { ref, scripted, synced } = startConversation();
      synced();
      ref.send({ type: 'history.requested' });
      ref.send({ type: 'message.jumpRequested', seq: 3 });
      expect(requests(scripted, 'history')).toHaveLength(1);
      scripted.history('c-group', olderGroupMessages, true);
      expect(ref.getSnapshot().matches({ jump: 'arrived' })).toBe(true);
      expect(requests(scripted, 'history')).toHaveLength(1);
    });

    it('a seq older than the first message arrives at the nearest: the oldest there is', () => {
      const { ref, scripted, synced, context } = startConversation();
      synced();
      ref.send({ type: 'message.jumpRequested', seq: 0 });
      scripted.history('c-group', olderGroupMessages, false);
      expect(ref.getSnapshot().matches({ jump: 'arrived' })).toBe(true);
      expect(context().jumpSeq).toBe(0);
      expect(seqs(context().messages)).toEqual([3, 4, 5]);
    });

    it('fails when a page fails or the connection goes, and a retry seeks again', () => {
      const { ref, scripted, synced } = startConversation();
      synced();
      ref.send({ type: 'message.jumpRequested', seq: 3 });
      scripted.historyFailed('c-group', { code: 'internal', message: 'the store failed' });
      expect(ref.getSnapshot().matches({ jump: 'failed' })).toBe(true);
      ref.send({ type: 'message.jumpRetried' });
      expect(ref.getSnapshot().matches({ jump: { seeking: 'loading' } })).toBe(true);
      expect(requests(scripted, 'history')).toHaveLength(2);
      ref.send({ type: 'connection.lost' });
      expect(ref.getSnapshot().matches({ jump: 'failed' })).toBe(true);
      // Offline there is nobody to ask: it fails again at once.
      ref.send({ type: 'message.jumpRetried' });
      expect(ref.getSnapshot().matches({ jump: 'failed' })).toBe(true);
      expect(requests(scripted, 'history')).toHaveLength(2);
      synced();
      ref.send({ type: 'message.jumpRetried' });
      scripted.history('c-group', olderGroupMessages, true);
      expect(ref.getSnapshot().matches({ jump: 'arrived' })).toBe(true);
    });

    it('a new jump replaces the one under way, and closing the conversation abandons it', () => {
      const { ref, synced, context } = startConversation();
      synced();
      ref.send({ type: 'conversation.opened' });
      ref.send({ type: 'message.jumpRequested', seq: 3 });
      ref.send({ type: 'message.jumpRequested', seq: 5 });
      expect(ref.getSnapshot().matches({ jump: 'arrived' })).toBe(true);
      expect(context().jumpSeq).toBe(5);
      ref.send({ type: 'message.jumpRequested', seq: 3 });
      ref.send({ type: 'conversation.closed' });
      expect(ref.getSnapshot().matches({ jump: 'idle' })).toBe(true);
    });
  });

  describe('changes missed while offline', () => {
    const withRevision = (revision: number, data = syncData()) => {
      data.conversations[1]!.revision = revision;
      return data;
    };
    const changeRequests = (scripted: ReturnType<typeof startConversation>['scripted']) =>
      scripted.commands.filter((c) => c.type === 'listMessageChanges');
    const hello = () => syncData().conversations[1]!.messages[0]!;

    it('the first sync only says where to start: nothing is asked', () => {
      const { scripted, synced, context } = startConversation({
        conversation: withRevision(4).conversations[1]!,
      });
      synced(withRevision(4));
      expect(context().revision).toBe(4);
      expect(changeRequests(scripted)).toEqual([]);
    });

    it('a conversation first known from an older server takes the revision of its first sync that has one', () => {
      const { scripted, synced, context } = startConversation();
      expect(context().revision).toBeNull();
      synced(withRevision(2));
      expect(context().revision).toBe(2);
      expect(changeRequests(scripted)).toEqual([]);
    });

    it('a sync past the revision asks for the changes after it, page by page, and applies each', () => {
      const { ref, scripted, synced, context } = startConversation({
        conversation: withRevision(4).conversations[1]!,
      });
      synced(withRevision(4));
      ref.send({ type: 'history.requested' });
      scripted.history('c-group', olderGroupMessages, false);
      ref.send({ type: 'connection.lost' });
      synced(withRevision(9));
      expect(ref.getSnapshot().matches({ changes: 'loading' })).toBe(true);
      expect(changeRequests(scripted)).toEqual([
        {
          type: 'listMessageChanges',
          conversationId: 'c-group',
          since: 4,
          limit: Limits.changesPageMaxLimit,
        },
      ]);
      const [ready, yes] = olderGroupMessages;
      scripted.changes(
        'c-group',
        [{ ...ready!, text: 'Ready now?', editedAt: 1, editCount: 1, revision: 6 }],
        true,
        9,
      );
      expect(
        changeRequests(scripted).map((c) => c.type === 'listMessageChanges' && c.since),
      ).toEqual([4, 6]);
      scripted.changes(
        'c-group',
        [
          { ...yes!, text: '', deletedAt: 2, revision: 8 },
          { ...hello(), text: '', hidden: true, revision: 9 },
        ],
        false,
        9,
      );
      expect(ref.getSnapshot().matches({ changes: 'idle' })).toBe(true);
      expect(context().revision).toBe(9);
      const [three, four, five] = context().messages;
      expect(three).toMatchObject({ text: 'Ready now?', editedAt: 1 });
      expect(four).toMatchObject({ text: '', deletedAt: 2 });
      expect(five).toMatchObject({ text: '', hidden: true });
      expect(context().lastMessage).toMatchObject({ hidden: true });
      // Caught up: the same revision again asks nothing.
      synced(withRevision(9));
      expect(changeRequests(scripted)).toHaveLength(2);
    });

    it('pushes do not move the revision caught up to (one can overtake another)', () => {
      const { ref, scripted, synced, context } = startConversation({
        conversation: withRevision(4).conversations[1]!,
      });
      synced(withRevision(4));
      ref.send({ type: 'message.changed', message: { ...hello(), text: 'Edited', revision: 6 } });
      expect(context().revision).toBe(4);
      ref.send({ type: 'connection.lost' });
      synced(withRevision(6));
      expect(
        changeRequests(scripted).map((c) => c.type === 'listMessageChanges' && c.since),
      ).toEqual([4]);
    });

    it('a failed page, or a lost connection, waits for the next sync to ask again', () => {
      const { ref, scripted, synced, context } = startConversation({
        conversation: withRevision(4).conversations[1]!,
      });
      synced(withRevision(4));
      synced(withRevision(5));
      scripted.changesFailed('c-group', { code: 'internal', message: 'the store failed' });
      expect(ref.getSnapshot().matches({ changes: 'failed' })).toBe(true);
      expect(context().revision).toBe(4);
      synced(withRevision(5));
      expect(ref.getSnapshot().matches({ changes: 'loading' })).toBe(true);
      ref.send({ type: 'connection.lost' });
      expect(ref.getSnapshot().matches({ changes: 'failed' })).toBe(true);
      synced(withRevision(4));
      expect(ref.getSnapshot().matches({ changes: 'idle' })).toBe(true);
      expect(changeRequests(scripted)).toHaveLength(2);
    });
  });

  it('keeps its members when an update (which carries none) arrives, and adds who joined once', () => {
    const { ref, synced, context } = startConversation();
    synced();
    ref.send({ type: 'member.joined', userId: 'u-alan' });
    ref.send({ type: 'member.joined', userId: 'u-alan' });
    ref.send({ type: 'channel.updated', update: groupUpdate('Hi', 6) });
    expect(context().memberIds).toEqual([me.id, goku.id, bulma.id, 'u-alan']);
    expect(context().lastMessage?.seq).toBe(6);
  });

  it('keeps the later copy of a changed message: an ack overtaken by a push changes nothing (issue 16)', () => {
    const { ref, synced, context } = startConversation();
    synced();
    const [loaded] = context().messages as [Message];
    const edited = { ...loaded, text: 'Edited once', editedAt: 1, editCount: 1, revision: 4 };
    const reacted = { ...edited, reactions: [{ emoji: '🔥', userIds: [me.id] }], revision: 5 };
    ref.send({ type: 'message.changed', message: reacted });
    ref.send({ type: 'message.changed', message: edited });
    expect(context().messages[0]).toEqual(reacted);
    expect(context().lastMessage).toEqual(reacted);
  });

  it('merges messages by seq: one heard twice shows once, in order', () => {
    const [three, four] = olderGroupMessages as [Message, Message];
    expect(seqs(insertMessages([four], [three, four]))).toEqual([3, 4]);
    expect(lastSeqBeforeHole(groupRange(1, 3))).toBeNull();
    expect(lastSeqBeforeHole([...groupRange(1, 3), ...groupRange(7, 8)])).toBe(3);
  });

  it('ignores unknown and stray events without throwing', () => {
    const { ref, scripted, synced, context } = startConversation();
    synced();
    const before = context();
    for (const event of [
      { type: 'nonsense' },
      { type: 'history.loaded', messages: [], hasMore: false },
      { type: 'catchUp.loaded', after: 1, messages: [], hasMore: true },
      { type: 'outgoing.settled', clientMessageId: 'nope' },
      { type: 'conversation.closed' },
    ]) {
      ref.send(event as never);
    }
    expect(ref.getSnapshot().status).toBe('active');
    expect({ ...context(), messages: before.messages }).toEqual(before);
    expect(scripted.commands).toEqual([]);
  });
});
