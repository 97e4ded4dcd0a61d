// The session's socket actor against a real chat server on a loopback port. It runs inside a
// small system of its own: a parent invokes it as the session does (systemId "socket") and
// records what it sends back (the session's share), and recorder actors registered under the
// systemIds the socket delivers to ("messenger", "conversation.<id>", "outgoing.<id>") record
// what reaches each of them. So each test shows where a payload lands, not only that it arrived.
import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import {
  assign,
  createActor,
  enqueueActions,
  fromCallback,
  sendTo,
  setup,
  waitFor,
  type Actor,
  type AnyEventObject,
} from 'xstate';
import type { ConversationEvent } from '../../../../machines/conversation.ts';
import type { MessengerEvent } from '../../../../machines/messenger.ts';
import type { OutgoingMessageEvent } from '../../../../machines/outgoingMessage.ts';
import { sessionMachine, type SocketEvent } from '../../../../machines/session.ts';
import {
  conversationSystemId,
  outgoingSystemId,
  systemIds,
  type SocketCommand,
} from '../../../../machines/system.ts';
import type { ChatServer } from '../../../../server/chatServer.ts';
import type { ChatSocket } from '../../../../server/codeSender.ts';
import { Limits, type ConversationsAndUsers } from '../../../../server/protocol.ts';
import {
  createSessionSocketActor,
  deliveryMarkDelayMs,
} from '../../../../src/renderer/transport/sessionSocket.ts';
import { signUp, startServer } from './realServer.ts';

interface Delivery {
  /** "session" for what the socket sends back to its parent, else the recipient's systemId. */
  to: string;
  event: AnyEventObject;
}

/** Stands for an actor the socket delivers to: reports each event it receives to the harness. */
const recorder = fromCallback<AnyEventObject, { systemId: string }>(
  ({ input, receive, sendBack }) => {
    receive((event) => sendBack({ type: 'recorded', to: input.systemId, event }));
  },
);

type HarnessEvent =
  | SocketEvent
  | { type: 'command'; command: SocketCommand | { type: string } }
  | { type: 'recorded'; to: string; event: AnyEventObject }
  | { type: 'listen'; systemId: string }
  | { type: 'socket.stop' };

const harness = setup({
  types: {
    context: {} as { url: string; token: string; deliveries: Delivery[] },
    events: {} as HarnessEvent,
    input: {} as { url: string; token: string },
  },
  actors: { socket: createSessionSocketActor({ timeoutMs: 2_000 }), recorder },
  actions: {
    listen: enqueueActions(({ enqueue }, params: { systemId: string }) => {
      enqueue.spawnChild('recorder', {
        id: params.systemId,
        systemId: params.systemId,
        input: { systemId: params.systemId },
      });
    }),
    record: assign(({ context }, params: Delivery) => ({
      deliveries: [...context.deliveries, params],
    })),
  },
}).createMachine({
  context: ({ input }) => ({ ...input, deliveries: [] }),
  entry: { type: 'listen', params: { systemId: systemIds.messenger } },
  initial: 'open',
  on: {
    listen: { actions: { type: 'listen', params: ({ event }) => ({ systemId: event.systemId }) } },
    recorded: {
      actions: { type: 'record', params: ({ event }) => ({ to: event.to, event: event.event }) },
    },
    // Whatever else arrives is what the socket sent back: the session's events.
    '*': { actions: { type: 'record', params: ({ event }) => ({ to: 'session', event }) } },
  },
  states: {
    open: {
      invoke: {
        id: 'socket',
        systemId: systemIds.socket,
        src: 'socket',
        input: ({ context }) => ({ url: context.url, token: context.token }),
      },
      on: {
        command: { actions: sendTo('socket', ({ event }) => event.command as SocketCommand) },
        // Only the socket stops: the recorders stay to show that nothing more arrives.
        'socket.stop': 'closed',
      },
    },
    closed: {},
  },
});

type Harness = Actor<typeof harness>;

let server: ChatServer;
const running: Harness[] = [];
const serverHooks: ((socket: ChatSocket) => void)[] = [];

beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());
afterEach(() => {
  for (const actor of running.splice(0)) actor.stop();
  for (const hook of serverHooks.splice(0)) server.io.off('connection', hook);
});

