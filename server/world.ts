// The world a new person lands in: the imaginary Vegeta, who opens a DM with everyone, and the
// "Capsule Corp" group of imaginary characters that every real person joins too.
import { randomUUID } from 'node:crypto';
import type { Clock } from './clock.ts';
import type { Store, StoredConversation, StoredUser } from './store/types.ts';

export interface Character {
  id: string;
  firstName: string;
  lastName: string;
  initials: string;
  color: string;
}

export const vegeta: Character = {
  id: 'vegeta',
  firstName: 'Vegeta',
  lastName: 'Saiyan',
  initials: 'VS',
  color: '#283593',
};

/** The group's imaginary members, in the order their turns rotate. */
export const groupCharacters: readonly Character[] = [
  { id: 'goku', firstName: 'Goku', lastName: 'Son', initials: 'GS', color: '#ef6c00' },
  { id: 'bulma', firstName: 'Bulma', lastName: 'Briefs', initials: 'BB', color: '#00838f' },
  { id: 'piccolo', firstName: 'Piccolo', lastName: 'Daimao', initials: 'PD', color: '#2e7d32' },
];

export const groupConversation = { id: 'capsule-corp', title: 'Capsule Corp' } as const;

export const vegetaOpeningLine = 'Hmph. So you finally showed up. Say something worth my time.';

/** Pre-established group history: [author id, text]. */
const groupHistory: readonly (readonly [string, string])[] = [
  ['bulma', 'Welcome to Capsule Corp, everyone! The new gravity room is ready.'],
  ['goku', 'Woohoo! Can I try it first? I want to train at 500 times gravity!'],
  ['piccolo', 'Last time you tried that you broke the ceiling, Goku.'],
  ['bulma', 'And the floor. Please be gentle with my equipment this time.'],
  ['goku', "Sure thing! Hey, is anyone hungry? I'm starving."],
];

const minute = 60_000;

function characterRecord(character: Character, createdAt: number) {
  return {
    id: character.id,
    kind: 'bot' as const,
    firstName: character.firstName,
    lastName: character.lastName,
    avatar: { initials: character.initials, color: character.color, asset: character.id },
    phone: null,
    createdAt,
  };
}

/** Creates the characters and the group with its history; does nothing if already seeded. */
export async function seedWorld(store: Store, clock: Clock): Promise<void> {
  if (await store.getConversation(groupConversation.id)) return;
  const seededAt = clock.now() - groupHistory.length * 5 * minute;
  for (const character of [vegeta, ...groupCharacters]) {
    if (!(await store.getUser(character.id))) {
      await store.createUser(characterRecord(character, seededAt));
    }
  }
  await store.createConversation({
    id: groupConversation.id,
    kind: 'group',
    title: groupConversation.title,
    memberIds: groupCharacters.map((character) => character.id),
    createdAt: seededAt,
  });
  for (const [index, [authorId, text]] of groupHistory.entries()) {
    await store.appendSystemMessage({
      conversationId: groupConversation.id,
      authorId,
      text,
      sentAt: seededAt + index * 5 * minute,
    });
  }
}

/**
 * A new person's place in the world: their own DM with Vegeta, opened by his message 0, and
 * membership of the group. Returns the conversations that changed.
 */
export async function welcomeNewUser(
  store: Store,
  clock: Clock,
  user: StoredUser,
): Promise<{ direct: StoredConversation; group: StoredConversation }> {
  const now = clock.now();
  const direct = await store.createConversation({
    id: randomUUID(),
    kind: 'direct',
    title: vegeta.firstName,
    memberIds: [user.id, vegeta.id],
    createdAt: now,
  });
  await store.appendSystemMessage({
    conversationId: direct.id,
    authorId: vegeta.id,
    text: vegetaOpeningLine,
    sentAt: now,
  });
  const group = await store.addMember(groupConversation.id, user.id);
  // What the group said before they joined is not news to them; Vegeta's line is.
  await markHistoryRead(store, group.id, user.id);
  return { direct, group };
}

/** A newcomer's read position at the conversation's last message: its history is not unread. */
export async function markHistoryRead(
  store: Store,
  conversationId: string,
  userId: string,
): Promise<void> {
  const last = await store.getLastMessage(conversationId);
  if (last) await store.advancePosition(conversationId, userId, { readSeq: last.seq });
}
