// The snapshot types the renderer mirrors: the app machine and the children it runs.
import type { SnapshotFrom } from 'xstate';
import type { AppMachine } from '../../../machines/app.ts';
import type { MessengerMachine } from '../../../machines/messenger.ts';
import type { OnboardingMachine } from '../../../machines/onboarding.ts';
import type { SessionMachine } from '../../../machines/session.ts';

export type AppSnapshot = SnapshotFrom<AppMachine>;
export type OnboardingSnapshot = SnapshotFrom<OnboardingMachine>;
export type SessionSnapshot = SnapshotFrom<SessionMachine>;
export type MessengerSnapshot = SnapshotFrom<MessengerMachine>;

/** One consistent reading of the whole tree: a child is null while the app is not running it. */
export interface MachineSnapshots {
  app: AppSnapshot;
  onboarding: OnboardingSnapshot | null;
  session: SessionSnapshot | null;
  messenger: MessengerSnapshot | null;
}
