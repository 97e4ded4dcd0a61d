import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assign, createActor, sendTo, setup, waitFor, type Actor } from 'xstate';
import {
  sessionMachine,
  type SocketCommand,
  type SocketEvent,
} from '../../../../machines/session.ts';
import type { ChatServer } from '../../../../server/chatServer.ts';
import { createSessionSocketActor } from '../../../../src/renderer/transport/sessionSocket.ts';
import { signUp, startServer } from './realServer.ts';

// A parent that invokes the socket actor, records what it sends back and forwards commands:
// the same seat the session machine gives it.
const harness = setup({
  types: {
    context: {} as { url: string; token: string; events: SocketEvent[] },
    events: {} as SocketEvent | { type: 'command'; command: SocketCommand },
    input: {} as { url: string; token: string },
  },
  actors: { socket: createSessionSocketActor({ timeoutMs: 2_000 }) },
}).createMachine({
  context: ({ input }) => ({ ...input, events: [] }),
  invoke: {
    id: 'socket',
    src: 'socket',
    input: ({ context }) => ({ url: context.url, token: context.token }),
  },
  on: {
    command: {
      actions: sendTo('socket', ({ event }) => (event as { command: SocketCommand }).command),
    },
    '*': {
      actions: assign({
        events: ({ context, event }) => [...context.events, event as SocketEvent],
      }),
    },
  },
});

type Harness = Actor<typeof harness>;

let server: ChatServer;
let running: Harness | null = null;

beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());
afterEach(() => {
  running?.stop();
  running = null;
});

function open(token: string, url = server.url): Harness {
  running = createActor(harness, { input: { url, token } }).start();
  return running;
}

async function nextEvent<T extends SocketEvent['type']>(
  actor: Harness,
  type: T,
  after = 0,
): Promise<Extract<SocketEvent, { type: T }>> {
  const snapshot = await waitFor(
    actor,
    (s) => s.context.events.slice(after).some((e) => e.type === type),
    {
      timeout: 5_000,
    },
  );
  return snapshot.context.events.slice(after).find((e) => e.type === type) as Extract<
    SocketEvent,
    { type: T }
  >;
}

function command(actor: Harness, next: SocketCommand): number {
  const seen = actor.getSnapshot().context.events.length;
  actor.send({ type: 'command', command: next });
  return seen;
}

