// The messenger screen over the real app, session, messenger, conversation and message machines
// and the real atoms, with only the socket scripted: shared by the screen tests.
import { act, cleanup, render, waitFor } from '@testing-library/react';
import { createStore, Provider } from 'jotai';
import { afterEach, expect } from 'vitest';
import { AppAtomsContext } from '../../../../src/renderer/components/AppAtomsContext.tsx';
import { MessengerScreen } from '../../../../src/renderer/messenger/MessengerScreen.tsx';
import type { AppAtoms } from '../../../../src/renderer/state/index.ts';
import { createFakeChatServer, signedInAtoms, type FakeChatServer } from './fakeChat.ts';

/**
 * Registers the cleanup and returns a function that renders a signed-in messenger, lets the
 * session connect, and resolves, with the fake server, once the session has asked for the sync.
 */
export function useSignedInMessenger(): () => Promise<FakeChatServer> {
  let atoms: AppAtoms | undefined;
  afterEach(() => {
    cleanup();
    atoms?.stop();
    atoms = undefined;
  });
  return async () => {
    const server = createFakeChatServer();
    atoms = signedInAtoms(server);
    render(
      <Provider store={createStore()}>
        <AppAtomsContext value={atoms}>
          <MessengerScreen />
        </AppAtomsContext>
      </Provider>,
    );
    // The saved session is read first (promise actors): the socket opens after that.
    await waitFor(() => expect(server.open).toBe(true));
    act(() => server.connect());
    expect(server.sent('requestConversationsAndUsers')).toHaveLength(1);
    return server;
  };
}
