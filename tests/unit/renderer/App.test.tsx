// @vitest-environment jsdom
// The root picks the screen from the app machine: a loading state while the saved session is
// read, then onboarding (nobody saved) or the messenger (a saved token).
import { act, cleanup, render, screen } from '@testing-library/react';
import { atom, createStore } from 'jotai';
import { afterEach, describe, expect, it } from 'vitest';
import { fromPromise } from 'xstate';
import { appMachine } from '../../../machines/app.ts';
import { sessionMachine } from '../../../machines/session.ts';
import type { VerificationCodeDelivered } from '../../../server/protocol.ts';
import { App } from '../../../src/renderer/App.tsx';
import { SimulatedSmsNotice } from '../../../src/renderer/onboarding/SimulatedSmsNotice.tsx';
import { createSimulatedSmsAtom } from '../../../src/renderer/onboarding/simulatedSms.ts';
import { WebPlatform } from '../../../src/renderer/platform/WebPlatform.ts';
import { createAppAtoms } from '../../../src/renderer/state/index.ts';
import { silentCallback } from '../../model/inertActors.ts';

afterEach(cleanup);

function renderApp(
  loadToken: () => Promise<string | null>,
  sms = atom<VerificationCodeDelivered | null>(null),
) {
  const machine = appMachine.provide({
    actors: {
      loadSessionToken: fromPromise<string | null>(loadToken),
      session: sessionMachine.provide({ actors: { socket: silentCallback() } }),
    },
  });
  const atoms = createAppAtoms(machine, {
    serverUrl: 'http://127.0.0.1:1',
    locale: 'en-US',
    online: true,
    clientIdPrefix: 'p',
  });
  render(
    <App
      platform={new WebPlatform(window)}
      atoms={atoms}
      store={createStore()}
      simulatedSmsAtom={sms}
    />,
  );
  return atoms;
}

describe('App', () => {
  it('shows a loading state while restoring, then onboarding when nobody is saved', async () => {
    let finishLoading: (token: string | null) => void = () => {};
    renderApp(() => new Promise((resolve) => (finishLoading = resolve)));
    expect(screen.getByRole('progressbar', { name: 'Restoring your session…' })).toBeTruthy();
    await act(async () => finishLoading(null));
    expect(await screen.findByRole('textbox', { name: 'Phone number' })).toBeTruthy();
    expect(screen.getByRole('combobox', { name: 'Country' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Next' }).hasAttribute('disabled')).toBe(true);
  });

  it('goes straight to the messenger with a saved session', async () => {
    renderApp(async () => 'saved-token');
    // The socket never syncs here, so the messenger shows its loading skeleton.
    await screen.findByRole('progressbar', { name: 'Loading conversations' });
    expect(screen.queryByRole('textbox', { name: 'Phone number' })).toBeNull();
  });

  it('hears the simulated SMS only while something shows it', async () => {
    const listeners = new Set<(delivery: VerificationCodeDelivered) => void>();
    const sms = createSimulatedSmsAtom({
      onCodeDelivered: (listener) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    });
    const store = createStore();
    expect(listeners.size).toBe(0);
    const unsubscribe = store.sub(sms, () => {});
    expect(listeners.size).toBe(1);
    for (const listener of listeners) listener({ phone: '+14155550132', code: '123456' });
    expect(store.get(sms)).toEqual({ phone: '+14155550132', code: '123456' });
    unsubscribe();
    expect(listeners.size).toBe(0);
  });

  it('announces the simulated SMS as a status', () => {
    render(<SimulatedSmsNotice code="654321" />);
    expect(screen.getByRole('status').textContent).toBe('Simulated SMS: your code is 654321');
  });
});
