import { describe, expect, it } from 'vitest';
import { createActor, setup, SimulatedClock, type ActorRefFrom, type EventObject } from 'xstate';
import {
  backoff,
  reconnectDelayMs,
  sessionMachine,
  signOutTimeoutMs,
  type SessionMachine,
} from '../../../machines/session.ts';
import { systemIds } from '../../../machines/system.ts';
import { syncData } from '../../model/fixtures.ts';
import { createScriptedSocket } from '../support/scriptedSocket.ts';
import { recorder, serverUrl } from './signedIn.ts';

/** A session seated as the app seats it, next to a messenger that records what it is told. */
function start(input: { online?: boolean; random?: () => number } = {}) {
  const scripted = createScriptedSocket();
  const clock = new SimulatedClock();
  const toMessenger: EventObject[] = [];
  const root = setup({
    actors: {
      session: sessionMachine.provide({ actors: { socket: scripted.actor } }),
      messenger: recorder(toMessenger),
    },
  }).createMachine({
    invoke: [
      {
        id: 'session',
        systemId: systemIds.session,
        src: 'session',
        input: { url: serverUrl, token: 'tok', random: () => 0, ...input },
      },
      { src: 'messenger', systemId: systemIds.messenger },
    ],
  });
  const actor = createActor(root, { clock }).start();
  const session = actor.system.get(systemIds.session) as ActorRefFrom<SessionMachine>;
  const lost = () => toMessenger.filter((e) => e.type === 'connection.lost').length;
  return {
    session,
    scripted,
    clock,
    toMessenger,
    lost,
    snapshot: () => session.getSnapshot(),
    goLive() {
      scripted.connect();
      scripted.sync(syncData());
      expect(session.getSnapshot().matches({ connection: 'live' })).toBe(true);
    },
  };
}

