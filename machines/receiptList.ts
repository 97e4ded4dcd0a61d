// Receipt list: who read one of the user's own messages in a group, and who has it unread
// (systemId "receiptList", invoked by the messenger while the list is up). The views open it on
// one message; it asks the server (`listReceipts`, which answers only the message's author) and
// shows the answer or the failure with a retry. Each request carries a number, so an answer about
// a message the user has since moved away from (or closed) changes nothing.
import { assign, enqueueActions, setup } from 'xstate';
import type { ProtocolError } from '../server/protocol.ts';
import { systemIds, tellSystem } from './system.ts';

export interface ReceiptListContext {
  /** The message asked about (null while closed). */
  conversationId: string | null;
  seq: number | null;
  /** The number of the latest request; answers to any other are late and ignored. */
  requestId: number;
  readBy: string[];
  deliveredTo: string[];
  error: ProtocolError | null;
}

export type ReceiptListEvent =
  // From the views.
  | { type: 'receiptList.opened'; conversationId: string; seq: number }
  | { type: 'receiptList.retried' }
  | { type: 'receiptList.closed' }
  // From the socket: answers to this machine's requests.
  | { type: 'receiptList.loaded'; requestId: number; readBy: string[]; deliveredTo: string[] }
  | { type: 'receiptList.failed'; requestId: number; error: ProtocolError }
  // From the messenger.
  | { type: 'connection.lost' };

const offline: ProtocolError = {
  code: 'internal',
  message: 'network: Not connected. Try again when the connection is back.',
};

export const receiptListMachine = setup({
  types: { context: {} as ReceiptListContext, events: {} as ReceiptListEvent },
  guards: {
    /** The answer is to the request in flight (not a late one about another message). */
    answersRequest: ({ context, event }) =>
      'requestId' in event && event.requestId === context.requestId,
  },
  actions: {
    /** Asks about the message the event names, or again about the one in the context. */
    ask: enqueueActions(({ context, event, enqueue, system }) => {
      const conversationId =
        event.type === 'receiptList.opened' ? event.conversationId : context.conversationId;
      const seq = event.type === 'receiptList.opened' ? event.seq : context.seq;
      if (conversationId === null || seq === null) return;
      const requestId = context.requestId + 1;
      enqueue.assign({ conversationId, seq, requestId, readBy: [], deliveredTo: [], error: null });
      enqueue(() =>
        tellSystem(system, systemIds.socket, {
          type: 'listReceipts',
          requestId,
          conversationId,
          seq,
        }),
      );
    }),
    keepList: assign(({ event }) =>
      event.type === 'receiptList.loaded'
        ? { readBy: event.readBy, deliveredTo: event.deliveredTo }
        : {},
    ),
    keepError: assign({
      error: ({ event }) => (event.type === 'receiptList.failed' ? event.error : offline),
    }),
    forget: assign({ conversationId: null, seq: null, readBy: [], deliveredTo: [], error: null }),
  },
}).createMachine({
  id: 'receiptList',
  context: {
    conversationId: null,
    seq: null,
    requestId: 0,
    readBy: [],
    deliveredTo: [],
    error: null,
  },
  initial: 'closed',
  on: {
    'receiptList.closed': { target: '.closed', actions: 'forget' },
  },
  states: {
    closed: {
      on: {
        'receiptList.opened': { target: 'loading', actions: 'ask' },
      },
    },
    loading: {
      on: {
        'receiptList.opened': { target: 'loading', reenter: true, actions: 'ask' },
        'receiptList.loaded': { guard: 'answersRequest', target: 'shown', actions: 'keepList' },
        'receiptList.failed': { guard: 'answersRequest', target: 'failed', actions: 'keepError' },
        'connection.lost': { target: 'failed', actions: 'keepError' },
      },
    },
    shown: {
      on: {
        'receiptList.opened': { target: 'loading', actions: 'ask' },
      },
    },
    failed: {
      on: {
        'receiptList.opened': { target: 'loading', actions: 'ask' },
        'receiptList.retried': { target: 'loading', actions: 'ask' },
      },
    },
  },
});

export type ReceiptListMachine = typeof receiptListMachine;
