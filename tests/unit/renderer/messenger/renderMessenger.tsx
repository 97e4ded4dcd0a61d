// The messenger screen over the real app, session and messenger machines and the real atoms,
// with only the socket fake: shared by the screen tests.
import { cleanup, render, waitFor } from '@testing-library/react';
import { createStore, Provider } from 'jotai';
import { afterEach, expect } from 'vitest';
import { AppAtomsContext } from '../../../../src/renderer/components/AppAtomsContext.tsx';
import { MessengerScreen } from '../../../../src/renderer/messenger/MessengerScreen.tsx';
import type { AppAtoms } from '../../../../src/renderer/state/index.ts';
import { FakeChatServer, signedInAtoms } from './fakeChat.ts';

/**
 * Registers the cleanup and returns a function that renders a signed-in messenger and resolves,
 * with the fake server, once the session has asked it for the sync.
 */
export function useSignedInMessenger(): () => Promise<FakeChatServer> {
  let atoms: AppAtoms | undefined;
  afterEach(() => {
    cleanup();
    atoms?.stop();
    atoms = undefined;
  });
  return async () => {
    const server = new FakeChatServer();
    atoms = signedInAtoms(server);
    render(
      <Provider store={createStore()}>
        <AppAtomsContext value={atoms}>
          <MessengerScreen />
        </AppAtomsContext>
      </Provider>,
    );
    await waitFor(() => expect(server.sent('socket.sync')).toHaveLength(1));
    return server;
  };
}
