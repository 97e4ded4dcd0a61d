// Message actions: what the user does to a message that is already in a conversation (systemId
// "messageActions", invoked by the messenger). Two regions, because a reaction or a deletion can
// be on its way while the composer is answering or editing:
// - composer: idle, replying (the composer shows the quoted message; the next send answers it),
//   or editing one of the user's own messages (the composer holds the new text, the draft is kept
//   aside): writing -> saving -> back to idle, or refused with the server's reason and the text
//   kept, to fix and save again or cancel. Escape cancels a reply or an edit (not while the edit
//   is saving: it is on its way); the message being deleted, here or elsewhere, ends either.
// - change: idle, confirmingDelete (the dialog: for me, or for everyone where the server would
//   allow it), deleting, reacting, or failed with the server's reason until dismissed.
// Each request carries a number: an answer to any other (a request overtaken by a later one, or
// one sent on a dropped connection) moves no state, though the message it carries is still
// applied (the conversation keeps the latest copy by revision). The server's pushes bring every
// change to every member's windows; the acks only make the user's own window quick.
import { assign, enqueueActions, setup } from 'xstate';
import {
  Limits,
  messageLength,
  type Message,
  type ProtocolError,
  type ReplyTo,
} from '../server/protocol.ts';
import { conversationSystemId, systemIds, tellSystem, type SocketCommand } from './system.ts';

/** The message being edited, and the text it will get. */
export interface EditTarget {
  conversationId: string;
  messageId: string;
  seq: number;
  /** Its text when the edit started: saving it unchanged saves nothing. */
  original: string;
  text: string;
}

/** The message to delete, and whether "for everyone" is offered (the user's own, in time). */
export interface DeleteTarget {
  conversationId: string;
  messageId: string;
  forEveryone: boolean;
}

export interface MessageActionsContext {
  /** The message the next send in `replying.conversationId` answers (null: no reply). */
  replying: { conversationId: string; quote: ReplyTo } | null;
  editing: EditTarget | null;
  deleting: DeleteTarget | null;
  /** The latest request's number (shared by both regions). */
  requestId: number;
  /** The number of the composer's request in flight (an edit), and of the change region's. */
  editRequest: number | null;
  changeRequest: number | null;
  /** Why the server refused the edit (composer `editing.refused`). */
  editError: ProtocolError | null;
  /** Why a deletion or a reaction failed (change `failed`). */
  changeError: ProtocolError | null;
  /** The conversation of the latest deletion or reaction (where its failure shows). */
  changeConversationId: string | null;
}

export type MessageActionsEvent =
  // From the views.
  | { type: 'reply.started'; conversationId: string; quote: ReplyTo }
  /** The composer's send while replying: the conversation sends its draft as the answer. */
  | { type: 'reply.submitted' }
  | { type: 'edit.started'; conversationId: string; messageId: string; seq: number; text: string }
  | { type: 'edit.changed'; text: string }
  | { type: 'edit.submitted' }
  /** Escape, or the banner's close button: no reply, no edit (the draft is as it was). */
  | { type: 'composer.cancelled' }
  | {
      type: 'delete.started';
      conversationId: string;
      messageId: string;
      forEveryone: boolean;
    }
  | { type: 'delete.confirmed'; forEveryone: boolean }
  | { type: 'delete.cancelled' }
  /** The user's one reaction to the message: an emoji, or null to take it back. */
  | { type: 'reaction.chosen'; conversationId: string; messageId: string; emoji: string | null }
  | { type: 'failure.dismissed' }
  /**
   * From the messenger (a push) or itself (its own request's answer): the message was deleted
   * for everyone or for the user. A reply to it or an edit of it ends.
   */
  | { type: 'message.gone'; conversationId: string; messageId: string }
  // From the socket: answers to this machine's requests.
  | { type: 'edit.saved'; requestId: number; message: Message }
  | { type: 'edit.refused'; requestId: number; error: ProtocolError }
  | { type: 'change.done'; requestId: number; message: Message }
  | { type: 'change.failed'; requestId: number; error: ProtocolError }
  // From the messenger.
  | { type: 'connection.lost' };

const offline: ProtocolError = {
  code: 'internal',
  message: 'network: Not connected. Try again when the connection is back.',
};

/** A deletion's or a reaction's request in flight: its answer, or the connection lost. */
const awaitingChange = {
  'change.done': {
    guard: 'answersChange',
    target: 'idle',
    actions: ['applyMessage', 'forgetChange'],
  },
  'change.failed': { guard: 'answersChange', target: 'failed', actions: 'keepChangeError' },
  'connection.lost': { target: 'failed', actions: 'keepChangeError' },
} as const;

