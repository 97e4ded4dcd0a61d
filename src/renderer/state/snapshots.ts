// The snapshot types the renderer mirrors: one per kind of actor in the tree.
import type { SnapshotFrom } from 'xstate';
import type { AppMachine } from '../../../machines/app.ts';
import type { ConversationMachine } from '../../../machines/conversation.ts';
import type { MessengerMachine } from '../../../machines/messenger.ts';
import type { OnboardingMachine } from '../../../machines/onboarding.ts';
import type { OutgoingMessageMachine } from '../../../machines/outgoingMessage.ts';
import type { SessionMachine } from '../../../machines/session.ts';

export type AppSnapshot = SnapshotFrom<AppMachine>;
export type OnboardingSnapshot = SnapshotFrom<OnboardingMachine>;
export type SessionSnapshot = SnapshotFrom<SessionMachine>;
export type MessengerSnapshot = SnapshotFrom<MessengerMachine>;
export type ConversationSnapshot = SnapshotFrom<ConversationMachine>;
export type OutgoingMessageSnapshot = SnapshotFrom<OutgoingMessageMachine>;
