import { describe, expect, it } from 'vitest';
import { createActor, createMachine, fromCallback, SimulatedClock, type AnyActorRef } from 'xstate';
import {
  backoff,
  defaultRetryAfterMs,
  reconnectDelayMs,
  sessionMachine,
  type OutgoingMessage,
  type SessionEvent,
  type SocketCommand,
} from '../../../machines/session.ts';
import type { Message, ProtocolError } from '../../../server/protocol.ts';
import { goku, groupUpdate, me, message, syncData } from '../../model/fixtures.ts';

/** A session with a scripted socket: the test plays the server through `emit`. */
function start(input: { online?: boolean; random?: () => number } = {}) {
  const commands: SocketCommand[] = [];
  const sockets: { input: unknown; open: boolean }[] = [];
  let emit: (event: SessionEvent) => void = () => {};
  const clock = new SimulatedClock();
  const actor = createActor(
    sessionMachine.provide({
      actors: {
        socket: fromCallback<SocketCommand, { url: string; token: string }>(
          ({ input, sendBack, receive }) => {
            const socket = { input, open: true };
            sockets.push(socket);
            emit = sendBack as typeof emit;
            receive((command) => commands.push(command));
            return () => {
              socket.open = false;
            };
          },
        ),
      },
    }),
    { input: { url: 'http://127.0.0.1:1', token: 'tok', ...input }, clock },
  ).start();
  return { actor, commands, sockets, clock, emit: (event: SessionEvent) => emit(event) };
}

function goLive(setup: ReturnType<typeof start>) {
  setup.emit({ type: 'socket.transportOpened' });
  setup.emit({ type: 'socket.connected' });
  setup.emit({ type: 'socket.synced', data: syncData() });
  expect(setup.actor.getSnapshot().matches({ connection: 'live' })).toBe(true);
}

const sent = (commands: SocketCommand[]) =>
  commands.flatMap((command) =>
    command.type === 'socket.sendMessage' ? [command.message.clientMessageId] : [],
  );

const outgoing = (id: string): OutgoingMessage => ({
  conversationId: 'c-vegeta',
  text: id,
  clientMessageId: id,
});

const stored = (id: string, seq: number): Message =>
  message({ id: `m-${id}`, seq, authorId: me.id, text: id, clientMessageId: id });

/** The server acknowledges `id` (stored as seq `seq`). */
const ack = (setup: ReturnType<typeof start>, id: string, seq: number) =>
  setup.emit({ type: 'socket.messageAcked', clientMessageId: id, message: stored(id, seq) });

const reject = (setup: ReturnType<typeof start>, id: string, error: ProtocolError) =>
  setup.emit({ type: 'socket.messageRejected', clientMessageId: id, error });

/** A session inside a parent that records what it reports. */
function startReporting(
  socket: Parameters<typeof fromCallback<SocketCommand, { url: string; token: string }>>[0],
) {
  const reports: { type: string; [key: string]: unknown }[] = [];
  const parent = createActor(
    createMachine({
      invoke: { id: 'session', src: 'session', input: { url: 'u', token: 't' } },
      on: { '*': { actions: ({ event }) => reports.push(event) } },
    }).provide({
      actors: {
        session: sessionMachine.provide({
          actors: { socket: fromCallback<SocketCommand, { url: string; token: string }>(socket) },
        }),
      },
    }),
  ).start();
  const session = parent.getSnapshot().children.session as AnyActorRef;
  return { reports, session, parent };
}

