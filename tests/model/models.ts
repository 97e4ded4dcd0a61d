// One model per registry machine: the events worth trying in each state (actor results and
// timers listed explicitly) and the context facts that matter. The test fails for a registry
// machine without a model here, so a new machine cannot slip past model-based testing.
import type { AnyMachineSnapshot } from 'xstate';
import { isValidName, type ProtocolError } from '../../server/protocol.ts';
import { appMachine } from '../../machines/app.ts';
import {
  conversationMachine,
  lastSeqBeforeHole,
  type ConversationContext,
} from '../../machines/conversation.ts';
import { membershipMachine, type MembershipContext } from '../../machines/membership.ts';
import { messengerMachine, type MessengerContext } from '../../machines/messenger.ts';
import { isValidGroupTitle, newChatMachine, type NewChatContext } from '../../machines/newChat.ts';
import { onboardingMachine, type OnboardingContext } from '../../machines/onboarding.ts';
import { receiptListMachine, type ReceiptListContext } from '../../machines/receiptList.ts';
import { messageSearchMachine, type MessageSearchContext } from '../../machines/messageSearch.ts';
import {
  messageActionsMachine,
  type MessageActionsContext,
} from '../../machines/messageActions.ts';
import {
  outgoingMessageMachine,
  type OutgoingMessageContext,
} from '../../machines/outgoingMessage.ts';
import { toE164 } from '../../machines/phone.ts';
import { ProtocolFailure } from '../../machines/protocolFailure.ts';
import { sessionMachine, type SessionContext } from '../../machines/session.ts';
import { settingsMachine, type SettingsContext } from '../../machines/settings.ts';
import {
  goku,
  groupUpdate,
  me,
  message,
  newConversationUpdate,
  olderGroupMessages,
  syncData,
} from './fixtures.ts';
import { pendingForever, silentCallback } from './inertActors.ts';
import type { MachineModel, ModelEvent } from './modelKit.ts';

const failure = (code: ProtocolFailure['code'], extra: Partial<ProtocolFailure> = {}) =>
  new ProtocolFailure({ code, message: code, ...extra });
const serverError = (code: ProtocolError['code']): ProtocolError => ({ code, message: code });

// ---------------------------------------------------------------------------------------------
// onboarding
// ---------------------------------------------------------------------------------------------
export const inertOnboarding = onboardingMachine.provide({
  actors: {
    requestCode: pendingForever(),
    verifyCode: pendingForever(),
    createUser: pendingForever(),
  },
});

export const onboardingResendTimer =
  'xstate.after.resendCountdown.onboarding.code.resend.countingDown';

export function onboardingEvents(snapshot: AnyMachineSnapshot): ModelEvent[] {
  if (snapshot.matches('phone')) {
    return [
      { type: 'phone.changed', text: '415555013' },
      { type: 'phone.changed', text: '4155550132' },
      { type: 'phone.pasted', text: '+44 20 7946 0958' },
      // Typed key by key: the "+" stays until the digits tell the country (issue 15, defect 5).
      { type: 'phone.changed', text: '+44 20 7946 0958' },
      { type: 'country.changed', country: 'GB' },
      { type: 'phone.submitted' },
    ];
  }
  if (snapshot.matches('requestingCode')) {
    return [
      {
        type: 'xstate.done.actor.requestCode',
        output: { resendAfterMs: 30_000, expiresInMs: 600_000 },
      },
      { type: 'xstate.error.actor.requestCode', error: failure('network') },
    ];
  }
  if (snapshot.matches('code')) {
    return [
      { type: 'code.changed', text: '12' },
      { type: 'code.changed', text: '123456' },
      { type: 'code.pasted', text: '654321' },
      { type: 'code.pasted', text: '65' },
      { type: 'code.submitted' },
      { type: 'phone.editRequested' },
      { type: onboardingResendTimer },
      { type: 'code.resendRequested' },
      {
        type: 'xstate.done.actor.verifyCode',
        output: { registered: true, verificationToken: 'v', user: me, sessionToken: 's' },
      },
      {
        type: 'xstate.done.actor.verifyCode',
        output: { registered: false, verificationToken: 'v' },
      },
      { type: 'xstate.error.actor.verifyCode', error: failure('code_incorrect', { triesLeft: 4 }) },
      { type: 'xstate.error.actor.verifyCode', error: failure('code_expired') },
      { type: 'xstate.error.actor.verifyCode', error: failure('code_dead') },
      { type: 'xstate.error.actor.verifyCode', error: failure('network') },
      {
        type: 'xstate.done.actor.resendCode',
        output: { resendAfterMs: 30_000, expiresInMs: 600_000 },
      },
      {
        type: 'xstate.error.actor.resendCode',
        error: failure('resend_too_soon', { retryAfterMs: 5_000 }),
      },
      { type: 'xstate.error.actor.resendCode', error: failure('network') },
    ];
  }
  if (snapshot.matches('name')) {
    return [
      { type: 'firstName.changed', text: 'Al' },
      { type: 'firstName.changed', text: 'Ada' },
      { type: 'lastName.changed', text: 'Lovelace' },
      { type: 'name.submitted' },
    ];
  }
  if (snapshot.matches('creatingUser')) {
    return [
      { type: 'xstate.done.actor.createUser', output: { user: me, sessionToken: 's' } },
      { type: 'xstate.error.actor.createUser', error: failure('verification_invalid') },
      { type: 'xstate.error.actor.createUser', error: failure('network') },
    ];
  }
  return [];
}

export function onboardingFacts(snapshot: AnyMachineSnapshot) {
  const context = snapshot.context as OnboardingContext;
  return {
    validPhone: toE164(context.country, context.phoneDigits) !== null,
    codeLength: context.code.length,
    firstNameValid: isValidName(context.firstName),
    lastNameValid: isValidName(context.lastName),
    failure: context.failure?.code ?? null,
    triesLeft: context.triesLeft,
  };
}

