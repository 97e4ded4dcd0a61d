// Payload templates for simulate mode: for every event each registry machine handles, a payload
// a reviewer can pick and edit instead of guessing field names: the event's fields, for done(…)
// the invoked actor's output, for error(…) its error. Values are realistic and fit the sample
// world the machines start in (sampleInputs.ts), so the usual guard passes; where a guard
// decides between arrows, named variants show each side ("complete code", "too short").
//
// Typed against the machines: an event's fields are `EventFrom<typeof machine>` for its type
// (a field missing, misspelt or of the wrong type is a tsc error, and so is an event type the
// machine lacks), a done output is `OutputFrom` of the actor logic the invoke names as `src`,
// and errors are the `FailureDetails` every request actor rejects with (protocolFailure.ts).
// tests/unit/viz/payloadTemplates.test.ts checks that every event of every machine's structure
// has one, that each `src` is the invoke's, and that the templates take the machines' arrows.
import type { EventFrom, OutputFrom, StateMachine } from 'xstate';
import type { AppMachine } from '../../../machines/app.ts';
import type { ConversationMachine } from '../../../machines/conversation.ts';
import type { MessengerMachine } from '../../../machines/messenger.ts';
import type { MessageSearchMachine } from '../../../machines/messageSearch.ts';
import type { MembershipMachine } from '../../../machines/membership.ts';
import type { NewChatMachine } from '../../../machines/newChat.ts';
import type { OnboardingMachine } from '../../../machines/onboarding.ts';
import type { OutgoingMessageMachine } from '../../../machines/outgoingMessage.ts';
import type { ReceiptListMachine } from '../../../machines/receiptList.ts';
import type { MessageActionsMachine } from '../../../machines/messageActions.ts';
import type { FailureDetails } from '../../../machines/protocolFailure.ts';
import type { SessionMachine } from '../../../machines/session.ts';
import type { SettingsMachine } from '../../../machines/settings.ts';
import type { ConversationsAndUsers, ProtocolError } from '../../../server/protocol.ts';
import type { TransitionStructure } from '../structure.ts';
import { sampleWorld } from './sampleInputs.ts';

export interface PayloadVariant<P = unknown> {
  /** What the variant shows, e.g. "complete code"; "" when the event has one template. */
  name: string;
  payload: P;
}

/** One or more variants, the most typical first (the one a reviewer usually wants). */
type Variants<P> = readonly [PayloadVariant<P>, ...PayloadVariant<P>[]];

/** An event's own fields; `{}` for an event without fields (where any object would pass). */
type FieldsOf<E> = keyof Omit<E, 'type'> extends never ? Record<string, never> : Omit<E, 'type'>;

type EventTemplates<M> = {
  [T in EventFrom<M>['type']]: Variants<FieldsOf<Extract<EventFrom<M>, { type: T }>>>;
};

/** The actors a machine's setup declares: `{ src, logic, id }` each. */
type ActorsOf<M> =
  M extends StateMachine<
    any,
    any,
    any,
    infer TActor,
    any,
    any,
    any,
    any,
    any,
    any,
    any,
    any,
    any,
    any,
    any
  >
    ? TActor
    : never;
type SrcOf<M> = ActorsOf<M> extends { src: infer S extends string } ? S : never;
/** JSON has no `undefined`: a `void` output is written `null`. */
type OutputPayload<O> = [O] extends [void] ? null : O;
type DoneTemplate<M> = {
  [S in SrcOf<M>]: {
    /** The invoke's `src`: tsc checks the outputs against this actor's output type. */
    src: S;
    variants: Variants<OutputPayload<OutputFrom<Extract<ActorsOf<M>, { src: S }>['logic']>>>;
  };
}[SrcOf<M>];

interface MachineTemplates<M> {
  events: EventTemplates<M>;
  /** By invoke id (`done(<id>)`), which may differ from the actor's src. */
  done?: Readonly<Record<string, DoneTemplate<M>>>;
  /** By invoke id (`error(<id>)`). */
  error?: Readonly<Record<string, Variants<FailureDetails>>>;
}

// `NoInfer`: the payload's type comes from where the template goes (the event's fields), so an
// extra or misspelt field is an excess-property error, not a wider inferred type.
const only = <P>(payload: NoInfer<P>): Variants<P> => [{ name: '', payload }];
const variant = <P>(name: string, payload: NoInfer<P>): PayloadVariant<P> => ({ name, payload });
const none: Variants<Record<string, never>> = [{ name: '', payload: {} }];

