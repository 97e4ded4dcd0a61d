// Onboarding: phone number -> SMS code -> name -> a signed-in user. Pure logic; the three
// server requests are promise actors supplied from outside with `.provide()`.
import { assertEvent, assign, fromPromise, setup } from 'xstate';
import type {
  CodeRequested,
  CodeVerified,
  CreateUser,
  SelfUser,
  UserSignedIn,
} from '../server/protocol.ts';
import { isValidName, Limits } from '../server/protocol.ts';
import {
  applyPhoneEdit,
  countryFromLocale,
  digitsOnly,
  formatPhone,
  isSupportedCountry,
  phoneFieldText,
  readPhoneText,
  toE164,
  type CountryCode,
} from './phone.ts';
import {
  ProtocolFailure,
  toProtocolFailure,
  userMessageFor,
  type FailureCode,
} from './protocolFailure.ts';

export interface OnboardingInput {
  /** BCP 47 locale whose region picks the default country ("en-GB" -> GB). */
  locale: string;
  /** Clock for `resendAvailableAt` (defaults to Date.now); tests pass a fake. */
  now?: () => number;
}

export interface OnboardingFailure {
  code: FailureCode;
  /** Plain words for the user. */
  message: string;
}

export interface OnboardingContext {
  country: CountryCode;
  /** National digits as entered (non-digits filtered). */
  phoneDigits: string;
  /**
   * What the phone field shows: the digits grouped with hyphens, e.g. `415-555-0132`, or an
   * international number being typed (`+44 20 79`) until its digits tell the country.
   */
  phoneFormatted: string;
  /** The code typed so far: digits only, at most 6. */
  code: string;
  firstName: string;
  lastName: string;
  verificationToken: string | null;
  /** After a wrong code: how many attempts the code has left. */
  triesLeft: number | null;
  /** The server's resend countdown for the last code sent. */
  resendAfterMs: number;
  /** When resend becomes possible (epoch ms, from the injected clock), null before a code. */
  resendAvailableAt: number | null;
  /** The last failure, shown on the current step until the user acts again. */
  failure: OnboardingFailure | null;
  user: SelfUser | null;
  sessionToken: string | null;
  now: () => number;
}

export interface OnboardingOutput {
  user: SelfUser;
  sessionToken: string;
}

export type OnboardingEvent =
  /** The phone field's whole new text after a keystroke (typing, deleting). */
  | { type: 'phone.changed'; text: string }
  /** Text pasted into the phone field: replaces the number; `+44 ...` switches country. */
  | { type: 'phone.pasted'; text: string }
  | { type: 'country.changed'; country: string }
  | { type: 'phone.submitted' }
  /** The code field's whole new text; a 6th digit submits the code. */
  | { type: 'code.changed'; text: string }
  | { type: 'code.pasted'; text: string }
  | { type: 'code.submitted' }
  | { type: 'code.resendRequested' }
  /** "Change number": back to the phone step, number kept. */
  | { type: 'phone.editRequested' }
  | { type: 'firstName.changed'; text: string }
  | { type: 'lastName.changed'; text: string }
  | { type: 'name.submitted' };

/**
 * Actor contracts (promise actors; the app provides socket-backed ones, tests fakes):
 *
 * - `requestCode`: input `{ phone }` (E.164). Emits `requestVerificationCode`; resolves with the
 *   ack's `CodeRequested` `{ resendAfterMs, expiresInMs }`. Rejects with a `ProtocolFailure`
 *   carrying the ack error (`rate_limited`/`resend_too_soon` with `retryAfterMs`,
 *   `invalid_payload`, ...) or `code: 'network'` when the server cannot be reached or the ack
 *   times out.
 * - `verifyCode`: input `{ phone, code }`. Emits `verifyCode`; resolves with `CodeVerified`
 *   (`registered: true` carries `user` and `sessionToken`). Rejects with a `ProtocolFailure`:
 *   `code_incorrect` (with `triesLeft`), `code_expired`, `code_dead`, `code_not_requested`,
 *   `rate_limited`, `network`, ...
 * - `createUser`: input `CreateUser` `{ phone, firstName, lastName, verificationToken }`.
 *   Emits `creatingNewUser`; resolves with `UserSignedIn` `{ user, sessionToken }`. Rejects
 *   with a `ProtocolFailure` (`verification_invalid`, `invalid_payload`, `network`, ...).
 *
 * None of them accepts events. The defaults reject with `code: 'network'`.
 */
const notConnected = (): Promise<never> =>
  Promise.reject(new ProtocolFailure({ code: 'network', message: 'No transport provided.' }));

const codeFromText = (text: string): string => digitsOnly(text).slice(0, Limits.codeLength);

const failureFrom = (error: unknown): OnboardingFailure => {
  const failure = toProtocolFailure(error);
  return { code: failure.code, message: userMessageFor(failure) };
};