const onboardingModel: MachineModel = {
  name: 'onboarding',
  machine: inertOnboarding,
  inputs: [{ locale: 'en-US', now: () => 0 }],
  events: onboardingEvents,
  facts: onboardingFacts,
};

/** Someone who joins the group after the first sync. */
const newcomer = {
  id: 'u-newcomer',
  firstName: 'Alan',
  lastName: 'Turing',
  avatar: { initials: 'AT', color: '#336699' },
};

// ---------------------------------------------------------------------------------------------
// session
// ---------------------------------------------------------------------------------------------
const inertSession = sessionMachine.provide({ actors: { socket: silentCallback() } });

const sessionModel: MachineModel = {
  name: 'session',
  machine: inertSession,
  inputs: [
    { url: 'http://127.0.0.1:1', token: 't', online: true, random: () => 0.5 },
    { url: 'http://127.0.0.1:1', token: 't', online: false, random: () => 0.5 },
  ],
  events: () => [
    { type: 'socket.transportOpened' },
    { type: 'socket.connected' },
    { type: 'socket.authRejected', error: serverError('invalid_token') },
    { type: 'socket.connectFailed', message: 'ECONNREFUSED' },
    { type: 'socket.disconnected', reason: 'transport close' },
    { type: 'sync.received' },
    { type: 'sync.failed', error: serverError('internal') },
    { type: 'connection.unreliable', reason: 'network: operation has timed out' },
    { type: 'signOut.requested' },
    { type: 'signOut.done' },
    { type: 'signOut.failed', error: serverError('internal') },
    { type: 'network.online' },
    { type: 'network.offline' },
    { type: 'xstate.after.reconnectBackoff.session.reconnecting' },
    { type: 'xstate.after.signOutTimeout.session.connection.signingOut' },
  ],
  facts: (snapshot) => {
    const context = snapshot.context as SessionContext;
    return {
      online: context.online,
      retrying: context.attempt > 0,
      ending: context.ending,
    };
  },
};

// ---------------------------------------------------------------------------------------------
// outgoingMessage
// ---------------------------------------------------------------------------------------------
const stored = message({
  id: 'm-g-6',
  seq: 6,
  conversationId: 'c-group',
  authorId: me.id,
  text: 'Hi',
  clientMessageId: 'p-1',
});

const outgoingMessageModel: MachineModel = {
  name: 'outgoingMessage',
  machine: outgoingMessageMachine,
  inputs: [
    { conversationId: 'c-group', text: 'Hi', clientMessageId: 'p-1', createdAt: 0 },
    // Restored after a restart, as it was: failed.
    {
      conversationId: 'c-group',
      text: 'Hi',
      clientMessageId: 'p-1',
      createdAt: 0,
      failure: 'Too long.',
    },
    // A reply: its original may be deleted before it is sent.
    {
      conversationId: 'c-group',
      text: 'Hi',
      clientMessageId: 'p-1',
      createdAt: 0,
      replyTo: { messageId: 'm-g-4', seq: 4, authorId: goku.id, snippet: 'Spar', deleted: false },
    },
  ],
  events: (snapshot) => [
    { type: 'delivery.turn' },
    { type: 'message.acked', clientMessageId: 'p-1', message: stored },
    {
      type: 'message.rejected',
      clientMessageId: 'p-1',
      error: { ...serverError('rate_limited'), retryAfterMs: 500 },
    },
    { type: 'message.rejected', clientMessageId: 'p-1', error: serverError('text_too_long') },
    { type: 'message.rejected', clientMessageId: 'p-1', error: serverError('internal') },
    // Only a reply can be refused so: its original was deleted before the server had it.
    ...((snapshot.context as OutgoingMessageContext | undefined)?.replyTo
      ? [
          {
            type: 'message.rejected',
            clientMessageId: 'p-1',
            error: serverError('message_deleted'),
          },
        ]
      : []),
    { type: 'connection.lost' },
    { type: 'message.retried' },
    { type: 'xstate.after.rateLimitWait.outgoingMessage.rateLimited' },
  ],
  facts: (snapshot) => {
    const context = snapshot.context as OutgoingMessageContext;
    return { failed: context.failure !== null, quoted: context.replyTo !== null };
  },
  // `restoring` only passes a message on: to `failed` if it carries a failure, else `queued`.
  equivalentMutants: {
    'outgoingMessage: sending on message.rejected[3]: retargeted to restoring':
      'a transient failure sets no failure, so restoring passes the message on to queued, ' +
      'its own target, with the same actions',
    'outgoingMessage: failed on message.retried[0]: retargeted to restoring':
      'the retry clears the failure first, so restoring passes the message on to queued',
  },
};

// ---------------------------------------------------------------------------------------------
// conversation
// ---------------------------------------------------------------------------------------------
/** The group as the syncs bring it: its messages changed once so far (change revision 1). */
const groupConversation = () => ({ ...syncData().conversations[1]!, revision: 1 });
/** Goku's message two past the last one known: a hole the conversation must catch up. */
const afterAHole = groupUpdate('Are you there?', 8);
/**
 * The user's own message pushed back: sent from another of their windows, or the echo of the
 * message `p-1` this window sent, whose ack was lost (then it leaves the outbox as delivered).
 */
