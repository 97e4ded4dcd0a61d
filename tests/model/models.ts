// One model per registry machine: the events worth trying in each state (actor results and
// timers listed explicitly) and the context facts that matter. The test fails for a registry
// machine without a model here, so a new machine cannot slip past model-based testing.
import type { AnyMachineSnapshot } from 'xstate';
import { isValidName, type ProtocolError } from '../../server/protocol.ts';
import { appMachine } from '../../machines/app.ts';
import { messengerMachine, type MessengerContext } from '../../machines/messenger.ts';
import { onboardingMachine, type OnboardingContext } from '../../machines/onboarding.ts';
import { toE164 } from '../../machines/phone.ts';
import { ProtocolFailure } from '../../machines/protocolFailure.ts';
import { sessionMachine, type SessionContext } from '../../machines/session.ts';
import {
  groupUpdate,
  me,
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

// ---------------------------------------------------------------------------------------------
// session
// ---------------------------------------------------------------------------------------------
const outgoing = { conversationId: 'c-vegeta', text: 'Hi', clientMessageId: 'p-1' };
const acked = {
  id: 'm-1',
  conversationId: 'c-vegeta',
  authorId: me.id,
  text: 'Hi',
  sentAt: 1,
  seq: 1,
  clientMessageId: 'p-1',
};

/** Someone who joins the group after the first sync. */
const newcomer = {
  id: 'u-newcomer',
  firstName: 'Alan',
  lastName: 'Turing',
  avatar: { initials: 'AT', color: '#336699' },
};

const sessionModel: MachineModel = {
  name: 'session',
  machine: sessionMachine.provide({ actors: { socket: silentCallback() } }),
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
    { type: 'socket.synced', data: syncData() },
    { type: 'socket.syncFailed', error: serverError('internal') },
    { type: 'socket.channelUpdate', update: groupUpdate() },
    { type: 'socket.userJoined', joined: { user: newcomer, conversationIds: ['c-group'] } },
    { type: 'socket.messageAcked', clientMessageId: 'p-1', message: acked },
    { type: 'socket.messageRejected', clientMessageId: 'p-1', error: serverError('text_too_long') },
    {
      type: 'socket.messageRejected',
      clientMessageId: 'p-1',
      error: { ...serverError('rate_limited'), retryAfterMs: 500 },
    },
    { type: 'socket.messageRejected', clientMessageId: 'p-1', error: serverError('internal') },
    {
      type: 'socket.messagesLoaded',
      conversationId: 'c-group',
      messages: olderGroupMessages,
      hasMore: false,
    },
    { type: 'socket.messagesFailed', conversationId: 'c-group', error: serverError('internal') },
    {
      type: 'socket.caughtUp',
      conversationId: 'c-group',
      after: 5,
      messages: [groupUpdate().message!],
      hasMore: false,
    },
    { type: 'socket.catchUpFailed', conversationId: 'c-group', error: serverError('internal') },
    { type: 'messenger.messageSent', message: outgoing },
    { type: 'messenger.catchUpRequested', conversationId: 'c-group', after: 5 },
    { type: 'messenger.resyncRequested' },
    { type: 'messenger.draftingChanged', conversationId: 'c-vegeta', isDrafting: true },
    { type: 'messenger.historyRequested', conversationId: 'c-group', before: 5 },
    { type: 'network.online' },
    { type: 'network.offline' },
    { type: 'xstate.after.reconnectBackoff.session.reconnecting' },
    { type: 'xstate.after.rateLimitWait.session.connection.live.rateLimited' },
  ],
  facts: (snapshot) => {
    const context = snapshot.context as SessionContext;
    return {
      online: context.online,
      outbox: context.outbox.map((entry) => entry.clientMessageId),
      retrying: context.attempt > 0,
    };
  },
};

// ---------------------------------------------------------------------------------------------
// messenger
// ---------------------------------------------------------------------------------------------
function lastClientId(context: MessengerContext): string {
  return `${context.clientIdPrefix}-${context.nextClientId - 1}`;
}

