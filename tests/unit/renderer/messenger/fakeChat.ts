// The real app machine with only its socket scripted: a thin layer over the shared scripted
// socket (tests/unit/support/scriptedSocket.ts) that knows this suite's world, defaults the sync
// to it, and accepts a sent message the way the server does (an ack, then the push every member
// hears).
import { fromPromise } from 'xstate';
import { appMachine } from '../../../../machines/app.ts';
import { sessionMachine } from '../../../../machines/session.ts';
import type { SocketCommand } from '../../../../machines/system.ts';
import type {
  ConversationsAndUsers,
  ConversationSummary,
  Message,
} from '../../../../server/protocol.ts';
import { createAppAtoms, type AppAtoms } from '../../../../src/renderer/state/index.ts';
import { createScriptedSocket, type ScriptedSocket } from '../../support/scriptedSocket.ts';
import { bulma, goku, me, vegeta } from './fixtures.ts';

const MINUTE = 60_000;
const start = Date.now() - 60 * MINUTE;

export function msg(conversationId: string, seq: number, authorId: string, text: string): Message {
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

export interface FakeChatServer extends ScriptedSocket {
  /** The sync, of `world()` unless told otherwise. */
  sync(data?: ConversationsAndUsers): void;
  /** The commands of one type the actors sent, in order. */
  sent<T extends SocketCommand['type']>(type: T): Extract<SocketCommand, { type: T }>[];
  /**
   * Stores a sent message as `authorId` with the next seq of its conversation, acknowledges it
   * and pushes it to the conversation, as the server does.
   */
  accept(
    clientMessageId: string,
    authorId: string,
    summary: Omit<ConversationSummary, 'lastMessage'>,
  ): Message;
}

export function createFakeChatServer(): FakeChatServer {
  const socket = createScriptedSocket();
  const nextSeq = new Map<string, number>();
  const sent = <T extends SocketCommand['type']>(type: T) =>
    socket.commands.filter(
      (command): command is Extract<SocketCommand, { type: T }> => command.type === type,
    );
  return {
    ...socket,
    get open() {
      return socket.open;
    },
    sync(data = world()) {
      for (const conversation of data.conversations) {
        nextSeq.set(conversation.id, (conversation.messages.at(-1)?.seq ?? -1) + 1);
      }
      socket.sync(data);
    },
    sent,
    accept(clientMessageId, authorId, summary) {
      const command = sent('sendMessage').find((c) => c.clientMessageId === clientMessageId);
      if (!command) throw new Error(`nothing was sent as ${clientMessageId}`);
      const seq = nextSeq.get(command.conversationId) ?? 0;
      nextSeq.set(command.conversationId, seq + 1);
      const message: Message = {
        id: `${command.conversationId}-${seq}`,
        conversationId: command.conversationId,
        authorId,
        text: command.text,
        sentAt: Date.now(),
        seq,
        clientMessageId,
      };
      socket.ack(clientMessageId, message);
      socket.push({ conversation: { ...summary, lastMessage: message }, message });
      return message;
    },
  };
}

export function dmSummary(drafting: string[] = []): Omit<ConversationSummary, 'lastMessage'> {
  return { id: dmId, kind: 'direct', title: 'Vegeta', drafting };
}

/** The app's atoms over the real machines, signed in with a saved token, talking to `server`. */
export function signedInAtoms(server: FakeChatServer): AppAtoms {
  const machine = appMachine.provide({
    actors: {
      loadSessionToken: fromPromise<string | null>(async () => 'saved-token'),
      session: sessionMachine.provide({ actors: { socket: server.actor } }),
    },
  });
  return createAppAtoms(machine, {
    serverUrl: 'http://127.0.0.1:1',
    locale: 'en-US',
    online: true,
    clientIdPrefix: 'test',
  });
}
