// Harnesses for the signed-in actor system: the session and the messenger side by side as the
// app runs them (systemIds "session" and "messenger"), or one conversation or one message with
// just what it talks to, and the scripted socket (tests/unit/support) playing the server.
import {
  createActor,
  fromCallback,
  setup,
  SimulatedClock,
  type ActorRefFrom,
  type AnyActorLogic,
  type EventObject,
} from 'xstate';
import {
  conversationMachine,
  type ConversationInput,
  type ConversationRef,
  type OutgoingMessageRef,
} from '../../../machines/conversation.ts';
import { messengerMachine, type MessengerMachine } from '../../../machines/messenger.ts';
import {
  outgoingMessageMachine,
  type OutgoingMessageInput,
} from '../../../machines/outgoingMessage.ts';
import {
  reconnectDelayMs,
  sessionMachine,
  type SessionMachine,
} from '../../../machines/session.ts';
import {
  conversationSystemId,
  outgoingSystemId,
  systemIds,
  type SocketCommand,
} from '../../../machines/system.ts';
import type { UnsentState } from '../../../machines/unsent.ts';
import type { ConversationsAndUsers, Message } from '../../../server/protocol.ts';
import { me, message, syncData } from '../../model/fixtures.ts';
import { createScriptedSocket, type ScriptedSocket } from '../support/scriptedSocket.ts';

export const serverUrl = 'http://127.0.0.1:1';

/** A stand-in actor that records every event sent to it (a messenger, a session...). */
export function recorder(log: EventObject[]) {
  return fromCallback<EventObject>(({ receive }) => {
    receive((event) => log.push(event));
  });
}

/** The session and the messenger of a signed-in user, with the scripted socket as the server. */
export function startSignedIn(
  options: {
    online?: boolean;
    unsent?: UnsentState;
    random?: () => number;
    persistUnsent?: AnyActorLogic;
    /** Stands in for the platform's notifier (else one that shows nothing). */
    notifier?: AnyActorLogic;
    /** The messenger's source of message ids (else `run1-<k>-<n>`). */
    randomId?: () => string;
  } = {},
) {
  const scripted = createScriptedSocket();
  const clock = new SimulatedClock();
  const root = setup({
    actors: {
      session: sessionMachine.provide({ actors: { socket: scripted.actor } }),
      messenger: messengerMachine.provide({
        actors: {
          ...(options.persistUnsent ? { persistUnsent: options.persistUnsent as never } : {}),
          ...(options.notifier ? { notifier: options.notifier as never } : {}),
        },
      }),
    },
  }).createMachine({
    invoke: [
      {
        id: 'session',
        systemId: systemIds.session,
        src: 'session',
        input: {
          url: serverUrl,
          token: 'tok',
          online: options.online ?? true,
          random: options.random ?? (() => 0),
        },
      },
      {
        id: 'messenger',
        systemId: systemIds.messenger,
        src: 'messenger',
        input: {
          clientIdPrefix: 'run1',
          now: () => clock.now(),
          ...(options.unsent ? { unsent: options.unsent } : {}),
          ...(options.randomId ? { randomId: options.randomId } : {}),
        },
      },
    ],
  });
  const actor = createActor(root, { clock }).start();
  const session = actor.system.get(systemIds.session) as ActorRefFrom<SessionMachine>;
  const messenger = actor.system.get(systemIds.messenger) as ActorRefFrom<MessengerMachine>;
  /** The running conversation actor, found as the views and the socket find it. */
  const conversation = (id: string): ConversationRef => {
    const ref = actor.system.get(conversationSystemId(id)) as ConversationRef | undefined;
    if (!ref) throw new Error(`no conversation actor ${id}`);
    return ref;
  };
  return {
    actor,
    scripted,
    clock,
    session,
    messenger,
    conversation,
    /** The connection comes up and the server syncs. */
    goLive(data: ConversationsAndUsers = syncData()) {
      scripted.connect();
      scripted.sync(data);
    },
    /** The user types `text` into a conversation and presses Send. */
    write(conversationId: string, text: string) {
      const ref = conversation(conversationId);
      ref.send({ type: 'draft.changed', text });
      ref.send({ type: 'message.submitted' });
    },
    /** The connection drops; the session waits out its backoff and connects a new socket. */
    reconnect(data: ConversationsAndUsers = syncData()) {
      scripted.session({ type: 'socket.disconnected', reason: 'transport close' });
      const { attempt, random } = session.getSnapshot().context;
      clock.increment(reconnectDelayMs(attempt, random));
      scripted.connect();
      scripted.sync(data);
    },
  };
}

export type SignedIn = ReturnType<typeof startSignedIn>;

