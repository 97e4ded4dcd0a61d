// The registry of every Parley machine. The visualizer, the diagram exporter and the
// model-based tests all read it, so a machine added here is drawn and tested by all three.
import type { AnyStateMachine } from 'xstate';
import { appMachine } from './app.ts';
import { conversationMachine } from './conversation.ts';
import { membershipMachine } from './membership.ts';
import { messageSearchMachine } from './messageSearch.ts';
import { messengerMachine } from './messenger.ts';
import { newChatMachine } from './newChat.ts';
import { onboardingMachine } from './onboarding.ts';
import { outgoingMessageMachine } from './outgoingMessage.ts';
import { receiptListMachine } from './receiptList.ts';
import { messageActionsMachine } from './messageActions.ts';
import { sessionMachine } from './session.ts';
import { settingsMachine } from './settings.ts';

export interface MachineEntry {
  name: string;
  purpose: string;
  machine: AnyStateMachine;
}

export const registry: readonly MachineEntry[] = [
  {
    name: 'onboarding',
    purpose: 'Phone number, SMS code and name, up to a signed-in user and session token.',
    machine: onboardingMachine,
  },
  {
    name: 'session',
    purpose: 'The connection to the chat server: connect, sync, reconnect with backoff, sign out.',
    machine: sessionMachine,
  },
  {
    name: 'messenger',
    purpose:
      'The conversation list: spawns one conversation actor each, people, selection, resync.',
    machine: messengerMachine,
  },
  {
    name: 'newChat',
    purpose: 'Find people by name or phone; open a DM, create a group, or add people to one.',
    machine: newChatMachine,
  },
  {
    name: 'membership',
    purpose: 'Leaving a group, and its admin removing a member: each request and its failure.',
    machine: membershipMachine,
  },
  {
    name: 'receiptList',
    purpose: 'Who read one of your messages in a group, and who has it unread: ask, show, retry.',
    machine: receiptListMachine,
  },
  {
    name: 'messageActions',
    purpose:
      'Reply, edit, delete (for you or everyone) and react: each request, its refusal, cancel.',
    machine: messageActionsMachine,
  },
  {
    name: 'messageSearch',
    purpose: 'Search what was said in your conversations: query, pages of hits, retry, open one.',
    machine: messageSearchMachine,
  },
  {
    name: 'settings',
    purpose:
      'Profile and devices: rename, avatar colour, phone discovery, list and revoke sessions.',
    machine: settingsMachine,
  },
  {
    name: 'conversation',
    purpose:
      'One conversation: composer and drafting signal, outbox turns, history, catch-up, going to a message, missed changes, unread.',
    machine: conversationMachine,
  },
  {
    name: 'outgoingMessage',
    purpose: 'One unsent message: queued, sending, rate limited, failed with retry, sent.',
    machine: outgoingMessageMachine,
  },
  {
    name: 'app',
    purpose: 'Restores a saved session, runs onboarding or the signed-in messenger, signs out.',
    machine: appMachine,
  },
];

export {
  appMachine,
  conversationMachine,
  membershipMachine,
  messageActionsMachine,
  messageSearchMachine,
  messengerMachine,
  newChatMachine,
  onboardingMachine,
  outgoingMessageMachine,
  receiptListMachine,
  sessionMachine,
  settingsMachine,
};
