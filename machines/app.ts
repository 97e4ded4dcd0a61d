// App: where the user is: restoring a saved session, onboarding, or signed in. Signed in, it
// runs the session (systemId "session") and the messenger (systemId "messenger") side by side;
// they and the actors under them reach each other through the system, not through the app.
// Sign-out goes through the live session's socket; when the session ends (signed out, or the
// server refused the token) the saved session and what was left unsent are forgotten.
import { assign, fromPromise, sendTo, setup } from 'xstate';
import type { SelfUser } from '../server/protocol.ts';
import { messengerMachine } from './messenger.ts';
import { onboardingMachine, type OnboardingOutput } from './onboarding.ts';
import { sessionMachine, type SessionOutput } from './session.ts';
import { systemIds } from './system.ts';
import { emptyUnsentState, type UnsentState } from './unsent.ts';

export interface AppInput {
  /** Chat server URL handed to the session's socket. */
  serverUrl: string;
  /** BCP 47 locale for the phone step's default country. */
  locale: string;
  /** navigator.onLine at start. */
  online: boolean;
  /** Unique per app run (e.g. a random UUID without dashes): prefixes client message ids. */
  clientIdPrefix: string;
  /** Clock for onboarding's resend countdown and messages' send times (defaults to Date.now). */
  now?: () => number;
  /** Random source for the reconnect jitter (defaults to Math.random). */
  random?: () => number;
  /** An unguessable id per message (see MessengerInput.randomId); the app passes a UUID. */
  randomId?: () => string;
}

export interface AppContext {
  serverUrl: string;
  locale: string;
  online: boolean;
  clientIdPrefix: string;
  now: () => number;
  random: () => number;
  randomId: (() => string) | null;
  sessionToken: string | null;
  /** The signed-in user when known from onboarding (a restored session learns it on sync). */
  user: SelfUser | null;
  /** Drafts and unsent messages restored with the saved session, for the messenger. */
  unsent: UnsentState;
  /** Why the user is back at onboarding (token refused), shown once there. */
  notice: string | null;
  /**
   * Whether what was left unsent outlives the session that ended: yes when the server refused
   * the token (the same person signing in again gets it back), no when they signed out.
   */
  keepUnsent: boolean;
}

export type AppEvent =
  | { type: 'signOut.requested' }
  | { type: 'network.online' }
  | { type: 'network.offline' };

/**
 * Actor contracts (promise actors; rejecting counts as "nothing saved" where it can):
 * - `loadSessionToken`: the saved token or null (Electron: safeStorage-encrypted file via the
 *   preload; web: localStorage).
 * - `loadUnsent`: the drafts and unsent messages saved with that session (machines/unsent.ts).
 * - `saveSessionToken`: input `{ token }`; resolves when stored (a failure is tolerated: the
 *   user stays signed in for this run).
 * - `forgetSession`: input `{ keepUnsent }`; removes the saved token, and the unsent state
 *   unless `keepUnsent` (it is bound to its user: no one else gets it back).
 * Children: `onboarding`, `session` (its `socket` provided), `messenger`.
 */
