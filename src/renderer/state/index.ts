// The renderer's state: atoms mirroring the actors, and the view models derived from them.
export {
  createAppAtoms,
  type AppActorOptions,
  type AppAtoms,
  type MessengerViewEvent,
  type OpenConversationEvent,
  type Screen,
} from './createAppAtoms.ts';
export { rootSnapshotAtom, snapshotAtomOf } from './actorAtoms.ts';
export type {
  AppSnapshot,
  ConversationSnapshot,
  MessengerSnapshot,
  OnboardingSnapshot,
  OutgoingMessageSnapshot,
  SessionSnapshot,
} from './snapshots.ts';
export { toOnboardingView, type OnboardingStep, type OnboardingView } from './onboardingView.ts';
export { toSidebarRow, byRecentActivity, type SidebarRow } from './sidebarRows.ts';
export {
  conversationStatus,
  createMessageRows,
  type DeliveryStatus,
  type OpenConversationMessage,
  type OpenConversationView,
} from './openConversation.ts';
export { toSessionBanner, type ConnectionProblem, type SessionBanner } from './sessionBanner.ts';
export { typingText } from './typingText.ts';
export { conversationIdentity, type AvatarPerson, type ConversationSummary } from './people.ts';
export {
  toNewChatView,
  type GroupInfoView,
  type GroupMember,
  type MembershipViewEvent,
  type NewChatStep,
  type NewChatView,
  type NewChatViewEvent,
  type ReceiptListView,
  type ReceiptListViewEvent,
  type ReceiptPerson,
} from './peopleAtoms.ts';
export type {
  ComposerMode,
  DeleteDialogView,
  MessageActionsViewEvent,
} from './messageActionsAtoms.ts';
export {
  searchErrorText,
  type MessageSearchGroupView,
  type MessageSearchHitView,
  type MessageSearchStatus,
  type MessageSearchView,
  type MessageSearchViewEvent,
} from './searchAtoms.ts';
export {
  toSettingsView,
  type DeviceRow,
  type DevicesStatus,
  type ProfileStatus,
  type SettingsView,
  type SettingsViewEvent,
} from './settingsAtoms.ts';
