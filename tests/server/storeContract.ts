// The behaviour every Store must have. Run it against each implementation:
//   describeStoreContract('MemoryStore', () => new MemoryStore());
// A SQLite or PostgreSQL store passes this suite before the server may use it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  MessageChangeResult,
  MessageCheck,
  MessageSearchPage,
  MessageTarget,
  NewUser,
  Session,
  Store,
} from '../../server/store/types.ts';
import type { Message } from '../../server/protocol.ts';

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

    describe('profiles', () => {
      it('keeps people unfindable by phone until they say otherwise, and remembers the choice', async () => {
        const { user: quiet } = await store.createUser(person('+14155550110'));
        expect(quiet.findableByPhone).toBe(false);
        expect((await store.getUser(quiet.id))?.findableByPhone).toBe(false);
        const { user: open } = await store.createUser({
          ...person('+14155550111'),
          findableByPhone: true,
        });
        expect(open.findableByPhone).toBe(true);
        expect(await store.getUser(open.id)).toEqual(open);
        expect(await store.getUserByPhone('+14155550111')).toEqual(open);
        expect((await store.getUsers([open.id, quiet.id])).map((u) => u.findableByPhone)).toEqual([
          true,
          false,
        ]);
      });

      it('updates only the fields a patch names, and answers null for an unknown user', async () => {
        const { user } = await store.createUser(person('+14155550112'));
        const renamed = await store.updateUser(user.id, {
          firstName: 'Future',
          lastName: 'Trunks',
        });
        expect(renamed).toEqual({ ...user, firstName: 'Future', lastName: 'Trunks' });
        expect(await store.getUser(user.id)).toEqual(renamed);

        const newAvatar = { initials: 'FT', color: '#6a1b9a', asset: 'trunks' };
        const restyled = await store.updateUser(user.id, {
          avatar: newAvatar,
          findableByPhone: true,
        });
        expect(restyled).toEqual({
          ...user,
          firstName: 'Future',
          lastName: 'Trunks',
          avatar: newAvatar,
          findableByPhone: true,
        });
        expect(await store.getUserByPhone('+14155550112')).toEqual(restyled);
        expect(await store.updateUser(user.id, {})).toEqual(restyled);
        expect(await store.updateUser(user.id, { findableByPhone: false })).toEqual({
          ...restyled,
          findableByPhone: false,
        });
        expect(await store.updateUser('nobody', { firstName: 'Ghost' })).toBeNull();
        expect(await store.getUser('nobody')).toBeNull();

        // The caller's patch and the returned user are copies, not the stored record.
        const patch = { avatar: { initials: 'X', color: '#000000' } };
        const returned = await store.updateUser(user.id, patch);
        patch.avatar.initials = 'Mutated';
        if (returned) returned.avatar.color = '#ffffff';
        expect((await store.getUser(user.id))?.avatar).toEqual({ initials: 'X', color: '#000000' });
      });
    });

    describe('searching people', () => {
      async function named(
        phone: string,
        firstName: string,
        lastName: string,
        extra: Partial<NewUser> = {},
      ) {
        return (await store.createUser({ ...person(phone), firstName, lastName, ...extra })).user;
      }
      const ids = (users: { id: string }[]) => users.map((user) => user.id);

      it('finds people whose name words start with every query word, never bots', async () => {
        const bulma = await named('+14155550120', 'Bulma', 'Briefs', { id: 'bulma' });
        const trunks = await named('+14155550121', 'Trunks', 'Briefs', { id: 'trunks' });
        await named('+14155550122', 'Chi-Chi', 'Ox', { id: 'chichi' });
        await store.createUser({ ...person('x'), id: 'bulma-bot', kind: 'bot', phone: null });
        await store.updateUser('bulma-bot', { firstName: 'Bulma', lastName: 'Briefs' });

        expect(await store.searchPeople('bul bri', 10)).toEqual([bulma]);
        expect(ids(await store.searchPeople('bri bul', 10))).toEqual(['bulma']);
        expect(ids(await store.searchPeople('  BRIEFS  ', 10))).toEqual(['bulma', 'trunks']);
        expect(ids(await store.searchPeople('briefs trunks', 10))).toEqual([trunks.id]);
        // Inside a word is not the start of one; every word must match.
        expect(await store.searchPeople('ulma', 10)).toEqual([]);
        expect(await store.searchPeople('bulma ox', 10)).toEqual([]);
        expect(ids(await store.searchPeople('chi-c', 10))).toEqual(['chichi']);
      });

      it('compares as nameKey does: case, width and accents aside', async () => {
        await named('+14155550123', 'Élodie', 'Brière', { id: 'elodie' });
        await named('+14155550124', 'ＺＯＥ', 'Ångström', { id: 'zoe' });
        expect(ids(await store.searchPeople('elodie', 10))).toEqual(['elodie']);
        expect(ids(await store.searchPeople('ÉLO BRIE', 10))).toEqual(['elodie']);
        expect(ids(await store.searchPeople('brière', 10))).toEqual(['elodie']);
        expect(ids(await store.searchPeople('zoe ang', 10))).toEqual(['zoe']);
        expect(ids(await store.searchPeople('Ｚo', 10))).toEqual(['zoe']);
      });

      it('matches nobody for a blank query', async () => {
        await named('+14155550125', 'Bulma', 'Briefs');
        expect(await store.searchPeople('', 10)).toEqual([]);
        expect(await store.searchPeople('   \t ', 10)).toEqual([]);
      });

      it('orders by the name key, then id, and stops at the limit', async () => {
        await named('+14155550126', 'Trunks', 'Briefs', { id: 't' });
        await named('+14155550127', 'Bulma', 'Briefs', { id: 'b2' });
        await named('+14155550128', 'Bra', 'Briefs', { id: 'bra' });
        await named('+14155550129', 'bulma', 'briefs', { id: 'b1' });
        // Code point order of the key: æ (U+00E6) comes after every ASCII letter.
        await named('+14155550130', 'Æsa', 'Briefs', { id: 'aesa' });
        await named('+14155550131', 'Zeno', 'Briefs', { id: 'zeno' });
        expect(ids(await store.searchPeople('briefs', 10))).toEqual([
          'bra',
          'b1',
          'b2',
          't',
          'zeno',
          'aesa',
        ]);
        expect(ids(await store.searchPeople('briefs', 3))).toEqual(['bra', 'b1', 'b2']);
        expect(await store.searchPeople('briefs', 0)).toEqual([]);
      });

      it('takes LIKE wildcards in a query literally', async () => {
        await named('+14155550132', 'Bulma', 'Briefs', { id: 'bulma' });
        await named('+14155550133', 'Half', '50%', { id: 'half' });
        await named('+14155550134', 'snake_case', 'Coder', { id: 'snake' });
        await named('+14155550135', 'Back\\slash', 'Writer', { id: 'back' });
        expect(await store.searchPeople('%', 10)).toEqual([]);
        expect(await store.searchPeople('b%s', 10)).toEqual([]);
        expect(await store.searchPeople('bu_ma', 10)).toEqual([]);
        expect(await store.searchPeople('_', 10)).toEqual([]);
        expect(await store.searchPeople('\\', 10)).toEqual([]);
        expect(await store.searchPeople('5%', 10)).toEqual([]);
        expect(ids(await store.searchPeople('50%', 10))).toEqual(['half']);
        expect(ids(await store.searchPeople('snake_', 10))).toEqual(['snake']);
        expect(ids(await store.searchPeople('back\\s', 10))).toEqual(['back']);
      });

      it('finds a renamed person by the new name and not the old', async () => {
        const { id } = await named('+14155550136', 'Kakarot', 'Son');
        await store.updateUser(id, { firstName: 'Goku' });
        expect(ids(await store.searchPeople('goku son', 10))).toEqual([id]);
        expect(await store.searchPeople('kakarot', 10)).toEqual([]);
        const [found] = await store.searchPeople('goku', 10);
        expect(found).toEqual(await store.getUser(id));
      });
    });

    describe('avatar images', () => {
      const bytes = Uint8Array.from({ length: 256 }, (_, index) => 255 - index);
      const image = (userId: string, content: Uint8Array, updatedAt = 1) => ({
        userId,
        hash: 'a'.repeat(64),
        mime: 'image/png',
        bytes: content,
        updatedAt,
      });

      it('keeps, replaces and deletes a picture per user, bytes intact', async () => {
        expect(await store.getAvatarImage('u1')).toBeNull();
        await store.putAvatarImage(image('u1', bytes));
        await store.putAvatarImage(image('u2', Uint8Array.of(1, 2, 3)));
        const stored = await store.getAvatarImage('u1');
        expect(stored).toMatchObject({ userId: 'u1', hash: 'a'.repeat(64), mime: 'image/png' });
        expect(stored?.updatedAt).toBe(1);
        expect(stored?.bytes).toBeInstanceOf(Uint8Array);
        expect(Array.from(stored?.bytes ?? [])).toEqual(Array.from(bytes));

        await store.putAvatarImage({
          ...image('u1', Uint8Array.of(0, 0, 7), 2),
          hash: 'b'.repeat(64),
          mime: 'image/webp',
        });
        const replaced = await store.getAvatarImage('u1');
        expect(replaced).toMatchObject({ hash: 'b'.repeat(64), mime: 'image/webp', updatedAt: 2 });
        expect(Array.from(replaced?.bytes ?? [])).toEqual([0, 0, 7]);

        await store.deleteAvatarImage('u1');
        expect(await store.getAvatarImage('u1')).toBeNull();
        await store.deleteAvatarImage('u1');
        expect(Array.from((await store.getAvatarImage('u2'))?.bytes ?? [])).toEqual([1, 2, 3]);
      });

      it('shares no bytes with the caller', async () => {
        const mine = Uint8Array.of(9, 9, 9);
        await store.putAvatarImage(image('u1', mine));
        mine[0] = 0;
        const first = await store.getAvatarImage('u1');
        if (first) first.bytes[1] = 0;
        expect(Array.from((await store.getAvatarImage('u1'))?.bytes ?? [])).toEqual([9, 9, 9]);
      });
    });

    describe('people-made conversations', () => {
      it('records who made a conversation, null for the world’s own', async () => {
        const world = await conversation(['a', 'b']);
        expect(world.createdBy).toBeNull();
        expect((await store.getConversation(world.id))?.createdBy).toBeNull();
        const made = await store.createConversation({
          kind: 'group',
          title: 'Capsule Corp',
          memberIds: ['a', 'b'],
          createdBy: 'a',
          createdAt: 2,
        });
        expect(made.createdBy).toBe('a');
        expect(await store.getConversation(made.id)).toEqual(made);
        expect(await store.listConversationsOf('b')).toEqual([world, made]);
        expect((await store.addMember(made.id, 'c')).createdBy).toBe('a');
      });

      it('opens one direct conversation per pair, whichever of the two opens it', async () => {
        const opened = await store.openDirectConversation({
          userIds: ['a', 'b'],
          createdBy: 'a',
          createdAt: 5,
        });
        expect(opened.created).toBe(true);
        expect(opened.conversation).toEqual({
          id: expect.any(String),
          kind: 'direct',
          title: '',
          memberIds: ['a', 'b'],
          createdBy: 'a',
          createdAt: 5,
        });
        expect(await store.getConversation(opened.conversation.id)).toEqual(opened.conversation);

        const again = await store.openDirectConversation({
          userIds: ['b', 'a'],
          createdBy: 'b',
          createdAt: 9,
        });
        expect(again).toEqual({ conversation: opened.conversation, created: false });

        const other = await store.openDirectConversation({
          userIds: ['c', 'a'],
          createdBy: 'c',
          createdAt: 10,
        });
        expect(other.created).toBe(true);
        expect(other.conversation.id).not.toBe(opened.conversation.id);
        expect(other.conversation.memberIds).toEqual(['c', 'a']);
        expect((await store.listConversationsOf('a')).map((c) => c.id)).toEqual([
          opened.conversation.id,
          other.conversation.id,
        ]);
        expect(await store.listConversationsOf('b')).toEqual([opened.conversation]);

        // The returned conversation is a copy.
        again.conversation.memberIds.push('intruder');
        expect((await store.getConversation(opened.conversation.id))?.memberIds).toEqual([
          'a',
          'b',
        ]);
      });

      it('gives two people opening their conversation at the same moment the same one', async () => {
        const results = await Promise.all(
          [0, 1, 2, 3].map((index) =>
            store.openDirectConversation({
              userIds: index % 2 === 0 ? ['a', 'b'] : ['b', 'a'],
              createdBy: index % 2 === 0 ? 'a' : 'b',
              createdAt: index,
            }),
          ),
        );
        expect(new Set(results.map((result) => result.conversation.id)).size).toBe(1);
        expect(results.filter((result) => result.created)).toHaveLength(1);
        expect(await store.listConversationsOf('a')).toHaveLength(1);
        expect(await store.listConversationsOf('b')).toEqual([results[0]!.conversation]);
      });

      it('removes a member with their position, and ignores someone who is not a member', async () => {
        const room = await conversation(['a', 'b', 'c']);
        await store.advancePosition(room.id, 'b', { readSeq: 2 });
        await store.advancePosition(room.id, 'c', { deliveredSeq: 1 });

        const without = await store.removeMember(room.id, 'b');
        expect(without.memberIds).toEqual(['a', 'c']);
        expect(await store.getConversation(room.id)).toEqual(without);
        expect(await store.listConversationsOf('b')).toEqual([]);
        expect((await store.listPositions(room.id)).map((p) => p.userId)).toEqual(['c']);

        expect(await store.removeMember(room.id, 'b')).toEqual(without);
        expect(await store.removeMember(room.id, 'nobody')).toEqual(without);

        // Back again: at the end, and starting from nothing read.
        expect((await store.addMember(room.id, 'b')).memberIds).toEqual(['a', 'c', 'b']);
        expect((await store.listPositions(room.id)).map((p) => p.userId)).toEqual(['c']);
        await expect(store.removeMember('missing', 'a')).rejects.toBeInstanceOf(Error);
      });
    });

    describe('read and delivered positions', () => {
      it('never goes back, raises delivered to read, and says when it moved', async () => {
        const room = await conversation(['a', 'b']);
        expect(await store.listPositions(room.id)).toEqual([]);

        expect(await store.advancePosition(room.id, 'b', { deliveredSeq: 3 })).toEqual({
          position: { userId: 'b', deliveredSeq: 3, readSeq: -1 },
          changed: true,
        });
        expect(await store.advancePosition(room.id, 'b', { deliveredSeq: 2 })).toEqual({
          position: { userId: 'b', deliveredSeq: 3, readSeq: -1 },
          changed: false,
        });
        expect(await store.advancePosition(room.id, 'b', { readSeq: 5 })).toEqual({
          position: { userId: 'b', deliveredSeq: 5, readSeq: 5 },
          changed: true,
        });
        expect(await store.advancePosition(room.id, 'b', { deliveredSeq: 4, readSeq: 4 })).toEqual({
          position: { userId: 'b', deliveredSeq: 5, readSeq: 5 },
          changed: false,
        });
        expect(await store.advancePosition(room.id, 'b', {})).toEqual({
          position: { userId: 'b', deliveredSeq: 5, readSeq: 5 },
          changed: false,
        });
        expect(await store.advancePosition(room.id, 'b', { deliveredSeq: 8, readSeq: 6 })).toEqual({
          position: { userId: 'b', deliveredSeq: 8, readSeq: 6 },
          changed: true,
        });
        // Someone with nothing yet: -1 for both, and -1 moves nothing.
        expect(await store.advancePosition(room.id, 'a', { readSeq: -1 })).toEqual({
          position: { userId: 'a', deliveredSeq: -1, readSeq: -1 },
          changed: false,
        });
        expect(await store.advancePosition(room.id, 'a', { readSeq: 0 })).toEqual({
          position: { userId: 'a', deliveredSeq: 0, readSeq: 0 },
          changed: true,
        });
      });

      it('lists a conversation’s positions by user id, and only its own', async () => {
        const room = await conversation(['m', 'z', 'a']);
        const other = await conversation(['m', 'z', 'a']);
        await store.advancePosition(room.id, 'z', { readSeq: 1 });
        await store.advancePosition(room.id, 'm', { deliveredSeq: 4 });
        await store.advancePosition(room.id, 'a', { deliveredSeq: 2, readSeq: 0 });
        await store.advancePosition(other.id, 'm', { readSeq: 9 });
        expect(await store.listPositions(room.id)).toEqual([
          { userId: 'a', deliveredSeq: 2, readSeq: 0 },
          { userId: 'm', deliveredSeq: 4, readSeq: -1 },
          { userId: 'z', deliveredSeq: 1, readSeq: 1 },
        ]);
        expect(await store.listPositions(other.id)).toEqual([
          { userId: 'm', deliveredSeq: 9, readSeq: 9 },
        ]);
        const listed = await store.listPositions(room.id);
        listed[0]!.readSeq = 99;
        expect((await store.listPositions(room.id))[0]?.readSeq).toBe(0);
      });

      it('reads one member’s position, -1s when none is stored', async () => {
        const room = await conversation(['m', 'z']);
        await store.advancePosition(room.id, 'z', { deliveredSeq: 3, readSeq: 1 });
        expect(await store.getPosition(room.id, 'z')).toEqual({
          userId: 'z',
          deliveredSeq: 3,
          readSeq: 1,
        });
        expect(await store.getPosition(room.id, 'm')).toEqual({
          userId: 'm',
          deliveredSeq: -1,
          readSeq: -1,
        });
        const read = await store.getPosition(room.id, 'z');
        read.readSeq = 99;
        expect((await store.getPosition(room.id, 'z')).readSeq).toBe(1);
      });
    });

    describe('muted conversations', () => {
      it('keeps a member’s mute per conversation, says when it switched, and moves no position', async () => {
        const room = await conversation(['a', 'b']);
        const other = await conversation(['a', 'b']);
        expect(await store.isMuted(room.id, 'a')).toBe(false);
        // Unmuting what was never muted switches nothing.
        expect(await store.setMuted(room.id, 'a', false)).toEqual({ changed: false });
        expect(await store.setMuted(room.id, 'a', true)).toEqual({ changed: true });
        expect(await store.setMuted(room.id, 'a', true)).toEqual({ changed: false });
        expect(await store.isMuted(room.id, 'a')).toBe(true);
        // Only that member, only that conversation.
        expect(await store.isMuted(room.id, 'b')).toBe(false);
        expect(await store.isMuted(other.id, 'a')).toBe(false);
        // A mute before any read position leaves the position at nothing read, and reading on
        // keeps the mute.
        expect(await store.getPosition(room.id, 'a')).toEqual({
          userId: 'a',
          deliveredSeq: -1,
          readSeq: -1,
        });
        await store.advancePosition(room.id, 'a', { readSeq: 3 });
        expect(await store.isMuted(room.id, 'a')).toBe(true);
        expect(await store.setMuted(room.id, 'a', false)).toEqual({ changed: true });
        expect(await store.isMuted(room.id, 'a')).toBe(false);
        expect((await store.getPosition(room.id, 'a')).readSeq).toBe(3);
      });

      it('forgets the mute of someone who leaves', async () => {
        const room = await conversation(['a', 'b']);
        await store.setMuted(room.id, 'b', true);
        await store.removeMember(room.id, 'b');
        await store.addMember(room.id, 'b');
        expect(await store.isMuted(room.id, 'b')).toBe(false);
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

      it("moves the sender's position to their send with it when asked (sending reads)", async () => {
        const room = await conversation();
        const other = await conversation();
        const send = (conversationId: string, clientMessageId: string, senderReads?: boolean) =>
          store.appendUserMessage({
            conversationId,
            senderId: 'a',
            clientMessageId,
            text: clientMessageId,
            sentAt: 1,
            authorFor: () => 'a',
            ...(senderReads === undefined ? {} : { senderReads }),
          });
        // Not asked: nothing moves, and nothing is said about it.
        const plain = await send(room.id, 'r1');
        expect(plain.senderPosition).toBeUndefined();
        expect(await store.getPosition(room.id, 'a')).toEqual({
          userId: 'a',
          deliveredSeq: -1,
          readSeq: -1,
        });
        const read = await send(room.id, 'r2', true);
        const at = { userId: 'a', deliveredSeq: 1, readSeq: 1 };
        expect(read.senderPosition).toEqual({ position: at, changed: true });
        expect(await store.getPosition(room.id, 'a')).toEqual(at);
        expect(await store.listPositions(room.id)).toEqual([at]);
        // A resend reads up to the original again: already there, so unchanged.
        const again = await send(room.id, 'r2', true);
        expect(again).toMatchObject({
          duplicate: true,
          senderPosition: { position: at, changed: false },
        });
        // A resend of it into another conversation moves nothing there (the caller refuses it).
        const elsewhere = await send(other.id, 'r2', true);
        expect(elsewhere.duplicate).toBe(true);
        expect(elsewhere.senderPosition).toBeUndefined();
        expect(await store.listPositions(other.id)).toEqual([]);
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

    describe('working with messages', () => {
      const allow: MessageCheck = () => null;
      let sendCounter = 0;

      async function send(
        conversationId: string,
        senderId: string,
        text: string,
        extra: { replyToId?: string; authorId?: string; sentAt?: number } = {},
      ): Promise<Message> {
        sendCounter += 1;
        const { message } = await store.appendUserMessage({
          conversationId,
          senderId,
          clientMessageId: `c${sendCounter}`,
          text,
          sentAt: extra.sentAt ?? 100,
          authorFor: () => extra.authorId ?? senderId,
          ...(extra.replyToId === undefined ? {} : { replyToId: extra.replyToId }),
        });
        return message;
      }

      function changed(result: MessageChangeResult): Message {
        if (!result.ok) throw new Error(`refused: ${result.refusal}`);
        return result.message;
      }

      it('quotes the original in a reply, as the original is now: edited, then deleted', async () => {
        const room = await conversation(['a', 'b']);
        const long = '😀'.repeat(130);
        const original = await send(room.id, 'a', long);
        const reply = await send(room.id, 'b', 'indeed', { replyToId: original.id });
        const quote = { messageId: original.id, seq: 0, authorId: 'a', deleted: false };
        expect(reply.replyTo).toEqual({ ...quote, snippet: '😀'.repeat(120) });
        expect(await store.getMessage(room.id, reply.id)).toEqual(reply);
        expect(original.replyTo).toBeUndefined();

        await store.editMessage({
          conversationId: room.id,
          messageId: original.id,
          text: 'short now',
          editedAt: 200,
          check: allow,
        });
        expect((await store.getMessage(room.id, reply.id))?.replyTo).toEqual({
          ...quote,
          snippet: 'short now',
        });
        await store.deleteMessage({
          conversationId: room.id,
          messageId: original.id,
          deletedAt: 300,
          check: allow,
        });
        const [, shown] = (await store.listMessages(room.id, { limit: 10 })).messages;
        expect(shown?.replyTo).toEqual({ ...quote, snippet: '', deleted: true });
        // The reply itself is untouched by what happened to the original.
        expect(shown).toMatchObject({ text: 'indeed', seq: 1 });
        expect(shown?.revision).toBeUndefined();
      });

      it('never quotes a message of another conversation', async () => {
        const room = await conversation(['a', 'b']);
        const other = await conversation(['a', 'b']);
        const secret = await send(other.id, 'a', 'elsewhere');
        const reply = await send(room.id, 'b', 'hi', { replyToId: secret.id });
        expect(reply.replyTo).toBeUndefined();
        expect((await store.getMessage(room.id, reply.id))?.replyTo).toBeUndefined();
        expect(await store.getMessage(room.id, secret.id)).toBeNull();
        expect((await store.getMessage(other.id, secret.id))?.text).toBe('elsewhere');
      });

      it('edits: replaces the text, counts the edit, takes a revision, keeps author, seq and send count', async () => {
        const room = await conversation(['a', 'b']);
        const first = await send(room.id, 'a', 'helo', { sentAt: 50 });
        const second = await send(room.id, 'a', 'as vegeta', { authorId: 'vegeta' });
        const seen: MessageTarget[] = [];
        const result = await store.editMessage({
          conversationId: room.id,
          messageId: first.id,
          text: 'hello',
          editedAt: 60,
          check: (target) => {
            seen.push(target);
            return null;
          },
        });
        expect(seen).toEqual([
          {
            id: first.id,
            conversationId: room.id,
            senderId: 'a',
            authorId: 'a',
            sentAt: 50,
            editCount: 0,
            deletedAt: null,
            text: 'helo',
          },
        ]);
        const edited = { ...first, text: 'hello', editedAt: 60, editCount: 1, revision: 1 };
        expect(result).toEqual({ ok: true, message: edited, changed: true });
        expect(await store.getMessage(room.id, first.id)).toEqual(edited);
        expect(await store.getRevision(room.id)).toBe(1);
        expect(await store.getSendCount(room.id, 'a')).toBe(2);

        // The same text again changes nothing and takes no revision.
        expect(
          await store.editMessage({
            conversationId: room.id,
            messageId: first.id,
            text: 'hello',
            editedAt: 70,
            check: allow,
          }),
        ).toEqual({ ok: true, message: edited, changed: false });
        expect(await store.getRevision(room.id)).toBe(0 + 1);

        // The check's refusal stands, and nothing is written.
        expect(
          await store.editMessage({
            conversationId: room.id,
            messageId: second.id,
            text: 'mine',
            editedAt: 70,
            check: (target) => (target.authorId === 'a' ? null : 'forbidden'),
          }),
        ).toEqual({ ok: false, refusal: 'forbidden' });
        expect(await store.getMessage(room.id, second.id)).toEqual(second);
        // Unknown, or of another conversation: not found.
        const other = await conversation(['a', 'b']);
        for (const [conversationId, messageId] of [
          [room.id, 'missing'],
          [other.id, first.id],
        ] as const) {
          expect(
            await store.editMessage({
              conversationId,
              messageId,
              text: 'x',
              editedAt: 1,
              check: allow,
            }),
          ).toEqual({ ok: false, refusal: 'not_found' });
        }
        expect(await store.getRevision(room.id)).toBe(1);
        expect(await store.getLastMessage(room.id)).toEqual(second);
        const next = await send(room.id, 'a', 'third');
        expect(next.seq).toBe(2);
      });

      it('deletes for everyone: a tombstone without text, reactions or reply; twice is once', async () => {
        const room = await conversation(['a', 'b']);
        const original = await send(room.id, 'b', 'first');
        const reply = await send(room.id, 'a', 'oops', { replyToId: original.id });
        await store.reactToMessage({
          conversationId: room.id,
          messageId: reply.id,
          userId: 'b',
          emoji: '👍',
          reactedAt: 110,
          maxEmoji: 20,
        });
        const result = await store.deleteMessage({
          conversationId: room.id,
          messageId: reply.id,
          deletedAt: 120,
          check: allow,
        });
        const tombstone = {
          id: reply.id,
          conversationId: room.id,
          authorId: 'a',
          text: '',
          sentAt: reply.sentAt,
          seq: 1,
          clientMessageId: reply.clientMessageId,
          deletedAt: 120,
          revision: 2,
        };
        expect(result).toEqual({ ok: true, message: tombstone, changed: true });
        expect(await store.getLastMessage(room.id)).toEqual(tombstone);
        expect(
          await store.deleteMessage({
            conversationId: room.id,
            messageId: reply.id,
            deletedAt: 130,
            check: allow,
          }),
        ).toEqual({ ok: true, message: tombstone, changed: false });
        expect(await store.getRevision(room.id)).toBe(2);
        expect(
          await store.deleteMessage({
            conversationId: room.id,
            messageId: original.id,
            deletedAt: 130,
            check: () => 'edit_window_closed',
          }),
        ).toEqual({ ok: false, refusal: 'edit_window_closed' });
        expect((await store.getMessage(room.id, original.id))?.text).toBe('first');
      });

      it('keeps one reaction per person: replaced, removed, the same one kept, at most N emoji', async () => {
        const room = await conversation(['a', 'b', 'c']);
        const message = await send(room.id, 'a', 'react to me');
        const react = (userId: string, emoji: string | null, reactedAt: number, maxEmoji = 2) =>
          store.reactToMessage({
            conversationId: room.id,
            messageId: message.id,
            userId,
            emoji,
            reactedAt,
            maxEmoji,
          });
        expect(changed(await react('b', '👍', 1)).reactions).toEqual([
          { emoji: '👍', userIds: ['b'] },
        ]);
        await react('a', '👍', 2);
        const three = changed(await react('c', '❤️', 3));
        expect(three.reactions).toEqual([
          { emoji: '👍', userIds: ['b', 'a'] },
          { emoji: '❤️', userIds: ['c'] },
        ]);
        expect(three.revision).toBe(3);
        // A third different emoji is one too many; joining one already there is not.
        expect(await react('a', '😂', 4)).toEqual({ ok: false, refusal: 'reactions_full' });
        // c's own emoji replaced by a new one keeps the count at two.
        expect(changed(await react('c', '😂', 5)).reactions).toEqual([
          { emoji: '👍', userIds: ['b', 'a'] },
          { emoji: '😂', userIds: ['c'] },
        ]);
        // The reaction already kept: nothing changes, no revision.
        const same = await react('b', '👍', 6);
        expect(same).toMatchObject({ ok: true, changed: false });
        expect(await store.getRevision(room.id)).toBe(4);
        // a moves to 😂: after c, who used it first.
        expect(changed(await react('a', '😂', 7)).reactions).toEqual([
          { emoji: '👍', userIds: ['b'] },
          { emoji: '😂', userIds: ['c', 'a'] },
        ]);
        expect(changed(await react('b', null, 8)).reactions).toEqual([
          { emoji: '😂', userIds: ['c', 'a'] },
        ]);
        expect(await react('b', null, 9)).toMatchObject({ ok: true, changed: false });
        await react('c', null, 10);
        const none = changed(await react('a', null, 11));
        expect(none.reactions).toBeUndefined();
        expect(await store.getMessage(room.id, message.id)).toEqual(none);

        await store.deleteMessage({
          conversationId: room.id,
          messageId: message.id,
          deletedAt: 12,
          check: allow,
        });
        expect(await react('b', '👍', 13)).toEqual({ ok: false, refusal: 'message_deleted' });
        const other = await conversation(['a', 'b']);
        expect(
          await store.reactToMessage({
            conversationId: other.id,
            messageId: message.id,
            userId: 'b',
            emoji: '👍',
            reactedAt: 1,
            maxEmoji: 2,
          }),
        ).toEqual({ ok: false, refusal: 'not_found' });
      });

      it('hides a message for one person only: flagged and emptied in their pages and preview', async () => {
        const room = await conversation(['a', 'b']);
        const first = await send(room.id, 'a', 'keep');
        const second = await send(room.id, 'a', 'hide me', { replyToId: first.id });
        const hide = () =>
          store.hideMessage({
            conversationId: room.id,
            messageId: second.id,
            userId: 'b',
            hiddenAt: 5,
          });
        const hiddenView = {
          id: second.id,
          conversationId: room.id,
          authorId: 'a',
          text: '',
          sentAt: second.sentAt,
          seq: 1,
          clientMessageId: second.clientMessageId,
          hidden: true,
          revision: 1,
        };
        expect(await hide()).toEqual({ ok: true, message: hiddenView, changed: true });
        expect(await hide()).toEqual({ ok: true, message: hiddenView, changed: false });
        expect(await store.getRevision(room.id)).toBe(1);

        expect(await store.getLastMessage(room.id, 'b')).toEqual(hiddenView);
        expect((await store.listMessages(room.id, { limit: 10, viewerId: 'b' })).messages).toEqual([
          first,
          hiddenView,
        ]);
        expect(
          (await store.listMessages(room.id, { after: 0, limit: 10, viewerId: 'b' })).messages,
        ).toEqual([hiddenView]);
        expect(await store.getMessage(room.id, second.id, 'b')).toEqual(hiddenView);
        // Everyone else, and nobody in particular, sees it as it is.
        expect(await store.getLastMessage(room.id, 'a')).toEqual(second);
        expect(await store.getLastMessage(room.id)).toEqual(second);
        expect(await store.listHidersOf(room.id, second.id)).toEqual(['b']);
        expect(await store.listHidersOf(room.id, first.id)).toEqual([]);

        expect(
          await store.hideMessage({
            conversationId: room.id,
            messageId: 'missing',
            userId: 'b',
            hiddenAt: 5,
          }),
        ).toEqual({ ok: false, refusal: 'not_found' });
      });

      it("empties a reply's quote of an original the viewer hid, in every read, for them alone", async () => {
        const room = await conversation(['a', 'b']);
        const original = await send(room.id, 'a', 'quoted secret');
        const reply = await send(room.id, 'a', 'answering it', { replyToId: original.id });
        await store.hideMessage({
          conversationId: room.id,
          messageId: original.id,
          userId: 'b',
          hiddenAt: 5,
        });
        const theirQuote = {
          messageId: original.id,
          seq: 0,
          authorId: 'a',
          snippet: '',
          deleted: false,
          hidden: true,
        };
        const reads = [
          await store.getLastMessage(room.id, 'b'),
          await store.getMessage(room.id, reply.id, 'b'),
          (await store.listMessages(room.id, { limit: 10, viewerId: 'b' })).messages[1],
          (await store.listMessages(room.id, { after: 0, limit: 10, viewerId: 'b' })).messages[0],
          (await store.searchMessages('b', 'answering')).hits[0]?.message,
        ];
        for (const read of reads) {
          expect(read?.id).toBe(reply.id);
          expect(read?.replyTo).toEqual(theirQuote);
          expect(JSON.stringify(read)).not.toContain('quoted secret');
        }
        // The author, and nobody in particular, still see the quote.
        const quote = {
          messageId: original.id,
          seq: 0,
          authorId: 'a',
          snippet: 'quoted secret',
          deleted: false,
        };
        expect((await store.getMessage(room.id, reply.id, 'a'))?.replyTo).toEqual(quote);
        expect((await store.getLastMessage(room.id))?.replyTo).toEqual(quote);
        expect((await store.searchMessages('a', 'answering')).hits[0]?.message.replyTo).toEqual(
          quote,
        );
      });

      it('lists the changes after a revision, each message once as it is now, in pages', async () => {
        const room = await conversation(['a', 'b']);
        const other = await conversation(['a', 'b']);
        const messages: Message[] = [];
        for (let index = 0; index < 5; index += 1) {
          messages.push(await send(room.id, 'a', `m${index}`));
        }
        await send(other.id, 'a', 'elsewhere');
        const ids = (page: { messages: Message[] }) => page.messages.map((m) => m.text || m.id);
        expect(await store.listMessageChanges(room.id, { since: 0, limit: 10 })).toEqual({
          messages: [],
          hasMore: false,
          revision: 0,
        });
        const edit = (index: number, text: string) =>
          store.editMessage({
            conversationId: room.id,
            messageId: messages[index]!.id,
            text,
            editedAt: 1,
            check: allow,
          });
        await edit(3, 'm3 v1'); // 1
        await edit(1, 'm1 v1'); // 2
        await store.reactToMessage({
          conversationId: room.id,
          messageId: messages[4]!.id,
          userId: 'b',
          emoji: '🎉',
          reactedAt: 1,
          maxEmoji: 20,
        }); // 3
        await edit(3, 'm3 v2'); // 4
        await store.hideMessage({
          conversationId: room.id,
          messageId: messages[0]!.id,
          userId: 'b',
          hiddenAt: 1,
        }); // 5
        expect(await store.getRevision(room.id)).toBe(5);
        expect(await store.getRevision(other.id)).toBe(0);

        const all = await store.listMessageChanges(room.id, { since: 0, limit: 10 });
        expect(ids(all)).toEqual(['m1 v1', 'm4', 'm3 v2']);
        expect(all.messages.map((m) => m.revision)).toEqual([2, 3, 4]);
        expect(all).toMatchObject({ hasMore: false, revision: 5 });
        // The person who hid one sees that too, at the hide's revision.
        const forB = await store.listMessageChanges(room.id, {
          since: 0,
          limit: 10,
          viewerId: 'b',
        });
        expect(forB.messages.map((m) => [m.revision, m.hidden ?? false])).toEqual([
          [2, false],
          [3, false],
          [4, false],
          [5, true],
        ]);
        const firstPage = await store.listMessageChanges(room.id, { since: 0, limit: 2 });
        expect(ids(firstPage)).toEqual(['m1 v1', 'm4']);
        expect(firstPage.hasMore).toBe(true);
        const rest = await store.listMessageChanges(room.id, { since: 3, limit: 2 });
        expect(ids(rest)).toEqual(['m3 v2']);
        expect(rest.hasMore).toBe(false);
        expect(
          (await store.listMessageChanges(room.id, { since: 5, limit: 10, viewerId: 'b' }))
            .messages,
        ).toEqual([]);
        expect(
          (await store.listMessageChanges(other.id, { since: 0, limit: 10 })).messages,
        ).toEqual([]);
      });

      it('lets no more than 10 of many racing edits through, each with its own revision', async () => {
        const room = await conversation(['a', 'b']);
        const message = await send(room.id, 'a', 'v0');
        const atMostTen: MessageCheck = (target) =>
          target.editCount >= 10 ? 'edit_limit_reached' : null;
        const results = await Promise.all(
          Array.from({ length: 16 }, (_, index) =>
            store.editMessage({
              conversationId: room.id,
              messageId: message.id,
              text: `v${index + 1}`,
              editedAt: 200 + index,
              check: atMostTen,
            }),
          ),
        );
        const accepted = results.filter((result) => result.ok);
        expect(accepted).toHaveLength(10);
        expect(results.filter((result) => !result.ok)).toEqual(
          Array.from({ length: 6 }, () => ({ ok: false, refusal: 'edit_limit_reached' })),
        );
        const revisions = accepted.map((result) => (result.ok ? result.message.revision : 0));
        expect([...revisions].sort((x, y) => (x ?? 0) - (y ?? 0))).toEqual([
          1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
        ]);
        const stored = await store.getMessage(room.id, message.id);
        expect(stored).toMatchObject({ editCount: 10, revision: 10 });
        expect(await store.getRevision(room.id)).toBe(10);
        // Reactions racing from many people: every one kept, every revision distinct.
        await Promise.all(
          ['p1', 'p2', 'p3', 'p4', 'p5', 'p6'].map((userId, index) =>
            store.reactToMessage({
              conversationId: room.id,
              messageId: message.id,
              userId,
              emoji: index % 2 === 0 ? '👍' : '🔥',
              reactedAt: 300,
              maxEmoji: 20,
            }),
          ),
        );
        expect(await store.getRevision(room.id)).toBe(16);
        const reacted = await store.getMessage(room.id, message.id);
        expect(reacted?.reactions?.flatMap((r) => r.userIds).sort()).toEqual([
          'p1',
          'p2',
          'p3',
          'p4',
          'p5',
          'p6',
        ]);
      });
    });

    describe('searching messages', () => {
      let sentAt = 0;
      async function say(conversationId: string, text: string) {
        sentAt += 1;
        return store.appendSystemMessage({ conversationId, authorId: 'x', text, sentAt });
      }
      const texts = (page: MessageSearchPage) => page.hits.map((hit) => hit.message.text);

      it('finds messages whose words start with every query word, newest first, with highlights', async () => {
        const room = await conversation(['a', 'b']);
        const other = await conversation(['a']);
        await say(room.id, 'Meet me at the Capsule Corp lab');
        const cafe = await say(other.id, 'Coffee at the café, then the lab?');
        await say(room.id, 'nothing to see');
        await say(room.id, 'LAB results: capsules ready');

        const page = await store.searchMessages('a', 'lab CAPS');
        expect(texts(page)).toEqual([
          'LAB results: capsules ready',
          'Meet me at the Capsule Corp lab',
        ]);
        expect(page.hits.map((hit) => hit.highlights)).toEqual([
          [
            [0, 3],
            [13, 17],
          ],
          [
            [15, 19],
            [28, 31],
          ],
        ]);
        expect(page).toMatchObject({ hasMore: false, cursor: null });
        expect(page.hits[0]?.message.conversationId).toBe(room.id);

        // Accents, case and width aside; the word order does not matter; a word inside another
        // word is not a prefix of it.
        const accents = await store.searchMessages('a', 'ＣＡＦＥ then');
        expect(accents.hits.map((hit) => hit.message)).toEqual([cafe]);
        expect(accents.hits[0]?.highlights).toEqual([
          [14, 18],
          [20, 24],
        ]);
        expect(texts(await store.searchMessages('a', 'apsule'))).toEqual([]);
        expect(texts(await store.searchMessages('a', 'lab zebra'))).toEqual([]);
      });

      it('searches only the conversations the user is a member of now', async () => {
        const shared = await conversation(['a', 'b']);
        const private_ = await conversation(['b']);
        await say(shared.id, 'secret plans, shared');
        await say(private_.id, 'secret plans, only for b');
        expect(texts(await store.searchMessages('b', 'secret'))).toEqual([
          'secret plans, only for b',
          'secret plans, shared',
        ]);
        expect(texts(await store.searchMessages('a', 'secret'))).toEqual(['secret plans, shared']);
        expect(texts(await store.searchMessages('nobody', 'secret'))).toEqual([]);

        await store.removeMember(shared.id, 'a');
        expect(texts(await store.searchMessages('a', 'secret'))).toEqual([]);
        await store.addMember(shared.id, 'a');
        expect(texts(await store.searchMessages('a', 'secret'))).toEqual(['secret plans, shared']);
      });

      it('never matches an empty message, and finds nothing for a query without words', async () => {
        const room = await conversation(['a']);
        await say(room.id, '');
        await say(room.id, 'ok');
        expect(texts(await store.searchMessages('a', 'ok'))).toEqual(['ok']);
        for (const query of ['', '   ', '!!!', '👍', '\u200b']) {
          expect(await store.searchMessages('a', query)).toEqual({
            hits: [],
            hasMore: false,
            cursor: null,
          });
        }
      });

      it('takes FTS, tsquery and LIKE syntax in a query as plain text, never failing', async () => {
        const room = await conversation(['a']);
        await say(room.id, 'near the OR: 50% off_sale, "quoted" words and it\'s *starred*');
        await say(room.id, 'plain message');
        const hostile = [
          '"',
          '""',
          '*',
          'NEAR',
          'NEAR(a b)',
          'OR',
          'AND NOT',
          '%',
          '_',
          "'",
          "it's",
          '"quoted"',
          '*starred*',
          'off_sale',
          '50%',
          'a:* | !b & (c)',
          'text:near',
          '^near',
          '-plain',
          '\\',
          "'; DROP TABLE messages; --",
          '{near}',
        ];
        const found: Record<string, string[]> = {};
        for (const query of hostile) found[query] = texts(await store.searchMessages('a', query));
        const quoted = ['near the OR: 50% off_sale, "quoted" words and it\'s *starred*'];
        expect(found).toEqual({
          '"': [],
          '""': [],
          '*': [],
          NEAR: quoted,
          'NEAR(a b)': [],
          OR: quoted,
          'AND NOT': [],
          '%': [],
          _: [],
          "'": [],
          "it's": quoted,
          '"quoted"': quoted,
          '*starred*': quoted,
          off_sale: quoted,
          '50%': quoted,
          'a:* | !b & (c)': [],
          'text:near': [],
          '^near': quoted,
          '-plain': ['plain message'],
          '\\': [],
          "'; DROP TABLE messages; --": [],
          '{near}': quoted,
        });
        expect((await store.listMessages(room.id, { limit: 10 })).messages).toHaveLength(2);
      });

      it('pages newest first with a cursor: no hit twice, none missed', async () => {
        const room = await conversation(['a']);
        const other = await conversation(['a']);
        for (let index = 0; index < 7; index += 1) {
          await say(index % 2 === 0 ? room.id : other.id, `report ${index}`);
          await say(room.id, `noise ${index}`);
        }
        const first = await store.searchMessages('a', 'rep', { limit: 3 });
        expect(texts(first)).toEqual(['report 6', 'report 5', 'report 4']);
        expect(first.hasMore).toBe(true);
        expect(first.cursor).toBe(first.hits.at(-1)?.cursor);
        const second = await store.searchMessages('a', 'rep', {
          limit: 3,
          before: first.cursor ?? 0,
        });
        expect(texts(second)).toEqual(['report 3', 'report 2', 'report 1']);
        const third = await store.searchMessages('a', 'rep', {
          limit: 3,
          before: second.cursor ?? 0,
        });
        expect(texts(third)).toEqual(['report 0']);
        expect(third).toMatchObject({ hasMore: false, cursor: null });
        // Exactly a page left: no empty page after it.
        const exact = await store.searchMessages('a', 'rep', {
          limit: 4,
          before: first.cursor ?? 0,
        });
        expect(texts(exact)).toEqual(['report 3', 'report 2', 'report 1', 'report 0']);
        expect(exact.hasMore).toBe(false);
      });

      it('answers 50 hits unless asked otherwise, and never more than 100', async () => {
        const room = await conversation(['a']);
        for (let index = 0; index < 101; index += 1) await say(room.id, `ping ${index}`);
        const byDefault = await store.searchMessages('a', 'ping');
        expect(byDefault.hits).toHaveLength(50);
        expect(byDefault.hits[0]?.message.text).toBe('ping 100');
        const capped = await store.searchMessages('a', 'ping', { limit: 1_000 });
        expect(capped.hits).toHaveLength(100);
        expect(capped.hasMore).toBe(true);
        const rest = await store.searchMessages('a', 'ping', {
          limit: 1_000,
          before: capped.cursor ?? 0,
        });
        expect(texts(rest)).toEqual(['ping 0']);
      });

      it('highlights in UTF-16 offsets of the original text, whole characters and marks', async () => {
        const room = await conversation(['a']);
        const text = '👩‍👩‍👧 İstanbul, cafe\u0301s and 𝐁𝐨𝐥𝐝 ½';
        await say(room.id, text);
        const [hit] = (await store.searchMessages('a', 'istan CAFES bold 1')).hits;
        expect(hit?.highlights.map(([start, end]) => text.slice(start, end))).toEqual([
          'İstan',
          'cafe\u0301s',
          '𝐁𝐨𝐥𝐝',
          '½',
        ]);
        // A query longer than any indexed word is still decided on the whole word.
        const long = 'a'.repeat(300);
        await say(room.id, long);
        await say(room.id, `${'a'.repeat(250)}b`);
        expect(texts(await store.searchMessages('a', 'a'.repeat(260)))).toEqual([long]);
      });

      it('skips what the searcher hid and what was deleted for everyone; a hit is the message as reads show it', async () => {
        const room = await conversation(['a', 'b']);
        let clientId = 0;
        const send = async (senderId: string, text: string, replyToId?: string) => {
          clientId += 1;
          const { message } = await store.appendUserMessage({
            conversationId: room.id,
            senderId,
            clientMessageId: `s${clientId}`,
            text,
            sentAt: 100 + clientId,
            authorFor: () => senderId,
            ...(replyToId === undefined ? {} : { replyToId }),
          });
          return message;
        };
        const allow: MessageCheck = () => null;
        const plans = await send('a', 'party plans');
        const reply = await send('b', 'party at eight then', plans.id);
        const deleted = await send('a', 'party is off, sorry');
        const hidden = await send('b', 'party gossip a hid');
        await store.editMessage({
          conversationId: room.id,
          messageId: plans.id,
          text: 'party plans, edited',
          editedAt: 200,
          check: allow,
        });
        await store.reactToMessage({
          conversationId: room.id,
          messageId: reply.id,
          userId: 'a',
          emoji: '🎉',
          reactedAt: 201,
          maxEmoji: 20,
        });
        await store.deleteMessage({
          conversationId: room.id,
          messageId: deleted.id,
          deletedAt: 202,
          check: allow,
        });
        await store.hideMessage({
          conversationId: room.id,
          messageId: hidden.id,
          userId: 'a',
          hiddenAt: 203,
        });

        const found = await store.searchMessages('a', 'party');
        expect(found.hits.map((hit) => hit.message)).toEqual([
          await store.getMessage(room.id, reply.id, 'a'),
          await store.getMessage(room.id, plans.id, 'a'),
        ]);
        expect(found.hits.map((hit) => hit.message)).toEqual([
          expect.objectContaining({
            text: 'party at eight then',
            replyTo: expect.objectContaining({
              messageId: plans.id,
              snippet: 'party plans, edited',
            }),
            reactions: [{ emoji: '🎉', userIds: ['a'] }],
          }),
          expect.objectContaining({ text: 'party plans, edited', editedAt: 200, editCount: 1 }),
        ]);
        expect(found.hits[0]?.message).not.toHaveProperty('senderId');
        // Only the person who hid it stops finding it; nobody finds a deleted one.
        expect(texts(await store.searchMessages('b', 'party'))).toEqual([
          'party gossip a hid',
          'party at eight then',
          'party plans, edited',
        ]);
        expect(texts(await store.searchMessages('a', 'gossip'))).toEqual([]);
        expect(texts(await store.searchMessages('a', 'sorry'))).toEqual([]);
        expect(texts(await store.searchMessages('b', 'sorry'))).toEqual([]);
        // Pages step over the hidden newest hit: one hit each, none missed.
        const first = await store.searchMessages('a', 'party', { limit: 1 });
        expect(texts(first)).toEqual(['party at eight then']);
        expect(first.hasMore).toBe(true);
        const second = await store.searchMessages('a', 'party', {
          limit: 1,
          before: first.cursor ?? undefined,
        });
        expect(second).toMatchObject({ hasMore: false, cursor: null });
        expect(texts(second)).toEqual(['party plans, edited']);
      });
    });
  });
}