export const appMachine = setup({
  types: {
    context: {} as AppContext,
    events: {} as AppEvent,
    input: {} as AppInput,
    children: {} as {
      loadSessionToken: 'loadSessionToken';
      loadUnsent: 'loadUnsent';
      saveSessionToken: 'saveSessionToken';
      forgetSession: 'forgetSession';
      onboarding: 'onboarding';
      session: 'session';
      messenger: 'messenger';
    },
  },
  actors: {
    loadSessionToken: fromPromise<string | null>(async () => null),
    loadUnsent: fromPromise<UnsentState>(async () => emptyUnsentState),
    saveSessionToken: fromPromise<void, { token: string }>(async () => {}),
    forgetSession: fromPromise<void, { keepUnsent: boolean }>(async () => {}),
    onboarding: onboardingMachine,
    session: sessionMachine,
    messenger: messengerMachine,
  },
  guards: {
    hasSavedToken: (_, params: { token: string | null }) =>
      params.token !== null && params.token.length > 0,
    wasTokenRefused: (_, params: { output: SessionOutput }) =>
      params.output.reason === 'tokenRefused',
  },
  actions: {
    assignSavedToken: assign((_, params: { token: string | null }) => ({
      sessionToken: params.token,
    })),
    assignUnsent: assign((_, params: { unsent: UnsentState }) => ({ unsent: params.unsent })),
    assignSignedIn: assign((_, params: { output: OnboardingOutput }) => ({
      user: params.output.user,
      sessionToken: params.output.sessionToken,
      unsent: emptyUnsentState,
      notice: null,
    })),
    assignTokenRefused: assign({
      notice: 'Your session has ended. Please sign in again.',
      keepUnsent: true,
    }),
    assignSignedOut: assign({ keepUnsent: false }),
    forgetUser: assign({ sessionToken: null, user: null, unsent: emptyUnsentState }),
    clearNotice: assign({ notice: null }),
    assignOnline: assign({ online: true }),
    assignOffline: assign({ online: false }),
    forwardToSession: sendTo(systemIds.session, ({ event }) => event),
  },
}).createMachine({
  id: 'app',
  context: ({ input }) => ({
    serverUrl: input.serverUrl,
    locale: input.locale,
    online: input.online,
    clientIdPrefix: input.clientIdPrefix,
    now: input.now ?? Date.now,
    random: input.random ?? Math.random,
    randomId: input.randomId ?? null,
    sessionToken: null,
    user: null,
    unsent: emptyUnsentState,
    notice: null,
    keepUnsent: false,
  }),
  initial: 'restoring',
  on: {
    'network.online': { actions: 'assignOnline' },
    'network.offline': { actions: 'assignOffline' },
  },
  states: {
    restoring: {
      invoke: {
        id: 'loadSessionToken',
        src: 'loadSessionToken',
        onDone: [
          {
            guard: { type: 'hasSavedToken', params: ({ event }) => ({ token: event.output }) },
            target: 'restoringUnsent',
            actions: { type: 'assignSavedToken', params: ({ event }) => ({ token: event.output }) },
          },
          { target: 'onboarding' },
        ],
        onError: { target: 'onboarding' },
      },
    },
    restoringUnsent: {
      invoke: {
        id: 'loadUnsent',
        src: 'loadUnsent',
        onDone: {
          target: 'signedIn',
          actions: { type: 'assignUnsent', params: ({ event }) => ({ unsent: event.output }) },
        },
        // Unreadable: the session still works, without what was left unsent.
        onError: { target: 'signedIn' },
      },
    },
    onboarding: {
      invoke: {
        id: 'onboarding',
        src: 'onboarding',
        input: ({ context }) => ({ locale: context.locale, now: context.now }),
        onDone: {
          target: 'savingToken',
          actions: { type: 'assignSignedIn', params: ({ event }) => ({ output: event.output }) },
        },
      },
    },
    savingToken: {
      invoke: {
        id: 'saveSessionToken',
        src: 'saveSessionToken',
        input: ({ context }) => ({ token: context.sessionToken ?? '' }),
        // What the same person left unsent before (their session was refused) comes back.
        onDone: { target: 'restoringUnsent' },
        onError: { target: 'restoringUnsent' },
      },
    },
    signedIn: {
      entry: 'clearNotice',
      invoke: [
        {
          id: 'session',
          systemId: systemIds.session,
          src: 'session',
          input: ({ context }) => ({
            url: context.serverUrl,
            token: context.sessionToken ?? '',
            online: context.online,
            random: context.random,
          }),
          onDone: [
            {
              guard: { type: 'wasTokenRefused', params: ({ event }) => ({ output: event.output }) },
              target: 'forgettingSession',
              actions: 'assignTokenRefused',
            },
            { target: 'forgettingSession', actions: 'assignSignedOut' },
          ],
        },
        {
          id: 'messenger',
          systemId: systemIds.messenger,
          src: 'messenger',
          input: ({ context }) => ({
            clientIdPrefix: context.clientIdPrefix,
            now: context.now,
            unsent: context.unsent,
            ...(context.randomId ? { randomId: context.randomId } : {}),
          }),
        },
      ],
      on: {
        'network.online': { actions: ['assignOnline', 'forwardToSession'] },
        'network.offline': { actions: ['assignOffline', 'forwardToSession'] },
        'signOut.requested': { actions: 'forwardToSession' },
      },
    },
    forgettingSession: {
      invoke: {
        id: 'forgetSession',
        src: 'forgetSession',
        input: ({ context }) => ({ keepUnsent: context.keepUnsent }),
        onDone: { target: 'onboarding', actions: 'forgetUser' },
        onError: { target: 'onboarding', actions: 'forgetUser' },
      },
    },
  },
});

export type AppMachine = typeof appMachine;