describe('session machine', () => {
  it('connects with the token, authenticates, syncs, then is live', () => {
    const { scripted, snapshot } = start();
    expect(scripted.attempts.map((a) => a.input)).toEqual([{ url: serverUrl, token: 'tok' }]);
    expect(snapshot().matches({ connection: 'connecting' })).toBe(true);
    scripted.session({ type: 'socket.transportOpened' });
    expect(snapshot().matches({ connection: 'authenticating' })).toBe(true);
    expect(scripted.commands).toEqual([]);
    scripted.session({ type: 'socket.connected' });
    expect(snapshot().matches({ connection: 'syncing' })).toBe(true);
    expect(scripted.commands).toEqual([{ type: 'requestConversationsAndUsers' }]);
    scripted.sync(syncData());
    expect(snapshot().matches({ connection: 'live' })).toBe(true);
    expect(scripted.commands).toHaveLength(1);
  });

  it('backs off exponentially with jitter, capped', () => {
    expect(reconnectDelayMs(1, () => 0)).toBe(backoff.baseMs / 2);
    expect(reconnectDelayMs(1, () => 0.999_999)).toBeCloseTo(backoff.baseMs, -1);
    expect(reconnectDelayMs(1, () => 0.5)).toBe((backoff.baseMs * 3) / 4);
    expect(reconnectDelayMs(3, () => 0)).toBe((backoff.baseMs * 4) / 2);
    expect(reconnectDelayMs(50, () => 1)).toBe(backoff.capMs);
    expect(reconnectDelayMs(50, () => 0)).toBe(backoff.capMs / 2);
  });

  it('reconnects after each failed attempt once its backoff is over, and starts over once live', () => {
    const { scripted, clock, snapshot, goLive } = start({ random: () => 0.5 });
    scripted.session({ type: 'socket.connectFailed', message: 'ECONNREFUSED' });
    expect(snapshot().value).toBe('reconnecting');
    expect(snapshot().context.lastError).toBe('ECONNREFUSED');
    expect(scripted.open).toBe(false);
    clock.increment(reconnectDelayMs(1, () => 0.5) - 1);
    expect(scripted.attempts).toHaveLength(1);
    clock.increment(1);
    expect(scripted.attempts).toHaveLength(2);
    expect(snapshot().matches({ connection: 'connecting' })).toBe(true);
    scripted.session({ type: 'socket.connectFailed', message: 'ECONNREFUSED' });
    expect(snapshot().context.attempt).toBe(2);
    clock.increment(reconnectDelayMs(2, () => 0.5) - 1);
    expect(scripted.attempts).toHaveLength(2);
    clock.increment(1);
    expect(scripted.attempts).toHaveLength(3);
    goLive();
    expect(snapshot().context.attempt).toBe(0);
    expect(snapshot().context.lastError).toBeNull();
    // The next drop waits the first step again.
    scripted.session({ type: 'socket.disconnected', reason: 'transport close' });
    clock.increment(reconnectDelayMs(1, () => 0.5));
    expect(scripted.attempts).toHaveLength(4);
  });

  it('a failed sync is a failed attempt', () => {
    const { scripted, clock, snapshot } = start();
    scripted.connect();
    scripted.session({ type: 'sync.failed', error: { code: 'internal', message: 'timed out' } });
    expect(snapshot().value).toBe('reconnecting');
    expect(snapshot().context.lastError).toBe('timed out');
    clock.increment(reconnectDelayMs(1, () => 0));
    expect(scripted.attempts).toHaveLength(2);
  });

  it('a connection lost before it was live tells the messenger nothing', () => {
    const { scripted, snapshot, lost } = start();
    scripted.connect();
    scripted.session({ type: 'socket.disconnected', reason: 'transport close' });
    expect(snapshot().value).toBe('reconnecting');
    expect(scripted.open).toBe(false);
    expect(lost()).toBe(0);
  });

  it('a lost connection: reconnecting, the messenger told, a new socket after the backoff', () => {
    const { scripted, clock, snapshot, lost, goLive } = start();
    goLive();
    scripted.session({ type: 'socket.disconnected', reason: 'transport close' });
    expect(snapshot().value).toBe('reconnecting');
    expect(scripted.attempts[0]?.open).toBe(false);
    expect(lost()).toBe(1);
    clock.increment(reconnectDelayMs(1, () => 0));
    expect(scripted.attempts).toHaveLength(2);
    goLive();
    expect(scripted.commands).toEqual([
      { type: 'requestConversationsAndUsers' },
      { type: 'requestConversationsAndUsers' },
    ]);
  });

  it('an unreliable connection (an ack that never came) is dropped and connected again', () => {
    const { scripted, clock, session, snapshot, lost, goLive } = start();
    session.send({ type: 'connection.unreliable', reason: 'network: operation has timed out' });
    // Not live yet: nothing to drop.
    expect(snapshot().matches({ connection: 'connecting' })).toBe(true);
    goLive();
    session.send({ type: 'connection.unreliable', reason: 'network: operation has timed out' });
    expect(snapshot().value).toBe('reconnecting');
    expect(snapshot().context.lastError).toBe('network: operation has timed out');
    expect(scripted.open).toBe(false);
    expect(lost()).toBe(1);
    clock.increment(reconnectDelayMs(1, () => 0));
    expect(scripted.open).toBe(true);
  });

  it('is offline while the OS says so and connects when the network is back', () => {
    const { scripted, session, snapshot, lost, goLive } = start({ online: false });
    expect(snapshot().value).toBe('offline');
    expect(scripted.attempts).toHaveLength(0);
    session.send({ type: 'network.online' });
    expect(scripted.attempts).toHaveLength(1);
    goLive();
    session.send({ type: 'network.offline' });
    expect(snapshot().value).toBe('offline');
    expect(scripted.attempts[0]?.open).toBe(false);
    expect(lost()).toBe(1);
  });

  it('going offline while waiting to reconnect waits for the network, then connects at once', () => {
    const { scripted, clock, session, snapshot } = start();
    scripted.session({ type: 'socket.connectFailed', message: 'ECONNREFUSED' });
    session.send({ type: 'network.offline' });
    expect(snapshot().value).toBe('offline');
    clock.increment(backoff.capMs);
    expect(scripted.attempts).toHaveLength(1);
    session.send({ type: 'network.online' });
    expect(scripted.attempts).toHaveLength(2);
    expect(snapshot().context.attempt).toBe(0);
    // "online" while already connecting changes nothing.
    session.send({ type: 'network.online' });
    expect(scripted.attempts).toHaveLength(2);
    expect(scripted.open).toBe(true);
  });

  it('ends as failed when the server refuses the token', () => {
    const { scripted, snapshot } = start();
    scripted.session({
      type: 'socket.authRejected',
      error: { code: 'invalid_token', message: 'bad token' },
    });
    expect(snapshot().status).toBe('done');
    expect(snapshot().value).toBe('failed');
    expect(snapshot().output).toEqual({ reason: 'tokenRefused', message: 'bad token' });
    expect(scripted.open).toBe(false);
  });

  describe('sign-out', () => {
    it('while live, revokes the token on the live socket and ends revoked', () => {
      const { scripted, session, snapshot, goLive } = start();
      goLive();
      session.send({ type: 'signOut.requested' });
      session.send({ type: 'signOut.requested' });
      expect(snapshot().matches({ connection: 'signingOut' })).toBe(true);
      expect(scripted.commands).toEqual([
        { type: 'requestConversationsAndUsers' },
        { type: 'signOut' },
      ]);
      // On the same socket: no new connection for it.
      expect(scripted.attempts).toHaveLength(1);
      expect(scripted.open).toBe(true);
      scripted.session({ type: 'signOut.done' });
      expect(snapshot().status).toBe('done');
      expect(snapshot().value).toBe('revoked');
      expect(snapshot().output).toEqual({ reason: 'signedOut', revoked: true });
      expect(scripted.open).toBe(false);
    });

    it('while connecting, asks on the socket being connected', () => {
      const { scripted, session, snapshot } = start();
      session.send({ type: 'signOut.requested' });
      expect(scripted.commands).toEqual([{ type: 'signOut' }]);
      scripted.connect();
      expect(snapshot().matches({ connection: 'signingOut' })).toBe(true);
      scripted.session({ type: 'signOut.done' });
      expect(snapshot().output).toEqual({ reason: 'signedOut', revoked: true });
    });

    it.each([
      [
        'the server fails it',
        { type: 'signOut.failed', error: { code: 'internal', message: 'x' } },
      ],
      ['the connection drops', { type: 'socket.disconnected', reason: 'transport close' }],
      ['the connection fails', { type: 'socket.connectFailed', message: 'ECONNREFUSED' }],
      [
        'the token is refused',
        { type: 'socket.authRejected', error: { code: 'invalid_token', message: 'x' } },
      ],
    ] as const)('ends signed out but not revoked when %s', (_, event) => {
      const { scripted, session, snapshot, goLive } = start();
      goLive();
      session.send({ type: 'signOut.requested' });
      scripted.session(event);
      expect(snapshot().value).toBe('signedOut');
      expect(snapshot().output).toEqual({ reason: 'signedOut', revoked: false });
    });

    it('gives up on telling the server after a while, and when the network goes', () => {
      const timedOut = start();
      timedOut.goLive();
      timedOut.session.send({ type: 'signOut.requested' });
      timedOut.clock.increment(signOutTimeoutMs - 1);
      expect(timedOut.snapshot().matches({ connection: 'signingOut' })).toBe(true);
      timedOut.clock.increment(1);
      expect(timedOut.snapshot().output).toEqual({ reason: 'signedOut', revoked: false });
      const offline = start();
      offline.goLive();
      offline.session.send({ type: 'signOut.requested' });
      offline.session.send({ type: 'network.offline' });
      expect(offline.snapshot().output).toEqual({ reason: 'signedOut', revoked: false });
    });

    it('while offline, ends signed out at once without a socket', () => {
      const s = start({ online: false });
      s.session.send({ type: 'signOut.requested' });
      expect(s.snapshot().value).toBe('signedOut');
      expect(s.snapshot().output).toEqual({ reason: 'signedOut', revoked: false });
      expect(s.scripted.commands.filter((c) => c.type === 'signOut')).toEqual([]);
      s.clock.increment(backoff.capMs);
      expect(s.scripted.attempts).toEqual([]);
    });

    // Changed on purpose: waiting out the backoff used to end the session unrevoked, leaving
    // the token valid on the server; it now connects at once to revoke it.
    it('while waiting to reconnect, connects at once and revokes the token', () => {
      const s = start();
      s.goLive();
      s.scripted.session({ type: 'socket.disconnected', reason: 'transport close' });
      expect(s.snapshot().value).toBe('reconnecting');
      s.session.send({ type: 'signOut.requested' });
      expect(s.snapshot().matches({ connection: 'signingOut' })).toBe(true);
      expect(s.scripted.attempts).toHaveLength(2);
      expect(s.scripted.open).toBe(true);
      expect(s.scripted.commands.filter((c) => c.type === 'signOut')).toEqual([
        { type: 'signOut' },
      ]);
      s.scripted.connect();
      expect(s.snapshot().matches({ connection: 'signingOut' })).toBe(true);
      s.scripted.session({ type: 'signOut.done' });
      expect(s.snapshot().value).toBe('revoked');
      expect(s.snapshot().output).toEqual({ reason: 'signedOut', revoked: true });
      expect(s.scripted.open).toBe(false);
      // No reconnect after it either.
      s.clock.increment(backoff.capMs);
      expect(s.scripted.attempts).toHaveLength(2);
    });

    it('while waiting to reconnect, ends unrevoked when that connection fails too', () => {
      const s = start();
      s.scripted.session({ type: 'socket.connectFailed', message: 'ECONNREFUSED' });
      s.session.send({ type: 'signOut.requested' });
      s.scripted.session({ type: 'socket.connectFailed', message: 'ECONNREFUSED' });
      expect(s.snapshot().value).toBe('signedOut');
      expect(s.snapshot().output).toEqual({ reason: 'signedOut', revoked: false });
      s.clock.increment(backoff.capMs);
      expect(s.scripted.attempts).toHaveLength(2);
    });
  });

  it('ignores unknown and out-of-place events without throwing', () => {
    const { scripted, session, snapshot, goLive } = start();
    goLive();
    for (const event of [
      { type: 'nonsense' },
      { type: 'signOut.done' },
      { type: 'sync.received' },
      { type: 'socket.connected' },
      { type: 'socket.transportOpened' },
    ]) {
      session.send(event as never);
    }
    expect(snapshot().status).toBe('active');
    expect(snapshot().matches({ connection: 'live' })).toBe(true);
    expect(scripted.commands).toEqual([{ type: 'requestConversationsAndUsers' }]);
  });
});
