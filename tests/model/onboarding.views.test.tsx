// @vitest-environment jsdom
// The generated onboarding paths (tests/model/onboardingPaths.ts), executed against the real
// onboarding views inside the real App, through the adapter kit (tests/model/realKit.ts, adapter
// `onboarding.views`): a covering subset by default, every path with PARLEY_MODEL_PATHS=all, the
// onboarding machine's coverage inside the views written to coverage/model-real, and a failing
// path shrunk and saved as a replayable fixture. The user types, pastes, picks and clicks by role
// and name; fake request actors settle when the path says; a fake clock ends the resend
// countdown. At each step the screen must show what the machine's expected state and facts say.
import { act, cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent, { type UserEvent } from '@testing-library/user-event';
import { atom, createStore } from 'jotai';
import { afterEach, beforeEach, expect, vi } from 'vitest';
import { fromPromise, type StateValue } from 'xstate';
import { appMachine } from '../../machines/app.ts';
import { messengerMachine } from '../../machines/messenger.ts';
import { onboardingMachine } from '../../machines/onboarding.ts';
import { toProtocolFailure, userMessageFor } from '../../machines/protocolFailure.ts';
import { sessionMachine } from '../../machines/session.ts';
import type {
  CodeRequested,
  CodeVerified,
  CreateUser,
  UserSignedIn,
  VerificationCodeDelivered,
} from '../../server/protocol.ts';
import { App } from '../../src/renderer/App.tsx';
import { createAppAtoms } from '../../src/renderer/state/index.ts';
import { silentCallback } from './inertActors.ts';
import { models } from './models.ts';
import { userActionFor, type Facts, type ModelPath, type UserAction } from './onboardingPaths.ts';
import { describeAdapter, type CoverageRecorder } from './realKit.ts';

type ActorName = 'requestCode' | 'verifyCode' | 'createUser';

/** The code the fake server texts (its simulated SMS) whenever a code request succeeds. */
const textedCode = '246810';

/**
 * Promise actors whose calls wait until the path settles them. A code request that succeeds
 * first delivers the simulated SMS, as the development server does before it answers.
 */
class FakeRequests {
  readonly #pending = new Map<
    ActorName,
    { resolve: (v: unknown) => void; reject: (e: unknown) => void; input: unknown }
  >();
  readonly #deliver: (delivery: VerificationCodeDelivered) => void;

  constructor(deliver: (delivery: VerificationCodeDelivered) => void) {
    this.#deliver = deliver;
  }

  actor<TOutput, TInput>(name: ActorName) {
    return fromPromise<TOutput, TInput>(
      ({ input }) =>
        new Promise<TOutput>((resolve, reject) => {
          this.#pending.set(name, { resolve: resolve as (v: unknown) => void, reject, input });
        }),
    );
  }

  settle(name: ActorName, outcome: 'done' | 'error', value: unknown): void {
    const call = this.#pending.get(name);
    if (!call) throw new Error(`the path settles ${name}, but the app has no ${name} request open`);
    this.#pending.delete(name);
    if (outcome === 'done' && name === 'requestCode') {
      this.#deliver({ phone: (call.input as { phone: string }).phone, code: textedCode });
    }
    if (outcome === 'done') call.resolve(value);
    else call.reject(value);
  }
}

function startApp(recorder: CoverageRecorder) {
  const store = createStore();
  const smsAtom = atom<VerificationCodeDelivered | null>(null);
  const requests = new FakeRequests((delivery) => store.set(smsAtom, delivery));
  const machine = appMachine.provide({
    actors: {
      loadSessionToken: fromPromise<string | null>(async () => null),
      saveSessionToken: fromPromise<void, { token: string }>(async () => {}),
      forgetSession: fromPromise<void, { keepUnsent: boolean }>(async () => {}),
      onboarding: onboardingMachine.provide({
        actors: {
          requestCode: requests.actor<CodeRequested, { phone: string }>('requestCode'),
          verifyCode: requests.actor<CodeVerified, { phone: string; code: string }>('verifyCode'),
          createUser: requests.actor<UserSignedIn, CreateUser>('createUser'),
        },
      }),
      session: sessionMachine.provide({ actors: { socket: silentCallback() } }),
      messenger: messengerMachine,
    },
  });
  const atoms = createAppAtoms(
    machine,
    { serverUrl: 'http://127.0.0.1:1', locale: 'en-US', online: true, clientIdPrefix: 'p' },
    { inspect: recorder.inspect },
  );
  render(<App atoms={atoms} store={store} simulatedSmsAtom={smsAtom} />);
  return { requests, atoms };
}

// ---- what the user sees --------------------------------------------------------------------

const field = (name: string) => screen.queryByRole('textbox', { name }) as HTMLInputElement | null;
const button = (name: string) => screen.getByRole('button', { name });
const regionName = new Intl.DisplayNames(['en-US'], { type: 'region' });

/** What a person can tell from the screen, in the terms the model's states and facts use. */
interface Seen {
  step: 'phone' | 'code' | 'name' | 'none';
  /** The step's main action shows it is working (requesting, verifying, creating). */
  busy?: boolean;
  /** The step's main action can be pressed (Next, Finish). */
  canSubmit?: boolean;
  codeDigits?: number;
  /** "N tries left" beside the code field. */
  triesLeft?: number | null;
  resendEnabled?: boolean;
  /** The simulated SMS shows a code (only while the code sent can still be used). */
  smsCode?: boolean;
  /** The first sentence of the error shown, or null. */
  failure?: string | null;
}

const firstSentence = (text: string) => text.split('.')[0] ?? text;

function seenOnScreen(): Seen {
  const alert = screen.queryByRole('alert');
  const failure = alert ? firstSentence(alert.textContent ?? '') : null;
  const phone = field('Phone number');
  const code = field('Verification code');
  const first = field('First name');
  if (phone) {
    const next = button('Next');
    return {
      step: 'phone',
      busy: next.getAttribute('aria-busy') === 'true',
      canSubmit: !next.hasAttribute('disabled'),
      failure,
    };
  }
  if (code) {
    const description = document.getElementById(code.getAttribute('aria-describedby') ?? '');
    const tries = /^(\d+) tr(y|ies) left/.exec(description?.textContent ?? '');
    return {
      step: 'code',
      busy: button('Verify').getAttribute('aria-busy') === 'true',
      codeDigits: /^\d*$/.test(code.value) ? code.value.length : -1,
      triesLeft: tries ? Number(tries[1]) : null,
      resendEnabled: !button('Resend code').hasAttribute('disabled'),
      smsCode: screen.queryByText(`Simulated SMS: your code is ${textedCode}`) !== null,
      failure,
    };
  }
  if (first) {
    const finish = button('Finish');
    return {
      step: 'name',
      busy: finish.getAttribute('aria-busy') === 'true',
      canSubmit: !finish.hasAttribute('disabled'),
      failure,
    };
  }
  return { step: 'none' };
}

/** What the screen must show for a model state and its facts. */
function expectedOnScreen(value: StateValue, facts: Facts): Seen {
  const top = typeof value === 'string' ? value : Object.keys(value)[0];
  const inside = JSON.stringify(value);
  const failure =
    facts.failure === null
      ? null
      : firstSentence(
          userMessageFor(
            toProtocolFailure({ code: facts.failure, message: String(facts.failure) }),
          ),
        );
  switch (top) {
    case 'phone':
    case 'requestingCode':
      return {
        step: 'phone',
        busy: top === 'requestingCode',
        canSubmit: top === 'phone' && facts.validPhone === true,
        failure,
      };
    case 'code':
      return {
        step: 'code',
        busy: inside.includes('"verifying"'),
        codeDigits: facts.codeLength as number,
        // While verifying, the field's description says so instead.
        triesLeft: inside.includes('"verifying"') ? null : (facts.triesLeft as number | null),
        resendEnabled: inside.includes('"available"'),
        // A dead code, or one a resend is replacing, is not offered.
        smsCode: inside.includes('"sentCode":"usable"') && !inside.includes('"requesting"'),
        failure,
      };
    case 'name':
    case 'creatingUser':
      return {
        step: 'name',
        busy: top === 'creatingUser',
        canSubmit: top === 'name' && facts.firstNameValid === true && facts.lastNameValid === true,
        failure,
      };
    default:
      return { step: 'none' };
  }
}

// ---- what the user does --------------------------------------------------------------------

const fieldNames = {
  phone: 'Phone number',
  code: 'Verification code',
  firstName: 'First name',
  lastName: 'Last name',
} as const;
const buttonNames = {
  next: 'Next',
  verify: 'Verify',
  resend: 'Resend code',
  changeNumber: 'Change number',
  createAccount: 'Finish',
} as const;

async function perform(user: UserEvent, action: UserAction, requests: FakeRequests): Promise<void> {
  switch (action.kind) {
    case 'type': {
      const input = field(fieldNames[action.field]) as HTMLInputElement;
      if (input.disabled || input.readOnly) return; // the person cannot type here now
      // Replace what the field shows with the new text, keystroke by keystroke.
      await user.click(input);
      if (action.text === '') await user.clear(input);
      else
        await user.type(input, action.text, {
          initialSelectionStart: 0,
          initialSelectionEnd: input.value.length,
        });
      return;
    }
    case 'paste': {
      const input = field(fieldNames[action.field]) as HTMLInputElement;
      if (input.disabled || input.readOnly) return;
      await user.click(input);
      input.setSelectionRange(0, input.value.length);
      await user.paste(action.text);
      return;
    }
    case 'selectCountry': {
      const country = screen.getByRole('combobox', { name: 'Country' });
      await user.click(country);
      await user.clear(country);
      const name = regionName.of(action.country) ?? action.country;
      await user.type(country, name);
      const listbox = await screen.findByRole('listbox');
      await user.click(within(listbox).getAllByRole('option', { name: new RegExp(name) })[0]!);
      return;
    }
    case 'click': {
      const target = button(buttonNames[action.button]);
      // A press the machine turns away (its guard says no) is one the view must not offer: the
      // button is disabled, and the step's expected state (unchanged) is checked as usual.
      if ((target as HTMLButtonElement).disabled) return;
      await user.click(target);
      return;
    }
    case 'settle': {
      const actor = action.actor === 'resendCode' ? 'requestCode' : action.actor;
      await act(async () => requests.settle(actor, action.outcome, action.value));
      return;
    }
    case 'advanceClock': {
      await act(async () => {
        vi.advanceTimersByTime(60_000);
      });
      return;
    }
  }
}

// ---- the paths -----------------------------------------------------------------------------

beforeEach(() => {
  // Time moves on its own (so typing and waiting work) and jumps when the path says.
  vi.useFakeTimers({ shouldAdvanceTime: true });
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

/** The facts this adapter reads from the screen (expectedOnScreen); any other fails the path. */
const observedFacts = new Set([
  'validPhone',
  'codeLength',
  'firstNameValid',
  'lastNameValid',
  'failure',
  'triesLeft',
]);

async function runOnScreen(path: ModelPath, recorder: CoverageRecorder): Promise<void> {
  const user = userEvent.setup({ delay: null });
  const { requests, atoms } = startApp(recorder);
  try {
    const unknown = [path.initial, ...path.steps.map((step) => step.expected)]
      .flatMap((expected) => Object.keys(expected.facts))
      .filter((key) => !observedFacts.has(key));
    if (unknown.length > 0) {
      throw new Error(
        `onboarding.views: the path carries fact(s) ${[...new Set(unknown)].join(', ')} the ` +
          `screen adapter does not observe (it observes ${[...observedFacts].join(', ')})`,
      );
    }
    await screen.findByRole('textbox', { name: 'Phone number' });
    expect(seenOnScreen()).toEqual(expectedOnScreen(path.initial.value, path.initial.facts));
    for (const [index, step] of path.steps.entries()) {
      await perform(user, userActionFor(step.event), requests);
      const where = `path "${path.description}", step ${index + 1} (${step.event.type})`;
      await waitFor(() =>
        expect({ where, ...seenOnScreen() }).toEqual({
          where,
          ...expectedOnScreen(step.expected.value, step.expected.facts),
        }),
      );
    }
  } finally {
    cleanup();
    atoms.stop();
  }
}

describeAdapter('onboarding.views', models.onboarding!, runOnScreen);
