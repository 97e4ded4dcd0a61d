// A small world the machine tests share: the user, Vegeta (DM) and a group with Goku and Bulma.
import type {
  ChannelUpdate,
  ConversationsAndUsers,
  Message,
  SelfUser,
  User,
} from '../../server/protocol.ts';

const avatar = (initials: string) => ({ initials, color: '#336699' });

export const me: SelfUser = {
  id: 'u-me',
  firstName: 'Ada',
  lastName: 'Lovelace',
  avatar: avatar('AL'),
  phone: '+14155550132',
};
export const vegeta: User = {
  id: 'u-vegeta',
  firstName: 'Vegeta',
  lastName: 'Saiyan',
  avatar: avatar('VS'),
};
export const goku: User = {
  id: 'u-goku',
  firstName: 'Goku',
  lastName: 'Son',
  avatar: avatar('GS'),
};
export const bulma: User = {
  id: 'u-bulma',
  firstName: 'Bulma',
  lastName: 'Brief',
  avatar: avatar('BB'),
};

export function message(overrides: Partial<Message> & Pick<Message, 'id' | 'seq'>): Message {
  return {
    conversationId: 'c-vegeta',
    authorId: vegeta.id,
    text: 'Hello',
    sentAt: 1_700_000_000_000 + overrides.seq * 60_000,
    clientMessageId: null,
    ...overrides,
  };
}

export const vegetaHello = message({ id: 'm-v-0', seq: 0, text: 'Kakarot is late again.' });
export const groupHello = message({
  id: 'm-g-5',
  seq: 5,
  conversationId: 'c-group',
  authorId: goku.id,
  text: 'Training at noon!',
});

export function syncData(): ConversationsAndUsers {
  return {
    currentUserId: me.id,
    users: [me, vegeta, goku, bulma],
    conversations: [
      {
        id: 'c-vegeta',
        kind: 'direct',
        title: 'Vegeta',
        memberIds: [me.id, vegeta.id],
        lastMessage: vegetaHello,
        drafting: [],
        messages: [vegetaHello],
        hasMore: false,
      },
      {
        id: 'c-group',
        kind: 'group',
        title: 'Capsule Corp',
        memberIds: [me.id, goku.id, bulma.id],
        lastMessage: groupHello,
        drafting: [],
        messages: [groupHello],
        hasMore: true,
      },
    ],
  };
}

/** Goku writes in the group. */
export function groupUpdate(
  text = 'Who is coming?',
  seq = 6,
  drafting: string[] = [],
): ChannelUpdate {
  const newMessage = message({
    id: `m-g-${seq}`,
    seq,
    conversationId: 'c-group',
    authorId: goku.id,
    text,
  });
  return {
    conversation: {
      id: 'c-group',
      kind: 'group',
      title: 'Capsule Corp',
      lastMessage: newMessage,
      drafting,
    },
    message: newMessage,
  };
}

/** Goku opens a group the user joined after their last sync: the messenger does not know it. */
export function newConversationUpdate(): ChannelUpdate {
  const update = groupUpdate('Welcome', 0);
  return {
    conversation: { ...update.conversation, id: 'c-new', title: 'New group' },
    message: { ...update.message!, id: 'm-new-0', conversationId: 'c-new' },
  };
}

export const olderGroupMessages: Message[] = [
  message({ id: 'm-g-3', seq: 3, conversationId: 'c-group', authorId: bulma.id, text: 'Ready?' }),
  message({ id: 'm-g-4', seq: 4, conversationId: 'c-group', authorId: me.id, text: 'Yes' }),
];
