// The behaviour every Store must have. Run it against each implementation:
//   describeStoreContract('MemoryStore', () => new MemoryStore());
// A SQLite or PostgreSQL store passes this suite before the server may use it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NewUser, Store } from '../../server/store/types.ts';

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
      it('creates, finds and deletes by token hash', async () => {
        const session = { tokenHash: 'a'.repeat(64), userId: 'u1', createdAt: 5 };
        await store.createSession(session);
        expect(await store.getSession(session.tokenHash)).toEqual(session);
        await store.deleteSession(session.tokenHash);
        expect(await store.getSession(session.tokenHash)).toBeNull();
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