const ownUpdate = (() => {
  const update = groupUpdate('Hi', 6);
  const mine = { ...update.message!, authorId: me.id, clientMessageId: 'p-1' };
  return { conversation: { ...update.conversation, lastMessage: mine }, message: mine };
})();
/** A resync after the ack of `p-1` was lost: the server has it, and a newcomer is a member. */
const resyncedWithOwn = () => {
  const conversation = groupConversation();
  return {
    ...conversation,
    memberIds: [...conversation.memberIds, 'u-newcomer'],
    lastMessage: ownUpdate.message,
    messages: [...conversation.messages, ownUpdate.message],
  };
};
/** A resync bringing Goku's message, written while the connection was down: unread. */
const resyncedWithUnread = () => {
  const conversation = groupConversation();
  const missed = groupUpdate('While you were away', 6).message!;
  return {
    ...conversation,
    lastMessage: missed,
    messages: [...conversation.messages, missed],
    readSeq: 5,
  };
};
/** What the server holds between the last message known before the hole (5) and the hole (8). */
const catchUpPool = [ownUpdate.message, groupUpdate('Me', 7).message!];
/** A sync that says whether the person muted the group (absent: an older server). */
const mutedSync = (muted: boolean) => ({ ...groupConversation(), muted });
/** Going to a message: one loaded (5), one in the older pages (3). */
const jumpToLoaded = { type: 'message.jumpRequested', seq: 5 };
const jumpToOlder = { type: 'message.jumpRequested', seq: 3 };
/** Its last message as a change list brings it (edited while the user was away). */
const changedWhileAway = (context: ConversationContext, revision: number) =>
  context.lastMessage
    ? [{ ...context.lastMessage, text: 'Changed while away.', editedAt: 2, editCount: 1, revision }]
    : [];
const typingTimer = 'xstate.after.draftingRefresh.conversation.composer.typing.signal.fresh';
const idleTimer = 'xstate.after.draftingIdle.conversation.composer.typing.keystrokes.recent';

const conversationModel: MachineModel = {
  name: 'conversation',
  machine: conversationMachine,
  inputs: [
    { conversation: groupConversation(), currentUserId: me.id, clientIdPrefix: 'p', now: () => 0 },
  ],
  // Typing, sending and asking for older messages happen in the open conversation only: the
  // views have a composer and a log for that one (the conversation.views adapter does them).
  // A catch-up page answers the request the conversation made: after its last seq before the
  // hole, the messages the server holds from there to the hole (the user's own `p-1`, delivered
  // though its ack never came, then Goku's), all, part with more to come, or none.
  events: (snapshot) => {
    const context = snapshot.context as ConversationContext;
    const after = lastSeqBeforeHole(context.messages) ?? 5;
    const missing = catchUpPool.filter((m) => m.seq > after);
    const open = snapshot.matches({ visibility: 'open' });
    // Muting, from the header of the open conversation, another window or a sync: tried in a
    // settled conversation only (live, nothing typed, unsent or loading). While muted, only what
    // muting changes is tried (a new message, being read or not, unmuting): the rest behaves as
    // when audible, and trying it all again would double the paths.
    const settled =
      snapshot.matches({
        link: 'online',
        composer: 'quiet',
        history: 'idle',
        catchUp: 'complete',
      }) &&
      context.draft === '' &&
      context.outbox.length === 0;
    // Going to a message (a reply's quote or a search hit, in the open conversation) and
    // catching up on changes (a sync past the revision caught up to) are tried from a settled,
    // audible conversation only, one at a time; while one is under way, only what moves it on
    // or ends it is tried (the rest behaves as when it is idle).
    const revision = context.revision ?? 0;
    if (!snapshot.matches({ jump: 'idle' })) {
      return [
        { type: 'history.loaded', messages: olderGroupMessages, hasMore: false },
        // A page that does not reach it yet: the next is asked for.
        { type: 'history.loaded', messages: olderGroupMessages.slice(1), hasMore: true },
        { type: 'history.failed', error: serverError('internal') },
        { type: 'connection.lost' },
        { type: 'conversation.synced', conversation: groupConversation(), currentUserId: me.id },
        { type: 'message.jumpShown' },
        { type: 'message.jumpRetried' },
        jumpToLoaded,
        { type: 'conversation.closed' },
      ];
    }
    if (!snapshot.matches({ changes: 'idle' })) {
      return [
        {
          type: 'changes.loaded',
          messages: changedWhileAway(context, revision + 1),
          hasMore: true,
          revision: revision + 2,
        },
        {
          type: 'changes.loaded',
          messages: changedWhileAway(context, revision + 1),
          hasMore: false,
          revision: revision + 1,
        },
        { type: 'changes.failed', error: serverError('internal') },
        { type: 'connection.lost' },
        {
          type: 'conversation.synced',
          conversation: { ...groupConversation(), revision },
          currentUserId: me.id,
        },
        {
          type: 'conversation.synced',
          conversation: { ...groupConversation(), revision: revision + 1 },
          currentUserId: me.id,
        },
      ];
    }
    const audible = snapshot.matches({ notifications: 'audible' });
    const movingOn =
      settled && audible
        ? [
            ...(open ? [jumpToLoaded, jumpToOlder] : []),
            {
              type: 'conversation.synced',
              conversation: { ...groupConversation(), revision: revision + 1 },
              currentUserId: me.id,
            },
          ]
        : [];
    const muting = settled
      ? [
          ...(open ? [{ type: 'mute.toggled' }] : []),
          { type: 'mute.changed', muted: true },
          { type: 'mute.changed', muted: false },
          { type: 'conversation.synced', conversation: mutedSync(true), currentUserId: me.id },
          { type: 'conversation.synced', conversation: mutedSync(false), currentUserId: me.id },
        ]
      : [];
    if (snapshot.matches({ notifications: 'muted' })) {
      return [
        ...(open ? [{ type: 'mute.toggled' }] : []),
        { type: 'mute.changed', muted: true },
        { type: 'mute.changed', muted: false },
        { type: 'conversation.synced', conversation: mutedSync(true), currentUserId: me.id },
        { type: 'conversation.synced', conversation: mutedSync(false), currentUserId: me.id },
        { type: 'channel.updated', update: groupUpdate() },
        { type: 'window.blurred' },
        { type: 'window.focused' },
        { type: 'conversation.opened' },
        { type: 'conversation.closed' },
      ];
    }
    return [
      ...movingOn,
      ...muting,
      { type: 'conversation.synced', conversation: groupConversation(), currentUserId: me.id },
      { type: 'conversation.synced', conversation: resyncedWithOwn(), currentUserId: me.id },
      { type: 'conversation.synced', conversation: resyncedWithUnread(), currentUserId: me.id },
      { type: 'connection.lost' },
      { type: 'channel.updated', update: groupUpdate() },
      { type: 'channel.updated', update: afterAHole },
      // The user's own message, from another of their windows: not unread.
      { type: 'channel.updated', update: ownUpdate },
      { type: 'member.joined', userId: 'u-newcomer' },
      { type: 'member.left', userId: goku.id, adminId: me.id },
      { type: 'window.blurred' },
      { type: 'window.focused' },
      // Read further in another window: up to the last message, or less (an older window).
      { type: 'read.moved', readSeq: context.lastMessage?.seq ?? -1 },
      { type: 'read.moved', readSeq: 0 },
      // The members received (and some read) further: the server's watermarks.
      {
        type: 'receipts.moved',
        receipts: { deliveredSeq: context.lastMessage?.seq ?? -1, readSeq: 0 },
      },
      // Its last message edited by its author, or deleted by the user in another window.
      ...(context.lastMessage
        ? [
            {
              type: 'message.changed',
              message: { ...context.lastMessage, text: 'Edited.', editedAt: 1, editCount: 1 },
            },
            { type: 'message.hidden', messageId: context.lastMessage.id },
          ]
        : []),
      { type: 'conversation.opened' },
      // Opened by a notification's click while the window has no focus: nothing read yet.
      { type: 'conversation.opened', focused: false },
      { type: 'conversation.closed' },
      ...(open
        ? [
            { type: 'draft.changed', text: 'Hi' },
            { type: 'draft.changed', text: '' },
            { type: 'message.submitted' },
            { type: 'history.requested' },
          ]
        : []),
      { type: 'history.loaded', messages: olderGroupMessages, hasMore: false },
      { type: 'history.failed', error: serverError('internal') },
      { type: 'catchUp.loaded', after, messages: missing, hasMore: false },
      { type: 'catchUp.loaded', after, messages: missing.slice(0, 1), hasMore: true },
      { type: 'catchUp.loaded', after, messages: [], hasMore: true },
      { type: 'catchUp.failed', error: serverError('internal') },
      { type: 'outgoing.sent', clientMessageId: 'p-1', message: stored },
      { type: 'outgoing.settled', clientMessageId: 'p-1' },
      { type: typingTimer },
      { type: idleTimer },
    ];
  },
  facts: (snapshot) => {
    const context = snapshot.context as ConversationContext;
    return {
      draft: context.draft !== '',
      unsent: context.outbox.length > 0,
      members: context.memberIds.length,
      unread: context.unread > 0,
      hole: lastSeqBeforeHole(context.messages) !== null,
      hasMore: context.hasMore,
      historyError: context.historyError !== null,
      newMessagesLine: context.unreadFromSeq !== null,
    };
  },
};

