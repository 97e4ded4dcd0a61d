import { describe, expect, it } from 'vitest';
import { createActor, createMachine, fromCallback, SimulatedClock, type AnyActorRef } from 'xstate';
import {
  backoff,
  reconnectDelayMs,
  sessionMachine,
  type SessionEvent,
  type SocketCommand,
} from '../../../machines/session.ts';
import { groupUpdate, syncData } from '../../model/fixtures.ts';

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

  it('queues messages while not live and sends them in order once live', () => {
    const setup = start();
    for (const id of ['a', 'b']) {
      setup.actor.send({
        type: 'messenger.messageSent',
        message: { conversationId: 'c-vegeta', text: id, clientMessageId: id },
      });
    }
    expect(sent(setup.commands)).toEqual([]);
    goLive(setup);
    setup.actor.send({
      type: 'messenger.messageSent',
      message: { conversationId: 'c-vegeta', text: 'c', clientMessageId: 'c' },
    });
    expect(sent(setup.commands)).toEqual(['a', 'b', 'c']);
  });

  it('resends unacknowledged messages after a reconnect with the same clientMessageId', () => {
    const setup = start({ random: () => 0 });
    goLive(setup);
    for (const id of ['a', 'b']) {
      setup.actor.send({
        type: 'messenger.messageSent',
        message: { conversationId: 'c-vegeta', text: id, clientMessageId: id },
      });
    }
    const message = { ...syncData().conversations[0]!.messages[0]!, clientMessageId: 'a' };
    setup.emit({ type: 'socket.messageAcked', clientMessageId: 'a', message });
    setup.emit({ type: 'socket.disconnected', reason: 'transport close' });
    expect(setup.actor.getSnapshot().value).toBe('reconnecting');
    expect(setup.sockets[0]?.open).toBe(false);
    setup.commands.length = 0;
    setup.clock.increment(reconnectDelayMs(1, () => 0));
    expect(setup.sockets).toHaveLength(2);
    goLive(setup);
    expect(sent(setup.commands)).toEqual(['b']);
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
    ]) {
      setup.actor.send(event as never);
    }
    expect(setup.actor.getSnapshot().status).toBe('active');
    expect(setup.actor.getSnapshot().context.outbox).toEqual([]);
    expect(setup.commands).toEqual([{ type: 'socket.sync' }]);
  });
});
