// Builds the renderer's atoms for one provided app machine: one snapshot atom per actor the
// views show, the senders views use, and the view models derived from them. The app passes its
// socket-backed machine; tests pass one provided with fakes. Views read these atoms and send
// events to the actor that owns them, nothing else.
import { atom, type Atom, type WritableAtom } from 'jotai/vanilla';
import { selectAtom } from 'jotai/vanilla/utils';
import { createActor, type ActorOptions, type ActorRefFrom } from 'xstate';
import type { AppEvent, AppInput, AppMachine } from '../../../machines/app.ts';
import type { ConversationEvent, ConversationRef } from '../../../machines/conversation.ts';
import type { MessengerEvent } from '../../../machines/messenger.ts';
import type { OnboardingEvent } from '../../../machines/onboarding.ts';
import { outgoingSystemId, ownValue } from '../../../machines/system.ts';
import type { User } from '../../../server/protocol.ts';
import { rootSnapshotAtom, snapshotAtomOf } from './actorAtoms.ts';
import { toOnboardingView, type OnboardingView } from './onboardingView.ts';
import {
  conversationStatus,
  createMessageRows,
  membersText,
  type OpenConversationMessage,
  type OpenConversationView,
} from './openConversation.ts';
import {
  conversationIdentity,
  draftingFirstNames,
  type AvatarPerson,
  type ConversationSummary,
} from './people.ts';
import { createPeopleAtoms, type PeopleAtoms } from './peopleAtoms.ts';
import { createMessageActionsAtoms, type MessageActionsAtoms } from './messageActionsAtoms.ts';
import { createSearchAtoms, type SearchAtoms } from './searchAtoms.ts';
import { createSettingsAtoms, type SettingsAtoms } from './settingsAtoms.ts';
import { toSessionBanner, type SessionBanner } from './sessionBanner.ts';
import { byRecentActivity, toSidebarRow, type SidebarRow } from './sidebarRows.ts';
import type {
  AppSnapshot,
  MessengerSnapshot,
  OnboardingSnapshot,
  SessionSnapshot,
} from './snapshots.ts';
import { typingText } from './typingText.ts';

/** Which top-level screen the app shows. */
export type Screen = 'restoring' | 'onboarding' | 'messenger' | 'signingOut';

/** What the views send the open conversation. */
export type OpenConversationEvent = Extract<
  ConversationEvent,
  {
    type:
      | 'draft.changed'
      | 'message.submitted'
      | 'history.requested'
      | 'mute.toggled'
      | 'message.jumpRequested'
      | 'message.jumpShown'
      | 'message.jumpRetried';
  }
>;

/** What the views send the messenger. */
export type MessengerViewEvent = Extract<
  MessengerEvent,
  {
    type:
      | 'conversation.selected'
      | 'conversation.closed'
      | 'notice.dismissed'
      | 'window.focused'
      | 'window.blurred'
      | 'prompt.accepted'
      | 'prompt.declined';
  }
>;

export interface AppAtoms extends PeopleAtoms, MessageActionsAtoms, SearchAtoms, SettingsAtoms {
  /** The running app actor (started when `appSnapshotAtom` is first mounted, or by `start`). */
  appActor: ActorRefFrom<AppMachine>;
  /** Starts the app actor without waiting for a subscriber (idempotent). */
  start: () => void;
  /** Stops the app actor and its children (app shutdown, test teardown). */
  stop: () => void;
  appSnapshotAtom: Atom<AppSnapshot>;
  onboardingSnapshotAtom: Atom<OnboardingSnapshot | null>;
  sessionSnapshotAtom: Atom<SessionSnapshot | null>;
  messengerSnapshotAtom: Atom<MessengerSnapshot | null>;
  screenAtom: Atom<Screen>;
  /** Shown once on the onboarding screen after the server refused the saved session. */
  appNoticeAtom: Atom<string | null>;
  onboardingViewAtom: Atom<OnboardingView | null>;
  sidebarRowsAtom: Atom<SidebarRow[]>;
  /** The conversations whose notifications the person muted. */
  mutedIdsAtom: Atom<ReadonlySet<string>>;
  /** Unread messages in conversations not muted: the window title's and the badge's count. */
  unreadTotalAtom: Atom<number>;
  /** The sidebar offers to turn notifications on ("Turn on notifications" / "Not now"). */
  notificationPromptAtom: Atom<boolean>;
  openConversationAtom: Atom<OpenConversationView | null>;
  /** The open conversation's "Vegeta is typing…", or null. */
  typingTextAtom: Atom<string | null>;
  sessionBannerAtom: Atom<SessionBanner | null>;
  /** The messenger has its first sync (before that the views show a skeleton). */
  messengerReadyAtom: Atom<boolean>;
  sendToAppAtom: WritableAtom<null, [AppEvent], void>;
  sendToOnboardingAtom: WritableAtom<null, [OnboardingEvent], void>;
  sendToMessengerAtom: WritableAtom<null, [MessengerViewEvent], void>;
  sendToOpenConversationAtom: WritableAtom<null, [OpenConversationEvent], void>;
  /** Retry a failed message (by its clientMessageId): the message actor takes it. */
  retryMessageAtom: WritableAtom<null, [string], void>;
}

