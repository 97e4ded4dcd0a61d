// The messageActions machine in a small actor system of its own: a fake socket and a fake
// conversation registered under their systemIds record what the machine asks of them.
import { describe, expect, it } from 'vitest';
import { createActor, fromCallback, setup, type AnyEventObject } from 'xstate';
import { messageActionsMachine } from '../../../machines/messageActions.ts';
import { conversationSystemId, systemIds } from '../../../machines/system.ts';
import type { Message, ReplyTo } from '../../../server/protocol.ts';

const CONVERSATION = 'c-1';

function message(overrides: Partial<Message> = {}): Message {
  return {
    id: 'm-7',
    conversationId: CONVERSATION,
    authorId: 'u-me',
    text: 'Hello there',
    sentAt: 1,
    seq: 7,
    clientMessageId: null,
    ...overrides,
  };
}

const quote: ReplyTo = {
  messageId: 'm-3',
  seq: 3,
  authorId: 'u-goku',
  snippet: 'Kamehameha',
  deleted: false,
};

/** The machine with a recording socket and conversation beside it. */
function start() {
  const toSocket: AnyEventObject[] = [];
  const toConversation: AnyEventObject[] = [];
  const recorder = (log: AnyEventObject[]) =>
    fromCallback(({ receive }) => {
      receive((event) => log.push(event));
    });
  const root = setup({
    actors: {
      socket: recorder(toSocket),
      conversation: recorder(toConversation),
      messageActions: messageActionsMachine,
    },
  }).createMachine({
    invoke: [
      { src: 'socket', systemId: systemIds.socket },
      { src: 'conversation', systemId: conversationSystemId(CONVERSATION) },
      { id: 'actions', src: 'messageActions', systemId: systemIds.messageActions },
    ],
  });
  const actor = createActor(root).start();
  const actions = actor.system.get(systemIds.messageActions)!;
  const state = () => actions.getSnapshot().value as Record<string, unknown>;
  const context = () => actions.getSnapshot().context;
  return { actions, state, context, toSocket, toConversation };
}

describe('messageActions: reply', () => {
  it('sends the draft as the answer to the quoted message, then the composer is plain again', () => {
    const { actions, state, toConversation } = start();
    actions.send({ type: 'reply.started', conversationId: CONVERSATION, quote });
    expect(state().composer).toBe('replying');
    actions.send({ type: 'reply.submitted' });
    expect(toConversation).toEqual([{ type: 'message.submitted', replyTo: quote }]);
    expect(state().composer).toBe('idle');
  });

  it('Escape cancels the reply and sends nothing', () => {
    const { actions, state, toConversation } = start();
    actions.send({ type: 'reply.started', conversationId: CONVERSATION, quote });
    actions.send({ type: 'composer.cancelled' });
    expect(state().composer).toBe('idle');
    expect(toConversation).toEqual([]);
  });
});

