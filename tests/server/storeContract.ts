// The behaviour every Store must have. Run it against each implementation:
//   describeStoreContract('MemoryStore', () => new MemoryStore());
// A SQLite or PostgreSQL store passes this suite before the server may use it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NewUser, Session, Store } from '../../server/store/types.ts';

const avatar = { initials: 'TB', color: '#1565c0' };

function person(phone: string, firstName = 'Trunks'): NewUser {
  return { kind: 'person', firstName, lastName: 'Briefs', avatar, phone, createdAt: 1_000 };
}

export function describeStoreContract(name: string, makeStore: () => Store | Promise<Store>): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await makeStore();
    });
    afterEach(async () => {
      await store.close();
    });

    async function conversation(memberIds: string[] = ['a', 'b']) {
      return store.createConversation({ kind: 'group', title: 'Room', memberIds, createdAt: 1 });
    }

    describe('users', () => {
      it('creates, finds by id and by phone, and returns fresh copies', async () => {
        const { user, created } = await store.createUser(person('+14155550100'));
        expect(created).toBe(true);
        expect(user).toMatchObject({ kind: 'person', firstName: 'Trunks', phone: '+14155550100' });
        expect(user.id).toEqual(expect.any(String));
        expect(await store.getUser(user.id)).toEqual(user);
        expect(await store.getUserByPhone('+14155550100')).toEqual(user);

        const copy = await store.getUser(user.id);
        if (copy) copy.firstName = 'Mutated';
        expect((await store.getUser(user.id))?.firstName).toBe('Trunks');
      });

      it('keeps phones unique: a second create returns the original', async () => {
        const first = await store.createUser(person('+14155550101'));
        const second = await store.createUser(person('+14155550101', 'Goten'));
        expect(second).toEqual({ user: first.user, created: false });
      });

      it('accepts a chosen id and many phone-less bots', async () => {
        await store.createUser({ ...person('x'), id: 'goku', kind: 'bot', phone: null });
        await store.createUser({ ...person('x'), id: 'bulma', kind: 'bot', phone: null });
        expect((await store.getUser('goku'))?.kind).toBe('bot');
        expect((await store.getUsers(['bulma', 'nobody', 'goku'])).map((u) => u.id)).toEqual([
          'bulma',
          'goku',
        ]);
      });

      it('answers null for unknown users', async () => {
        expect(await store.getUser('nobody')).toBeNull();
        expect(await store.getUserByPhone('+14155550999')).toBeNull();
      });
    });

    describe('sessions', () => {
      /** A session whose token hash is `char` 64 times (SQLite checks the length). */
      function session(char: string, overrides: Partial<Session> = {}): Session {
        return {
          tokenHash: char.repeat(64),
          userId: 'u1',
          createdAt: 5,
          lastSeenAt: 5,
          client: 'Parley/1.0 (Macintosh)',
          ...overrides,
        };
      }

      it('creates, finds and deletes by token hash, keeping lastSeenAt and client', async () => {
        const created = session('a', { lastSeenAt: 7, client: 'Mozilla/5.0 Chrome/126' });
        await store.createSession(created);
        expect(await store.getSession(created.tokenHash)).toEqual(created);
        expect(await store.getSession('b'.repeat(64))).toBeNull();
        await store.deleteSession(created.tokenHash);
        expect(await store.getSession(created.tokenHash)).toBeNull();
        // Deleting an unknown session is no error.
        await store.deleteSession(created.tokenHash);
      });

      it('deletes only the session asked for', async () => {
        await store.createSession(session('a'));
        await store.createSession(session('b'));
        await store.deleteSession('a'.repeat(64));
        expect((await store.listSessionsOf('u1')).map((s) => s.tokenHash)).toEqual([
          'b'.repeat(64),
        ]);
      });

      it('keeps an empty client, and bounds a long one at 200 characters', async () => {
        await store.createSession(session('a', { client: '' }));
        expect((await store.getSession('a'.repeat(64)))?.client).toBe('');
        await store.createSession(session('b', { client: 'x'.repeat(500) }));
        expect((await store.getSession('b'.repeat(64)))?.client).toBe('x'.repeat(200));
        // Never half an emoji: a pair straddling the limit goes whole.
        await store.createSession(session('c', { client: `${'x'.repeat(199)}👩🏽` }));
        expect((await store.getSession('c'.repeat(64)))?.client).toBe('x'.repeat(199));
      });

      it('touches lastSeenAt, changing nothing else, and ignores unknown sessions', async () => {
        const created = session('a', { createdAt: 10, lastSeenAt: 10 });
        await store.createSession(created);
        await store.touchSession(created.tokenHash, 1_700_000_000_000);
        expect(await store.getSession(created.tokenHash)).toEqual({
          ...created,
          lastSeenAt: 1_700_000_000_000,
        });
        await store.touchSession('b'.repeat(64), 99);
        expect(await store.getSession('b'.repeat(64))).toBeNull();
        expect(await store.listSessionsOf('u1')).toHaveLength(1);
      });

      it("lists only the user's sessions, oldest first, ties by token hash", async () => {
        await store.createSession(session('c', { createdAt: 30 }));
        await store.createSession(session('d', { userId: 'u2', createdAt: 1 }));
        await store.createSession(session('e', { createdAt: 10 }));
        await store.createSession(session('b', { createdAt: 30 }));
        await store.createSession(session('f', { createdAt: 20, lastSeenAt: 40 }));
        const listed = await store.listSessionsOf('u1');
        expect(listed.map((s) => [s.tokenHash[0], s.createdAt])).toEqual([
          ['e', 10],
          ['f', 20],
          ['b', 30],
          ['c', 30],
        ]);
        expect(listed[1]).toEqual(session('f', { createdAt: 20, lastSeenAt: 40 }));
        expect((await store.listSessionsOf('u2')).map((s) => s.tokenHash[0])).toEqual(['d']);
        expect(await store.listSessionsOf('nobody')).toEqual([]);
      });

      it('sweeps exactly the sessions last seen before the cutoff, and counts them', async () => {
        await store.createSession(session('a', { createdAt: 1, lastSeenAt: 99 }));
        await store.createSession(session('b', { createdAt: 1, lastSeenAt: 100 }));
        await store.createSession(session('c', { createdAt: 1, lastSeenAt: 101 }));
        await store.createSession(session('d', { userId: 'u2', createdAt: 1, lastSeenAt: 50 }));
        // Created long ago but touched since: not idle.
        await store.createSession(session('e', { createdAt: 1, lastSeenAt: 1 }));
        await store.touchSession('e'.repeat(64), 500);

        expect(await store.deleteSessionsIdleSince(100)).toBe(2);
        expect(await store.getSession('a'.repeat(64))).toBeNull();
        expect(await store.getSession('d'.repeat(64))).toBeNull();
        expect((await store.listSessionsOf('u1')).map((s) => s.tokenHash[0])).toEqual([
          'b',
          'c',
          'e',
        ]);
        expect(await store.getSession('b'.repeat(64))).toEqual(
          session('b', { createdAt: 1, lastSeenAt: 100 }),
        );
        expect(await store.deleteSessionsIdleSince(100)).toBe(0);
      });
    });

    describe('conversations', () => {
      it('creates, lists per member in creation order, and adds members once', async () => {
        const first = await conversation(['a', 'b']);
        const second = await store.createConversation({
          id: 'chosen-id',
          kind: 'direct',
          title: 'DM',
          memberIds: ['a', 'c'],
          createdAt: 2,
        });
        expect(second.id).toBe('chosen-id');
        expect((await store.listConversationsOf('a')).map((c) => c.id)).toEqual([
          first.id,
          second.id,
        ]);
        expect((await store.listConversationsOf('c')).map((c) => c.id)).toEqual([second.id]);

        await store.addMember(first.id, 'c');
        const updated = await store.addMember(first.id, 'c');
        expect(updated.memberIds).toEqual(['a', 'b', 'c']);
        expect((await store.getConversation(first.id))?.memberIds).toEqual(['a', 'b', 'c']);
        expect(await store.getConversation('missing')).toBeNull();
      });
    });

    describe('messages', () => {
      it('numbers messages per conversation from 0 without gaps', async () => {
        const one = await conversation();
        const two = await conversation();
        const a = await store.appendSystemMessage({
          conversationId: one.id,
          authorId: 'x',
          text: 'a',
          sentAt: 1,
        });
        const b = await store.appendUserMessage({
          conversationId: one.id,
          senderId: 'a',
          clientMessageId: 'm1',
          text: 'b',
          sentAt: 2,
          authorFor: () => 'a',
        });
        const c = await store.appendSystemMessage({
          conversationId: two.id,
          authorId: 'x',
          text: 'c',
          sentAt: 3,
        });
        expect([a.seq, b.message.seq, c.seq]).toEqual([0, 1, 0]);
        expect(a).toMatchObject({
          conversationId: one.id,
          clientMessageId: null,
          text: 'a',
          sentAt: 1,
        });
        expect(b.message).toMatchObject({ clientMessageId: 'm1', authorId: 'a' });
        expect(await store.getLastMessage(one.id)).toEqual(b.message);
        expect(await store.getLastMessage(two.id)).toEqual(c);
      });

      it('returns the original for a repeated (sender, clientMessageId), storing nothing', async () => {
        const room = await conversation();
        const input = {
          conversationId: room.id,
          senderId: 'a',
          clientMessageId: 'same',
          text: 'once',
          sentAt: 1,
          authorFor: () => 'a',
        };
        const first = await store.appendUserMessage(input);
        const again = await store.appendUserMessage({ ...input, text: 'twice' });
        expect(again).toEqual({ message: first.message, duplicate: true });
        expect((await store.listMessages(room.id, { limit: 10 })).messages).toHaveLength(1);
        expect(await store.getSendCount(room.id, 'a')).toBe(1);

        const otherSender = await store.appendUserMessage({ ...input, senderId: 'b' });
        expect(otherSender.duplicate).toBe(false);
      });

      it('counts sends per sender and conversation, passing the index to authorFor', async () => {
        const room = await conversation();
        const other = await conversation();
        const indexes: number[] = [];
        for (const [conversationId, senderId, id] of [
          [room.id, 'a', '1'],
          [room.id, 'a', '2'],
          [room.id, 'b', '3'],
          [other.id, 'a', '4'],
          [room.id, 'a', '5'],
        ] as const) {
          const result = await store.appendUserMessage({
            conversationId,
            senderId,
            clientMessageId: id,
            text: id,
            sentAt: 1,
            authorFor: (index) => {
              indexes.push(index);
              return index % 2 === 0 ? senderId : 'bot';
            },
          });
          expect(result.message.authorId).toBe(indexes.at(-1)! % 2 === 0 ? senderId : 'bot');
        }
        expect(indexes).toEqual([0, 1, 0, 0, 2]);
        expect(await store.getSendCount(room.id, 'a')).toBe(3);
        expect(await store.getSendCount(room.id, 'nobody')).toBe(0);
      });

      it('pages backwards and forwards by seq, oldest first', async () => {
        const room = await conversation();
        for (let index = 0; index < 25; index += 1) {
          await store.appendSystemMessage({
            conversationId: room.id,
            authorId: 'x',
            text: `${index}`,
            sentAt: index,
          });
        }
        const seqs = (page: { messages: { seq: number }[] }) => page.messages.map((m) => m.seq);
        const latest = await store.listMessages(room.id, { limit: 10 });
        expect(seqs(latest)).toEqual([15, 16, 17, 18, 19, 20, 21, 22, 23, 24]);
        expect(latest.hasMore).toBe(true);
        const older = await store.listMessages(room.id, { before: 15, limit: 10 });
        expect(seqs(older)).toEqual([5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
        const oldest = await store.listMessages(room.id, { before: 5, limit: 10 });
        expect(seqs(oldest)).toEqual([0, 1, 2, 3, 4]);
        expect(oldest.hasMore).toBe(false);

        const forward = await store.listMessages(room.id, { after: 19, limit: 3 });
        expect(seqs(forward)).toEqual([20, 21, 22]);
        expect(forward.hasMore).toBe(true);
        const end = await store.listMessages(room.id, { after: 21, limit: 10 });
        expect(seqs(end)).toEqual([22, 23, 24]);
        expect(end.hasMore).toBe(false);
        const window = await store.listMessages(room.id, { after: 2, before: 6, limit: 10 });
        expect(seqs(window)).toEqual([3, 4, 5]);
        expect(window.hasMore).toBe(false);
        expect(await store.listMessages(room.id, { after: 24, limit: 10 })).toEqual({
          messages: [],
          hasMore: false,
        });
      });

      it('answers an empty page and no last message for an empty conversation', async () => {
        const room = await conversation();
        expect(await store.listMessages(room.id, { limit: 10 })).toEqual({
          messages: [],
          hasMore: false,
        });
        expect(await store.getLastMessage(room.id)).toBeNull();
      });

      it('refuses messages for a conversation that does not exist', async () => {
        await expect(
          store.appendSystemMessage({
            conversationId: 'missing',
            authorId: 'x',
            text: 't',
            sentAt: 1,
          }),
        ).rejects.toBeInstanceOf(Error);
        await expect(
          store.appendUserMessage({
            conversationId: 'missing',
            senderId: 'a',
            clientMessageId: 'm',
            text: 't',
            sentAt: 1,
            authorFor: () => 'a',
          }),
        ).rejects.toBeInstanceOf(Error);
      });
    });
  });
}