// ---------------------------------------------------------------------------------------------
// newChat
// ---------------------------------------------------------------------------------------------
const krillin = {
  id: 'u-krillin',
  firstName: 'Krillin',
  lastName: 'Monk',
  avatar: { initials: 'KM', color: '#c62828' },
};
const searchTimer = 'xstate.after.searchDelay.newChat.open.search.debouncing';

const newChatModel: MachineModel = {
  name: 'newChat',
  machine: newChatMachine,
  inputs: [undefined],
  // Answers carry the number of the request they answer: the latest (the context's), or an
  // older one, which must change nothing.
  events: (snapshot) => {
    const context = snapshot.context as NewChatContext;
    const created = {
      created: true,
      conversation: { ...syncData().conversations[0]!, id: 'c-new' },
      users: [me, krillin],
    };
    return [
      { type: 'newChat.opened', purpose: 'direct' },
      { type: 'newChat.opened', purpose: 'group' },
      { type: 'newChat.opened', purpose: 'add', conversationId: 'c-group', excludedIds: [goku.id] },
      { type: 'newChat.closed' },
      { type: 'query.changed', text: 'kri' },
      { type: 'query.changed', text: ' ' },
      { type: searchTimer },
      { type: 'search.retried' },
      { type: 'people.found', searchId: context.searchId, people: [krillin, goku] },
      { type: 'people.found', searchId: context.searchId - 1, people: [goku] },
      { type: 'people.failed', searchId: context.searchId, error: serverError('rate_limited') },
      // People are picked from the people found and unpicked from the picked (as in the views).
      ...(context.results.some((user) => user.id === krillin.id)
        ? [{ type: 'person.picked', user: krillin }]
        : []),
      ...(context.picked.some((user) => user.id === krillin.id)
        ? [{ type: 'person.unpicked', userId: krillin.id }]
        : []),
      { type: 'members.confirmed' },
      { type: 'title.changed', text: 'Turtle School' },
      { type: 'title.changed', text: ' ' },
      { type: 'group.submitted' },
      { type: 'naming.back' },
      { type: 'conversation.created', requestId: context.requestId, created },
      { type: 'conversation.created', requestId: context.requestId - 1, created },
      {
        type: 'conversation.failed',
        requestId: context.requestId,
        error: serverError('not_found'),
      },
      { type: 'members.added', requestId: context.requestId },
      { type: 'members.failed', requestId: context.requestId, error: serverError('group_full') },
      { type: 'connection.lost' },
    ];
  },
  facts: (snapshot) => {
    const context = snapshot.context as NewChatContext;
    return {
      purpose: context.purpose,
      query: context.query.trim() !== '',
      results: context.results.map((user) => user.id).join(','),
      picked: context.picked.length,
      title: isValidGroupTitle(context.title),
      error: context.error !== null,
    };
  },
};

