// A store wired to the real app machine, with a scripted saved token and a socket the test
// plays the server through, for testing the derived atoms as the views read them.
import { createStore } from 'jotai/vanilla';
import { fromCallback, fromPromise, SimulatedClock } from 'xstate';
import { appMachine } from '../../../machines/app.ts';
import { onboardingMachine } from '../../../machines/onboarding.ts';
import {
  sessionMachine,
  type SessionEvent,
  type SocketCommand,
} from '../../../machines/session.ts';
import { createAppAtoms } from '../../../src/renderer/state/index.ts';
import { syncData } from '../../model/fixtures.ts';

export async function startApp(options: { savedToken: string | null; online?: boolean }) {
  let emit: (event: SessionEvent) => void = () => {};
  const commands: SocketCommand[] = [];
  const clock = new SimulatedClock();
  clock.set(1_000_000);
  const machine = appMachine.provide({
    actors: {
      loadSessionToken: fromPromise(async () => options.savedToken),
      saveSessionToken: fromPromise<void, { token: string }>(async () => {}),
      clearSessionToken: fromPromise<void>(async () => {}),
      revokeSession: fromPromise<void, { serverUrl: string; token: string }>(async () => {}),
      onboarding: onboardingMachine.provide({
        actors: {
          requestCode: fromPromise(async () => ({ resendAfterMs: 30_000, expiresInMs: 600_000 })),
        },
      }),
      session: sessionMachine.provide({
        actors: {
          socket: fromCallback<SocketCommand, { url: string; token: string }>(
            ({ sendBack, receive }) => {
              emit = sendBack as typeof emit;
              receive((command) => commands.push(command));
            },
          ),
        },
      }),
    },
  });
  const atoms = createAppAtoms(
    machine,
    {
      serverUrl: 'http://127.0.0.1:1',
      locale: 'en-US',
      online: options.online ?? true,
      clientIdPrefix: 'p',
      now: () => clock.now(),
      random: () => 0,
    },
    { clock },
  );
  const store = createStore();
  const unsubscribe = store.sub(atoms.snapshotsAtom, () => {});
  await settle();
  return {
    atoms,
    store,
    clock,
    commands,
    emit: (event: SessionEvent) => emit(event),
    goLive: () => {
      emit({ type: 'socket.connected' });
      emit({ type: 'socket.synced', data: syncData() });
    },
    stop: () => {
      unsubscribe();
      atoms.stop();
    },
  };
}

export const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
