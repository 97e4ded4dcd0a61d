// A scripted stand-in for the session's `socket` actor: it records the commands the actors send
// and lets a test play the server, delivering each answer to the actor that owns it by systemId,
// exactly as the real socket actor (src/renderer/transport/sessionSocket.ts) does.
import { fromCallback, type AnyActorRef } from 'xstate';
import type { ConversationEvent } from '../../../machines/conversation.ts';
import type { MembershipEvent } from '../../../machines/membership.ts';
import type { MessengerEvent } from '../../../machines/messenger.ts';
import type { NewChatEvent } from '../../../machines/newChat.ts';
import type { OutgoingMessageEvent } from '../../../machines/outgoingMessage.ts';
import type { MessageSearchEvent } from '../../../machines/messageSearch.ts';
import type { ReceiptListEvent } from '../../../machines/receiptList.ts';
import type { MessageActionsEvent } from '../../../machines/messageActions.ts';
import type { SocketEvent } from '../../../machines/session.ts';
import {
  conversationSystemId,
  outgoingSystemId,
  systemIds,
  tellSystem,
  type SocketCommand,
} from '../../../machines/system.ts';
import type {
  ChannelUpdate,
  ConversationsAndUsers,
  Message,
  ProtocolError,
  UserJoined,
} from '../../../server/protocol.ts';

type System = { get(systemId: string): AnyActorRef | undefined };

export interface ScriptedSocket {
  /** Provide it as the session's `socket` actor. */
  actor: ReturnType<typeof fromCallback<SocketCommand, { url: string; token: string }>>;
  /** Every command any actor sent, in order, across connection attempts. */
  commands: SocketCommand[];
  /** One entry per connection attempt; `open` turns false when the session stops it. */
  attempts: { input: { url: string; token: string }; open: boolean }[];
  /** The current attempt is running. */
  readonly open: boolean;
  /** A connection event, to the session. */
  session(event: SocketEvent): void;
  /** `socket.transportOpened` then `socket.connected`. */
  connect(): void;
  /** The sync data to the messenger, then `sync.received` to the session. */
  sync(data: ConversationsAndUsers): void;
  push(update: ChannelUpdate): void;
  joined(joined: UserJoined): void;
  /** Any other push the messenger owns (conversationAdded, conversationRemoved, memberLeft, userUpdated). */
  toMessenger(event: MessengerEvent): void;
  ack(clientMessageId: string, message: Message): void;
  reject(clientMessageId: string, error: ProtocolError): void;
  history(conversationId: string, messages: Message[], hasMore: boolean): void;
  historyFailed(conversationId: string, error: ProtocolError): void;
  catchUp(conversationId: string, after: number, messages: Message[], hasMore: boolean): void;
  catchUpFailed(conversationId: string, error: ProtocolError): void;
  /** An answer to a `listMessageChanges`, to the conversation. */
  changes(conversationId: string, messages: Message[], hasMore: boolean, revision: number): void;
  changesFailed(conversationId: string, error: ProtocolError): void;
  /** An answer to a `listReceipts`, to the receiptList machine. */
  receiptList(event: ReceiptListEvent): void;
  /** An answer to an `editMessage`, `deleteMessage`, `hideMessage` or `reactToMessage`. */
  toMessageActions(event: MessageActionsEvent): void;
  /** An answer to a `searchMessages`, to the messageSearch machine. */
  toMessageSearch(event: MessageSearchEvent): void;
  /** An answer to a `searchPeople`, `createConversation` or `addMembers`, to the newChat machine. */
  toNewChat(event: NewChatEvent): void;
  /** An answer to a `leaveConversation` or `removeMember`, to the membership machine. */
  toMembership(event: MembershipEvent): void;
  /** The clientMessageIds of `sendMessage` commands, in order. */
  sentIds(): string[];
}

export function createScriptedSocket(): ScriptedSocket {
  const commands: SocketCommand[] = [];
  const attempts: ScriptedSocket['attempts'] = [];
  let current: { sendBack: (event: SocketEvent) => void; system: System } | null = null;

  const live = () => {
    if (!current) throw new Error('no socket is running (the session is not connecting)');
    return current;
  };
  const toMessenger = (event: MessengerEvent) =>
    tellSystem(live().system, systemIds.messenger, event);
  const toConversation = (id: string, event: ConversationEvent) =>
    tellSystem(live().system, conversationSystemId(id), event);
  const toOutgoing = (id: string, event: OutgoingMessageEvent) =>
    tellSystem(live().system, outgoingSystemId(id), event);

  const actor = fromCallback<SocketCommand, { url: string; token: string }>(
    ({ input, sendBack, receive, system }) => {
      const attempt = { input, open: true };
      attempts.push(attempt);
      const mine = { sendBack: sendBack as (event: SocketEvent) => void, system };
      current = mine;
      receive((command) => commands.push(command));
      return () => {
        attempt.open = false;
        if (current === mine) current = null;
      };
    },
  );

  return {
    actor,
    commands,
    attempts,
    get open() {
      return current !== null;
    },
    session: (event) => live().sendBack(event),
    connect() {
      live().sendBack({ type: 'socket.transportOpened' });
      live().sendBack({ type: 'socket.connected' });
    },
    sync(data) {
      toMessenger({ type: 'sync.received', data });
      live().sendBack({ type: 'sync.received' });
    },
    push: (update) => toMessenger({ type: 'channel.updated', update }),
    joined: (joined) => toMessenger({ type: 'user.joined', joined }),
    toMessenger,
    ack: (clientMessageId, message) =>
      toOutgoing(clientMessageId, { type: 'message.acked', clientMessageId, message }),
    reject: (clientMessageId, error) =>
      toOutgoing(clientMessageId, { type: 'message.rejected', clientMessageId, error }),
    history: (id, messages, hasMore) =>
      toConversation(id, { type: 'history.loaded', messages, hasMore }),
    historyFailed: (id, error) => toConversation(id, { type: 'history.failed', error }),
    catchUp: (id, after, messages, hasMore) =>
      toConversation(id, { type: 'catchUp.loaded', after, messages, hasMore }),
    catchUpFailed: (id, error) => toConversation(id, { type: 'catchUp.failed', error }),
    changes: (id, messages, hasMore, revision) =>
      toConversation(id, { type: 'changes.loaded', messages, hasMore, revision }),
    changesFailed: (id, error) => toConversation(id, { type: 'changes.failed', error }),
    receiptList: (event) => tellSystem(live().system, systemIds.receiptList, event),
    toMessageActions: (event) => tellSystem(live().system, systemIds.messageActions, event),
    toMessageSearch: (event) => tellSystem(live().system, systemIds.messageSearch, event),
    toNewChat: (event) => tellSystem(live().system, systemIds.newChat, event),
    toMembership: (event) => tellSystem(live().system, systemIds.membership, event),
    sentIds: () =>
      commands.flatMap((command) =>
        command.type === 'sendMessage' ? [command.clientMessageId] : [],
      ),
  };
}