// ---------------------------------------------------------------------------------------------
// membership
// ---------------------------------------------------------------------------------------------
const membershipModel: MachineModel = {
  name: 'membership',
  machine: membershipMachine,
  inputs: [undefined],
  // Answers about the request in flight, and about another one (late, from an earlier request).
  events: () => [
    { type: 'leave.requested', conversationId: 'c-group' },
    { type: 'removal.requested', conversationId: 'c-group', userId: goku.id },
    { type: 'membership.dismissed' },
    { type: 'leave.done', conversationId: 'c-group' },
    { type: 'leave.done', conversationId: 'c-other' },
    { type: 'leave.failed', conversationId: 'c-group', error: serverError('forbidden') },
    { type: 'removal.done', conversationId: 'c-group', userId: goku.id },
    { type: 'removal.done', conversationId: 'c-group', userId: 'u-other' },
    {
      type: 'removal.failed',
      conversationId: 'c-group',
      userId: goku.id,
      error: serverError('forbidden'),
    },
    { type: 'connection.lost' },
  ],
  facts: (snapshot) => {
    const context = snapshot.context as MembershipContext;
    return {
      conversation: context.conversationId,
      user: context.userId,
      error: context.error !== null,
    };
  },
};

// ---------------------------------------------------------------------------------------------
// receiptList
// ---------------------------------------------------------------------------------------------
const receiptListModel: MachineModel = {
  name: 'receiptList',
  machine: receiptListMachine,
  inputs: [undefined],
  // Two messages to open; answers to the request in flight (the context's number) and late
  // ones to the request before it, which must change nothing.
  events: (snapshot) => {
    const context = snapshot.context as ReceiptListContext;
    return [
      { type: 'receiptList.opened', conversationId: 'c-group', seq: 3 },
      { type: 'receiptList.opened', conversationId: 'c-group', seq: 5 },
      { type: 'receiptList.retried' },
      { type: 'receiptList.closed' },
      {
        type: 'receiptList.loaded',
        requestId: context.requestId,
        readBy: [goku.id],
        deliveredTo: [],
      },
      {
        type: 'receiptList.loaded',
        requestId: context.requestId - 1,
        readBy: [],
        deliveredTo: [goku.id],
      },
      {
        type: 'receiptList.failed',
        requestId: context.requestId,
        error: serverError('forbidden'),
      },
      {
        type: 'receiptList.failed',
        requestId: context.requestId - 1,
        error: serverError('not_found'),
      },
      { type: 'connection.lost' },
    ];
  },
  facts: (snapshot) => {
    const context = snapshot.context as ReceiptListContext;
    return {
      message: context.seq,
      readBy: context.readBy.join(','),
      deliveredTo: context.deliveredTo.join(','),
      error: context.error !== null,
    };
  },
};

// ---------------------------------------------------------------------------------------------
// messageSearch
// ---------------------------------------------------------------------------------------------
export const messageSearchTimer = 'xstate.after.searchDelay.messageSearch.open.debouncing';
/** The group's two messages with "kame" in them, seq 5 the newer: one page each. */
export const kameHits = [5, 2].map((seq) => ({
  message: message({
    id: `m-g-${seq}`,
    seq,
    conversationId: 'c-group',
    authorId: goku.id,
    text: seq === 5 ? 'Kame House at noon' : 'Back to the Kame House',
  }),
  highlights: [seq === 5 ? [0, 4] : [12, 16]] as [number, number][],
}));

const messageSearchModel: MachineModel = {
  name: 'messageSearch',
  machine: messageSearchMachine,
  inputs: [undefined],
  // One query and a blank one; a first page with an older one left, the older (last) page, and
  // none found; answers to the request in flight (the context's number) and late ones to the
  // request before it, which must change nothing.
  events: (snapshot) => {
    const context = snapshot.context as MessageSearchContext;
    const newer = { results: [{ conversationId: 'c-group', messages: [kameHits[0]!] }] };
    const older = { results: [{ conversationId: 'c-group', messages: [kameHits[1]!] }] };
    return [
      { type: 'search.opened' },
      { type: 'search.closed' },
      { type: 'query.changed', text: 'kame' },
      { type: 'query.changed', text: ' ' },
      { type: messageSearchTimer },
      { type: 'search.retried' },
      { type: 'olderResults.requested' },
      // Hits are picked from those shown (as in the views).
      ...context.results.flatMap((group) =>
        group.messages.map((hit) => ({
          type: 'hit.picked',
          conversationId: group.conversationId,
          seq: hit.message.seq,
        })),
      ),
      ...(context.cursor === null
        ? [
            {
              type: 'messages.found',
              searchId: context.searchId,
              found: { ...newer, hasMore: true, cursor: 5 },
            },
          ]
        : [
            {
              type: 'messages.found',
              searchId: context.searchId,
              found: { ...older, hasMore: false, cursor: null },
            },
          ]),
      {
        type: 'messages.found',
        searchId: context.searchId,
        found: { results: [], hasMore: false, cursor: null },
      },
      {
        type: 'messages.found',
        searchId: context.searchId - 1,
        found: { ...newer, hasMore: false, cursor: null },
      },
      {
        type: 'messages.failed',
        searchId: context.searchId,
        error: { code: 'rate_limited', message: 'rate_limited', retryAfterMs: 20_000 },
      },
      {
        type: 'messages.failed',
        searchId: context.searchId - 1,
        error: serverError('invalid_payload'),
      },
      { type: 'connection.lost' },
    ];
  },
  facts: (snapshot) => {
    const context = snapshot.context as MessageSearchContext;
    return {
      query: context.query.trim() !== '',
      hits: context.results
        .flatMap((group) => group.messages.map((hit) => hit.message.seq))
        .join(','),
      hasMore: context.hasMore,
      error: context.error?.code ?? null,
    };
  },
};