const { me, grace, alan, message, conversation } = sampleWorld;

const protocolError = (code: ProtocolError['code'], text: string): ProtocolError => ({
  code,
  message: text,
});
const network: FailureDetails = {
  code: 'network',
  message: 'Could not reach the server.',
};
const networkOnly: Variants<FailureDetails> = [{ name: '', payload: network }];

const sync: ConversationsAndUsers = {
  currentUserId: me.id,
  users: [me, grace],
  conversations: [conversation],
};
const sessionToken = 'simulated-session-token';
const { messages: _messages, memberIds: _memberIds, hasMore: _hasMore, ...summary } = conversation;
const fromGrace = message(12, grace.id, 'On my way.', null);
const ours = message(12, me.id, 'Bring the notes, please.', 'sim-1-1');
const alansConversation = {
  id: 'c-alan',
  kind: 'direct' as const,
  title: '',
  lastMessage: null,
  drafting: [],
  memberIds: [me.id, alan.id],
  adminId: null,
  messages: [],
  hasMore: false,
};

const onboarding: MachineTemplates<OnboardingMachine> = {
  events: {
    'phone.changed': [
      variant('valid number', { text: '415-555-0132' }),
      variant('incomplete number', { text: '415-55' }),
    ],
    'phone.pasted': [
      variant('international (UK)', { text: '+44 20 7946 0958' }),
      variant('national', { text: '(415) 555-0132' }),
    ],
    'country.changed': [
      variant('supported (GB)', { country: 'GB' }),
      variant('unknown code (ignored)', { country: 'XX' }),
    ],
    'phone.submitted': none,
    'code.changed': [
      variant('complete code', { text: '123456' }),
      variant('too short', { text: '123' }),
    ],
    'code.pasted': [
      variant('complete code', { text: '123 456' }),
      variant('too short', { text: '12' }),
    ],
    'code.submitted': none,
    'code.resendRequested': none,
    'phone.editRequested': none,
    'firstName.changed': [
      variant('valid name', { text: 'Ada' }),
      variant('too short', { text: 'A' }),
    ],
    'lastName.changed': [
      variant('valid name', { text: 'Lovelace' }),
      variant('too short', { text: 'L' }),
    ],
    'name.submitted': none,
  },
  done: {
    requestCode: {
      src: 'requestCode',
      variants: only({ resendAfterMs: 30_000, expiresInMs: 600_000 }),
    },
    resendCode: {
      src: 'requestCode',
      variants: only({ resendAfterMs: 30_000, expiresInMs: 600_000 }),
    },
    verifyCode: {
      src: 'verifyCode',
      variants: [
        variant('new number', { registered: false, verificationToken: 'simulated-verification' }),
        variant('registered user', {
          registered: true,
          verificationToken: 'simulated-verification',
          user: me,
          sessionToken,
        }),
      ],
    },
    createUser: { src: 'createUser', variants: only({ user: me, sessionToken }) },
  },
  error: {
    requestCode: [
      variant('network', network),
      variant('rate limited', {
        code: 'rate_limited',
        message: 'Too many requests.',
        retryAfterMs: 60_000,
      }),
    ],
    resendCode: [
      variant('too soon', {
        code: 'resend_too_soon',
        message: 'Wait before asking again.',
        retryAfterMs: 12_000,
      }),
      variant('network', network),
    ],
    verifyCode: [
      variant('wrong code', { code: 'code_incorrect', message: 'Wrong code.', triesLeft: 4 }),
      variant('code expired', { code: 'code_expired', message: 'The code has expired.' }),
      variant('network', network),
    ],
    createUser: [
      variant('name not allowed', { code: 'name_not_allowed', message: 'Name not allowed.' }),
      variant('verification expired', {
        code: 'verification_invalid',
        message: 'Verification expired.',
      }),
    ],
  },
};