export const onboardingMachine = setup({
  types: {
    context: {} as OnboardingContext,
    events: {} as OnboardingEvent,
    input: {} as OnboardingInput,
    output: {} as OnboardingOutput,
  },
  actors: {
    requestCode: fromPromise<CodeRequested, { phone: string }>(notConnected),
    verifyCode: fromPromise<CodeVerified, { phone: string; code: string }>(notConnected),
    createUser: fromPromise<UserSignedIn, CreateUser>(notConnected),
  },
  delays: {
    resendCountdown: ({ context }) => context.resendAfterMs,
  },
  guards: {
    isSupportedCountry: ({ event }) => {
      assertEvent(event, 'country.changed');
      return isSupportedCountry(event.country);
    },
    isValidPhone: ({ context }) => toE164(context.country, context.phoneDigits) !== null,
    completesCode: ({ event }) => {
      assertEvent(event, ['code.changed', 'code.pasted']);
      return codeFromText(event.text).length === Limits.codeLength;
    },
    isCompleteCode: ({ context }) => context.code.length === Limits.codeLength,
    isRegistered: ({ event }) => (event as { output?: CodeVerified }).output?.registered === true,
    isWrongCode: ({ event }) =>
      toProtocolFailure((event as { error?: unknown }).error).code === 'code_incorrect',
    isCodeUnusable: ({ event }) => {
      const { code } = toProtocolFailure((event as { error?: unknown }).error);
      return code === 'code_expired' || code === 'code_dead' || code === 'code_not_requested';
    },
    isResendTooSoon: ({ event }) => {
      const failure = toProtocolFailure((event as { error?: unknown }).error);
      return failure.code === 'resend_too_soon' && failure.retryAfterMs !== undefined;
    },
    isVerificationInvalid: ({ event }) =>
      toProtocolFailure((event as { error?: unknown }).error).code === 'verification_invalid',
    hasValidName: ({ context }) => isValidName(context.firstName) && isValidName(context.lastName),
  },
  actions: {
    applyPhoneEdit: assign(({ context, event }) => {
      assertEvent(event, 'phone.changed');
      const entry = applyPhoneEdit(
        { country: context.country, digits: context.phoneDigits },
        event.text,
      );
      return {
        country: entry.country,
        phoneDigits: entry.digits,
        phoneFormatted: phoneFieldText(entry),
        failure: null,
      };
    }),
    applyPastedPhone: assign(({ context, event }) => {
      assertEvent(event, 'phone.pasted');
      const entry = readPhoneText(event.text, context.country);
      return {
        country: entry.country,
        phoneDigits: entry.digits,
        phoneFormatted: formatPhone(entry.country, entry.digits),
        failure: null,
      };
    }),
    assignCountry: assign(({ context, event }) => {
      assertEvent(event, 'country.changed');
      const country = event.country as CountryCode;
      return { country, phoneFormatted: formatPhone(country, context.phoneDigits), failure: null };
    }),
    assignCode: assign(({ event }) => {
      assertEvent(event, ['code.changed', 'code.pasted']);
      return { code: codeFromText(event.text), failure: null };
    }),
    assignCodeSent: assign(({ context, event }) => {
      const { resendAfterMs } = (event as unknown as { output: CodeRequested }).output;
      return {
        code: '',
        triesLeft: null,
        failure: null,
        resendAfterMs,
        resendAvailableAt: context.now() + resendAfterMs,
      };
    }),
    assignResendWait: assign(({ context, event }) => {
      const failure = toProtocolFailure((event as { error?: unknown }).error);
      const resendAfterMs = failure.retryAfterMs ?? context.resendAfterMs;
      return {
        failure: failureFrom(failure),
        resendAfterMs,
        resendAvailableAt: context.now() + resendAfterMs,
      };
    }),
    assignWrongCode: assign(({ event }) => {
      const failure = toProtocolFailure((event as { error?: unknown }).error);
      return { code: '', triesLeft: failure.triesLeft ?? null, failure: failureFrom(failure) };
    }),
    assignUnusableCode: assign(({ event }) => ({
      code: '',
      triesLeft: null,
      failure: failureFrom((event as { error?: unknown }).error),
      resendAvailableAt: null,
    })),
    assignFailure: assign(({ event }) => ({
      failure: failureFrom((event as { error?: unknown }).error),
    })),
    assignVerificationToken: assign(({ event }) => ({
      verificationToken: (event as unknown as { output: CodeVerified }).output.verificationToken,
      failure: null,
    })),
    assignSignedIn: assign(({ event }) => {
      const { user, sessionToken } = (event as unknown as { output: UserSignedIn }).output;
      return { user, sessionToken, failure: null };
    }),
    leaveCodeStep: assign({ code: '', triesLeft: null, failure: null, verificationToken: null }),
    assignFirstName: assign(({ event }) => {
      assertEvent(event, 'firstName.changed');
      return { firstName: event.text, failure: null };
    }),
    assignLastName: assign(({ event }) => {
      assertEvent(event, 'lastName.changed');
      return { lastName: event.text, failure: null };
    }),
  },
}).createMachine({
  id: 'onboarding',
  context: ({ input }) => ({
    country: countryFromLocale(input.locale),
    phoneDigits: '',
    phoneFormatted: '',
    code: '',
    firstName: '',
    lastName: '',
    verificationToken: null,
    triesLeft: null,
    resendAfterMs: Limits.codeResendAfterMs,
    resendAvailableAt: null,
    failure: null,
    user: null,
    sessionToken: null,
    now: input.now ?? Date.now,
  }),
  initial: 'phone',
  states: {
    phone: {
      on: {
        'phone.changed': { actions: 'applyPhoneEdit' },
        'phone.pasted': { actions: 'applyPastedPhone' },
        'country.changed': { guard: 'isSupportedCountry', actions: 'assignCountry' },
        'phone.submitted': { guard: 'isValidPhone', target: 'requestingCode' },
      },
    },
    requestingCode: {
      invoke: {
        id: 'requestCode',
        src: 'requestCode',
        input: ({ context }) => ({ phone: toE164(context.country, context.phoneDigits) ?? '' }),
        onDone: { target: 'code', actions: 'assignCodeSent' },
        onError: { target: 'phone', actions: 'assignFailure' },
      },
    },
    code: {
      type: 'parallel',
      on: {
        'phone.editRequested': { target: 'phone', actions: 'leaveCodeStep' },
      },
      states: {
        entry: {
          initial: 'editing',
          states: {
            editing: {
              on: {
                'code.changed': [
                  { guard: 'completesCode', target: 'verifying', actions: 'assignCode' },
                  { actions: 'assignCode' },
                ],
                'code.pasted': [
                  { guard: 'completesCode', target: 'verifying', actions: 'assignCode' },
                  { actions: 'assignCode' },
                ],
                'code.submitted': { guard: 'isCompleteCode', target: 'verifying' },
              },
            },
            verifying: {
              invoke: {
                id: 'verifyCode',
                src: 'verifyCode',
                input: ({ context }) => ({
                  phone: toE164(context.country, context.phoneDigits) ?? '',
                  code: context.code,
                }),
                onDone: [
                  {
                    guard: 'isRegistered',
                    target: '#onboarding.done',
                    actions: 'assignSignedIn',
                  },
                  { target: '#onboarding.name', actions: 'assignVerificationToken' },
                ],
                onError: [
                  { guard: 'isWrongCode', target: 'editing', actions: 'assignWrongCode' },
                  {
                    guard: 'isCodeUnusable',
                    target: [
                      '#onboarding.code.entry.editing',
                      '#onboarding.code.resend.available',
                      '#onboarding.code.sentCode.dead',
                    ],
                    actions: 'assignUnusableCode',
                  },
                  { target: 'editing', actions: 'assignFailure' },
                ],
              },
            },
          },
        },
        resend: {
          initial: 'countingDown',
          states: {
            countingDown: {
              after: { resendCountdown: 'available' },
            },
            available: {
              on: { 'code.resendRequested': 'requesting' },
            },
            requesting: {
              invoke: {
                id: 'resendCode',
                src: 'requestCode',
                input: ({ context }) => ({
                  phone: toE164(context.country, context.phoneDigits) ?? '',
                }),
                onDone: {
                  target: ['countingDown', '#onboarding.code.sentCode.usable'],
                  actions: 'assignCodeSent',
                },
                onError: [
                  { guard: 'isResendTooSoon', target: 'countingDown', actions: 'assignResendWait' },
                  { target: 'available', actions: 'assignFailure' },
                ],
              },
            },
          },
        },
        // Whether the code last sent can still be typed: the simulated SMS shows it only then.
        // Too many wrong tries or an expired code kill it; only a new code (resend) helps.
        sentCode: {
          initial: 'usable',
          states: {
            usable: {},
            dead: {},
          },
        },
      },
    },
    name: {
      on: {
        'firstName.changed': { actions: 'assignFirstName' },
        'lastName.changed': { actions: 'assignLastName' },
        'name.submitted': { guard: 'hasValidName', target: 'creatingUser' },
      },
    },
    creatingUser: {
      invoke: {
        id: 'createUser',
        src: 'createUser',
        input: ({ context }) => ({
          phone: toE164(context.country, context.phoneDigits) ?? '',
          firstName: context.firstName.trim(),
          lastName: context.lastName.trim(),
          verificationToken: context.verificationToken ?? '',
        }),
        onDone: { target: 'done', actions: 'assignSignedIn' },
        onError: [
          {
            guard: 'isVerificationInvalid',
            target: 'phone',
            actions: ['leaveCodeStep', 'assignFailure'],
          },
          { target: 'name', actions: 'assignFailure' },
        ],
      },
    },
    done: {
      type: 'final',
    },
  },
  output: ({ context }) => ({
    user: context.user as SelfUser,
    sessionToken: context.sessionToken as string,
  }),
});

export type OnboardingMachine = typeof onboardingMachine;
