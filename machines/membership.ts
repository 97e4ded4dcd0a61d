// Membership: leaving a group, and its admin removing someone from it (systemId "membership",
// invoked by the messenger while the list is up). One request at a time, each a state with its
// failure; the server decides who may (the views offer removal to the admin only). Once the
// server has done it, its `conversationRemoved` (to the leaver's windows) and `memberLeft` (to
// the rest) update the list and the conversation: this machine only says how the request went.
import { assign, enqueueActions, setup } from 'xstate';
import type { ProtocolError } from '../server/protocol.ts';
import { systemIds, tellSystem } from './system.ts';

export interface MembershipContext {
  conversationId: string | null;
  /** The member being removed (`removing`, `removalFailed`). */
  userId: string | null;
  error: ProtocolError | null;
}

export type MembershipEvent =
  // From the views.
  | { type: 'leave.requested'; conversationId: string }
  | { type: 'removal.requested'; conversationId: string; userId: string }
  | { type: 'membership.dismissed' }
  // From the socket: answers to this machine's requests.
  | { type: 'leave.done'; conversationId: string }
  | { type: 'leave.failed'; conversationId: string; error: ProtocolError }
  | { type: 'removal.done'; conversationId: string; userId: string }
  | { type: 'removal.failed'; conversationId: string; userId: string; error: ProtocolError }
  // From the messenger.
  | { type: 'connection.lost' };

const offline: ProtocolError = {
  code: 'internal',
  message: 'network: Not connected. Try again when the connection is back.',
};

export const membershipMachine = setup({
  types: { context: {} as MembershipContext, events: {} as MembershipEvent },
  guards: {
    /** The answer is about the request in flight (not a late one from an earlier request). */
    answersRequest: ({ context, event }) =>
      'conversationId' in event &&
      event.conversationId === context.conversationId &&
      (!('userId' in event) || event.userId === context.userId),
  },
  actions: {
    askLeave: enqueueActions(({ event, enqueue, system }) => {
      if (event.type !== 'leave.requested') return;
      const { conversationId } = event;
      enqueue.assign({ conversationId, userId: null, error: null });
      enqueue(() =>
        tellSystem(system, systemIds.socket, { type: 'leaveConversation', conversationId }),
      );
    }),
    askRemoval: enqueueActions(({ event, enqueue, system }) => {
      if (event.type !== 'removal.requested') return;
      const { conversationId, userId } = event;
      enqueue.assign({ conversationId, userId, error: null });
      enqueue(() =>
        tellSystem(system, systemIds.socket, { type: 'removeMember', conversationId, userId }),
      );
    }),
    keepError: assign({
      error: ({ event }) => ('error' in event ? event.error : offline),
    }),
    keepOffline: assign({ error: offline }),
    forget: assign({ conversationId: null, userId: null, error: null }),
  },
}).createMachine({
  id: 'membership',
  context: { conversationId: null, userId: null, error: null },
  initial: 'idle',
  states: {
    idle: {
      on: {
        'leave.requested': { target: 'leaving', actions: 'askLeave' },
        'removal.requested': { target: 'removing', actions: 'askRemoval' },
      },
    },
    leaving: {
      on: {
        'leave.done': { guard: 'answersRequest', target: 'idle', actions: 'forget' },
        'leave.failed': { guard: 'answersRequest', target: 'leaveFailed', actions: 'keepError' },
        'connection.lost': { target: 'leaveFailed', actions: 'keepOffline' },
      },
    },
    leaveFailed: {
      on: {
        'leave.requested': { target: 'leaving', actions: 'askLeave' },
        'removal.requested': { target: 'removing', actions: 'askRemoval' },
        'membership.dismissed': { target: 'idle', actions: 'forget' },
      },
    },
    removing: {
      on: {
        'removal.done': { guard: 'answersRequest', target: 'idle', actions: 'forget' },
        'removal.failed': {
          guard: 'answersRequest',
          target: 'removalFailed',
          actions: 'keepError',
        },
        'connection.lost': { target: 'removalFailed', actions: 'keepOffline' },
      },
    },
    removalFailed: {
      on: {
        'leave.requested': { target: 'leaving', actions: 'askLeave' },
        'removal.requested': { target: 'removing', actions: 'askRemoval' },
        'membership.dismissed': { target: 'idle', actions: 'forget' },
      },
    },
  },
});

export type MembershipMachine = typeof membershipMachine;