const messengerModel: MachineModel = {
  name: 'messenger',
  machine: messengerMachine,
  inputs: [{ clientIdPrefix: 'p', now: () => 0 }],
  events: (snapshot) => {
    const context = snapshot.context as MessengerContext;
    const clientMessageId = lastClientId(context);
    const events: ModelEvent[] = [
      { type: 'session.synced', data: syncData() },
      { type: 'conversation.selected', conversationId: 'c-group' },
      { type: 'conversation.closed' },
      { type: 'draft.changed', text: 'Hi' },
      { type: 'draft.changed', text: '' },
      { type: 'history.requested', conversationId: 'c-group' },
      { type: 'drafting.refreshDue', conversationId: 'c-group' },
      { type: 'drafting.idleElapsed', conversationId: 'c-group' },
      { type: 'session.channelUpdate', update: groupUpdate() },
      { type: 'session.channelUpdate', update: newConversationUpdate() },
      {
        type: 'session.messagesLoaded',
        conversationId: 'c-group',
        messages: olderGroupMessages,
        hasMore: false,
      },
      { type: 'session.historyFailed', conversationId: 'c-group', error: serverError('internal') },
      { type: 'session.userJoined', user: newcomer, conversationIds: ['c-group'] },
      {
        type: 'session.caughtUp',
        conversationId: 'c-group',
        after: 5,
        messages: [groupUpdate().message!],
        hasMore: false,
      },
      {
        type: 'session.catchUpFailed',
        conversationId: 'c-group',
        error: serverError('internal'),
      },
    ];
    // One optimistic message at a time keeps the graph finite.
    if (context.pending.length === 0) events.push({ type: 'message.submitted' });
    else {
      events.push(
        { type: 'message.retried', clientMessageId },
        {
          type: 'session.messageAcked',
          clientMessageId,
          message: {
            ...acked,
            conversationId: 'c-group',
            clientMessageId,
            id: `m-${clientMessageId}`,
            seq: 7,
          },
        },
        { type: 'session.messageRejected', clientMessageId, error: serverError('text_too_long') },
      );
    }
    return events;
  },
  facts: (snapshot) => {
    const context = snapshot.context as MessengerContext;
    const group = context.conversations['c-group'];
    return {
      selected: context.selectedConversationId,
      draft: (context.drafts['c-group'] ?? '') !== '',
      drafting: context.drafting['c-group'] ?? 'idle',
      pending: context.pending.map((entry) => entry.status),
      loadingHistory: group?.loadingHistory ?? false,
      hasMore: group?.hasMore ?? null,
      unread: group?.unread ?? 0,
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
      saveSessionToken: pendingForever(),
      clearSessionToken: pendingForever(),
      revokeSession: pendingForever(),
      onboarding: inertOnboarding,
      session: sessionMachine.provide({ actors: { socket: silentCallback() } }),
      messenger: messengerMachine,
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
    { type: 'xstate.done.actor.onboarding', output: { user: me, sessionToken: 'new-token' } },
    { type: 'xstate.done.actor.saveSessionToken' },
    { type: 'xstate.error.actor.saveSessionToken', error: new Error('disk full') },
    { type: 'messenger.messageSent', message: outgoing },
    { type: 'session.synced', data: syncData() },
    { type: 'network.offline' },
    { type: 'network.online' },
    {
      type: 'xstate.done.actor.session',
      output: { reason: 'tokenRefused', message: 'invalid_token' },
    },
    { type: 'signOut.requested' },
    { type: 'xstate.done.actor.revokeSession' },
    { type: 'xstate.error.actor.revokeSession', error: new Error('offline') },
    { type: 'xstate.done.actor.clearSessionToken' },
    { type: 'xstate.error.actor.clearSessionToken', error: new Error('locked') },
  ],
  facts: (snapshot) => {
    const context = snapshot.context as {
      sessionToken: string | null;
      notice: string | null;
      online: boolean;
    };
    return {
      hasToken: context.sessionToken !== null,
      notice: context.notice !== null,
      online: context.online,
    };
  },
};

export const models: Record<string, MachineModel> = {
  onboarding: onboardingModel,
  session: sessionModel,
  messenger: messengerModel,
  app: appModel,
};
