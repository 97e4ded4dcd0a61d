// Builds the renderer's atoms for one provided app machine: the mirrored snapshots, the
// senders views use, and the derived view models. The app passes its socket-backed machine;
// tests pass one provided with fakes. Views read these atoms and send events, nothing else.
import { atom, type Atom, type WritableAtom } from 'jotai/vanilla';
import { createActor, type ActorOptions, type ActorRefFrom } from 'xstate';
import type { AppEvent, AppInput, AppMachine } from '../../../machines/app.ts';
import type { MessengerEvent, MessengerViewEvent } from '../../../machines/messenger.ts';
import type { OnboardingEvent } from '../../../machines/onboarding.ts';
import { atomMirroringActorTree } from './mirror.ts';
import { toOnboardingView, type OnboardingView } from './onboardingView.ts';
import { createOpenConversationSelector, type OpenConversationView } from './openConversation.ts';
import { toSessionBanner, type SessionBanner } from './sessionBanner.ts';
import { createSidebarRowsSelector, type SidebarRow } from './sidebarRows.ts';
import type {
  MachineSnapshots,
  MessengerSnapshot,
  OnboardingSnapshot,
  SessionSnapshot,
} from './snapshots.ts';

/** Which top-level screen the app shows. */
export type Screen = 'restoring' | 'onboarding' | 'messenger' | 'signingOut';

export interface AppAtoms {
  /** The running app actor (started when `snapshotsAtom` is first mounted, or by `start`). */
  appActor: ActorRefFrom<AppMachine>;
  /** Starts the app actor without waiting for a subscriber (idempotent). */
  start: () => void;
  /** Stops the app actor and its children (app shutdown, test teardown). */
  stop: () => void;
  snapshotsAtom: Atom<MachineSnapshots>;
  onboardingSnapshotAtom: Atom<OnboardingSnapshot | null>;
  sessionSnapshotAtom: Atom<SessionSnapshot | null>;
  messengerSnapshotAtom: Atom<MessengerSnapshot | null>;
  screenAtom: Atom<Screen>;
  /** Shown once on the onboarding screen after the server refused the saved session. */
  appNoticeAtom: Atom<string | null>;
  onboardingViewAtom: Atom<OnboardingView | null>;
  sidebarRowsAtom: Atom<SidebarRow[]>;
  openConversationAtom: Atom<OpenConversationView | null>;
  /** The open conversation's "Vegeta is typing…", or null. */
  typingTextAtom: Atom<string | null>;
  sessionBannerAtom: Atom<SessionBanner | null>;
  /** The messenger has its first sync (before that the views show a skeleton). */
  messengerReadyAtom: Atom<boolean>;
  sendToAppAtom: WritableAtom<null, [AppEvent], void>;
  sendToOnboardingAtom: WritableAtom<null, [OnboardingEvent], void>;
  sendToMessengerAtom: WritableAtom<null, [MessengerViewEvent], void>;
}

interface AppChildren {
  onboarding?: { getSnapshot(): OnboardingSnapshot; send(event: OnboardingEvent): void };
  session?: { getSnapshot(): SessionSnapshot };
  messenger?: { getSnapshot(): MessengerSnapshot; send(event: MessengerEvent): void };
}

/** Actor options the caller may add: a clock (tests) and an inspector (the live visualizer). */
export type AppActorOptions = Pick<ActorOptions<AppMachine>, 'clock' | 'inspect'>;

export function createAppAtoms(
  machine: AppMachine,
  input: AppInput,
  options: AppActorOptions = {},
): AppAtoms {
  const appActor = createActor(machine, { ...options, input });
  const children = () => appActor.getSnapshot().children as AppChildren;
  const read = (): MachineSnapshots => {
    const app = appActor.getSnapshot();
    const { onboarding, session, messenger } = app.children as AppChildren;
    return {
      app,
      onboarding: onboarding?.getSnapshot() ?? null,
      session: session?.getSnapshot() ?? null,
      messenger: messenger?.getSnapshot() ?? null,
    };
  };

  const snapshotsAtom = atomMirroringActorTree(appActor, read);
  const onboardingSnapshotAtom = atom((get) => get(snapshotsAtom).onboarding);
  const sessionSnapshotAtom = atom((get) => get(snapshotsAtom).session);
  const messengerSnapshotAtom = atom((get) => get(snapshotsAtom).messenger);

  const screenAtom = atom<Screen>((get) => {
    const { app } = get(snapshotsAtom);
    if (app.matches('restoring')) return 'restoring';
    if (app.matches('onboarding')) return 'onboarding';
    if (app.matches('signingOut') || app.matches('clearingToken')) return 'signingOut';
    return 'messenger';
  });
  const appNoticeAtom = atom((get) => get(snapshotsAtom).app.context.notice);

  const onboardingViewAtom = atom((get) => {
    const snapshot = get(onboardingSnapshotAtom);
    return snapshot ? toOnboardingView(snapshot) : null;
  });
  const messengerContextAtom = atom((get) => get(messengerSnapshotAtom)?.context ?? null);
  // Memoized per app: a keystroke's snapshot returns the same rows and the same message list,
  // so Jotai (which compares with Object.is) does not re-render the sidebar or the log.
  const selectSidebarRows = createSidebarRowsSelector();
  const noRows: SidebarRow[] = [];
  const sidebarRowsAtom = atom((get) => {
    const context = get(messengerContextAtom);
    return context ? selectSidebarRows(context) : noRows;
  });
  const selectOpenConversation = createOpenConversationSelector();
  const openConversationAtom = atom((get) => {
    const snapshot = get(messengerSnapshotAtom);
    return snapshot ? selectOpenConversation(snapshot) : null;
  });
  const typingTextAtom = atom((get) => get(openConversationAtom)?.typingText ?? null);
  const sessionBannerAtom = atom((get) => toSessionBanner(get(sessionSnapshotAtom)));
  const messengerReadyAtom = atom((get) => get(messengerSnapshotAtom)?.matches('ready') ?? false);

  const sendToAppAtom = atom(null, (_get, _set, event: AppEvent) => appActor.send(event));
  const sendToOnboardingAtom = atom(null, (_get, _set, event: OnboardingEvent) =>
    children().onboarding?.send(event),
  );
  const sendToMessengerAtom = atom(null, (_get, _set, event: MessengerViewEvent) =>
    children().messenger?.send(event),
  );

  return {
    appActor,
    start: () => {
      appActor.start();
    },
    stop: () => {
      appActor.stop();
    },
    snapshotsAtom,
    onboardingSnapshotAtom,
    sessionSnapshotAtom,
    messengerSnapshotAtom,
    screenAtom,
    appNoticeAtom,
    onboardingViewAtom,
    sidebarRowsAtom,
    openConversationAtom,
    typingTextAtom,
    sessionBannerAtom,
    messengerReadyAtom,
    sendToAppAtom,
    sendToOnboardingAtom,
    sendToMessengerAtom,
  };
}