/** Actor options the caller may add: a clock (tests) and an inspector (the live visualizer). */
export type AppActorOptions = Pick<ActorOptions<AppMachine>, 'clock' | 'inspect'>;

/** The atoms derived from one conversation actor, built once per actor. */
interface ConversationAtoms {
  summaryAtom: Atom<ConversationSummary>;
  identityAtom: Atom<{ title: string; avatar: AvatarPerson }>;
  rowAtom: Atom<SidebarRow>;
  mutedAtom: Atom<boolean>;
  messagesAtom: Atom<OpenConversationMessage[]>;
}

/** Same title and picture: a group's avatar is built afresh each time, so compare by value. */
const sameIdentity = (
  a: { title: string; avatar: AvatarPerson },
  b: { title: string; avatar: AvatarPerson },
) =>
  a.title === b.title &&
  (a.avatar === b.avatar ||
    (a.avatar.firstName === b.avatar.firstName &&
      a.avatar.lastName === b.avatar.lastName &&
      a.avatar.avatar.initials === b.avatar.avatar.initials &&
      a.avatar.avatar.color === b.avatar.avatar.color &&
      a.avatar.avatar.asset === b.avatar.avatar.asset &&
      a.avatar.avatar.image === b.avatar.avatar.image));

const sameSummary = (a: ConversationSummary, b: ConversationSummary) =>
  a.id === b.id &&
  a.kind === b.kind &&
  a.title === b.title &&
  a.memberIds === b.memberIds &&
  a.drafting === b.drafting &&
  a.lastMessage === b.lastMessage &&
  a.unread === b.unread;

