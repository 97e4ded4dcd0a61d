// App: where the user is: restoring a saved session, onboarding, or signed in (session and
// messenger running side by side). While signed in it relays between its two children:
// `messenger.*` requests go to the session, `session.*` reports go to the messenger. Neither
// child knows the other, so each can be tested (and visualized) alone.
import { assertEvent, assign, fromPromise, sendTo, setup } from 'xstate';
import type { SelfUser } from '../server/protocol.ts';
import { messengerMachine } from './messenger.ts';
import { onboardingMachine, type OnboardingOutput } from './onboarding.ts';
import { sessionMachine } from './session.ts';

export interface AppInput {
  /** Chat server URL handed to the session's socket. */
  serverUrl: string;
  /** BCP 47 locale for the phone step's default country. */
  locale: string;
  /** navigator.onLine at start. */
  online: boolean;
  /** Unique per app run (e.g. a random UUID without dashes): prefixes client message ids. */
  clientIdPrefix: string;
  /** Clock for onboarding's resend countdown and optimistic messages (defaults to Date.now). */
  now?: () => number;
  /** Random source for the reconnect jitter (defaults to Math.random). */
  random?: () => number;
}

export interface AppContext {
  serverUrl: string;
  locale: string;
  online: boolean;
  clientIdPrefix: string;
  now: () => number;
  random: () => number;
  sessionToken: string | null;
  /** The signed-in user when known from onboarding (a restored session learns it on sync). */
  user: SelfUser | null;
  /** Why the user is back at onboarding (token refused), shown once there. */
  notice: string | null;
}

export type AppEvent =
  | { type: 'signOut.requested' }
  | { type: 'network.online' }
  | { type: 'network.offline' };

export const appEventTypes = [
  'signOut.requested',
  'network.online',
  'network.offline',
] as const satisfies readonly AppEvent['type'][];

/**
 * Actor contracts (all promise actors, no events accepted):
 * - `loadSessionToken`: no input; resolves with the saved token or null (rejecting counts as
 *   none). Electron: safeStorage-encrypted file via preload; web: localStorage.
 * - `saveSessionToken`: input `{ token }`; resolves when stored (a failure is tolerated: the
 *   user stays signed in for this run).
 * - `clearSessionToken`: no input; resolves when the saved token is gone.
 * - `revokeSession`: input `{ serverUrl, token }`; emits `signOut` on a short-lived socket
 *   authenticated with the token and resolves on its ack (errors are tolerated: the token is
 *   cleared locally anyway).
 * Children: `onboarding` (machines/onboarding.ts), `session` and `messenger`
 * (machines/session.ts, machines/messenger.ts), each provided with its own actors.
 */
export const appMachine = setup({
  types: {
    context: {} as AppContext,
    events: {} as AppEvent,
    input: {} as AppInput,
  },
  actors: {
    loadSessionToken: fromPromise<string | null>(async () => null),
    saveSessionToken: fromPromise<void, { token: string }>(async () => {}),
    clearSessionToken: fromPromise<void>(async () => {}),
    revokeSession: fromPromise<void, { serverUrl: string; token: string }>(async () => {}),
    onboarding: onboardingMachine,
    session: sessionMachine,
    messenger: messengerMachine,
  },
  guards: {
    hasSavedToken: ({ event }) => {
      const output = (event as { output?: unknown }).output;
      return typeof output === 'string' && output.length > 0;
    },
  },
  actions: {
    assignSavedToken: assign(({ event }) => ({
      sessionToken: (event as unknown as { output: string }).output,
    })),
    assignSignedIn: assign(({ event }) => {
      const { user, sessionToken } = (event as unknown as { output: OnboardingOutput }).output;
      return { user, sessionToken, notice: null };
    }),
    assignTokenRefused: assign({
      notice: 'Your session has ended. Please sign in again.',
    }),
    forgetSession: assign({ sessionToken: null, user: null }),
    clearNotice: assign({ notice: null }),
    assignOnline: assign({ online: true }),
    assignOffline: assign({ online: false }),
    forwardToSession: sendTo('session', ({ event }) => event),
    forwardToMessenger: sendTo('messenger', ({ event }) => event),
    forwardNetworkToSession: sendTo('session', ({ event }) => {
      assertEvent(event, ['network.online', 'network.offline']);
      return { type: event.type };
    }),
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
    sessionToken: null,
    user: null,
    notice: null,
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
          { guard: 'hasSavedToken', target: 'signedIn', actions: 'assignSavedToken' },
          { target: 'onboarding' },
        ],
        onError: { target: 'onboarding' },
      },
    },
    onboarding: {
      invoke: {
        id: 'onboarding',
        src: 'onboarding',
        input: ({ context }) => ({ locale: context.locale, now: context.now }),
        onDone: { target: 'savingToken', actions: ['assignSignedIn'] },
      },
    },
    savingToken: {
      invoke: {
        id: 'saveSessionToken',
        src: 'saveSessionToken',
        input: ({ context }) => ({ token: context.sessionToken ?? '' }),
        onDone: { target: 'signedIn' },
        onError: { target: 'signedIn' },
      },
    },
    signedIn: {
      entry: 'clearNotice',
      invoke: [
        {
          id: 'session',
          src: 'session',
          input: ({ context }) => ({
            url: context.serverUrl,
            token: context.sessionToken ?? '',
            online: context.online,
            random: context.random,
          }),
          // The session only ends when the server refuses the token.
          onDone: { target: 'clearingToken', actions: 'assignTokenRefused' },
        },
        {
          id: 'messenger',
          src: 'messenger',
          input: ({ context }) => ({ clientIdPrefix: context.clientIdPrefix, now: context.now }),
        },
      ],
      on: {
        'messenger.*': { actions: 'forwardToSession' },
        'session.*': { actions: 'forwardToMessenger' },
        'network.online': { actions: ['assignOnline', 'forwardNetworkToSession'] },
        'network.offline': { actions: ['assignOffline', 'forwardNetworkToSession'] },
        'signOut.requested': { target: 'signingOut' },
      },
    },
    signingOut: {
      invoke: {
        id: 'revokeSession',
        src: 'revokeSession',
        input: ({ context }) => ({
          serverUrl: context.serverUrl,
          token: context.sessionToken ?? '',
        }),
        onDone: { target: 'clearingToken' },
        onError: { target: 'clearingToken' },
      },
    },
    clearingToken: {
      invoke: {
        id: 'clearSessionToken',
        src: 'clearSessionToken',
        onDone: { target: 'onboarding', actions: 'forgetSession' },
        onError: { target: 'onboarding', actions: 'forgetSession' },
      },
    },
  },
});

export type AppMachine = typeof appMachine;