// ---------------------------------------------------------------------------------------------
// settings
// ---------------------------------------------------------------------------------------------
const thisDevice = { id: 's-this', createdAt: 0, lastSeenAt: 0, client: 'Chrome', current: true };
const otherDevice = {
  id: 's-other',
  createdAt: 0,
  lastSeenAt: 0,
  client: 'Firefox',
  current: false,
};
const tabletDevice = { ...otherDevice, id: 's-tablet', client: 'Safari' };
const red = '#c62828';
/** The person's own record as the server answers a save. */
const savedMe = {
  ...me,
  firstName: 'Augusta',
  avatar: { ...me.avatar, color: red },
  findableByPhone: true,
};

const pictured = {
  ...savedMe,
  avatar: { ...savedMe.avatar, image: `/avatars/${me.id}/${'a'.repeat(64)}` },
};

/** The open view's regions not in their resting state (sessions listed, nothing being saved). */
function unsettledRegions(snapshot: AnyMachineSnapshot): string[] {
  if (!snapshot.matches('open')) return [];
  return [
    !snapshot.matches({ open: { profile: 'editing' } }) && 'profile',
    !snapshot.matches({ open: { avatar: 'idle' } }) && 'avatar',
    !snapshot.matches({ open: { discovery: 'idle' } }) && 'discovery',
    !snapshot.matches({ open: { devices: 'sessionsListed' } }) && 'devices',
  ].filter((region): region is string => region !== false);
}

const settingsModel: MachineModel = {
  name: 'settings',
  machine: settingsMachine,
  inputs: [undefined],
  // The regions are independent: each one's events are tried while the others rest (every
  // state and transition of each is covered; the product of the four regions is not explored).
  // Answers come for the request in flight and for another part or session.
  events: (snapshot) => {
    const unsettled = unsettledRegions(snapshot);
    const may = (region: string) =>
      unsettled.length === 0 || (unsettled.length === 1 && unsettled[0] === region);
    const events: ModelEvent[] = [
      { type: 'settings.opened', user: me },
      { type: 'settings.closed' },
      { type: 'connection.lost' },
      { type: 'profile.synced', findableByPhone: false },
    ];
    if (may('profile')) {
      events.push(
        { type: 'firstName.changed', text: 'Al' },
        { type: 'firstName.changed', text: 'Augusta' },
        { type: 'lastName.changed', text: 'King' },
        { type: 'profile.submitted' },
        { type: 'profile.saved', part: 'name', user: savedMe },
        { type: 'profile.failed', part: 'name', error: serverError('name_not_allowed') },
      );
    }
    if (may('avatar')) {
      events.push(
        { type: 'colour.picked', color: red },
        { type: 'colour.picked', color: '#123456' },
        { type: 'profile.saved', part: 'colour', user: savedMe },
        { type: 'profile.failed', part: 'colour', error: serverError('avatar_not_allowed') },
        { type: 'picture.chosen', image: new Uint8Array([0x89, 0x50]) },
        { type: 'picture.unreadable' },
        { type: 'picture.removed' },
        { type: 'profile.saved', part: 'picture', user: savedMe },
        { type: 'profile.saved', part: 'picture', user: pictured },
        { type: 'profile.failed', part: 'picture', error: serverError('avatar_not_allowed') },
      );
    }
    if (may('discovery')) {
      events.push(
        { type: 'findable.changed', findableByPhone: true },
        { type: 'profile.saved', part: 'findable', user: savedMe },
        { type: 'profile.failed', part: 'findable', error: serverError('rate_limited') },
      );
    }
    if (may('devices')) {
      events.push(
        { type: 'sessions.loaded', sessions: [thisDevice, otherDevice, tabletDevice] },
        { type: 'sessions.failed', error: serverError('rate_limited') },
        { type: 'sessions.retried' },
        { type: 'revoke.requested', sessionId: otherDevice.id },
        { type: 'revoke.requested', sessionId: thisDevice.id },
        { type: 'revoke.requested', sessionId: tabletDevice.id },
        { type: 'session.revoked', sessionId: otherDevice.id },
        { type: 'session.revoked', sessionId: tabletDevice.id },
        { type: 'session.revoked', sessionId: 's-unknown' },
        {
          type: 'session.revokeFailed',
          sessionId: otherDevice.id,
          error: serverError('not_found'),
        },
      );
    }
    return events;
  },
  facts: (snapshot) => {
    const context = snapshot.context as SettingsContext;
    return {
      nameValid: isValidName(context.firstName) && isValidName(context.lastName),
      color: context.color,
      picture: context.image !== null,
      findable: context.findableByPhone,
      sessions: context.sessions.length,
    };
  },
};

// ---------------------------------------------------------------------------------------------
// messenger
// ---------------------------------------------------------------------------------------------
const inertMessenger = messengerMachine.provide({
  actors: { persistUnsent: silentCallback(), notifier: silentCallback() },
});

/** A group update from someone the user has never heard of (their userJoined was missed). */
const strangerUpdate = () => {
  const update = groupUpdate('Hello all', 6);
  const byStranger = { ...update.message!, authorId: 'u-stranger' };
  return { conversation: { ...update.conversation, lastMessage: byStranger }, message: byStranger };
};