const session: MachineTemplates<SessionMachine> = {
  events: {
    'socket.transportOpened': none,
    'socket.connected': none,
    'socket.authRejected': only({ error: protocolError('invalid_token', 'invalid_token') }),
    'socket.connectFailed': only({ message: 'xhr poll error' }),
    'socket.disconnected': only({ reason: 'transport close' }),
    'sync.received': none,
    'sync.failed': only({ error: protocolError('internal', 'Sync timed out.') }),
    'signOut.done': none,
    'signOut.failed': only({ error: protocolError('internal', 'Sign-out failed.') }),
    'network.online': none,
    'network.offline': none,
    'connection.unreliable': only({ reason: 'No ack for sendMessage within 10 s.' }),
    'signOut.requested': none,
  },
};

const messenger: MachineTemplates<MessengerMachine> = {
  events: {
    'sync.received': only({ data: sync }),
    'sync.failed': none,
    'channel.updated': [
      variant('new message from a known person', {
        update: { conversation: { ...summary, lastMessage: fromGrace }, message: fromGrace },
      }),
      variant('unknown conversation (resync)', {
        update: {
          conversation: {
            id: 'c-alan',
            kind: 'direct',
            title: 'Alan Turing',
            lastMessage: null,
            drafting: [],
          },
          message: null,
        },
      }),
    ],
    'user.joined': only({ joined: { user: alan, conversationIds: [conversation.id] } }),
    'connection.lost': none,
    'authors.seen': [
      variant('someone unknown (resync)', { userIds: [alan.id] }),
      variant('known people (ignored)', { userIds: [grace.id] }),
    ],
    'conversation.selected': [
      variant('listed conversation', { conversationId: conversation.id }),
      variant('unknown conversation (ignored)', { conversationId: 'c-unknown' }),
    ],
    'conversation.closed': none,
    'user.updated': only({ user: { ...grace, firstName: 'Amazing Grace' } }),
    'member.left': only({
      left: { conversationId: conversation.id, userId: grace.id, adminId: null },
    }),
    'conversation.removed': [
      variant('removed by the admin', {
        removed: { conversationId: conversation.id, reason: 'removed', title: 'Grace' },
      }),
      variant('left', {
        removed: { conversationId: conversation.id, reason: 'left', title: 'Grace' },
      }),
    ],
    'conversation.added': [
      variant('a DM someone opened', {
        added: { conversation: alansConversation, users: [me, alan] },
      }),
      variant('made here (opens it)', {
        added: { conversation: alansConversation, users: [me, alan] },
        open: true,
      }),
    ],
    'notice.dismissed': none,
    'window.focused': none,
    'window.blurred': none,
    'read.changed': only({ position: { conversationId: conversation.id, readSeq: 11 } }),
    'receipts.changed': only({
      receipts: { conversationId: conversation.id, deliveredSeq: 11, readSeq: 10 },
    }),
    'muted.changed': [
      variant('muted in another window', {
        state: { conversationId: conversation.id, muted: true },
      }),
      variant('unmuted in another window', {
        state: { conversationId: conversation.id, muted: false },
      }),
    ],
    'message.notable': only({
      conversationId: conversation.id,
      kind: 'direct',
      title: '',
      message: fromGrace,
    }),
    'permission.changed': [
      variant('not asked yet', { permission: 'default', dismissed: false }),
      variant('allowed', { permission: 'granted', dismissed: false }),
      variant('"Not now" before', { permission: 'default', dismissed: true }),
      variant('refused', { permission: 'denied', dismissed: false }),
    ],
    'notification.clicked': only({ conversationId: conversation.id }),
    'message.changed': [
      variant('edited', { message: { ...fromGrace, text: 'On my way, sorry.', editedAt: 1 } }),
      variant('reacted to', {
        message: { ...fromGrace, reactions: [{ emoji: '👍', userIds: [me.id] }] },
      }),
    ],
    'message.hidden': only({ conversationId: conversation.id, messageId: fromGrace.id }),
    'prompt.accepted': none,
    'prompt.declined': none,
  },
};