describe('session machine', () => {
  it('connects with the token, authenticates, syncs, then is live', () => {
    const setup = start();
    expect(setup.sockets[0]?.input).toEqual({ url: 'http://127.0.0.1:1', token: 'tok' });
    expect(setup.actor.getSnapshot().matches({ connection: 'connecting' })).toBe(true);
    setup.emit({ type: 'socket.transportOpened' });
    expect(setup.actor.getSnapshot().matches({ connection: 'authenticating' })).toBe(true);
    setup.emit({ type: 'socket.connected' });
    expect(setup.commands).toEqual([{ type: 'socket.sync' }]);
    setup.emit({ type: 'socket.synced', data: syncData() });
    expect(setup.actor.getSnapshot().matches({ connection: 'live' })).toBe(true);
  });

  it('queues messages while not live and sends them one at a time, in order, once live', () => {
    const setup = start();
    for (const id of ['a', 'b'])
      setup.actor.send({ type: 'messenger.messageSent', message: outgoing(id) });
    expect(sent(setup.commands)).toEqual([]);
    goLive(setup);
    setup.actor.send({ type: 'messenger.messageSent', message: outgoing('c') });
    // The next one goes out only once the previous is acknowledged: nothing can overtake it.
    expect(sent(setup.commands)).toEqual(['a']);
    ack(setup, 'a', 1);
    expect(sent(setup.commands)).toEqual(['a', 'b']);
    ack(setup, 'b', 2);
    ack(setup, 'c', 3);
    expect(sent(setup.commands)).toEqual(['a', 'b', 'c']);
    expect(setup.actor.getSnapshot().context.outbox).toEqual([]);
    expect(setup.actor.getSnapshot().matches({ connection: { live: 'outboxEmpty' } })).toBe(true);
  });

  it('resends unacknowledged messages after a reconnect, in order, with the same clientMessageId', () => {
    const setup = start({ random: () => 0 });
    goLive(setup);
    for (const id of ['a', 'b', 'c'])
      setup.actor.send({ type: 'messenger.messageSent', message: outgoing(id) });
    ack(setup, 'a', 1);
    setup.emit({ type: 'socket.disconnected', reason: 'transport close' });
    expect(setup.actor.getSnapshot().value).toBe('reconnecting');
    expect(setup.sockets[0]?.open).toBe(false);
    setup.commands.length = 0;
    setup.clock.increment(reconnectDelayMs(1, () => 0));
    expect(setup.sockets).toHaveLength(2);
    goLive(setup);
    expect(setup.commands.filter((c) => c.type === 'socket.sendMessage')).toEqual([
      { type: 'socket.sendMessage', message: outgoing('b') },
    ]);
    ack(setup, 'b', 2);
    expect(sent(setup.commands)).toEqual(['b', 'c']);
  });

  it('a retried message keeps its place in the outbox instead of being queued twice', () => {
    const setup = start();
    for (const id of ['a', 'b', 'a'])
      setup.actor.send({ type: 'messenger.messageSent', message: outgoing(id) });
    expect(setup.actor.getSnapshot().context.outbox.map((m) => m.clientMessageId)).toEqual([
      'a',
      'b',
    ]);
  });

  it('on rate_limited waits retryAfterMs and sends the same message again instead of failing it', () => {
    const setup = start();
    goLive(setup);
    for (const id of ['a', 'b'])
      setup.actor.send({ type: 'messenger.messageSent', message: outgoing(id) });
    reject(setup, 'a', { code: 'rate_limited', message: 'slow down', retryAfterMs: 1_200 });
    expect(setup.actor.getSnapshot().matches({ connection: { live: 'rateLimited' } })).toBe(true);
    setup.clock.increment(1_199);
    expect(sent(setup.commands)).toEqual(['a']);
    setup.clock.increment(1);
    expect(sent(setup.commands)).toEqual(['a', 'a']);
    // Without a retryAfterMs it waits the default.
    reject(setup, 'a', { code: 'rate_limited', message: 'slow down' });
    setup.clock.increment(defaultRetryAfterMs);
    expect(sent(setup.commands)).toEqual(['a', 'a', 'a']);
    ack(setup, 'a', 1);
    expect(sent(setup.commands)).toEqual(['a', 'a', 'a', 'b']);
    expect(setup.actor.getSnapshot().context.outbox.map((m) => m.clientMessageId)).toEqual(['b']);
  });

  it('gives a message up only for errors the user can act on, and reports them', () => {
    const { reports, session, parent } = startReporting(({ sendBack, receive }) => {
      sendBack({ type: 'socket.connected' });
      sendBack({ type: 'socket.synced', data: syncData() });
      receive((command: SocketCommand) => {
        if (command.type !== 'socket.sendMessage') return;
        const { clientMessageId } = command.message;
        const error: ProtocolError = { code: 'text_too_long', message: 'too long' };
        sendBack({ type: 'socket.messageRejected', clientMessageId, error });
      });
    });
    session.send({ type: 'messenger.messageSent', message: outgoing('long') });
    session.send({ type: 'messenger.messageSent', message: outgoing('also-long') });
    expect(reports.filter((r) => r.type === 'session.messageRejected')).toEqual([
      {
        type: 'session.messageRejected',
        clientMessageId: 'long',
        error: { code: 'text_too_long', message: 'too long' },
      },
      {
        type: 'session.messageRejected',
        clientMessageId: 'also-long',
        error: { code: 'text_too_long', message: 'too long' },
      },
    ]);
    expect(session.getSnapshot().context.outbox).toEqual([]);
    parent.stop();
  });

  it.each([
    ['an ack that never came', { code: 'internal', message: 'network: operation has timed out' }],
    ['a server failure', { code: 'internal', message: 'the store failed' }],
  ] as const)(
    'treats %s as a broken connection: reconnects and resends, never fails the message',
    (_, error) => {
      const setup = start({ random: () => 0 });
      goLive(setup);
      setup.actor.send({ type: 'messenger.messageSent', message: outgoing('a') });
      reject(setup, 'a', error);
      expect(setup.actor.getSnapshot().value).toBe('reconnecting');
      expect(setup.actor.getSnapshot().context.outbox.map((m) => m.clientMessageId)).toEqual(['a']);
      setup.commands.length = 0;
      setup.clock.increment(reconnectDelayMs(1, () => 0));
      goLive(setup);
      expect(sent(setup.commands)).toEqual(['a']);
    },
  );

  it('ignores acks that are not for the message on the wire', () => {
    const setup = start();
    goLive(setup);
    for (const id of ['a', 'b'])
      setup.actor.send({ type: 'messenger.messageSent', message: outgoing(id) });
    ack(setup, 'b', 2);
    reject(setup, 'b', { code: 'text_too_long', message: 'too long' });
    expect(setup.actor.getSnapshot().context.outbox.map((m) => m.clientMessageId)).toEqual([
      'a',
      'b',
    ]);
    expect(setup.actor.getSnapshot().matches({ connection: { live: 'awaitingAck' } })).toBe(true);
  });

  it('relays catch-up requests and resyncs while live, and reports the answers', () => {
    const commands: SocketCommand[] = [];
    let emit: (event: SessionEvent) => void = () => {};
    const { reports, session, parent } = startReporting(({ sendBack, receive }) => {
      emit = sendBack as typeof emit;
      receive((command: SocketCommand) => commands.push(command));
    });
    // Not live yet: nothing goes out (the sync that comes with the connection starts over).
    session.send({ type: 'messenger.catchUpRequested', conversationId: 'c-group', after: 5 });
    emit({ type: 'socket.connected' });
    emit({ type: 'socket.synced', data: syncData() });
    session.send({ type: 'messenger.catchUpRequested', conversationId: 'c-group', after: 5 });
    session.send({ type: 'messenger.resyncRequested' });
    expect(commands).toEqual([
      { type: 'socket.sync' },
      { type: 'socket.catchUp', conversationId: 'c-group', after: 5, limit: 100 },
      { type: 'socket.sync' },
    ]);
    const page = [message({ id: 'm-g-6', seq: 6, conversationId: 'c-group', authorId: goku.id })];
    emit({
      type: 'socket.caughtUp',
      conversationId: 'c-group',
      after: 5,
      messages: page,
      hasMore: true,
    });
    emit({
      type: 'socket.catchUpFailed',
      conversationId: 'c-group',
      error: { code: 'internal', message: 'x' },
    });
    emit({ type: 'socket.synced', data: syncData() });
    emit({ type: 'socket.userJoined', joined: { user: goku, conversationIds: ['c-group'] } });
    expect(reports.slice(1)).toEqual([
      {
        type: 'session.caughtUp',
        conversationId: 'c-group',
        after: 5,
        messages: page,
        hasMore: true,
      },
      {
        type: 'session.catchUpFailed',
        conversationId: 'c-group',
        error: { code: 'internal', message: 'x' },
      },
      { type: 'session.synced', data: syncData() },
      { type: 'session.userJoined', user: goku, conversationIds: ['c-group'] },
    ]);
    parent.stop();
  });

  it('backs off exponentially with jitter, capped, and resets once live', () => {
    expect(reconnectDelayMs(1, () => 0)).toBe(backoff.baseMs / 2);
    expect(reconnectDelayMs(1, () => 0.999_999)).toBeCloseTo(backoff.baseMs, -1);
    expect(reconnectDelayMs(3, () => 0)).toBe((backoff.baseMs * 4) / 2);
    expect(reconnectDelayMs(50, () => 1)).toBe(backoff.capMs);
    const setup = start({ random: () => 0 });
    setup.emit({ type: 'socket.connectFailed', message: 'ECONNREFUSED' });
    setup.clock.increment(reconnectDelayMs(1, () => 0) - 1);
    expect(setup.sockets).toHaveLength(1);
    setup.clock.increment(1);
    expect(setup.sockets).toHaveLength(2);
    setup.emit({ type: 'socket.connectFailed', message: 'ECONNREFUSED' });
    expect(setup.actor.getSnapshot().context.attempt).toBe(2);
    setup.clock.increment(reconnectDelayMs(2, () => 0));
    goLive(setup);
    expect(setup.actor.getSnapshot().context.attempt).toBe(0);
  });

  it('is offline while the OS says so and reconnects when it is back', () => {
    const setup = start({ online: false });
    expect(setup.actor.getSnapshot().value).toBe('offline');
    expect(setup.sockets).toHaveLength(0);
    setup.actor.send({ type: 'network.online' });
    expect(setup.sockets).toHaveLength(1);
    goLive(setup);
    setup.actor.send({ type: 'network.offline' });
    expect(setup.actor.getSnapshot().value).toBe('offline');
    expect(setup.sockets[0]?.open).toBe(false);
  });

  it('ends as failed when the server refuses the token', () => {
    const setup = start();
    setup.emit({
      type: 'socket.authRejected',
      error: { code: 'invalid_token', message: 'bad token' },
    });
    expect(setup.actor.getSnapshot().status).toBe('done');
    expect(setup.actor.getSnapshot().output).toEqual({
      reason: 'tokenRefused',
      message: 'bad token',
    });
  });

  it('reports socket news to its parent', () => {
    const reports: { type: string }[] = [];
    const parent = createActor(
      createMachine({
        invoke: { id: 'session', src: 'session', input: { url: 'u', token: 't' } },
        on: { '*': { actions: ({ event }) => reports.push(event) } },
      }).provide({
        actors: {
          session: sessionMachine.provide({
            actors: {
              socket: fromCallback(({ sendBack }) => {
                sendBack({ type: 'socket.connected' });
                sendBack({ type: 'socket.synced', data: syncData() });
                sendBack({ type: 'socket.channelUpdate', update: groupUpdate() });
              }),
            },
          }),
        },
      }),
    ).start();
    expect(reports.map((report) => report.type)).toEqual([
      'session.synced',
      'session.channelUpdate',
    ]);
    const session = parent.getSnapshot().children.session as AnyActorRef;
    session.send({ type: 'messenger.historyRequested', conversationId: 'c-group', before: 5 });
    expect(reports).toHaveLength(2);
    parent.stop();
  });

  it('ignores unknown and malformed events without throwing', () => {
    const setup = start();
    goLive(setup);
    for (const event of [
      { type: 'nonsense' },
      { type: 'socket.synced', data: null },
      { type: 'socket.channelUpdate', update: 'x' },
      { type: 'socket.messageAcked', clientMessageId: 'unknown' },
      { type: 'messenger.messageSent', message: { text: 1 } },
      { type: 'messenger.draftingChanged', conversationId: 3 },
      { type: 'messenger.historyRequested' },
      { type: 'messenger.catchUpRequested', conversationId: 'c-group', after: 'x' },
      { type: 'socket.userJoined', joined: { user: null } },
      { type: 'socket.caughtUp', conversationId: 7 },
    ]) {
      setup.actor.send(event as never);
    }
    expect(setup.actor.getSnapshot().status).toBe('active');
    expect(setup.actor.getSnapshot().context.outbox).toEqual([]);
    expect(setup.commands).toEqual([{ type: 'socket.sync' }]);
  });
});