/** A DM someone opened with the user, or one the user made in newChat. */
const addedConversation = {
  ...syncData().conversations[0]!,
  id: 'c-added',
  memberIds: [me.id, goku.id],
};

const messengerEvents: ModelEvent[] = [
  { type: 'sync.received', data: syncData() },
  // The user left the group (or it was removed): the list no longer holds it.
  {
    type: 'sync.received',
    data: { ...syncData(), conversations: syncData().conversations.slice(0, 1) },
  },
  { type: 'sync.failed' },
  { type: 'channel.updated', update: groupUpdate() },
  { type: 'channel.updated', update: newConversationUpdate() },
  { type: 'channel.updated', update: strangerUpdate() },
  { type: 'user.joined', joined: { user: newcomer, conversationIds: ['c-group'] } },
  { type: 'connection.lost' },
  { type: 'authors.seen', userIds: [goku.id] },
  { type: 'authors.seen', userIds: ['u-stranger'] },
  { type: 'conversation.selected', conversationId: 'c-group' },
  { type: 'conversation.selected', conversationId: 'c-vegeta' },
  { type: 'conversation.selected', conversationId: 'c-unknown' },
  { type: 'conversation.closed' },
  { type: 'user.updated', user: { ...goku, firstName: 'Kakarot' } },
  { type: 'member.left', left: { conversationId: 'c-group', userId: goku.id, adminId: null } },
  { type: 'conversation.added', added: { conversation: addedConversation, users: [me, goku] } },
  {
    type: 'conversation.added',
    added: { conversation: addedConversation, users: [me, goku] },
    open: true,
  },
  {
    type: 'conversation.removed',
    removed: { conversationId: 'c-group', reason: 'removed', title: 'Capsule Corp' },
  },
  {
    type: 'conversation.removed',
    removed: { conversationId: 'c-added', reason: 'left', title: '' },
  },
  { type: 'notice.dismissed' },
  { type: 'window.blurred' },
  { type: 'window.focused' },
  { type: 'read.changed', position: { conversationId: 'c-group', readSeq: 5 } },
  {
    type: 'receipts.changed',
    receipts: { conversationId: 'c-group', deliveredSeq: 5, readSeq: 4 },
  },
  // Goku edits his last message; the user deletes it for themselves in another window.
  {
    type: 'message.changed',
    message: { ...groupUpdate().message!, text: 'Edited.', editedAt: 1, editCount: 1 },
  },
  { type: 'message.hidden', conversationId: 'c-group', messageId: groupUpdate().message!.id },
  // From the notifier: what the platform allows (at start, after asking, or changed since).
  { type: 'permission.changed', permission: 'default', dismissed: false },
  { type: 'permission.changed', permission: 'default', dismissed: true },
  { type: 'permission.changed', permission: 'granted', dismissed: false },
  { type: 'permission.changed', permission: 'denied', dismissed: false },
  { type: 'prompt.accepted' },
  { type: 'prompt.declined' },
  // A conversation announces Goku's message; the person clicks its notification.
  {
    type: 'message.notable',
    conversationId: 'c-group',
    kind: 'group',
    title: 'Capsule Corp',
    message: groupUpdate().message!,
  },
  { type: 'notification.clicked', conversationId: 'c-group' },
];

const mutedElsewhere: ModelEvent = {
  type: 'muted.changed',
  state: { conversationId: 'c-group', muted: true },
};

/** What the permission region answers to, and what it gates (showing a notification). */
const permissionEvents = new Set([
  'permission.changed',
  'prompt.accepted',
  'prompt.declined',
  'message.notable',
  'notification.clicked',
]);

const messengerModel: MachineModel = {
  name: 'messenger',
  machine: inertMessenger,
  inputs: [{ clientIdPrefix: 'p', now: () => 0 }],
  events: (snapshot) => {
    if (snapshot.matches({ ready: { permission: 'unknown' } }) || snapshot.matches('loading')) {
      // Another window mutes a conversation: tried with one open, where it must leave the
      // selection (and all else) as it was.
      return snapshot.matches({ ready: { selection: 'viewing' } })
        ? [...messengerEvents, mutedElsewhere]
        : messengerEvents;
    }
    // Once the platform answered, what permission changes: the rest behaves as before.
    return messengerEvents.filter((event) => permissionEvents.has(event.type));
  },
  facts: (snapshot) => {
    const context = snapshot.context as MessengerContext;
    return {
      notice: context.notice !== null,
      selected: context.selectedConversationId,
      conversations: context.conversationIds.length,
      people: Object.keys(context.users).length,
      // Whether the window has the focus (only then does the open conversation count as read).
      focused: context.windowFocused,
    };
  },
};

