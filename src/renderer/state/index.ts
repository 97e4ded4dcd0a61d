// The renderer's state: atoms mirroring the machines, and the view models derived from them.
export {
  createAppAtoms,
  type AppActorOptions,
  type AppAtoms,
  type Screen,
} from './createAppAtoms.ts';
export { atomMirroringActorTree } from './mirror.ts';
export type {
  AppSnapshot,
  MachineSnapshots,
  MessengerSnapshot,
  OnboardingSnapshot,
  SessionSnapshot,
} from './snapshots.ts';
export { toOnboardingView, type OnboardingStep, type OnboardingView } from './onboardingView.ts';
export { createSidebarRowsSelector, toSidebarRows, type SidebarRow } from './sidebarRows.ts';
export {
  createOpenConversationSelector,
  toOpenConversation,
  type DeliveryStatus,
  type OpenConversationMessage,
  type OpenConversationView,
} from './openConversation.ts';
export { toSessionBanner, type ConnectionProblem, type SessionBanner } from './sessionBanner.ts';
export { typingText } from './typingText.ts';
export { conversationIdentity, type AvatarPerson } from './people.ts';