const conversationTemplates: MachineTemplates<ConversationMachine> = {
  events: {
    'conversation.synced': [
      variant('latest page', {
        conversation: {
          ...conversation,
          lastMessage: fromGrace,
          messages: [...conversation.messages, fromGrace],
        },
        currentUserId: me.id,
      }),
      variant('changes made while offline (a newer revision)', {
        conversation: { ...conversation, revision: 4 },
        currentUserId: me.id,
      }),
      variant('page after a gap (catch-up)', {
        conversation: {
          ...conversation,
          lastMessage: message(15, grace.id, 'Where are you?', null),
          messages: [...conversation.messages, message(15, grace.id, 'Where are you?', null)],
        },
        currentUserId: me.id,
      }),
    ],
    'connection.lost': none,
    'channel.updated': [
      variant('new message from Grace', {
        update: { conversation: { ...summary, lastMessage: fromGrace }, message: fromGrace },
      }),
      variant('drafting only', {
        update: { conversation: { ...summary, drafting: [grace.id] }, message: null },
      }),
    ],
    'member.joined': only({ userId: alan.id }),
    'member.left': only({ userId: grace.id, adminId: null }),
    'window.focused': none,
    'window.blurred': none,
    'read.moved': only({ readSeq: 11 }),
    'receipts.moved': only({ receipts: { deliveredSeq: 11, readSeq: 10 } }),
    'message.changed': [
      variant('edited', { message: { ...fromGrace, text: 'On my way, sorry.', editedAt: 1 } }),
      variant('deleted for everyone', { message: { ...fromGrace, text: '', deletedAt: 1 } }),
    ],
    'message.hidden': only({ messageId: fromGrace.id }),
    'mute.toggled': none,
    'mute.changed': [
      variant('muted in another window', { muted: true }),
      variant('unmuted in another window', { muted: false }),
    ],
    'conversation.opened': [
      variant('in the focused window', { focused: true }),
      variant('in a window without the focus', { focused: false }),
    ],
    'conversation.closed': none,
    'draft.changed': [variant('text', { text: 'Hello!' }), variant('cleared', { text: '' })],
    'message.submitted': none,
    'history.requested': none,
    'history.loaded': [
      variant('first page', {
        messages: [message(8, grace.id, 'Hi Ada!', null), message(9, me.id, 'Hi Grace.', null)],
        hasMore: false,
      }),
      variant('more before it', {
        messages: [message(9, me.id, 'Hi Grace.', null)],
        hasMore: true,
      }),
    ],
    'history.failed': only({ error: protocolError('internal', 'Could not load older messages.') }),
    'catchUp.loaded': [
      variant('closes the gap', {
        after: 11,
        messages: [
          message(12, grace.id, 'Running late.', null),
          message(13, me.id, 'No problem.', null),
          message(14, grace.id, 'Ten minutes.', null),
        ],
        hasMore: false,
      }),
      variant('more to come', {
        after: 11,
        messages: [message(12, grace.id, 'Running late.', null)],
        hasMore: true,
      }),
    ],
    'catchUp.failed': only({ error: protocolError('internal', 'Could not catch up.') }),
    'message.jumpRequested': [
      variant('a loaded message', { seq: 10 }),
      variant('an older one', { seq: 2 }),
    ],
    'message.jumpShown': none,
    'message.jumpRetried': none,
    'changes.loaded': only({
      messages: [{ ...fromGrace, text: 'On my way, sorry.', editedAt: 1, revision: 4 }],
      hasMore: false,
      revision: 4,
    }),
    'changes.failed': only({ error: protocolError('internal', 'Could not list the changes.') }),
    'outgoing.sent': only({ clientMessageId: 'sim-1-1', message: ours }),
    'outgoing.settled': only({ clientMessageId: 'sim-1-1' }),
    'outbox.advance': none,
  },
};

const newChat: MachineTemplates<NewChatMachine> = {
  events: {
    'newChat.opened': [
      variant('new message (a DM)', { purpose: 'direct' }),
      variant('new group', { purpose: 'group' }),
      variant('add people to a group', {
        purpose: 'add',
        conversationId: conversation.id,
        excludedIds: [me.id, grace.id],
      }),
    ],
    'newChat.closed': none,
    'query.changed': [
      variant('a name', { text: 'Alan' }),
      variant('an international number', { text: '+44 20 7946 0958' }),
      variant('cleared', { text: '' }),
    ],
    'search.retried': none,
    'person.picked': only({ user: alan }),
    'person.unpicked': only({ userId: alan.id }),
    'members.confirmed': none,
    'title.changed': [variant('a title', { text: 'Bletchley' }), variant('blank', { text: ' ' })],
    'group.submitted': none,
    'naming.back': none,
    'people.found': [
      variant('answers the query', { searchId: 1, people: [alan] }),
      variant('nobody', { searchId: 1, people: [] }),
    ],
    'people.failed': only({ searchId: 1, error: protocolError('rate_limited', 'Slow down.') }),
    'conversation.created': only({
      requestId: 1,
      created: { created: true, conversation: alansConversation, users: [me, alan] },
    }),
    'conversation.failed': only({
      requestId: 1,
      error: protocolError('not_found', 'No such person.'),
    }),
    'members.added': only({ requestId: 1 }),
    'members.failed': only({
      requestId: 1,
      error: protocolError('group_full', 'The group is full.'),
    }),
    'connection.lost': none,
  },
};