export const messageActionsMachine = setup({
  types: { context: {} as MessageActionsContext, events: {} as MessageActionsEvent },
  guards: {
    answersEdit: ({ context, event }) =>
      'requestId' in event && event.requestId === context.editRequest,
    answersChange: ({ context, event }) =>
      'requestId' in event && event.requestId === context.changeRequest,
    /** Saving the text as it was changes nothing: the edit just ends. */
    editUnchanged: ({ context }) =>
      context.editing !== null && context.editing.text.trim() === context.editing.original.trim(),
    /** What the server would take as a message's text (trimmed, 1 to 4,000 characters). */
    editSavable: ({ context }) => {
      const length = messageLength(context.editing?.text.trim() ?? '');
      return length > 0 && length <= Limits.messageMaxChars;
    },
    /** The message answered or edited is the one gone. */
    composerTargetGone: ({ context, event }) => {
      if (event.type !== 'message.gone') return false;
      const target = context.replying
        ? {
            conversationId: context.replying.conversationId,
            messageId: context.replying.quote.messageId,
          }
        : context.editing;
      return (
        target !== null &&
        target.conversationId === event.conversationId &&
        target.messageId === event.messageId
      );
    },
    /** "For everyone" only where it was offered. */
    deletionOffered: ({ context, event }) =>
      event.type === 'delete.confirmed' &&
      context.deleting !== null &&
      (!event.forEveryone || context.deleting.forEveryone),
  },
  actions: {
    keepReply: assign({
      replying: ({ event }) =>
        event.type === 'reply.started'
          ? { conversationId: event.conversationId, quote: event.quote }
          : null,
      editing: null,
      editRequest: null,
      editError: null,
    }),
    /** The conversation sends its draft as the answer (its own guard decides if it can). */
    sendReply: ({ context, system }) => {
      if (!context.replying) return;
      tellSystem(system, conversationSystemId(context.replying.conversationId), {
        type: 'message.submitted',
        replyTo: context.replying.quote,
      });
    },
    keepEdit: assign({
      editing: ({ event }) =>
        event.type === 'edit.started'
          ? {
              conversationId: event.conversationId,
              messageId: event.messageId,
              seq: event.seq,
              original: event.text,
              text: event.text,
            }
          : null,
      replying: null,
      editRequest: null,
      editError: null,
    }),
    keepEditText: assign({
      editing: ({ context, event }) =>
        context.editing && event.type === 'edit.changed'
          ? { ...context.editing, text: event.text }
          : context.editing,
    }),
    askEdit: enqueueActions(({ context, enqueue, system }) => {
      if (!context.editing) return;
      const requestId = context.requestId + 1;
      const { conversationId, messageId, text } = context.editing;
      enqueue.assign({ requestId, editRequest: requestId, editError: null });
      const command: SocketCommand = {
        type: 'editMessage',
        requestId,
        conversationId,
        messageId,
        text: text.trim(),
      };
      enqueue(() => tellSystem(system, systemIds.socket, command));
    }),
    keepEditError: assign({
      editRequest: null,
      editError: ({ event }) => (event.type === 'edit.refused' ? event.error : offline),
    }),
    forgetEditError: assign({ editError: null }),
    forgetComposer: assign({ replying: null, editing: null, editRequest: null, editError: null }),
    keepDeletion: assign({
      deleting: ({ event }) =>
        event.type === 'delete.started'
          ? {
              conversationId: event.conversationId,
              messageId: event.messageId,
              forEveryone: event.forEveryone,
            }
          : null,
      changeError: null,
    }),
    askDeletion: enqueueActions(({ context, event, enqueue, system }) => {
      if (!context.deleting || event.type !== 'delete.confirmed') return;
      const requestId = context.requestId + 1;
      const { conversationId, messageId } = context.deleting;
      enqueue.assign({
        requestId,
        changeRequest: requestId,
        changeError: null,
        changeConversationId: conversationId,
      });
      const command: SocketCommand = {
        type: event.forEveryone ? 'deleteMessage' : 'hideMessage',
        requestId,
        conversationId,
        messageId,
      };
      enqueue(() => tellSystem(system, systemIds.socket, command));
    }),
    askReaction: enqueueActions(({ context, event, enqueue, system }) => {
      if (event.type !== 'reaction.chosen') return;
      const requestId = context.requestId + 1;
      enqueue.assign({
        requestId,
        changeRequest: requestId,
        changeError: null,
        deleting: null,
        changeConversationId: event.conversationId,
      });
      const command: SocketCommand = {
        type: 'reactToMessage',
        requestId,
        conversationId: event.conversationId,
        messageId: event.messageId,
        emoji: event.emoji,
      };
      enqueue(() => tellSystem(system, systemIds.socket, command));
    }),
    keepChangeError: assign({
      changeRequest: null,
      deleting: null,
      changeError: ({ event }) => (event.type === 'change.failed' ? event.error : offline),
    }),
    forgetChange: assign({ deleting: null, changeRequest: null, changeError: null }),
    /**
     * The message as the server now has it, to its conversation (as the push would: whichever
     * comes first shows it; the conversation keeps the later revision).
     */
    applyMessage: enqueueActions(({ event, system, enqueue }) => {
      if (event.type !== 'edit.saved' && event.type !== 'change.done') return;
      const { message } = event;
      enqueue(() =>
        tellSystem(
          system,
          conversationSystemId(message.conversationId),
          message.hidden
            ? { type: 'message.hidden', messageId: message.id }
            : { type: 'message.changed', message },
        ),
      );
      if (message.hidden || message.deletedAt !== undefined) {
        enqueue.raise({
          type: 'message.gone',
          conversationId: message.conversationId,
          messageId: message.id,
        });
      }
    }),
  },
}).createMachine({
  id: 'messageActions',
  context: {
    replying: null,
    editing: null,
    deleting: null,
    requestId: 0,
    editRequest: null,
    changeRequest: null,
    editError: null,
    changeError: null,
    changeConversationId: null,
  },
  type: 'parallel',
  // A late answer moves nothing, but what it carries is still the message as it is now. (A
  // parallel machine takes its own handler only when no region took the event: the states
  // that take their answer apply it themselves.)
  on: {
    'edit.saved': { actions: 'applyMessage' },
    'change.done': { actions: 'applyMessage' },
  },
  states: {
    composer: {
      initial: 'idle',
      on: {
        'reply.started': { target: '.replying', actions: 'keepReply' },
        'edit.started': { target: '.editing', actions: 'keepEdit' },
      },
      states: {
        idle: {},
        replying: {
          on: {
            'reply.submitted': { target: 'idle', actions: ['sendReply', 'forgetComposer'] },
            'composer.cancelled': { target: 'idle', actions: 'forgetComposer' },
            'message.gone': {
              guard: 'composerTargetGone',
              target: 'idle',
              actions: 'forgetComposer',
            },
          },
        },
        editing: {
          initial: 'writing',
          on: {
            'composer.cancelled': { target: 'idle', actions: 'forgetComposer' },
            'message.gone': {
              guard: 'composerTargetGone',
              target: 'idle',
              actions: 'forgetComposer',
            },
          },
          states: {
            writing: {
              on: {
                'edit.changed': { actions: 'keepEditText' },
                'edit.submitted': [
                  {
                    guard: 'editUnchanged',
                    target: '#messageActions.composer.idle',
                    actions: 'forgetComposer',
                  },
                  { guard: 'editSavable', target: 'saving', actions: 'askEdit' },
                ],
              },
            },
            // The field is read-only while the edit is on its way.
            saving: {
              on: {
                // It is on its way: cancelling now would only hide that it lands.
                'composer.cancelled': {},
                'edit.saved': {
                  guard: 'answersEdit',
                  target: '#messageActions.composer.idle',
                  actions: ['applyMessage', 'forgetComposer'],
                },
                'edit.refused': {
                  guard: 'answersEdit',
                  target: 'refused',
                  actions: 'keepEditError',
                },
                'connection.lost': { target: 'refused', actions: 'keepEditError' },
              },
            },
            // The server's reason shows above the field; the text is still there.
            // (What was refused was a savable change: saving again asks again.)
            refused: {
              on: {
                'edit.changed': { target: 'writing', actions: ['keepEditText', 'forgetEditError'] },
                'edit.submitted': { target: 'saving', actions: 'askEdit' },
              },
            },
          },
        },
      },
    },
    change: {
      initial: 'idle',
      states: {
        idle: {
          on: {
            'delete.started': { target: 'confirmingDelete', actions: 'keepDeletion' },
            'reaction.chosen': { target: 'reacting', actions: 'askReaction' },
          },
        },
        confirmingDelete: {
          on: {
            'delete.confirmed': {
              guard: 'deletionOffered',
              target: 'deleting',
              actions: 'askDeletion',
            },
            'delete.cancelled': { target: 'idle', actions: 'forgetChange' },
          },
        },
        deleting: { on: { ...awaitingChange } },
        reacting: {
          on: {
            // A second choice before the first is answered: the latest one is what counts.
            'reaction.chosen': { target: 'reacting', reenter: true, actions: 'askReaction' },
            ...awaitingChange,
            // Delete while a reaction is on its way: the reaction's answer comes late.
            'delete.started': { target: 'confirmingDelete', actions: 'keepDeletion' },
          },
        },
        failed: {
          on: {
            'failure.dismissed': { target: 'idle', actions: 'forgetChange' },
            'delete.started': { target: 'confirmingDelete', actions: 'keepDeletion' },
            'reaction.chosen': { target: 'reacting', actions: 'askReaction' },
          },
        },
      },
    },
  },
});

export type MessageActionsMachine = typeof messageActionsMachine;
