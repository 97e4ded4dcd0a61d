import { afterEach, describe, expect, it } from 'vitest';
import { settle, startApp } from './harness.ts';

let app: Awaited<ReturnType<typeof startApp>> | undefined;
afterEach(() => app?.stop());

describe('onboardingViewAtom', () => {
  it('shows the phone step with the formatted number, country and whether Next is possible', async () => {
    app = await startApp({ savedToken: null });
    const { store, atoms } = app;
    expect(store.get(atoms.screenAtom)).toBe('onboarding');
    store.set(atoms.sendToOnboardingAtom, { type: 'phone.changed', text: '415555' });
    expect(store.get(atoms.onboardingViewAtom)).toMatchObject({
      step: 'phone',
      country: 'US',
      callingCode: '1',
      phoneFormatted: '415-555',
      canSubmitPhone: false,
    });
    store.set(atoms.sendToOnboardingAtom, { type: 'phone.pasted', text: '+44 20 7946 0958' });
    expect(store.get(atoms.onboardingViewAtom)).toMatchObject({
      country: 'GB',
      callingCode: '44',
      phoneFormatted: '20-7946-0958',
      phoneDisplay: '+44 20-7946-0958',
      canSubmitPhone: true,
    });
  });

  it('shows the code step, when resend becomes available, and then offers it', async () => {
    app = await startApp({ savedToken: null });
    const { store, atoms, clock } = app;
    store.set(atoms.sendToOnboardingAtom, { type: 'phone.changed', text: '4155550132' });
    store.set(atoms.sendToOnboardingAtom, { type: 'phone.submitted' });
    expect(store.get(atoms.onboardingViewAtom)).toMatchObject({ step: 'phone', busy: true });
    await settle();
    expect(store.get(atoms.onboardingViewAtom)).toMatchObject({
      step: 'code',
      busy: false,
      canResend: false,
      resendAvailableAt: 1_000_000 + 30_000,
      canSubmitCode: false,
      sentCodeUsable: true,
    });
    store.set(atoms.sendToOnboardingAtom, { type: 'code.changed', text: '12' });
    expect(store.get(atoms.onboardingViewAtom)?.code).toBe('12');
    clock.increment(30_000);
    expect(store.get(atoms.onboardingViewAtom)).toMatchObject({
      canResend: true,
      resendAvailableAt: null,
    });
    // While a new code is on its way, the one sent before is not offered.
    store.set(atoms.sendToOnboardingAtom, { type: 'code.resendRequested' });
    expect(store.get(atoms.onboardingViewAtom)).toMatchObject({
      resending: true,
      sentCodeUsable: false,
    });
    await settle();
    expect(store.get(atoms.onboardingViewAtom)).toMatchObject({
      resending: false,
      sentCodeUsable: true,
    });
  });
});
