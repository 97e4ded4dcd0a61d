// @vitest-environment jsdom
// The root picks the screen from the app machine: a loading state while the saved session and
// what it left unsent are read, then onboarding (nobody saved, or the server refused the saved
// session) or the messenger (a saved token), with the drafts and unsent messages handed back.
import { act, cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { atom, createStore } from 'jotai';
import { afterEach, describe, expect, it } from 'vitest';
import { fromPromise } from 'xstate';
import { appMachine } from '../../../machines/app.ts';
import { sessionMachine } from '../../../machines/session.ts';
import type { SocketCommand } from '../../../machines/system.ts';
import { emptyUnsentState, type UnsentState } from '../../../machines/unsent.ts';
import type { VerificationCodeDelivered } from '../../../server/protocol.ts';
import { App } from '../../../src/renderer/App.tsx';
import { SimulatedSmsNotice } from '../../../src/renderer/onboarding/SimulatedSmsNotice.tsx';
import { createSimulatedSmsAtom } from '../../../src/renderer/onboarding/simulatedSms.ts';
import { createAppAtoms, type AppAtoms } from '../../../src/renderer/state/index.ts';
import { silentCallback } from '../../model/inertActors.ts';
import { createScriptedSocket, type ScriptedSocket } from '../support/scriptedSocket.ts';
import { dmId, world } from './messenger/fakeChat.ts';
import { me } from './messenger/fixtures.ts';
import { useFakeLayout } from './messenger/fakeLayout.ts';
import { conversationRowName } from '../support/conversationRows.ts';

useFakeLayout();

let running: AppAtoms | undefined;
afterEach(() => {
  cleanup();
  running?.stop();
  running = undefined;
});

type SocketInput = { url: string; token: string };

function renderApp(
  loadToken: () => Promise<string | null>,
  options: {
    sms?: ReturnType<typeof atom<VerificationCodeDelivered | null>>;
    loadUnsent?: () => Promise<UnsentState>;
    forgetSession?: (input: { keepUnsent: boolean }) => Promise<void>;
    socket?: ScriptedSocket['actor'];
  } = {},
) {
  const machine = appMachine.provide({
    actors: {
      loadSessionToken: fromPromise<string | null>(loadToken),
      loadUnsent: fromPromise<UnsentState>(options.loadUnsent ?? (async () => emptyUnsentState)),
      forgetSession: fromPromise<void, { keepUnsent: boolean }>(({ input }) =>
        (options.forgetSession ?? (async () => {}))(input),
      ),
      session: sessionMachine.provide({
        actors: { socket: options.socket ?? silentCallback<SocketCommand, SocketInput>() },
      }),
    },
  });
  const atoms = createAppAtoms(machine, {
    serverUrl: 'http://127.0.0.1:1',
    locale: 'en-US',
    online: true,
    clientIdPrefix: 'p',
  });
  running = atoms;
  render(
    <App
      atoms={atoms}
      store={createStore()}
      simulatedSmsAtom={options.sms ?? atom<VerificationCodeDelivered | null>(null)}
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

  it('keeps the loading state while what the last run left unsent is read', async () => {
    let finishLoading: (unsent: UnsentState) => void = () => {};
    renderApp(async () => 'saved-token', {
      loadUnsent: () => new Promise((resolve) => (finishLoading = resolve)),
    });
    await act(async () => {});
    expect(screen.getByRole('progressbar', { name: 'Restoring your session…' })).toBeTruthy();
    await act(async () => finishLoading(emptyUnsentState));
    expect(await screen.findByRole('progressbar', { name: 'Loading conversations' })).toBeTruthy();
    expect(screen.queryByRole('progressbar', { name: 'Restoring your session…' })).toBeNull();
  });

  it('hands back the draft and the unsent message of the last run, and sends the message once connected', async () => {
    const server = createScriptedSocket();
    renderApp(async () => 'saved-token', {
      socket: server.actor,
      loadUnsent: async () => ({
        version: 1,
        userId: me.id,
        drafts: { [dmId]: 'Half a thought' },
        outbox: [
          {
            conversationId: dmId,
            text: 'Written offline',
            clientMessageId: 'earlier-1-1',
            createdAt: Date.now() - 60_000,
            failure: null,
          },
        ],
      }),
    });
    await waitFor(() => expect(server.open).toBe(true));
    act(() => server.connect());
    act(() => server.sync(world()));
    // Given its turn as soon as the conversation is live, under the id it had before.
    expect(server.sentIds()).toEqual(['earlier-1-1']);

    const list = await screen.findByRole('list', { name: 'Conversations' });
    await userEvent.click(
      within(list).getByRole('button', { name: conversationRowName('Vegeta Prince') }),
    );
    const field = screen.getByRole('textbox', { name: 'Message' }) as HTMLTextAreaElement;
    expect(field.value).toBe('Half a thought');
    const log = screen.getByRole('log', { name: 'Messages' });
    const mine = within(log).getByRole('article', { name: 'You' });
    expect(within(mine).getByText('Written offline')).toBeTruthy();
    expect(within(mine).getByTitle('Sending')).toBeTruthy();
  });

  it('goes back to onboarding, saying why, when the server refuses the saved session', async () => {
    const server = createScriptedSocket();
    let forgotten: { keepUnsent: boolean } | null = null;
    renderApp(async () => 'revoked-token', {
      socket: server.actor,
      forgetSession: async (input) => {
        forgotten = input;
      },
    });
    await waitFor(() => expect(server.open).toBe(true));
    act(() =>
      server.session({
        type: 'socket.authRejected',
        error: { code: 'invalid_token', message: 'invalid_token' },
      }),
    );
    expect(await screen.findByRole('textbox', { name: 'Phone number' })).toBeTruthy();
    expect(screen.getByRole('alert').textContent).toBe(
      'Your session has ended. Please sign in again.',
    );
    // The token is forgotten; what was left unsent is kept for the same user signing in again.
    expect(forgotten).toEqual({ keepUnsent: true });
    expect(server.open).toBe(false);
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