const membership: MachineTemplates<MembershipMachine> = {
  events: {
    'leave.requested': only({ conversationId: conversation.id }),
    'removal.requested': only({ conversationId: conversation.id, userId: grace.id }),
    'membership.dismissed': none,
    'leave.done': only({ conversationId: conversation.id }),
    'leave.failed': only({
      conversationId: conversation.id,
      error: protocolError('forbidden', 'A direct conversation cannot be left.'),
    }),
    'removal.done': only({ conversationId: conversation.id, userId: grace.id }),
    'removal.failed': only({
      conversationId: conversation.id,
      userId: grace.id,
      error: protocolError('forbidden', "Only the group's admin may change its members."),
    }),
    'connection.lost': none,
  },
};

const thisDevice = {
  id: 's-this',
  createdAt: 1_700_000_000_000,
  lastSeenAt: 1_700_000_600_000,
  client: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0',
  current: true,
};
const otherDevice = {
  ...thisDevice,
  id: 's-other',
  client: 'Mozilla/5.0 (Macintosh) Electron/38.0',
  current: false,
};
const savedMe = { ...me, findableByPhone: true, avatar: { ...me.avatar, color: '#2e7d32' } };

const settings: MachineTemplates<SettingsMachine> = {
  events: {
    'settings.opened': only({ user: me, findableByPhone: false }),
    'settings.closed': none,
    'firstName.changed': only({ text: 'Augusta' }),
    'lastName.changed': only({ text: 'King' }),
    'profile.submitted': none,
    'colour.picked': only({ color: '#2e7d32' }),
    // JSON stands in for the bytes: the simulator's actors are inert.
    'picture.chosen': only({ image: new Uint8Array([0x89, 0x50, 0x4e, 0x47]) }),
    'picture.unreadable': none,
    'picture.removed': none,
    'findable.changed': only({ findableByPhone: true }),
    'sessions.retried': none,
    'revoke.requested': only({ sessionId: otherDevice.id }),
    'profile.saved': [
      variant('name', { part: 'name', user: { ...savedMe, firstName: 'Augusta' } }),
      variant('colour', { part: 'colour', user: savedMe }),
      variant('findable', { part: 'findable', user: savedMe }),
      variant('picture', {
        part: 'picture',
        user: {
          ...savedMe,
          avatar: { ...savedMe.avatar, image: `/avatars/${me.id}/${'a'.repeat(64)}` },
        },
      }),
    ],
    'profile.failed': [
      variant('name', {
        part: 'name',
        error: protocolError('name_not_allowed', 'Names must be more than 2 characters.'),
      }),
      variant('colour', {
        part: 'colour',
        error: protocolError('avatar_not_allowed', 'Pick one of the offered colours.'),
      }),
      variant('findable', { part: 'findable', error: protocolError('rate_limited', 'Slow down.') }),
      variant('picture', {
        part: 'picture',
        error: protocolError('avatar_not_allowed', 'A picture must be a PNG, JPEG or WebP.'),
      }),
    ],
    'sessions.loaded': only({ sessions: [thisDevice, otherDevice] }),
    'sessions.failed': only({ error: protocolError('rate_limited', 'Slow down.') }),
    'session.revoked': only({ sessionId: otherDevice.id }),
    'session.revokeFailed': only({
      sessionId: otherDevice.id,
      error: protocolError('not_found', 'no such session of yours'),
    }),
    'profile.synced': only({ findableByPhone: true }),
    'connection.lost': none,
  },
};

