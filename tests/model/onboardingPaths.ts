// The onboarding machine's generated paths as data, for any adapter that claims to behave like
// the machine. The machine adapter is tests/model/machines.model.test.ts (via runPath); a view
// adapter (tests/model/onboarding.views.test.tsx) renders the onboarding steps with Testing
// Library against an app whose onboarding actors are controllable fakes, then for each step:
//
// - performs the step's event as a user would (`userActionFor` says which: type into the phone
//   field, paste, pick a country, press Next, ...), or, for `xstate.done.actor.*` /
//   `xstate.error.actor.*` / `xstate.after.*` events, settles the matching fake actor with
//   `event.output` / `event.error` or advances the fake clock past the countdown;
// - asserts what the user sees for `expected.value` (which step is shown, busy or not) and
//   `expected.facts` (`validPhone` -> Next enabled, `codeLength` -> the code field's digits,
//   `failure` -> the error text shown, `triesLeft` -> "N tries left",
//   `firstNameValid`/`lastNameValid` -> Continue enabled when both hold).
import type { EventObject } from 'xstate';

export type { ModelPath, ModelStep, Facts } from './modelKit.ts';
export { onboardingResendTimer } from './models.ts';

/** How a user (or a fake actor, or the clock) produces an onboarding path event. */
export type UserAction =
  | { kind: 'type'; field: 'phone' | 'code' | 'firstName' | 'lastName'; text: string }
  | { kind: 'paste'; field: 'phone' | 'code'; text: string }
  | { kind: 'selectCountry'; country: string }
  | { kind: 'click'; button: 'next' | 'verify' | 'resend' | 'changeNumber' | 'createAccount' }
  | {
      kind: 'settle';
      actor: 'requestCode' | 'resendCode' | 'verifyCode' | 'createUser';
      outcome: 'done' | 'error';
      value: unknown;
    }
  | { kind: 'advanceClock'; timer: 'resendCountdown' };

export function userActionFor(event: EventObject): UserAction {
  const payload = event as EventObject & Record<string, unknown>;
  const text = String(payload.text ?? '');
  switch (event.type) {
    case 'phone.changed':
      return { kind: 'type', field: 'phone', text };
    case 'phone.pasted':
      return { kind: 'paste', field: 'phone', text };
    case 'country.changed':
      return { kind: 'selectCountry', country: String(payload.country) };
    case 'phone.submitted':
      return { kind: 'click', button: 'next' };
    case 'code.changed':
      return { kind: 'type', field: 'code', text };
    case 'code.pasted':
      return { kind: 'paste', field: 'code', text };
    case 'code.submitted':
      return { kind: 'click', button: 'verify' };
    case 'code.resendRequested':
      return { kind: 'click', button: 'resend' };
    case 'phone.editRequested':
      return { kind: 'click', button: 'changeNumber' };
    case 'firstName.changed':
      return { kind: 'type', field: 'firstName', text };
    case 'lastName.changed':
      return { kind: 'type', field: 'lastName', text };
    case 'name.submitted':
      return { kind: 'click', button: 'createAccount' };
    default: {
      const settled =
        /^xstate\.(done|error)\.actor\.(requestCode|resendCode|verifyCode|createUser)$/.exec(
          event.type,
        );
      if (settled) {
        const outcome = settled[1] as 'done' | 'error';
        return {
          kind: 'settle',
          actor: settled[2] as 'requestCode' | 'resendCode' | 'verifyCode' | 'createUser',
          outcome,
          value: outcome === 'done' ? payload.output : payload.error,
        };
      }
      if (event.type.startsWith('xstate.after.resendCountdown.')) {
        return { kind: 'advanceClock', timer: 'resendCountdown' };
      }
      throw new Error(`No user action produces ${event.type}`);
    }
  }
}
