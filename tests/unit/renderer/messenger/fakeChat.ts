// The real app machine with a fake socket actor: a scripted stand-in for the chat server that
// records what the session asks of it and lets the test answer (sync, acks, channel updates).
import { fromCallback, fromPromise } from 'xstate';
import { appMachine } from '../../../../machines/app.ts';
import {
  sessionMachine,
  type SocketCommand,
  type SocketEvent,
} from '../../../../machines/session.ts';
import type {
  ConversationsAndUsers,
  ConversationSummary,
  Message,
} from '../../../../server/protocol.ts';
import { createAppAtoms, type AppAtoms } from '../../../../src/renderer/state/index.ts';
import { bulma, goku, me, vegeta } from './fixtures.ts';

const MINUTE = 60_000;
const start = Date.now() - 60 * MINUTE;

function msg(conversationId: string, seq: number, authorId: string, text: string): Message {
  return {
    id: `${conversationId}-${seq}`,
    conversationId,
    authorId,
    text,
    sentAt: start + seq * MINUTE,
    seq,
    clientMessageId: null,
  };
}

export const dmId = 'dm-vegeta';
export const groupId = 'capsule-corp';

export function world(): ConversationsAndUsers {
  const dmMessages = [msg(dmId, 0, vegeta.id, 'Say something worth my time.')];
  const groupMessages = [
    msg(groupId, 0, bulma.id, 'The gravity room is ready.'),
    msg(groupId, 1, goku.id, 'Can I try it first?'),
    msg(groupId, 2, goku.id, 'Please?'),
    msg(groupId, 3, me.id, 'After me.'),
    msg(groupId, 4, bulma.id, 'Be gentle with it.'),
  ];
  return {
    currentUserId: me.id,
    users: [me, vegeta, goku, bulma],
    conversations: [
      {
        id: dmId,
        kind: 'direct',
        title: 'Vegeta',
        memberIds: [me.id, vegeta.id],
        lastMessage: dmMessages.at(-1) ?? null,
        drafting: [],
        messages: dmMessages,
        hasMore: false,
      },
      {
        id: groupId,
        kind: 'group',
        title: 'Capsule Corp',
        memberIds: [goku.id, bulma.id, me.id],
        lastMessage: groupMessages.at(-1) ?? null,
        drafting: [],
        messages: groupMessages,
        hasMore: false,
      },
    ],
  };
}

export class FakeChatServer {
  readonly commands: SocketCommand[] = [];
  private sendBack: ((event: SocketEvent) => void) | null = null;
  private seq = new Map<string, number>();

  readonly socket = fromCallback<SocketCommand, { url: string; token: string }>(
    ({ sendBack, receive }) => {
      this.sendBack = sendBack;
      receive((command) => this.commands.push(command));
      queueMicrotask(() => {
        sendBack({ type: 'socket.transportOpened' });
        sendBack({ type: 'socket.connected' });
      });
      return () => {
        this.sendBack = null;
      };
    },
  );

  emit(event: SocketEvent): void {
    if (!this.sendBack) throw new Error('no socket is connected');
    this.sendBack(event);
  }

  sync(data: ConversationsAndUsers = world()): void {
    for (const conversation of data.conversations) {
      this.seq.set(conversation.id, conversation.messages.length);
    }
    this.emit({ type: 'socket.synced', data });
  }

  /** The commands of one type, in order. */
  sent<T extends SocketCommand['type']>(type: T): Extract<SocketCommand, { type: T }>[] {
    return this.commands.filter(
      (command): command is Extract<SocketCommand, { type: T }> => command.type === type,
    );
  }

  /** Accepts a sent message as `authorId` and tells the client, as the server does. */
  accept(
    clientMessageId: string,
    authorId: string,
    summary: Omit<ConversationSummary, 'lastMessage'>,
  ) {
    const sent = this.sent('socket.sendMessage').find(
      (command) => command.message.clientMessageId === clientMessageId,
    );
    if (!sent) throw new Error(`nothing was sent as ${clientMessageId}`);
    const seq = this.seq.get(sent.message.conversationId) ?? 0;
    this.seq.set(sent.message.conversationId, seq + 1);
    const message: Message = {
      id: `${sent.message.conversationId}-${seq}`,
      conversationId: sent.message.conversationId,
      authorId,
      text: sent.message.text,
      sentAt: Date.now(),
      seq,
      clientMessageId,
    };
    this.emit({ type: 'socket.messageAcked', clientMessageId, message });
    this.emit({
      type: 'socket.channelUpdate',
      update: { conversation: { ...summary, lastMessage: message }, message },
    });
    return message;
  }
}

export function dmSummary(drafting: string[] = []): Omit<ConversationSummary, 'lastMessage'> {
  return { id: dmId, kind: 'direct', title: 'Vegeta', drafting };
}

/** The app's atoms over the real machines, signed in with a saved token, talking to `server`. */
export function signedInAtoms(server: FakeChatServer): AppAtoms {
  const machine = appMachine.provide({
    actors: {
      loadSessionToken: fromPromise<string | null>(async () => 'saved-token'),
      session: sessionMachine.provide({ actors: { socket: server.socket } }),
    },
  });
  return createAppAtoms(machine, {
    serverUrl: 'http://127.0.0.1:1',
    locale: 'en-US',
    online: true,
    clientIdPrefix: 'test',
  });
}
