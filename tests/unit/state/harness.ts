// A store wired to the real app machine and the actor system under it, with a scripted saved
// token and the scripted socket (tests/unit/support/scriptedSocket.ts) the test plays the server
// through, for testing the derived atoms as the views read them: subscribed, so each snapshot
// atom follows its actor (an atom nobody reads is not kept up to date, in the app either).
import { createStore, type Atom } from 'jotai/vanilla';
import { fromPromise, SimulatedClock } from 'xstate';
import { appMachine } from '../../../machines/app.ts';
import { onboardingMachine } from '../../../machines/onboarding.ts';
import { sessionMachine } from '../../../machines/session.ts';
import { createAppAtoms } from '../../../src/renderer/state/index.ts';
import { syncData } from '../../model/fixtures.ts';
import { createScriptedSocket } from '../support/scriptedSocket.ts';

export async function startApp(options: { savedToken: string | null; online?: boolean }) {
  const server = createScriptedSocket();
  const clock = new SimulatedClock();
  clock.set(1_000_000);
  const machine = appMachine.provide({
    actors: {
      loadSessionToken: fromPromise(async () => options.savedToken),
      saveSessionToken: fromPromise<void, { token: string }>(async () => {}),
      forgetSession: fromPromise<void, { keepUnsent: boolean }>(async () => {}),
      onboarding: onboardingMachine.provide({
        actors: {
          requestCode: fromPromise(async () => ({ resendAfterMs: 30_000, expiresInMs: 600_000 })),
        },
      }),
      session: sessionMachine.provide({ actors: { socket: server.actor } }),
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
  // What the screens read; the app snapshot's first subscriber starts the app actor.
  const read: Atom<unknown>[] = [
    atoms.appSnapshotAtom,
    atoms.screenAtom,
    atoms.onboardingViewAtom,
    atoms.messengerReadyAtom,
    atoms.sidebarRowsAtom,
    atoms.openConversationAtom,
    atoms.typingTextAtom,
    atoms.sessionBannerAtom,
  ];
  const unsubscribers = read.map((viewAtom) => store.sub(viewAtom, () => {}));
  await settle();
  return {
    atoms,
    store,
    clock,
    server,
    /** The socket connects and the server answers the sync with `syncData()`. */
    goLive: () => {
      server.connect();
      server.sync(syncData());
    },
    /** Selects a conversation, as clicking its row does. */
    open: (conversationId: string) =>
      store.set(atoms.sendToMessengerAtom, { type: 'conversation.selected', conversationId }),
    stop: () => {
      for (const unsubscribe of unsubscribers) unsubscribe();
      atoms.stop();
    },
  };
}

export const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