function open(
  token: string,
  { url = server.url, timeoutMs }: { url?: string; timeoutMs?: number } = {},
) {
  const logic =
    timeoutMs === undefined
      ? harness
      : harness.provide({ actors: { socket: createSessionSocketActor({ timeoutMs }) } });
  const actor = createActor(logic, { input: { url, token } }).start();
  running.push(actor);
  return actor;
}

/** Runs `hook` on the server side of every connection opened from now on in this test. */
function onServerSocket(hook: (socket: ChatSocket) => void): void {
  serverHooks.push(hook);
  server.io.on('connection', hook);
}

/** How many deliveries so far: pass it as `since` to look only at what comes after. */
const mark = (actor: Harness) => actor.getSnapshot().context.deliveries.length;

const deliveriesTo = (actor: Harness, to: string, since = 0) =>
  actor
    .getSnapshot()
    .context.deliveries.slice(since)
    .filter((delivery) => delivery.to === to)
    .map((delivery) => delivery.event);

async function delivered(
  actor: Harness,
  to: string,
  type: string,
  since: number,
): Promise<AnyEventObject> {
  const found = (deliveries: Delivery[]) =>
    deliveries.slice(since).find((d) => d.to === to && d.event.type === type);
  const snapshot = await waitFor(actor, (s) => found(s.context.deliveries) !== undefined, {
    timeout: 5_000,
  });
  return found(snapshot.context.deliveries)!.event;
}

const toSession = <T extends SocketEvent['type']>(actor: Harness, type: T, since = 0) =>
  delivered(actor, 'session', type, since) as Promise<Extract<SocketEvent, { type: T }>>;
const toMessenger = <T extends MessengerEvent['type']>(actor: Harness, type: T, since = 0) =>
  delivered(actor, systemIds.messenger, type, since) as Promise<
    Extract<MessengerEvent, { type: T }>
  >;
const toConversation = <T extends ConversationEvent['type']>(
  actor: Harness,
  conversationId: string,
  type: T,
  since = 0,
) =>
  delivered(actor, conversationSystemId(conversationId), type, since) as Promise<
    Extract<ConversationEvent, { type: T }>
  >;
const toOutgoing = <T extends OutgoingMessageEvent['type']>(
  actor: Harness,
  clientMessageId: string,
  type: T,
  since = 0,
) =>
  delivered(actor, outgoingSystemId(clientMessageId), type, since) as Promise<
    Extract<OutgoingMessageEvent, { type: T }>
  >;

/** Sends `command` to the socket; returns the mark before it. */
function command(actor: Harness, next: SocketCommand | { type: string }): number {
  const since = mark(actor);
  actor.send({ type: 'command', command: next });
  return since;
}

const listen = (actor: Harness, systemId: string) => actor.send({ type: 'listen', systemId });