const outgoingMessage: MachineTemplates<OutgoingMessageMachine> = {
  events: {
    'delivery.turn': none,
    'message.acked': only({ clientMessageId: 'sim-1-1', message: ours }),
    'message.rejected': [
      variant('rate limited', {
        clientMessageId: 'sim-1-1',
        error: { code: 'rate_limited', message: 'Slow down.', retryAfterMs: 2_000 },
      }),
      variant('text too long (failed)', {
        clientMessageId: 'sim-1-1',
        error: protocolError('text_too_long', 'The message is too long.'),
      }),
      variant('no ack in time (queued again)', {
        clientMessageId: 'sim-1-1',
        error: protocolError('internal', 'network: no ack within 10 s'),
      }),
    ],
    'connection.lost': none,
    'message.retried': none,
  },
};

const app: MachineTemplates<AppMachine> = {
  events: {
    'signOut.requested': none,
    'network.online': none,
    'network.offline': none,
  },
  done: {
    loadSessionToken: {
      src: 'loadSessionToken',
      variants: [variant('saved token', 'simulated-token'), variant('nothing saved', null)],
    },
    loadUnsent: {
      src: 'loadUnsent',
      variants: [
        variant('a saved draft', {
          version: 1,
          userId: me.id,
          drafts: { [conversation.id]: 'Half a thought' },
          outbox: [],
        }),
        variant('nothing saved', { version: 1, userId: null, drafts: {}, outbox: [] }),
      ],
    },
    onboarding: { src: 'onboarding', variants: only({ user: me, sessionToken }) },
    saveSessionToken: { src: 'saveSessionToken', variants: only(null) },
    session: {
      src: 'session',
      variants: [
        variant('signed out', { reason: 'signedOut', revoked: true }),
        variant('token refused', { reason: 'tokenRefused', message: 'invalid_token' }),
      ],
    },
    forgetSession: { src: 'forgetSession', variants: only(null) },
  },
  error: {
    loadSessionToken: networkOnly,
    loadUnsent: only({ code: 'invalid_payload', message: 'The saved state is unreadable.' }),
    saveSessionToken: only({ code: 'internal', message: 'Could not store the token.' }),
    forgetSession: only({ code: 'internal', message: 'Could not remove the token.' }),
  },
};

const receiptList: MachineTemplates<ReceiptListMachine> = {
  events: {
    // The user's own message in the sample conversation.
    'receiptList.opened': only({ conversationId: conversation.id, seq: 10 }),
    'receiptList.retried': none,
    'receiptList.closed': none,
    // The first request's answer (the sample opens one message): who read it, who has it.
    'receiptList.loaded': [
      {
        name: 'read by one',
        payload: { requestId: 1, readBy: [grace.id], deliveredTo: [alan.id] },
      },
      { name: 'late answer', payload: { requestId: 0, readBy: [], deliveredTo: [] } },
    ],
    'receiptList.failed': only({
      requestId: 1,
      error: protocolError('forbidden', 'Only the author of a message may see who read it.'),
    }),
    'connection.lost': none,
  },
};

// The user's own message (seq 10) and Grace's (seq 11) in the sample conversation; the first
// request's answers (the sample makes one at a time).
const mineToChange = message(10, me.id, 'Tea at four?', 'sim-1-0');
const gracesToChange = message(11, grace.id, 'See you at the lab.', null);
const messageActions: MachineTemplates<MessageActionsMachine> = {
  events: {
    'reply.started': only({
      conversationId: conversation.id,
      quote: {
        messageId: gracesToChange.id,
        seq: gracesToChange.seq,
        authorId: grace.id,
        snippet: gracesToChange.text,
        deleted: false,
      },
    }),
    'reply.submitted': none,
    'edit.started': only({
      conversationId: conversation.id,
      messageId: mineToChange.id,
      seq: mineToChange.seq,
      text: mineToChange.text,
    }),
    'edit.changed': [
      variant('new text', { text: 'Tea at five?' }),
      variant('blank (not savable)', { text: '  ' }),
      variant('as it was (saves nothing)', { text: mineToChange.text }),
    ],
    'edit.submitted': none,
    'composer.cancelled': none,
    'delete.started': [
      variant('own message', {
        conversationId: conversation.id,
        messageId: mineToChange.id,
        forEveryone: true,
      }),
      variant("someone else's", {
        conversationId: conversation.id,
        messageId: gracesToChange.id,
        forEveryone: false,
      }),
    ],
    'delete.confirmed': [
      variant('for everyone', { forEveryone: true }),
      variant('for me', { forEveryone: false }),
    ],
    'delete.cancelled': none,
    'reaction.chosen': [
      variant('thumbs up', {
        conversationId: conversation.id,
        messageId: gracesToChange.id,
        emoji: '👍',
      }),
      variant('take it back', {
        conversationId: conversation.id,
        messageId: gracesToChange.id,
        emoji: null,
      }),
    ],
    'failure.dismissed': none,
    'message.gone': [
      variant('the one being edited', {
        conversationId: conversation.id,
        messageId: mineToChange.id,
      }),
      variant('the one answered', {
        conversationId: conversation.id,
        messageId: gracesToChange.id,
      }),
    ],
    'edit.saved': [
      variant('saved', {
        requestId: 1,
        message: { ...mineToChange, text: 'Tea at five?', editedAt: 1, editCount: 1 },
      }),
      variant('late answer', { requestId: 0, message: mineToChange }),
    ],
    'edit.refused': only({
      requestId: 1,
      error: protocolError('edit_limit_reached', 'a message can be edited at most 10 times'),
    }),
    'change.done': [
      variant('done', { requestId: 1, message: gracesToChange }),
      variant('late answer', { requestId: 0, message: gracesToChange }),
    ],
    'change.failed': only({
      requestId: 1,
      error: protocolError('reactions_full', 'a message carries at most 20 different emoji'),
    }),
    'connection.lost': none,
  },
};