describe('messageActions: edit', () => {
  const startEdit = () => {
    const world = start();
    world.actions.send({
      type: 'edit.started',
      conversationId: CONVERSATION,
      messageId: 'm-7',
      seq: 7,
      text: 'Hello there',
    });
    return world;
  };

  it('asks the server with the trimmed new text and applies its answer once', () => {
    const { actions, state, toSocket, toConversation, context } = startEdit();
    actions.send({ type: 'edit.changed', text: '  Hello again ' });
    actions.send({ type: 'edit.submitted' });
    expect(state().composer).toEqual({ editing: 'saving' });
    expect(toSocket).toEqual([
      {
        type: 'editMessage',
        requestId: 1,
        conversationId: CONVERSATION,
        messageId: 'm-7',
        text: 'Hello again',
      },
    ]);
    const edited = message({ text: 'Hello again', editedAt: 2, editCount: 1, revision: 1 });
    actions.send({ type: 'edit.saved', requestId: 1, message: edited });
    expect(state().composer).toBe('idle');
    expect(context().editing).toBeNull();
    expect(toConversation).toEqual([{ type: 'message.changed', message: edited }]);
  });

  it('a refusal keeps the text and says why; saving again asks again', () => {
    const { actions, state, context, toSocket } = startEdit();
    actions.send({ type: 'edit.changed', text: 'Too late' });
    actions.send({ type: 'edit.submitted' });
    const error = { code: 'edit_window_closed', message: 'Too late to edit.' } as const;
    actions.send({ type: 'edit.refused', requestId: 1, error });
    expect(state().composer).toEqual({ editing: 'refused' });
    expect(context().editError).toEqual(error);
    expect(context().editing?.text).toBe('Too late');
    actions.send({ type: 'edit.submitted' });
    expect(state().composer).toEqual({ editing: 'saving' });
    expect(toSocket.at(-1)).toMatchObject({ type: 'editMessage', requestId: 2 });
  });

  it('saving the text unchanged ends the edit without a request; an empty text is not saved', () => {
    const { actions, state, toSocket } = startEdit();
    actions.send({ type: 'edit.changed', text: '   ' });
    actions.send({ type: 'edit.submitted' });
    expect(state().composer).toEqual({ editing: 'writing' });
    actions.send({ type: 'edit.changed', text: 'Hello there ' });
    actions.send({ type: 'edit.submitted' });
    expect(state().composer).toBe('idle');
    expect(toSocket).toEqual([]);
  });

  it('losing the connection while saving is a refusal with the offline reason', () => {
    const { actions, state, context } = startEdit();
    actions.send({ type: 'edit.changed', text: 'New' });
    actions.send({ type: 'edit.submitted' });
    actions.send({ type: 'connection.lost' });
    expect(state().composer).toEqual({ editing: 'refused' });
    expect(context().editError?.message).toMatch(/^network: Not connected/);
  });

  it('a late answer (to a request already given up) moves nothing but its message is applied', () => {
    const { actions, state, toConversation } = startEdit();
    actions.send({ type: 'edit.changed', text: 'New' });
    actions.send({ type: 'edit.submitted' });
    actions.send({ type: 'composer.cancelled' });
    const edited = message({ text: 'New', editedAt: 2, editCount: 1, revision: 1 });
    actions.send({ type: 'edit.saved', requestId: 1, message: edited });
    expect(state().composer).toBe('idle');
    expect(toConversation).toEqual([{ type: 'message.changed', message: edited }]);
  });
});

describe('messageActions: delete and react', () => {
  it('deletes for everyone only where it was offered', () => {
    const { actions, state, toSocket } = start();
    actions.send({
      type: 'delete.started',
      conversationId: CONVERSATION,
      messageId: 'm-3',
      forEveryone: false,
    });
    expect(state().change).toBe('confirmingDelete');
    actions.send({ type: 'delete.confirmed', forEveryone: true });
    expect(state().change).toBe('confirmingDelete');
    actions.send({ type: 'delete.confirmed', forEveryone: false });
    expect(state().change).toBe('deleting');
    expect(toSocket).toEqual([
      { type: 'hideMessage', requestId: 1, conversationId: CONVERSATION, messageId: 'm-3' },
    ]);
  });

  it('a deletion for me hides the message in its conversation', () => {
    const { actions, state, toConversation } = start();
    actions.send({
      type: 'delete.started',
      conversationId: CONVERSATION,
      messageId: 'm-7',
      forEveryone: true,
    });
    actions.send({ type: 'delete.confirmed', forEveryone: false });
    actions.send({
      type: 'change.done',
      requestId: 1,
      message: message({ text: '', hidden: true, revision: 4 }),
    });
    expect(state().change).toBe('idle');
    expect(toConversation).toEqual([{ type: 'message.hidden', messageId: 'm-7' }]);
  });

  it('a failed reaction shows why until dismissed; the latest of two choices is what counts', () => {
    const { actions, state, context, toSocket } = start();
    const choose = (emoji: string | null) =>
      actions.send({
        type: 'reaction.chosen',
        conversationId: CONVERSATION,
        messageId: 'm-7',
        emoji,
      });
    choose('👍');
    choose('🔥');
    expect(toSocket.map((command) => command.emoji)).toEqual(['👍', '🔥']);
    const error = { code: 'reactions_full', message: 'Too many different reactions.' } as const;
    actions.send({ type: 'change.failed', requestId: 1, error });
    expect(state().change).toBe('reacting');
    actions.send({ type: 'change.failed', requestId: 2, error });
    expect(state().change).toBe('failed');
    expect(context().changeError).toEqual(error);
    actions.send({ type: 'failure.dismissed' });
    expect(state().change).toBe('idle');
    expect(context().changeError).toBeNull();
  });

  it('the composer and a change are independent: a reaction does not end an edit', () => {
    const { actions, state } = start();
    actions.send({
      type: 'edit.started',
      conversationId: CONVERSATION,
      messageId: 'm-7',
      seq: 7,
      text: 'Hi',
    });
    actions.send({
      type: 'reaction.chosen',
      conversationId: CONVERSATION,
      messageId: 'm-3',
      emoji: '❤️',
    });
    expect(state()).toEqual({ composer: { editing: 'writing' }, change: 'reacting' });
  });
});