export function createAppAtoms(
  machine: AppMachine,
  input: AppInput,
  options: AppActorOptions = {},
): AppAtoms {
  const appActor = createActor(machine, { ...options, input });
  const appSnapshotAtom = rootSnapshotAtom(appActor);

  const onboardingSnapshotAtom = atom((get) => {
    const ref = get(appSnapshotAtom).children.onboarding;
    return ref ? get(snapshotAtomOf(ref)) : null;
  });
  const sessionSnapshotAtom = atom((get) => {
    const ref = get(appSnapshotAtom).children.session;
    return ref ? get(snapshotAtomOf(ref)) : null;
  });
  const messengerSnapshotAtom = atom((get) => {
    const ref = get(appSnapshotAtom).children.messenger;
    return ref ? get(snapshotAtomOf(ref)) : null;
  });

  const screenAtom = atom<Screen>((get) => {
    const app = get(appSnapshotAtom);
    if (app.matches('restoring') || app.matches('restoringUnsent')) return 'restoring';
    if (app.matches('onboarding') || app.matches('savingToken')) return 'onboarding';
    if (app.matches('forgettingSession')) return 'signingOut';
    const session = get(sessionSnapshotAtom);
    if (session?.matches({ connection: 'signingOut' })) return 'signingOut';
    return 'messenger';
  });
  const appNoticeAtom = atom((get) => get(appSnapshotAtom).context.notice);

  const onboardingViewAtom = atom((get) => {
    const snapshot = get(onboardingSnapshotAtom);
    return snapshot ? toOnboardingView(snapshot) : null;
  });

  // Messenger-wide inputs, each changing only when its own value does.
  const noUsers: Record<string, User> = {};
  const usersAtom = selectAtom(messengerSnapshotAtom, (s) => s?.context.users ?? noUsers);
  const usersByIdAtom = atom((get) => new Map(Object.entries(get(usersAtom))));
  const currentUserIdAtom = selectAtom(
    messengerSnapshotAtom,
    (s) => s?.context.currentUserId ?? null,
  );
  const selectedIdAtom = selectAtom(
    messengerSnapshotAtom,
    (s) => s?.context.selectedConversationId ?? null,
  );

  const conversationAtoms = new WeakMap<ConversationRef, ConversationAtoms>();
  const atomsOf = (ref: ConversationRef): ConversationAtoms => {
    const existing = conversationAtoms.get(ref);
    if (existing) return existing;
    const snapshotAtom = snapshotAtomOf(ref);
    const summaryAtom = selectAtom(
      snapshotAtom,
      ({ context }): ConversationSummary => ({
        id: context.id,
        kind: context.kind,
        title: context.title,
        memberIds: context.memberIds,
        drafting: context.drafting,
        lastMessage: context.lastMessage,
        unread: context.unread,
      }),
      sameSummary,
    );
    // Recomputed whenever the summary changes (a new last message...), but handed out anew
    // only when the title or picture does: the header's props stay the same objects.
    const identityAtom = selectAtom(
      atom((get) => conversationIdentity(get(summaryAtom), get(usersAtom), get(currentUserIdAtom))),
      (identity) => identity,
      sameIdentity,
    );
    const draftAtom = selectAtom(snapshotAtom, (s) => s.context.draft);
    // The draft only while the row shows it: keystrokes in the open conversation never reach
    // its row, so the sidebar stays the same objects while the person types.
    const rowDraftAtom = atom((get) =>
      get(selectedIdAtom) === get(summaryAtom).id ? '' : get(draftAtom),
    );
    const rowAtom = atom((get) => {
      const summary = get(summaryAtom);
      return toSidebarRow(
        summary,
        get(usersAtom),
        get(currentUserIdAtom),
        get(selectedIdAtom) === summary.id,
        get(rowDraftAtom),
      );
    });
    const sourceMessagesAtom = selectAtom(snapshotAtom, (s) => s.context.messages);
    const outboxAtom = selectAtom(snapshotAtom, (s) => s.context.outbox);
    const receiptsAtom = selectAtom(snapshotAtom, (s) => s.context.receipts);
    const pendingAuthorsAtom = selectAtom(snapshotAtom, (s) => s.context.pendingAuthors);
    const buildRows = createMessageRows();
    const messagesAtom = atom((get) =>
      buildRows(
        get(sourceMessagesAtom),
        get(outboxAtom).map((message) => get(snapshotAtomOf(message))),
        get(currentUserIdAtom) ?? '',
        get(receiptsAtom),
        get(pendingAuthorsAtom),
      ),
    );
    const mutedAtom = selectAtom(snapshotAtom, (s) => s.matches({ notifications: 'muted' }));
    const built = { summaryAtom, identityAtom, rowAtom, mutedAtom, messagesAtom };
    conversationAtoms.set(ref, built);
    return built;
  };

  const noRows: SidebarRow[] = [];
  const sidebarRowsAtom = atom((get) => {
    const messenger = get(messengerSnapshotAtom);
    if (!messenger) return noRows;
    const { conversationIds, conversations } = messenger.context;
    const rows: SidebarRow[] = [];
    for (const id of conversationIds) {
      const ref = ownValue(conversations, id);
      if (ref) rows.push(get(atomsOf(ref).rowAtom));
    }
    return byRecentActivity(rows);
  });

  const noneMuted: ReadonlySet<string> = new Set();
  const mutedIdsAtom = selectAtom(
    atom((get): ReadonlySet<string> => {
      const messenger = get(messengerSnapshotAtom);
      if (!messenger) return noneMuted;
      const muted = new Set<string>();
      for (const [id, ref] of Object.entries(messenger.context.conversations)) {
        if (get(atomsOf(ref).mutedAtom)) muted.add(id);
      }
      return muted;
    }),
    (ids) => ids,
    (a, b) => a.size === b.size && [...a].every((id) => b.has(id)),
  );
  // Muted conversations keep their count in the list (drawn grey) but leave the total, as in
  // Telegram.
  const unreadTotalAtom = atom((get) => {
    const muted = get(mutedIdsAtom);
    return get(sidebarRowsAtom).reduce(
      (sum, row) => (muted.has(row.id) ? sum : sum + row.unreadCount),
      0,
    );
  });
  const notificationPromptAtom = atom(
    (get) => get(messengerSnapshotAtom)?.matches({ ready: { permission: 'offering' } }) ?? false,
  );

  const openRefAtom = atom((get) => {
    const messenger = get(messengerSnapshotAtom);
    const id = messenger?.context.selectedConversationId;
    return (id && messenger && ownValue(messenger.context.conversations, id)) || null;
  });
  const openConversationAtom = atom((get): OpenConversationView | null => {
    const ref = get(openRefAtom);
    const currentUserId = get(currentUserIdAtom);
    if (!ref || !currentUserId) return null;
    const { summaryAtom, identityAtom, messagesAtom } = atomsOf(ref);
    const summary = get(summaryAtom);
    const users = get(usersAtom);
    const { title, avatar } = get(identityAtom);
    const others = summary.memberIds
      .filter((memberId) => memberId !== currentUserId)
      .map((memberId) => ownValue(users, memberId)?.firstName ?? 'Someone');
    return {
      id: summary.id,
      kind: summary.kind,
      title,
      avatar,
      membersText: summary.kind === 'direct' ? title : membersText(others),
      typingText: typingText(draftingFirstNames(summary, users, currentUserId)),
      currentUserId,
      usersById: get(usersByIdAtom),
      messages: get(messagesAtom),
      ...conversationStatus(get(snapshotAtomOf(ref))),
    };
  });
  const typingTextAtom = atom((get) => get(openConversationAtom)?.typingText ?? null);
  const sessionBannerAtom = atom((get) => toSessionBanner(get(sessionSnapshotAtom)));
  const messengerReadyAtom = atom((get) => get(messengerSnapshotAtom)?.matches('ready') ?? false);

  const children = () => appActor.getSnapshot().children;
  const sendToAppAtom = atom(null, (_get, _set, event: AppEvent) => appActor.send(event));
  const sendToOnboardingAtom = atom(null, (_get, _set, event: OnboardingEvent) =>
    children().onboarding?.send(event),
  );
  const sendToMessengerAtom = atom(null, (_get, _set, event: MessengerViewEvent) =>
    children().messenger?.send(event),
  );
  const sendToOpenConversationAtom = atom(null, (get, _set, event: OpenConversationEvent) =>
    get(openRefAtom)?.send(event),
  );
  const retryMessageAtom = atom(null, (_get, _set, clientMessageId: string) =>
    appActor.system.get(outgoingSystemId(clientMessageId))?.send({ type: 'message.retried' }),
  );

  return {
    ...createPeopleAtoms({
      messengerSnapshotAtom,
      openRefAtom,
      sendToMessenger: (event) => children().messenger?.send(event),
    }),
    ...createMessageActionsAtoms({
      messengerSnapshotAtom,
      openRefAtom,
      now: input.now ?? Date.now,
    }),
    ...createSearchAtoms({ messengerSnapshotAtom }),
    ...createSettingsAtoms({
      messengerSnapshotAtom,
      selfUserAtom: atom((get) => get(appSnapshotAtom).context.user),
    }),
    appActor,
    start: () => {
      appActor.start();
    },
    stop: () => {
      appActor.stop();
    },
    appSnapshotAtom,
    onboardingSnapshotAtom,
    sessionSnapshotAtom,
    messengerSnapshotAtom,
    screenAtom,
    appNoticeAtom,
    onboardingViewAtom,
    sidebarRowsAtom,
    mutedIdsAtom,
    unreadTotalAtom,
    notificationPromptAtom,
    openConversationAtom,
    typingTextAtom,
    sessionBannerAtom,
    messengerReadyAtom,
    sendToAppAtom,
    sendToOnboardingAtom,
    sendToMessengerAtom,
    sendToOpenConversationAtom,
    retryMessageAtom,
  };
}