/** One conversation actor with a socket to talk to; the test plays its messenger. */
export function startConversation(options: Partial<ConversationInput> & { id?: string } = {}) {
  const { id = 'c-group', conversation: given, ...input } = options;
  const scripted = createScriptedSocket();
  const clock = new SimulatedClock();
  const toMessenger: EventObject[] = [];
  const toSession: EventObject[] = [];
  const conversation = given ?? syncData().conversations.find((c) => c.id === id) ?? null;
  if (!conversation) throw new Error(`no such conversation in the fixtures: ${id}`);
  const root = setup({
    actors: {
      socket: scripted.actor,
      messenger: recorder(toMessenger),
      session: recorder(toSession),
      conversation: conversationMachine,
    },
  }).createMachine({
    invoke: [
      { src: 'socket', systemId: systemIds.socket, input: { url: serverUrl, token: 'tok' } },
      { src: 'messenger', systemId: systemIds.messenger },
      { src: 'session', systemId: systemIds.session },
      {
        id: 'conversation',
        src: 'conversation',
        systemId: conversationSystemId(id),
        input: {
          conversation,
          currentUserId: me.id,
          clientIdPrefix: 'p',
          now: () => clock.now(),
          ...input,
        },
      },
    ],
  });
  const actor = createActor(root, { clock }).start();
  const ref = actor.system.get(conversationSystemId(id)) as ConversationRef;
  return {
    actor,
    ref,
    scripted,
    clock,
    toMessenger,
    toSession,
    snapshot: () => ref.getSnapshot(),
    context: () => ref.getSnapshot().context,
    /** The messenger hands it the sync: the link is live. */
    synced(data: ConversationsAndUsers = syncData()) {
      const synced = data.conversations.find((c) => c.id === id);
      if (!synced) throw new Error(`the sync does not list ${id}`);
      ref.send({ type: 'conversation.synced', conversation: synced, currentUserId: me.id });
    },
    write(text: string) {
      ref.send({ type: 'draft.changed', text });
      ref.send({ type: 'message.submitted' });
    },
  };
}

/** One outgoing message with a socket, a session and a conversation that records its reports. */
export function startOutgoing(input: Partial<OutgoingMessageInput> = {}) {
  const scripted = createScriptedSocket();
  const clock = new SimulatedClock();
  const reports: EventObject[] = [];
  const toSession: EventObject[] = [];
  const full: OutgoingMessageInput = {
    conversationId: 'c-vegeta',
    text: 'Hello Vegeta',
    clientMessageId: 'p-1',
    createdAt: 1_000,
    ...input,
  };
  const root = setup({
    actors: {
      socket: scripted.actor,
      session: recorder(toSession),
      conversation: recorder(reports),
      message: outgoingMessageMachine,
    },
  }).createMachine({
    invoke: [
      { src: 'socket', systemId: systemIds.socket, input: { url: serverUrl, token: 'tok' } },
      { src: 'session', systemId: systemIds.session },
      { src: 'conversation', systemId: conversationSystemId(full.conversationId) },
      {
        id: 'message',
        src: 'message',
        systemId: outgoingSystemId(full.clientMessageId),
        input: full,
      },
    ],
  });
  const actor = createActor(root, { clock }).start();
  const ref = actor.system.get(outgoingSystemId(full.clientMessageId)) as OutgoingMessageRef;
  return { actor, ref, scripted, clock, reports, toSession, input: full };
}

/** The server's copy of one of the user's messages. */
export const stored = (
  clientMessageId: string,
  seq: number,
  overrides: Partial<Message> = {},
): Message =>
  message({
    id: `m-${clientMessageId}`,
    seq,
    authorId: me.id,
    text: clientMessageId,
    clientMessageId,
    ...overrides,
  });

/** The clientMessageId and state of each message in a conversation's outbox, oldest first. */
export const outboxOf = (ref: ConversationRef) =>
  ref
    .getSnapshot()
    .context.outbox.map((m) => [m.getSnapshot().context.clientMessageId, m.getSnapshot().value]);

/** `sendMessage` commands as the server receives them. */
export const sendCommands = (scripted: ScriptedSocket) =>
  scripted.commands.filter(
    (c): c is Extract<SocketCommand, { type: 'sendMessage' }> => c.type === 'sendMessage',
  );

/** The `isDrafting` values sent, in order. */
export const draftingSignals = (scripted: ScriptedSocket) =>
  scripted.commands.flatMap((c) =>
    c.type === 'isDrafting' ? [[c.conversationId, c.isDrafting] as const] : [],
  );

export const requests = (scripted: ScriptedSocket, purpose: 'history' | 'catchUp') =>
  scripted.commands.filter((c) => c.type === 'requestMessages' && c.purpose === purpose);

export const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, index) => from + index);
