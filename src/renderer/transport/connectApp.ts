// The app machine with every actor it declares provided by this transport: the one place the
// renderer turns pure machines into ones that talk to the chat server.
import { appMachine, type AppMachine } from '../../../machines/app.ts';
import { messengerMachine } from '../../../machines/messenger.ts';
import { onboardingMachine } from '../../../machines/onboarding.ts';
import { sessionMachine } from '../../../machines/session.ts';
import type { Platform } from '../platform/Platform.ts';
import { createAppActors } from './appActors.ts';
import { createOnboardingActors } from './onboardingActors.ts';
import { createOnboardingConnection, type OnboardingConnection } from './onboardingConnection.ts';
import { createNotifierActor } from './notifier.ts';
import { createPersistUnsentActor } from './persistUnsent.ts';
import { createSessionSocketActor } from './sessionSocket.ts';

export interface ConnectedApp {
  machine: AppMachine;
  /** Onboarding's socket: the simulated SMS arrives here. */
  onboardingConnection: OnboardingConnection;
}

export function connectApp(platform: Platform): ConnectedApp {
  const onboardingConnection = createOnboardingConnection(platform.serverUrl());
  const machine = appMachine.provide({
    actors: {
      ...createAppActors(platform),
      onboarding: onboardingMachine.provide({
        actors: createOnboardingActors(onboardingConnection),
      }),
      session: sessionMachine.provide({ actors: { socket: createSessionSocketActor() } }),
      messenger: messengerMachine.provide({
        actors: {
          persistUnsent: createPersistUnsentActor(platform),
          notifier: createNotifierActor(platform),
        },
      }),
    },
  });
  return { machine, onboardingConnection };
}
