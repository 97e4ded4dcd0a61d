// What the onboarding steps show, read from the onboarding machine's snapshot. Whether a
// button is enabled comes from the machine itself (`snapshot.can`), never re-derived here.
import { callingCodeOf } from '../../../machines/phone.ts';
import type { FailureCode } from '../../../machines/protocolFailure.ts';
import type { OnboardingSnapshot } from './snapshots.ts';

export type OnboardingStep = 'phone' | 'code' | 'name' | 'done';

export interface OnboardingView {
  step: OnboardingStep;
  /** The step's request is on its way (code requested, code being checked, user being created). */
  busy: boolean;
  country: string;
  callingCode: string;
  /** `415-555-0132` */
  phoneFormatted: string;
  /** `+1 415-555-0132`: where the code went. */
  phoneDisplay: string;
  canSubmitPhone: boolean;
  code: string;
  verifying: boolean;
  canSubmitCode: boolean;
  canResend: boolean;
  resending: boolean;
  /** Epoch ms when resend becomes possible; null once it is (or after an expired code). */
  resendAvailableAt: number | null;
  /** After a wrong code. */
  triesLeft: number | null;
  /** The code expired or died: only a new code helps. */
  codeUnusable: boolean;
  /**
   * The code last sent can still be typed and no new one is on its way: the simulated SMS may
   * show it (a dead or replaced code must not be offered).
   */
  sentCodeUsable: boolean;
  firstName: string;
  lastName: string;
  canSubmitName: boolean;
  failure: string | null;
  failureCode: FailureCode | null;
}

function stepOf(snapshot: OnboardingSnapshot): OnboardingStep {
  if (snapshot.matches('done')) return 'done';
  if (snapshot.matches('name') || snapshot.matches('creatingUser')) return 'name';
  if (snapshot.matches('code')) return 'code';
  return 'phone';
}

export function toOnboardingView(snapshot: OnboardingSnapshot): OnboardingView {
  const { context } = snapshot;
  const callingCode = callingCodeOf(context.country);
  const verifying = snapshot.matches({ code: { entry: 'verifying' } });
  const failureCode = context.failure?.code ?? null;
  const resendAvailable = snapshot.matches({ code: { resend: 'available' } });
  return {
    step: stepOf(snapshot),
    busy: snapshot.matches('requestingCode') || verifying || snapshot.matches('creatingUser'),
    country: context.country,
    callingCode,
    phoneFormatted: context.phoneFormatted,
    phoneDisplay: `+${callingCode} ${context.phoneFormatted}`.trim(),
    canSubmitPhone: snapshot.can({ type: 'phone.submitted' }),
    code: context.code,
    verifying,
    canSubmitCode: snapshot.can({ type: 'code.submitted' }),
    canResend: snapshot.can({ type: 'code.resendRequested' }),
    resending: snapshot.matches({ code: { resend: 'requesting' } }),
    resendAvailableAt: resendAvailable ? null : context.resendAvailableAt,
    triesLeft: context.triesLeft,
    codeUnusable:
      failureCode === 'code_expired' ||
      failureCode === 'code_dead' ||
      failureCode === 'code_not_requested',
    sentCodeUsable:
      snapshot.matches({ code: { sentCode: 'usable' } }) &&
      !snapshot.matches({ code: { resend: 'requesting' } }),
    firstName: context.firstName,
    lastName: context.lastName,
    canSubmitName: snapshot.can({ type: 'name.submitted' }),
    failure: context.failure?.message ?? null,
    failureCode,
  };
}