// ---------------------------------------------------------------------------------------------
// app
// ---------------------------------------------------------------------------------------------
const appModel: MachineModel = {
  name: 'app',
  machine: appMachine.provide({
    actors: {
      loadSessionToken: pendingForever(),
      loadUnsent: pendingForever(),
      saveSessionToken: pendingForever(),
      forgetSession: pendingForever(),
      onboarding: inertOnboarding,
      session: inertSession,
      messenger: inertMessenger,
    },
  }),
  inputs: [
    {
      serverUrl: 'http://127.0.0.1:1',
      locale: 'en-US',
      online: true,
      clientIdPrefix: 'p',
      now: () => 0,
      random: () => 0.5,
    },
  ],
  events: () => [
    { type: 'xstate.done.actor.loadSessionToken', output: 'saved-token' },
    { type: 'xstate.done.actor.loadSessionToken', output: null },
    { type: 'xstate.error.actor.loadSessionToken', error: new Error('unreadable') },
    {
      type: 'xstate.done.actor.loadUnsent',
      output: { version: 1, userId: me.id, drafts: { 'c-group': 'Hi' }, outbox: [] },
    },
    { type: 'xstate.error.actor.loadUnsent', error: new Error('unreadable') },
    { type: 'xstate.done.actor.onboarding', output: { user: me, sessionToken: 'new-token' } },
    { type: 'xstate.done.actor.saveSessionToken' },
    { type: 'xstate.error.actor.saveSessionToken', error: new Error('disk full') },
    { type: 'network.offline' },
    { type: 'network.online' },
    { type: 'signOut.requested' },
    {
      type: 'xstate.done.actor.session',
      output: { reason: 'tokenRefused', message: 'invalid_token' },
    },
    { type: 'xstate.done.actor.session', output: { reason: 'signedOut', revoked: true } },
    { type: 'xstate.done.actor.forgetSession' },
    { type: 'xstate.error.actor.forgetSession', error: new Error('locked') },
  ],
  facts: (snapshot) => {
    const context = snapshot.context as {
      sessionToken: string | null;
      notice: string | null;
      online: boolean;
      unsent: { drafts: Record<string, string> };
    };
    return {
      hasToken: context.sessionToken !== null,
      notice: context.notice !== null,
      online: context.online,
      restoredDrafts: Object.keys(context.unsent.drafts).length > 0,
    };
  },
};

// ---------------------------------------------------------------------------------------------
// messageActions
// ---------------------------------------------------------------------------------------------
/** Goku's message in the group (to reply to, react to, delete for me) and one of the user's. */
export const messageActionsTargets = {
  theirs: message({
    id: 'm-g-4',
    seq: 4,
    conversationId: 'c-group',
    authorId: goku.id,
    text: 'Spar with me',
  }),
  mine: message({
    id: 'm-g-5',
    seq: 5,
    conversationId: 'c-group',
    authorId: me.id,
    text: 'Mine at five',
  }),
} as const;

const messageActionsModel: MachineModel = {
  name: 'messageActions',
  machine: messageActionsMachine,
  inputs: [undefined],
  // One message of someone else's and one of the user's; a new text, a blank one (not savable)
  // and the original (saving it unchanged ends the edit); answers to the request in flight.
  events: (snapshot) => {
    const context = snapshot.context as MessageActionsContext;
    const { theirs, mine } = messageActionsTargets;
    const answered = { ...mine, text: 'Mine, edited', editedAt: mine.sentAt + 1, editCount: 1 };
    return [
      {
        type: 'reply.started',
        conversationId: 'c-group',
        quote: {
          messageId: theirs.id,
          seq: theirs.seq,
          authorId: theirs.authorId,
          snippet: theirs.text,
          deleted: false,
        },
      },
      { type: 'reply.submitted' },
      {
        type: 'edit.started',
        conversationId: 'c-group',
        messageId: mine.id,
        seq: mine.seq,
        text: mine.text,
      },
      { type: 'edit.changed', text: 'Mine, edited' },
      { type: 'edit.changed', text: '  ' },
      { type: 'edit.submitted' },
      { type: 'composer.cancelled' },
      { type: 'delete.started', conversationId: 'c-group', messageId: mine.id, forEveryone: true },
      {
        type: 'delete.started',
        conversationId: 'c-group',
        messageId: theirs.id,
        forEveryone: false,
      },
      { type: 'delete.confirmed', forEveryone: true },
      { type: 'delete.confirmed', forEveryone: false },
      { type: 'delete.cancelled' },
      { type: 'reaction.chosen', conversationId: 'c-group', messageId: theirs.id, emoji: '👍' },
      { type: 'failure.dismissed' },
      // Deleted elsewhere (Goku deletes his; the user's other window deletes theirs).
      { type: 'message.gone', conversationId: 'c-group', messageId: theirs.id },
      { type: 'message.gone', conversationId: 'c-group', messageId: mine.id },
      ...(context.editRequest === null
        ? []
        : [
            { type: 'edit.saved', requestId: context.editRequest, message: answered },
            {
              type: 'edit.refused',
              requestId: context.editRequest,
              error: serverError('edit_limit_reached'),
            },
          ]),
      ...(context.changeRequest === null
        ? []
        : [
            // The adapter's server answers with the message as the request made it.
            { type: 'change.done', requestId: context.changeRequest, message: theirs },
            {
              type: 'change.failed',
              requestId: context.changeRequest,
              error: serverError('forbidden'),
            },
          ]),
      // Late answers: the latest request is no longer awaited (an edit given up while saving,
      // a change answered after the connection dropped).
      ...(context.editRequest === null && context.changeRequest === null && context.requestId > 0
        ? [
            { type: 'edit.saved', requestId: context.requestId, message: answered },
            { type: 'change.done', requestId: context.requestId, message: theirs },
          ]
        : []),
      { type: 'connection.lost' },
    ];
  },
  facts: (snapshot) => {
    const context = snapshot.context as MessageActionsContext;
    return {
      replyingTo: context.replying?.quote.seq ?? null,
      editText: context.editing?.text ?? null,
      editError: context.editError !== null,
      deleting: context.deleting ? (context.deleting.forEveryone ? 'everyone' : 'me') : null,
      changeError: context.changeError !== null,
    };
  },
};

export const models: Record<string, MachineModel> = {
  onboarding: onboardingModel,
  session: sessionModel,
  messenger: messengerModel,
  newChat: newChatModel,
  membership: membershipModel,
  receiptList: receiptListModel,
  messageActions: messageActionsModel,
  messageSearch: messageSearchModel,
  settings: settingsModel,
  conversation: conversationModel,
  outgoingMessage: outgoingMessageModel,
  app: appModel,
};