/** Connects and syncs as the session does; returns what the messenger was given. */
async function connectAndSync(actor: Harness): Promise<ConversationsAndUsers> {
  await toSession(actor, 'socket.connected');
  const since = command(actor, { type: 'requestConversationsAndUsers' });
  await toSession(actor, 'sync.received', since);
  return (await toMessenger(actor, 'sync.received', since)).data;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('session socket actor against a real server', () => {
  it('authenticates with the token and delivers the sync to the messenger, then tells the session', async () => {
    const { user, sessionToken } = await signUp(server.url, 'Ada', 'Lovelace');
    const actor = open(sessionToken);
    await toSession(actor, 'socket.transportOpened');
    await toSession(actor, 'socket.connected');
    const since = command(actor, { type: 'requestConversationsAndUsers' });
    await toSession(actor, 'sync.received', since);

    const after = actor.getSnapshot().context.deliveries.slice(since);
    expect(after.map((d) => [d.to, d.event.type])).toEqual([
      ['messenger', 'sync.received'],
      ['session', 'sync.received'],
    ]);
    const { data } = after[0]!.event as Extract<MessengerEvent, { type: 'sync.received' }>;
    expect(data.currentUserId).toBe(user.id);
    expect(data.users.map((u) => u.firstName)).toEqual(expect.arrayContaining(['Ada', 'Vegeta']));
    expect(data.conversations.length).toBeGreaterThanOrEqual(2);
    // The session hears only that the sync is done: the data is the messenger's.
    expect(after[1]!.event).toEqual({ type: 'sync.received' });
  });

  it('delivers the ack to the outgoing message it acknowledges, and the channelUpdate to the messenger', async () => {
    const { user, sessionToken } = await signUp(server.url);
    const actor = open(sessionToken);
    const data = await connectAndSync(actor);
    const dm = data.conversations.find((c) => c.kind === 'direct')!;
    listen(actor, outgoingSystemId('m-1'));
    listen(actor, outgoingSystemId('m-2'));

    const since = command(actor, {
      type: 'sendMessage',
      conversationId: dm.id,
      text: 'Hello Vegeta',
      clientMessageId: 'm-1',
    });
    const acked = await toOutgoing(actor, 'm-1', 'message.acked', since);
    expect(acked).toMatchObject({
      clientMessageId: 'm-1',
      message: { text: 'Hello Vegeta', authorId: user.id, clientMessageId: 'm-1' },
    });
    const update = await toMessenger(actor, 'channel.updated', since);
    expect(update.update.conversation.id).toBe(dm.id);
    expect(update.update.message).toEqual(acked.message);
    expect(deliveriesTo(actor, outgoingSystemId('m-2'))).toEqual([]);
    expect(deliveriesTo(actor, 'session', since)).toEqual([]);
  });

  it('turns an error ack into message.rejected with the server’s code', async () => {
    const { sessionToken } = await signUp(server.url);
    const actor = open(sessionToken);
    const data = await connectAndSync(actor);
    listen(actor, outgoingSystemId('m-long'));
    const since = command(actor, {
      type: 'sendMessage',
      conversationId: data.conversations[0]!.id,
      text: 'x'.repeat(Limits.messageMaxChars + 1),
      clientMessageId: 'm-long',
    });
    const rejected = await toOutgoing(actor, 'm-long', 'message.rejected', since);
    expect(rejected).toMatchObject({ clientMessageId: 'm-long', error: { code: 'text_too_long' } });
  });

  it('turns a missing ack into message.rejected once the ack timeout passes', async () => {
    const { sessionToken } = await signUp(server.url);
    // The server receives the sends but never answers them, like a lost packet.
    onServerSocket((socket) =>
      socket.use(([event], next) => {
        if (event !== 'sendMessage') next();
      }),
    );
    const actor = open(sessionToken, { timeoutMs: 300 });
    const data = await connectAndSync(actor);
    listen(actor, outgoingSystemId('m-lost'));
    const since = command(actor, {
      type: 'sendMessage',
      conversationId: data.conversations[0]!.id,
      text: 'anyone?',
      clientMessageId: 'm-lost',
    });
    const rejected = await toOutgoing(actor, 'm-lost', 'message.rejected', since);
    expect(rejected.clientMessageId).toBe('m-lost');
    expect(rejected.error.code).toBe('internal');
    expect(rejected.error.message).toMatch(/^network: /);
    // What to make of it (reconnect) is the message's call, not the socket's.
    expect(deliveriesTo(actor, 'session', since)).toEqual([]);
  });

  it.each([
    ['another clientMessageId', { clientMessageId: 'm-someone-else' }],
    ['another conversation', { conversationId: 'c-elsewhere' }],
  ])(
    'turns an ack whose message has %s into message.rejected (internal), never acked',
    async (_, forged) => {
      const { sessionToken } = await signUp(server.url);
      // The server stores the message, but its ack names another one.
      onServerSocket((socket) =>
        socket.use((packet, next) => {
          const ack = packet[2];
          if (packet[0] === 'sendMessage' && typeof ack === 'function') {
            packet[2] = (response: { ok: boolean; message?: object }) =>
              ack(
                response.ok
                  ? { ...response, message: { ...response.message, ...forged } }
                  : response,
              );
          }
          next();
        }),
      );
      const actor = open(sessionToken);
      const data = await connectAndSync(actor);
      listen(actor, outgoingSystemId('m-mine'));
      listen(actor, outgoingSystemId('m-someone-else'));
      const since = command(actor, {
        type: 'sendMessage',
        conversationId: data.conversations[0]!.id,
        text: 'mine',
        clientMessageId: 'm-mine',
      });
      const rejected = await toOutgoing(actor, 'm-mine', 'message.rejected', since);
      expect(rejected).toMatchObject({ clientMessageId: 'm-mine', error: { code: 'internal' } });
      expect(deliveriesTo(actor, outgoingSystemId('m-mine'), since)).toEqual([rejected]);
      expect(deliveriesTo(actor, outgoingSystemId('m-someone-else'), since)).toEqual([]);
    },
  );

  it('delivers history pages and their failures to the conversation that asked', async () => {
    const { sessionToken } = await signUp(server.url);
    const actor = open(sessionToken);
    const data = await connectAndSync(actor);
    const group = data.conversations.find((c) => c.kind === 'group')!;
    listen(actor, conversationSystemId(group.id));
    listen(actor, conversationSystemId('nobody-knows-this'));

    const seqs = group.messages.map((m) => m.seq);
    let since = command(actor, {
      type: 'requestMessages',
      purpose: 'history',
      conversationId: group.id,
      limit: 2,
    });
    const latest = await toConversation(actor, group.id, 'history.loaded', since);
    expect(latest.messages.map((m) => m.seq)).toEqual(seqs.slice(-2));
    since = command(actor, {
      type: 'requestMessages',
      purpose: 'history',
      conversationId: group.id,
      before: latest.messages[0]!.seq,
      limit: 2,
    });
    const older = await toConversation(actor, group.id, 'history.loaded', since);
    expect(older.messages.map((m) => m.seq)).toEqual(seqs.slice(-4, -2));
    expect(older.hasMore).toBe(true);

    since = command(actor, {
      type: 'requestMessages',
      purpose: 'history',
      conversationId: 'nobody-knows-this',
      limit: 2,
    });
    const failed = await toConversation(actor, 'nobody-knows-this', 'history.failed', since);
    expect(['not_found', 'forbidden']).toContain(failed.error.code);
    expect(deliveriesTo(actor, conversationSystemId(group.id), since)).toEqual([]);
  });

  it('delivers catch-up pages (the messages after `after`) and their failures to the conversation', async () => {
    const { sessionToken } = await signUp(server.url);
    const actor = open(sessionToken);
    const data = await connectAndSync(actor);
    const group = data.conversations.find((c) => c.kind === 'group')!;
    listen(actor, conversationSystemId(group.id));
    listen(actor, conversationSystemId('nobody-knows-this'));

    let since = command(actor, {
      type: 'requestMessages',
      purpose: 'catchUp',
      conversationId: group.id,
      after: 0,
      limit: 2,
    });
    const page = await toConversation(actor, group.id, 'catchUp.loaded', since);
    expect(page).toMatchObject({ after: 0, hasMore: true });
    expect(page.messages.map((m) => m.seq)).toEqual([1, 2]);

    since = command(actor, {
      type: 'requestMessages',
      purpose: 'catchUp',
      conversationId: 'nobody-knows-this',
      after: 0,
      limit: 2,
    });
    const failed = await toConversation(actor, 'nobody-knows-this', 'catchUp.failed', since);
    expect(['not_found', 'forbidden']).toContain(failed.error.code);
  });

  it('delivers pages of message changes (listMessageChanges) and their failures to the conversation', async () => {
    const { sessionToken } = await signUp(server.url);
    const actor = open(sessionToken);
    const data = await connectAndSync(actor);
    const group = data.conversations.find((c) => c.kind === 'group')!;
    listen(actor, conversationSystemId(group.id));
    listen(actor, conversationSystemId('nobody-knows-this'));

    let since = command(actor, {
      type: 'listMessageChanges',
      conversationId: group.id,
      since: group.revision ?? 0,
      limit: 10,
    });
    const page = await toConversation(actor, group.id, 'changes.loaded', since);
    // Nothing changed since the sync: caught up to its revision.
    expect(page).toEqual({
      type: 'changes.loaded',
      messages: [],
      hasMore: false,
      revision: group.revision,
    });

    since = command(actor, {
      type: 'listMessageChanges',
      conversationId: 'nobody-knows-this',
      since: 0,
      limit: 10,
    });
    const failed = await toConversation(actor, 'nobody-knows-this', 'changes.failed', since);
    expect(['not_found', 'forbidden']).toContain(failed.error.code);
    expect(deliveriesTo(actor, conversationSystemId(group.id), since)).toEqual([]);
  });

  it('delivers who read a message to receiptList with the number of the request it answers', async () => {
    const { sessionToken } = await signUp(server.url);
    const actor = open(sessionToken);
    const data = await connectAndSync(actor);
    const group = data.conversations.find((c) => c.kind === 'group')!;
    listen(actor, systemIds.receiptList);
    listen(actor, outgoingSystemId('m-asked'));
    let since = command(actor, {
      type: 'sendMessage',
      conversationId: group.id,
      text: 'Who has seen this?',
      clientMessageId: 'm-asked',
    });
    const { message } = await toOutgoing(actor, 'm-asked', 'message.acked', since);

    since = command(actor, {
      type: 'listReceipts',
      requestId: 7,
      conversationId: group.id,
      seq: message.seq,
    });
    const loaded = await delivered(actor, systemIds.receiptList, 'receiptList.loaded', since);
    expect(loaded).toEqual({
      type: 'receiptList.loaded',
      requestId: 7,
      readBy: expect.any(Array),
      deliveredTo: expect.any(Array),
    });

    // Someone else's message: only its author may ask, and the failure carries the number too.
    const theirs = group.messages.find((m) => m.authorId !== data.currentUserId)!;
    since = command(actor, {
      type: 'listReceipts',
      requestId: 8,
      conversationId: group.id,
      seq: theirs.seq,
    });
    const failed = await delivered(actor, systemIds.receiptList, 'receiptList.failed', since);
    expect(failed).toMatchObject({ requestId: 8, error: { code: 'forbidden' } });
    expect(deliveriesTo(actor, 'session', since)).toEqual([]);
  });

  it('sends reply, edit, reaction and deletions, delivering each answer to messageActions with its number', async () => {
    const { sessionToken } = await signUp(server.url);
    const actor = open(sessionToken);
    const data = await connectAndSync(actor);
    const group = data.conversations.find((c) => c.kind === 'group')!;
    listen(actor, systemIds.messageActions);
    listen(actor, outgoingSystemId('m-reply'));
    const theirs = group.messages.find((m) => m.authorId !== data.currentUserId)!;
    let since = command(actor, {
      type: 'sendMessage',
      conversationId: group.id,
      text: 'Agreed',
      clientMessageId: 'm-reply',
      replyToId: theirs.id,
    });
    const { message } = await toOutgoing(actor, 'm-reply', 'message.acked', since);
    expect(message.replyTo).toMatchObject({ messageId: theirs.id, deleted: false });
    const ref = { conversationId: group.id, messageId: message.id };

    since = command(actor, { type: 'editMessage', requestId: 1, ...ref, text: 'Agreed!' });
    const saved = await delivered(actor, systemIds.messageActions, 'edit.saved', since);
    expect(saved).toMatchObject({ requestId: 1, message: { text: 'Agreed!', editCount: 1 } });

    since = command(actor, { type: 'reactToMessage', requestId: 2, ...ref, emoji: '🔥' });
    const reacted = await delivered(actor, systemIds.messageActions, 'change.done', since);
    expect(reacted).toMatchObject({
      requestId: 2,
      message: { reactions: [{ emoji: '🔥', userIds: [data.currentUserId] }] },
    });

    // Someone else's message cannot be edited: the refusal carries the number too.
    since = command(actor, {
      type: 'editMessage',
      requestId: 3,
      conversationId: group.id,
      messageId: theirs.id,
      text: 'Mine now',
    });
    const refused = await delivered(actor, systemIds.messageActions, 'edit.refused', since);
    expect(refused).toMatchObject({ requestId: 3, error: { code: 'forbidden' } });

    since = command(actor, {
      type: 'hideMessage',
      requestId: 4,
      conversationId: group.id,
      messageId: theirs.id,
    });
    const hidden = await delivered(actor, systemIds.messageActions, 'change.done', since);
    expect(hidden).toMatchObject({ requestId: 4, message: { id: theirs.id, hidden: true } });

    since = command(actor, { type: 'deleteMessage', requestId: 5, ...ref });
    const deleted = await delivered(actor, systemIds.messageActions, 'change.done', since);
    expect(deleted).toMatchObject({ requestId: 5, message: { id: message.id, text: '' } });
    expect(deleted.message.deletedAt).toEqual(expect.any(Number));
    expect(deliveriesTo(actor, 'session', since)).toEqual([]);
  });

  it('delivers found messages to messageSearch with the number of the search it answers', async () => {
    const { sessionToken } = await signUp(server.url);
    const actor = open(sessionToken);
    const data = await connectAndSync(actor);
    const group = data.conversations.find((c) => c.kind === 'group')!;
    listen(actor, systemIds.messageSearch);
    listen(actor, outgoingSystemId('m-searched'));
    let since = command(actor, {
      type: 'sendMessage',
      conversationId: group.id,
      text: 'Meet at the Kame House',
      clientMessageId: 'm-searched',
    });
    const { message } = await toOutgoing(actor, 'm-searched', 'message.acked', since);

    since = command(actor, { type: 'searchMessages', searchId: 3, query: 'kame' });
    const found = await delivered(actor, systemIds.messageSearch, 'messages.found', since);
    expect(found).toMatchObject({
      type: 'messages.found',
      searchId: 3,
      found: {
        results: [
          {
            conversationId: group.id,
            messages: [{ message: { id: message.id }, highlights: [[12, 16]] }],
          },
        ],
        hasMore: false,
        cursor: null,
      },
    });

    // A query the server refuses: the failure carries the number too, and nothing else hears.
    since = command(actor, { type: 'searchMessages', searchId: 4, query: 'x'.repeat(101) });
    const failed = await delivered(actor, systemIds.messageSearch, 'messages.failed', since);
    expect(failed).toMatchObject({ searchId: 4, error: { code: 'invalid_payload' } });
    expect(deliveriesTo(actor, 'session', since)).toEqual([]);
  });

  it('delivers userJoined to the messenger when someone new joins the group', async () => {
    const { sessionToken } = await signUp(server.url, 'Ada', 'Lovelace');
    const actor = open(sessionToken);
    const data = await connectAndSync(actor);
    const group = data.conversations.find((c) => c.kind === 'group')!;
    const since = mark(actor);
    const { user: alan } = await signUp(server.url, 'Alan', 'Turing');
    const joined = await toMessenger(actor, 'user.joined', since);
    expect(joined.joined).toEqual({
      user: { id: alan.id, firstName: 'Alan', lastName: 'Turing', avatar: alan.avatar },
      conversationIds: [group.id],
    });
  });

  it('signs out: the ack reaches the session and the token no longer opens a connection', async () => {
    const { sessionToken } = await signUp(server.url);
    const actor = open(sessionToken);
    await connectAndSync(actor);
    const since = command(actor, { type: 'signOut' });
    await toSession(actor, 'signOut.done', since);

    const again = open(sessionToken);
    const rejected = await toSession(again, 'socket.authRejected');
    expect(rejected.error.code).toBe('invalid_token');
  });

  it('signs out: the session hears the ack before the disconnect the server sends right after it', async () => {
    // The server acks signOut and then closes the socket at once (handlers/conversations.ts):
    // both arrive together, and a session told `socket.disconnected` first ends `signedOut`
    // (not revoked) although the server revoked the token.
    const { sessionToken } = await signUp(server.url);
    const actor = open(sessionToken);
    await connectAndSync(actor);
    const since = command(actor, { type: 'signOut' });
    await toSession(actor, 'signOut.done', since);
    await toSession(actor, 'socket.disconnected', since);
    expect(deliveriesTo(actor, 'session', since).map((event) => event.type)).toEqual([
      'signOut.done',
      'socket.disconnected',
    ]);
  });

  it('hears a message ack read together with the disconnect after it first', async () => {
    // A server that answers and closes at once (a restart, a crash right after a write): the
    // ack and the disconnect arrive together. Heard in that order, the message is acked;
    // the other way round the socket actor would be gone and the ack lost.
    const { sessionToken } = await signUp(server.url);
    let closeAfterAck = false;
    onServerSocket((socket) => {
      const raw = socket as unknown as { packet: (packet: { type: number }) => void };
      const packet = raw.packet.bind(socket);
      raw.packet = (sent) => {
        packet(sent);
        // An ACK packet (socket.io-parser PacketType.ACK = 3) to a sendMessage: close now.
        if (sent.type === 3 && closeAfterAck) socket.disconnect(true);
      };
    });
    const actor = open(sessionToken);
    const data = await connectAndSync(actor);
    listen(actor, outgoingSystemId('m-last'));
    closeAfterAck = true;
    const since = command(actor, {
      type: 'sendMessage',
      conversationId: data.conversations[0]!.id,
      text: 'last words',
      clientMessageId: 'm-last',
    });
    await toSession(actor, 'socket.disconnected', since);
    const order = actor
      .getSnapshot()
      .context.deliveries.slice(since)
      .map((delivery) => delivery.event.type)
      .filter((type) => type === 'message.acked' || type === 'socket.disconnected');
    expect(order).toEqual(['message.acked', 'socket.disconnected']);
  });

  it('drops a malformed push: it is never delivered, and the next good one is', async () => {
    const { sessionToken } = await signUp(server.url);
    const serverSide = new Promise<ChatSocket>((resolve) => onServerSocket(resolve));
    const actor = open(sessionToken);
    const data = await connectAndSync(actor);
    const dm = data.conversations.find((c) => c.kind === 'direct')!;
    const socket = await serverSide;
    const since = mark(actor);
    socket.emit('channelUpdate', {
      conversation: { id: dm.id },
      message: 'not a message',
    } as never);
    socket.emit('userJoined', { user: { id: 42 }, conversationIds: 'all' } as never);
    socket.emit('recieveConversationsAndUsers', { currentUserId: null } as never);

    // Socket.IO keeps the order: once this send's update is in, the bad ones were handled.
    listen(actor, outgoingSystemId('m-after'));
    command(actor, {
      type: 'sendMessage',
      conversationId: dm.id,
      text: 'still here',
      clientMessageId: 'm-after',
    });
    await toOutgoing(actor, 'm-after', 'message.acked', since);
    const update = await toMessenger(actor, 'channel.updated', since);
    expect(update.update.message?.clientMessageId).toBe('m-after');
    // The send's update, then the receipts it moved (Vegeta reads at once; they come inside the
    // update itself, not as a receiptsChanged of their own), and nothing else.
    expect(update.update.receipts).toEqual({ deliveredSeq: 1, readSeq: 1 });
    expect(deliveriesTo(actor, systemIds.messenger, since)).toEqual([
      update,
      {
        type: 'receipts.changed',
        receipts: { conversationId: dm.id, deliveredSeq: 1, readSeq: 1 },
      },
    ]);
    expect(deliveriesTo(actor, 'session', since)).toEqual([]);
  });

  it("hands a send's ack to its message with who authors the next sends", async () => {
    const { sessionToken, user } = await signUp(server.url);
    const actor = open(sessionToken);
    const data = await connectAndSync(actor);
    const dm = data.conversations.find((c) => c.kind === 'direct')!;
    // The sync says it too: the person first, then Vegeta (the DM's one other member).
    const vegetaId = dm.memberIds.find((id) => id !== user.id)!;
    expect(dm.authorTurns?.slice(0, 2)).toEqual([user.id, vegetaId]);
    const since = mark(actor);
    listen(actor, outgoingSystemId('m-turns'));
    command(actor, {
      type: 'sendMessage',
      conversationId: dm.id,
      text: 'whose turn',
      clientMessageId: 'm-turns',
    });
    const acked = await toOutgoing(actor, 'm-turns', 'message.acked', since);
    expect(acked.message.authorId).toBe(user.id);
    expect(acked.authorTurns?.slice(0, 2)).toEqual([vegetaId, user.id]);
  });

  it('sends a burst of delivery marks as one, with the highest seq', async () => {
    const { sessionToken } = await signUp(server.url);
    const serverSide = new Promise<ChatSocket>((resolve) => onServerSocket(resolve));
    const actor = open(sessionToken);
    const data = await connectAndSync(actor);
    const dm = data.conversations.find((c) => c.kind === 'direct')!;
    const socket = await serverSide;
    const marks: unknown[] = [];
    const heard = new Promise<void>((resolve) =>
      socket.on('markDelivered' as never, (payload: unknown) => {
        marks.push(payload);
        resolve();
      }),
    );
    for (const seq of [0, 2, 1])
      command(actor, { type: 'markDelivered', conversationId: dm.id, seq });
    await heard;
    // One more round trip: a second mark would have arrived by now.
    command(actor, { type: 'markRead', conversationId: dm.id, seq: 0 });
    await new Promise((resolve) => setTimeout(resolve, deliveryMarkDelayMs * 2));
    expect(marks).toEqual([{ conversationId: dm.id, seq: 2 }]);
  });

  it('fails a sync whose data is malformed instead of leaving the session syncing', async () => {
    const { sessionToken } = await signUp(server.url);
    onServerSocket((socket) => {
      const emit = socket.emit.bind(socket);
      socket.emit = ((event: string, ...args: unknown[]) =>
        event === 'recieveConversationsAndUsers'
          ? emit(event, { currentUserId: 7, users: 'everyone' } as never)
          : (emit as (e: string, ...a: unknown[]) => boolean)(
              event,
              ...args,
            )) as typeof socket.emit;
    });
    const actor = open(sessionToken);
    await toSession(actor, 'socket.connected');
    const since = command(actor, { type: 'requestConversationsAndUsers' });
    const failed = await toSession(actor, 'sync.failed', since);
    expect(failed.error.code).toBe('internal');
    await toMessenger(actor, 'sync.failed', since);
    expect(deliveriesTo(actor, systemIds.messenger, since)).toEqual([{ type: 'sync.failed' }]);
  });

  it('ignores an unknown command: nothing is emitted or delivered, and the socket goes on working', async () => {
    const received: string[] = [];
    const { sessionToken } = await signUp(server.url);
    onServerSocket((socket) => socket.onAny((event: string) => received.push(event)));
    const actor = open(sessionToken);
    await toSession(actor, 'socket.connected');
    const since = command(actor, { type: 'launchRockets' });
    await connectAndSync(actor);
    expect(received).toEqual(['requestConversationsAndUsers']);
    expect(
      actor
        .getSnapshot()
        .context.deliveries.slice(since)
        .map((d) => [d.to, d.event.type]),
    ).toEqual([
      ['messenger', 'sync.received'],
      ['session', 'sync.received'],
    ]);
  });

  it('reports a refused token as authRejected, never as a connection failure', async () => {
    const actor = open('not-a-session-token');
    const rejected = await toSession(actor, 'socket.authRejected');
    expect(rejected.error.code).toBe('invalid_token');
    const types = deliveriesTo(actor, 'session').map((event) => event.type);
    expect(types).not.toContain('socket.connected');
    expect(types).not.toContain('socket.connectFailed');
  });

  it('reports connectFailed, not authRejected, when no server listens', async () => {
    const down = await startServer();
    const url = down.url;
    await down.close();
    const actor = open('any', { url });
    const failed = await toSession(actor, 'socket.connectFailed');
    expect(failed.message.length).toBeGreaterThan(0);
    expect(deliveriesTo(actor, 'session').map((event) => event.type)).not.toContain(
      'socket.authRejected',
    );
  });

  it('reports disconnected when the server drops the connection', async () => {
    const { sessionToken } = await signUp(server.url);
    const actor = open(sessionToken);
    await toSession(actor, 'socket.connected');
    server.io.disconnectSockets();
    const lost = await toSession(actor, 'socket.disconnected');
    expect(lost.reason).toBe('io server disconnect');
  });

  it('once stopped, closes its socket and delivers nothing, not even the end of a pending request', async () => {
    const { sessionToken } = await signUp(server.url);
    let sendArrived: () => void = () => {};
    const arrived = new Promise<void>((resolve) => (sendArrived = resolve));
    const serverSide = new Promise<{ reason: Promise<string> }>((resolve) =>
      onServerSocket((socket) => {
        socket.use(([event], next) => {
          if (event === 'sendMessage') sendArrived();
          else next();
        });
        resolve({ reason: new Promise((done) => socket.once('disconnect', done)) });
      }),
    );
    const actor = open(sessionToken, { timeoutMs: 200 });
    const data = await connectAndSync(actor);
    listen(actor, outgoingSystemId('m-pending'));
    command(actor, {
      type: 'sendMessage',
      conversationId: data.conversations[0]!.id,
      text: 'unanswered',
      clientMessageId: 'm-pending',
    });
    await arrived;
    const since = mark(actor);
    actor.send({ type: 'socket.stop' });
    const { reason } = await serverSide;
    expect(await reason).toBe('client namespace disconnect');
    // Well past the ack timeout: the pending send's failure is not delivered either.
    await sleep(600);
    expect(actor.getSnapshot().context.deliveries.slice(since)).toEqual([]);
  });

  it('takes the real session machine to live', async () => {
    const { sessionToken } = await signUp(server.url);
    const session = createActor(
      sessionMachine.provide({ actors: { socket: createSessionSocketActor() } }),
      { input: { url: server.url, token: sessionToken } },
    ).start();
    const live = await waitFor(session, (s) => s.matches({ connection: 'live' }), {
      timeout: 5_000,
    });
    expect(live.context.lastError).toBeNull();
    session.stop();
  });
});