describe('session socket actor against a real server', () => {
  it('opens, authenticates with the token and syncs the person’s conversations and users', async () => {
    const { user, sessionToken } = await signUp(server.url, 'Ada', 'Lovelace');
    const actor = open(sessionToken);
    await nextEvent(actor, 'socket.transportOpened');
    await nextEvent(actor, 'socket.connected');
    const synced = await nextEvent(actor, 'socket.synced', command(actor, { type: 'socket.sync' }));
    expect(synced.data.currentUserId).toBe(user.id);
    expect(synced.data.users.map((u) => u.firstName)).toEqual(
      expect.arrayContaining(['Ada', 'Vegeta']),
    );
    expect(synced.data.conversations.length).toBeGreaterThanOrEqual(2);
  });

  it('sends a message: the ack carries the stored message and a channelUpdate follows', async () => {
    const { user, sessionToken } = await signUp(server.url);
    const actor = open(sessionToken);
    await nextEvent(actor, 'socket.connected');
    const synced = await nextEvent(actor, 'socket.synced', command(actor, { type: 'socket.sync' }));
    const dm = synced.data.conversations.find((c) => c.kind === 'direct');
    expect(dm).toBeDefined();
    const since = command(actor, {
      type: 'socket.sendMessage',
      message: { conversationId: dm!.id, text: 'Hello Vegeta', clientMessageId: 'm-1' },
    });
    const acked = await nextEvent(actor, 'socket.messageAcked', since);
    expect(acked).toMatchObject({
      clientMessageId: 'm-1',
      message: { text: 'Hello Vegeta', authorId: user.id },
    });
    const update = await nextEvent(actor, 'socket.channelUpdate', since);
    expect(update.update.conversation.id).toBe(dm!.id);
  });

  it('turns a refused message into messageRejected with the server’s code', async () => {
    const { sessionToken } = await signUp(server.url);
    const actor = open(sessionToken);
    await nextEvent(actor, 'socket.connected');
    const synced = await nextEvent(actor, 'socket.synced', command(actor, { type: 'socket.sync' }));
    const since = command(actor, {
      type: 'socket.sendMessage',
      message: {
        conversationId: synced.data.conversations[0]!.id,
        text: '   ',
        clientMessageId: 'm-2',
      },
    });
    const rejected = await nextEvent(actor, 'socket.messageRejected', since);
    expect(rejected).toMatchObject({ clientMessageId: 'm-2', error: { code: 'text_empty' } });
  });

  it('loads a history page, and reports a page it may not read as messagesFailed', async () => {
    const { sessionToken } = await signUp(server.url);
    const actor = open(sessionToken);
    await nextEvent(actor, 'socket.connected');
    const synced = await nextEvent(actor, 'socket.synced', command(actor, { type: 'socket.sync' }));
    const group = synced.data.conversations.find((c) => c.kind === 'group')!;
    let since = command(actor, {
      type: 'socket.requestMessages',
      conversationId: group.id,
      limit: 2,
    });
    const page = await nextEvent(actor, 'socket.messagesLoaded', since);
    expect(page.conversationId).toBe(group.id);
    expect(page.messages).toHaveLength(2);
    since = command(actor, { type: 'socket.requestMessages', conversationId: 'nobody-knows-this' });
    const failed = await nextEvent(actor, 'socket.messagesFailed', since);
    expect(failed.conversationId).toBe('nobody-knows-this');
    expect(['not_found', 'forbidden']).toContain(failed.error.code);
  });

  it('catches up by seq: the messages after `after`, paged, and a refused catch-up as catchUpFailed', async () => {
    const { sessionToken } = await signUp(server.url);
    const actor = open(sessionToken);
    await nextEvent(actor, 'socket.connected');
    const synced = await nextEvent(actor, 'socket.synced', command(actor, { type: 'socket.sync' }));
    const group = synced.data.conversations.find((c) => c.kind === 'group')!;
    let since = command(actor, {
      type: 'socket.catchUp',
      conversationId: group.id,
      after: 0,
      limit: 2,
    });
    const page = await nextEvent(actor, 'socket.caughtUp', since);
    expect(page).toMatchObject({ conversationId: group.id, after: 0, hasMore: true });
    expect(page.messages.map((m) => m.seq)).toEqual([1, 2]);
    since = command(actor, {
      type: 'socket.catchUp',
      conversationId: 'nobody-knows-this',
      after: 0,
    });
    const failed = await nextEvent(actor, 'socket.catchUpFailed', since);
    expect(['not_found', 'forbidden']).toContain(failed.error.code);
  });

  it('reports userJoined when someone new joins the group', async () => {
    const { sessionToken } = await signUp(server.url, 'Ada', 'Lovelace');
    const actor = open(sessionToken);
    await nextEvent(actor, 'socket.connected');
    const synced = await nextEvent(actor, 'socket.synced', command(actor, { type: 'socket.sync' }));
    const group = synced.data.conversations.find((c) => c.kind === 'group')!;
    const { user: alan } = await signUp(server.url, 'Alan', 'Turing');
    const joined = await nextEvent(actor, 'socket.userJoined');
    expect(joined.joined).toEqual({
      user: { id: alan.id, firstName: 'Alan', lastName: 'Turing', avatar: alan.avatar },
      conversationIds: [group.id],
    });
  });

  it('reports a refused token as authRejected (invalid_token)', async () => {
    const actor = open('not-a-session-token');
    const rejected = await nextEvent(actor, 'socket.authRejected');
    expect(rejected.error.code).toBe('invalid_token');
    expect(actor.getSnapshot().context.events.some((e) => e.type === 'socket.connected')).toBe(
      false,
    );
  });

  it('reports connectFailed when no server listens', async () => {
    const down = await startServer();
    const url = down.url;
    await down.close();
    const actor = open('any', url);
    const failed = await nextEvent(actor, 'socket.connectFailed');
    expect(failed.message.length).toBeGreaterThan(0);
  });

  it('reports disconnected when the server drops the connection', async () => {
    const { sessionToken } = await signUp(server.url);
    const actor = open(sessionToken);
    await nextEvent(actor, 'socket.connected');
    server.io.disconnectSockets();
    const lost = await nextEvent(actor, 'socket.disconnected');
    expect(lost.reason).toBe('io server disconnect');
  });

  it('closes its socket when stopped', async () => {
    const { sessionToken } = await signUp(server.url);
    const serverSide = new Promise<{ reason: Promise<string> }>((resolve) => {
      server.io.once('connection', (socket) =>
        resolve({ reason: new Promise((done) => socket.once('disconnect', done)) }),
      );
    });
    const actor = open(sessionToken);
    await nextEvent(actor, 'socket.connected');
    const { reason } = await serverSide;
    actor.stop();
    running = null;
    expect(await reason).toBe('client namespace disconnect');
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
