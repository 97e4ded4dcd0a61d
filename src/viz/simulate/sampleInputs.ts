// Inputs the registry's machines need to start in simulate mode (the editor starts with these;
// a machine missing here starts with `{}`). Loopback URLs only: inert actors never connect.
// JSON only: the page shows them as JSON in the input editor.
//
// One small made-up world, shared with the payload templates (payloadTemplates.ts) so that what
// a template names (a conversation, a person, a message seq) is what the machine already knows.
import type { ConversationInput } from '../../../machines/conversation.ts';
import type { OutgoingMessageInput } from '../../../machines/outgoingMessage.ts';
import type { Message, SelfUser, User } from '../../../server/protocol.ts';

const me: SelfUser = {
  id: 'u-ada',
  firstName: 'Ada',
  lastName: 'Lovelace',
  avatar: { initials: 'AL', color: '#3f51b5' },
  phone: '+14155550132',
};
const grace: User = {
  id: 'u-grace',
  firstName: 'Grace',
  lastName: 'Hopper',
  avatar: { initials: 'GH', color: '#009688' },
};
/** Someone the machines do not know yet (joins later, or names a missed conversation). */
const alan: User = {
  id: 'u-alan',
  firstName: 'Alan',
  lastName: 'Turing',
  avatar: { initials: 'AT', color: '#795548' },
};

const message = (seq: number, authorId: string, text: string, clientMessageId: string | null) =>
  ({
    id: `m-${seq}`,
    conversationId: 'c-grace',
    authorId,
    text,
    sentAt: 1_700_000_000_000 + seq * 60_000,
    seq,
    clientMessageId,
  }) satisfies Message;

/**
 * The conversation with Grace: seq 10 and 11 loaded, older ones on the server (`hasMore`), and
 * its messages changed twice so far (change revision 2).
 */
const conversation = {
  id: 'c-grace',
  kind: 'direct',
  title: 'Grace Hopper',
  lastMessage: message(11, grace.id, 'See you at the lab.', null),
  drafting: [],
  memberIds: [me.id, grace.id],
  messages: [
    message(10, me.id, 'Tea at four?', 'sim-1-0'),
    message(11, grace.id, 'See you at the lab.', null),
  ],
  hasMore: true,
  revision: 2,
} satisfies ConversationInput['conversation'];

export const sampleWorld = { me, grace, alan, message, conversation } as const;

const outgoing: OutgoingMessageInput = {
  conversationId: conversation.id,
  text: 'Bring the notes, please.',
  clientMessageId: 'sim-1-1',
  createdAt: 1_700_000_900_000,
};

export const sampleInputs: Readonly<Record<string, unknown>> = {
  onboarding: { locale: 'en-US' },
  session: { url: 'http://127.0.0.1:3000', token: 'simulated-token' },
  messenger: { clientIdPrefix: 'sim' },
  newChat: undefined,
  membership: undefined,
  receiptList: undefined,
  messageActions: undefined,
  messageSearch: undefined,
  settings: undefined,
  conversation: {
    conversation,
    currentUserId: me.id,
    clientIdPrefix: 'sim-1',
  } satisfies ConversationInput,
  outgoingMessage: outgoing,
  app: {
    serverUrl: 'http://127.0.0.1:3000',
    locale: 'en-US',
    online: true,
    clientIdPrefix: 'sim',
  },
};