const labHit = {
  message: message(11, grace.id, 'See you at the lab.', null),
  highlights: [[15, 18] as [number, number]],
};

const messageSearch: MachineTemplates<MessageSearchMachine> = {
  events: {
    'search.opened': none,
    'search.closed': none,
    'query.changed': [variant('a word', { text: 'lab' }), variant('cleared', { text: '' })],
    'search.retried': none,
    'olderResults.requested': none,
    'hit.picked': only({ conversationId: conversation.id, seq: 11 }),
    // Answers to the first request (the sample types one query); a late one changes nothing.
    'messages.found': [
      variant('one hit, older ones left', {
        searchId: 1,
        found: {
          results: [{ conversationId: conversation.id, messages: [labHit] }],
          hasMore: true,
          cursor: 11,
        },
      }),
      variant('nothing found', {
        searchId: 1,
        found: { results: [], hasMore: false, cursor: null },
      }),
      variant('late answer', { searchId: 0, found: { results: [], hasMore: false, cursor: null } }),
    ],
    'messages.failed': only({
      searchId: 1,
      error: { code: 'rate_limited', message: 'Too many searches.', retryAfterMs: 20_000 },
    }),
    'connection.lost': none,
  },
};

/** By registry name. */
const byMachine: Readonly<Record<string, MachineTemplates<unknown>>> = {
  onboarding,
  session,
  messenger,
  conversation: conversationTemplates,
  outgoingMessage,
  app,
  newChat,
  membership,
  receiptList,
  messageActions,
  messageSearch,
  settings,
} as Record<string, MachineTemplates<unknown>>;

/** For the test: the src a template says the invoke `invokeId` runs. */
export function templateSrc(machineName: string, invokeId: string): string | undefined {
  return byMachine[machineName]?.done?.[invokeId]?.src;
}

/** A delay's event carries nothing: fired early, it is the event XState schedules. */
const delayed: Variants<Record<string, never>> = [{ name: 'fire now', payload: {} }];

/**
 * The templates for the event an arrow handles (a machine's arrows for one event share them),
 * or undefined when there are none (payloadTemplates.test.ts makes that a failure).
 */
export function templatesFor(
  machineName: string,
  transition: Pick<TransitionStructure, 'kind' | 'eventType' | 'invokeId'>,
): readonly PayloadVariant[] | undefined {
  const templates = byMachine[machineName];
  if (!templates) return undefined;
  switch (transition.kind) {
    case 'after':
      return delayed;
    case 'done.actor':
      return templates.done?.[transition.invokeId ?? '']?.variants as
        | readonly PayloadVariant[]
        | undefined;
    case 'error.actor':
      return templates.error?.[transition.invokeId ?? ''];
    default:
      return (templates.events as Record<string, readonly PayloadVariant[] | undefined>)[
        transition.eventType
      ];
  }
}

/** A template as the payload editor shows it. */
export function payloadText(payload: unknown): string {
  return JSON.stringify(payload, null, 2);
}
