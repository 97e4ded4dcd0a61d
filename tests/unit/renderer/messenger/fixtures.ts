import type { User } from '../../../../server/protocol.ts';
import type { OpenConversationMessage } from '../../../../src/renderer/state/index.ts';

function person(id: string, firstName: string, lastName: string, asset?: string): User {
  return {
    id,
    firstName,
    lastName,
    avatar: {
      initials: `${firstName[0]}${lastName[0]}`,
      color: '#336699',
      ...(asset && { asset }),
    },
  };
}

export const me = person('u-me', 'Ada', 'Lovelace');
export const vegeta = person('u-vegeta', 'Vegeta', 'Prince', 'vegeta');
export const goku = person('u-goku', 'Goku', 'Son', 'goku');
export const bulma = person('u-bulma', 'Bulma', 'Briefs', 'bulma');
export const usersById = new Map([me, vegeta, goku, bulma].map((user) => [user.id, user]));

const MINUTE = 60_000;
/** A fixed afternoon, so "Today" and clock labels do not depend on when the test runs. */
export const NOON = new Date(2026, 2, 14, 12, 0, 0).getTime();

export function message(
  index: number,
  authorId: string,
  text: string,
  overrides: Partial<OpenConversationMessage> = {},
): OpenConversationMessage {
  return {
    key: `m-${index}`,
    id: `m-${index}`,
    seq: index,
    authorId,
    text,
    sentAt: NOON + index * MINUTE,
    status: 'sent',
    isOwn: authorId === me.id,
    error: null,
    ...overrides,
  };
}
