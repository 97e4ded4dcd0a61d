// The session model's paths against the real thing: the real session machine with the REAL
// socket actor (src/renderer/transport/sessionSocket.ts), talking through a fault proxy
// (faultProxy.ts) to a REAL chat server on a loopback port, whose store the adapter can slow
// down or break one call at a time (realWorld.ts). Every event of a path happens for real:
//
// - socket.transportOpened: the proxy passes the held connection; the transport opens; the
//   server's session check (store.getSession) is held, so the handshake waits there;
// - socket.connected: the held session check goes on and the real server accepts the token;
// - socket.authRejected: the adapter deletes the session from the server's store (a revoked
//   token), then lets the session check go on: the server refuses it (`invalid_token`);
// - socket.connectFailed: the proxy resets the held connection (RST: refused); with the
//   transport already open, the server's session check fails instead (its store throws);
// - socket.disconnected: the proxy drops the live connection;
// - sync.received / sync.failed: the server's sync (its store's getUser) is held on entering
//   `syncing`, then goes on (the server sends the data and the ack) or throws (`internal`);
// - signOut.done / signOut.failed: the held connection goes through, the buffered signOut
//   reaches the server, which deletes the session, or fails to (its store throws);
// - connection.unreliable: sent, as in the app, by an outgoing message whose send the server
//   failed (a real outgoingMessage actor in the same system; the server's store throws on
//   appendUserMessage);
// - network.online / network.offline: sent to the session as the app forwards the platform's
//   events (App.tsx); while offline the proxy refuses connections, as a network that is down;
// - signOut.requested: sent as the app forwards the user's Sign out;
// - xstate.after.*: the simulated clock advanced by the machine's delay (one ms short of it
//   first, to see the delay is the model's).
//
// What the real transport cannot do: report `socket.connected` or `socket.disconnected` without
// first reporting `socket.transportOpened` (Socket.IO opens the engine before the namespace
// connects, and emits `disconnect` only once the engine was open). For those steps from
// `connection.connecting` the machine passes through `connection.authenticating` on the way;
// the step's end state is asserted as the path says, and the direct edges
// `connecting --socket.connected--> syncing` / `connecting --socket.disconnected-->` are not
// taken by the real run (the coverage file shows it).
import { createActor, setup, SimulatedClock, type ActorRefFrom, type EventObject } from 'xstate';
import { expect } from 'vitest';
import { outgoingMessageMachine } from '../../../machines/outgoingMessage.ts';
import {
  reconnectDelayMs,
  sessionMachine,
  signOutTimeoutMs,
  type SessionContext,
  type SessionInput,
  type SessionMachine,
} from '../../../machines/session.ts';
import { outgoingSystemId, systemIds } from '../../../machines/system.ts';
import { createSessionSocketActor } from '../../../src/renderer/transport/sessionSocket.ts';
import type { ModelPath } from '../modelKit.ts';
import { models } from '../models.ts';
import { describeAdapter } from '../realKit.ts';
import { sameValue, show, startRealWorld, type HeldCall } from './realWorld.ts';

/** The facts of the session model this adapter observes; any other fact fails the path. */
const knownFacts = ['online', 'retrying', 'ending'] as const;

/** Events the user or the platform send (the rest happen in the world). */
const sentEvents = new Set(['signOut.requested', 'network.online', 'network.offline']);

const backoffTimer = 'xstate.after.reconnectBackoff.session.reconnecting';
const signOutTimer = 'xstate.after.signOutTimeout.session.connection.signingOut';
const probeId = 'probe-1';
/** What the real server says when it refuses a token (server/auth.ts). */
const refusedMessage = 'the session token is not valid: sign in again';

const underConnection = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && 'connection' in value;

async function runSessionPath(
  path: ModelPath,
  recorder: { inspect: (event: never) => void },
): Promise<void> {
  const given = path.input as Partial<SessionInput>;
  const online = given.online ?? true;
  const world = await startRealWorld({ policy: online ? 'hold' : 'refuse' });
  const { proxy, controlled, waiter } = world;
  const clock = new SimulatedClock();
  let socketStarts = 0;
  /** Set when the adapter revoked the token in the server's store (for authRejected). */
  let revokedByAdapter = false;
  /** The session check (store.getSession) of the current handshake, held by the adapter. */
  let handshake: HeldCall | null = null;
  let syncRequests = 0;
  let syncsAnswered = 0;
  let stepLabel = 'start';
  const random = typeof given.random === 'function' ? given.random : () => 0.5;

  const root = setup({
    actors: {
      session: sessionMachine.provide({ actors: { socket: createSessionSocketActor() } }),
      message: outgoingMessageMachine,
    },
  }).createMachine({
    invoke: [
      {
        id: 'session',
        systemId: systemIds.session,
        src: 'session',
        input: { url: world.url, token: world.user.sessionToken, online, random },
      },
      {
        // The probe: one real outgoing message, the app's producer of `connection.unreliable`.
        id: 'probe',
        systemId: outgoingSystemId(probeId),
        src: 'message',
        input: {
          conversationId: world.conversations.direct,
          text: 'Are you there?',
          clientMessageId: probeId,
          createdAt: 0,
        },
      },
    ],
  });
  let previousValue: unknown = null;
  let sessionActor: ActorRefFrom<SessionMachine> | undefined;
  const actor = createActor(root, {
    clock,
    inspect: (event) => {
      (recorder.inspect as (e: typeof event) => void)(event);
      if (event.type === '@xstate.actor' && (event.actorRef as { id?: string }).id === 'socket') {
        socketStarts += 1;
      }
      if (event.type === '@xstate.snapshot' && event.actorRef === sessionRef()) {
        const value = (event.snapshot as unknown as { value: unknown }).value;
        // Entering `syncing`: the sync request is on its way; the server's answer is held
        // until a step says what it is.
        if (sameValue(value, { connection: 'syncing' }) && !sameValue(previousValue, value)) {
          syncRequests += 1;
          controlled.hold('getUser');
        }
        previousValue = value;
      }
      waiter.notify();
    },
  });
  // Kept once started: a finished session is no longer in the system, but its snapshot stays.
  const sessionRef = () => sessionActor;
  const where = () => `session path "${path.description}", ${stepLabel}`;

  const session = () => {
    const ref = sessionRef();
    if (!ref) throw new Error(`${where()}: no session actor`);
    return ref;
  };
  const value = () => session().getSnapshot().value;

  /** The connection of the current attempt has reached the proxy and waits there. */
  const connectionHeld = () =>
    waiter.until(
      () => proxy.held > 0,
      () => `${where()}: the socket's connection to reach the proxy (held ${proxy.held})`,
    );

  /** Lets the held connection through; the server's session check is held when `hold`. */
  const openTransport = async (hold: boolean) => {
    await connectionHeld();
    if (hold) controlled.hold('getSession');
    proxy.passHeld();
    if (hold) handshake = await controlled.takeHeld('getSession', waiter);
  };

  const heldHandshake = (): HeldCall => {
    if (!handshake) throw new Error(`${where()}: no handshake is waiting at the server`);
    const call = handshake;
    handshake = null;
    return call;
  };

  const produce = async (event: EventObject) => {
    switch (event.type) {
      case 'socket.transportOpened':
        await openTransport(true);
        return;
      case 'socket.connected':
        if (!handshake) await openTransport(true);
        heldHandshake().proceed();
        return;
      case 'socket.authRejected':
        if (!handshake) await openTransport(true);
        await controlled.inner.deleteSession(world.user.tokenHash);
        revokedByAdapter = true;
        heldHandshake().proceed();
        return;
      case 'socket.connectFailed':
        if (handshake) heldHandshake().fail('store: the session check failed');
        else {
          await connectionHeld();
          proxy.refuseHeld();
        }
        return;
      case 'socket.disconnected':
        if (!handshake && proxy.open === 0) await openTransport(true);
        proxy.dropAll();
        if (handshake) heldHandshake().fail('store: the client went away');
        return;
      case 'sync.received': {
        const call = await controlled.takeHeld('getUser', waiter);
        syncsAnswered += 1;
        call.proceed();
        return;
      }
      case 'sync.failed':
        (await controlled.takeHeld('getUser', waiter)).fail('store: the sync read failed');
        return;
      case 'signOut.requested':
        session().send({ type: 'signOut.requested' });
        return;
      case 'signOut.done':
        if (handshake) heldHandshake().proceed();
        else await openTransport(false);
        return;
      case 'signOut.failed':
        controlled.failNext('deleteSession');
        if (handshake) heldHandshake().proceed();
        else await openTransport(false);
        return;
      case 'connection.unreliable': {
        // The probe message is sent and the server fails it: the message tells the session.
        const probe = actor.system.get(outgoingSystemId(probeId))!;
        if (!sameValue(probe.getSnapshot().value, 'queued')) {
          throw new Error(`${where()}: the probe message is not queued, cannot send it`);
        }
        controlled.failNext('appendUserMessage');
        const before = controlled.calls.filter((m) => m === 'appendUserMessage').length;
        probe.send({ type: 'delivery.turn' });
        await waiter.until(
          () => controlled.calls.filter((m) => m === 'appendUserMessage').length > before,
          () => `${where()}: the server to try storing the probe message`,
        );
        return;
      }
      case 'network.online':
        proxy.setPolicy('hold');
        session().send({ type: 'network.online' });
        return;
      case 'network.offline':
        session().send({ type: 'network.offline' });
        proxy.setPolicy('refuse');
        return;
      case backoffTimer:
      case signOutTimer: {
        const context = session().getSnapshot().context as SessionContext;
        const delay =
          event.type === backoffTimer
            ? reconnectDelayMs(context.attempt, context.random)
            : signOutTimeoutMs;
        const before = value();
        clock.increment(delay - 1);
        if (!sameValue(value(), before)) {
          throw new Error(`${where()}: ${event.type} fired before ${delay} ms (${show(value())})`);
        }
        clock.increment(1);
        return;
      }
      default:
        throw new Error(`${where()}: the adapter has no real way to produce ${event.type}`);
    }
  };

  /** State value, facts, and what the server and the proxy saw, against the expectation. */
  const check = async (expected: ModelPath['initial']) => {
    for (const key of Object.keys(expected.facts)) {
      if (!(knownFacts as readonly string[]).includes(key)) {
        throw new Error(
          `${where()}: the path carries the fact "${key}" this adapter does not observe ` +
            `(it knows ${knownFacts.join(', ')}): teach the adapter to observe it`,
        );
      }
    }
    await waiter.until(
      () => sameValue(value(), expected.value),
      () => `${where()}: the session to be ${show(expected.value)}, seen ${show(value())}`,
    );
    const snapshot = session().getSnapshot();
    const context = snapshot.context as SessionContext;
    const seen = {
      online: context.online,
      retrying: context.attempt > 0,
      ending: context.ending,
    };
    const facts = expected.facts as Record<string, unknown>;
    expect(seen.online, `${where()}: fact online`).toBe(facts.online);
    expect(seen.retrying, `${where()}: fact retrying`).toBe(facts.retrying);
    const ending = facts.ending as SessionContext['ending'];
    if (ending === null) {
      expect(seen.ending, `${where()}: fact ending`).toBeNull();
    } else if (ending.reason === 'tokenRefused') {
      // The model's payload says `invalid_token`; the user is shown what the real server said.
      expect(seen.ending, `${where()}: fact ending`).toEqual({
        reason: 'tokenRefused',
        message: refusedMessage,
      });
      expect(world.logs.join('\n'), `${where()}: the server refused the token`).toContain(
        'code=invalid_token',
      );
    } else {
      expect(seen.ending, `${where()}: fact ending`).toEqual(ending);
      const stored = await controlled.inner.getSession(world.user.tokenHash);
      if (ending.revoked) {
        expect(stored, `${where()}: the server deleted the session`).toBeNull();
        expect(world.logs.join('\n'), `${where()}: the server signed out`).toContain(
          'user signed out',
        );
      } else {
        // Not revoked: the token is still valid on the server (unless the adapter revoked it).
        expect(stored !== null, `${where()}: session still on the server`).toBe(!revokedByAdapter);
        expect(world.logs.join('\n')).not.toContain('user signed out');
      }
    }
    if (snapshot.status === 'done') {
      expect(snapshot.output, `${where()}: the session's output`).toEqual(seen.ending);
    }
    // One connection per attempt, each reaching the proxy; none left open outside `connection`.
    await waiter.until(
      () => proxy.accepted === socketStarts,
      () => `${where()}: ${socketStarts} connection(s) at the proxy, seen ${proxy.accepted}`,
    );
    if (!underConnection(expected.value)) {
      await waiter.until(
        () => proxy.held + proxy.open === 0,
        () =>
          `${where()}: the client to close its connection (held ${proxy.held}, open ${proxy.open})`,
      );
    }
    if (sameValue(expected.value, { connection: 'syncing' })) {
      expect(syncRequests, `${where()}: a sync was requested`).toBeGreaterThan(0);
      await waiter.until(
        () => controlled.held.some((call) => call.method === 'getUser'),
        () => `${where()}: the server to receive the sync request`,
      );
    }
    if (sameValue(expected.value, { connection: 'live' })) {
      expect(syncsAnswered, `${where()}: the server answered the sync`).toBeGreaterThan(0);
      expect(proxy.open, `${where()}: live over one connection`).toBe(1);
    }
  };

  try {
    actor.start();
    sessionActor = actor.system.get(systemIds.session) as ActorRefFrom<SessionMachine>;
    await check(path.initial);
    for (const [index, step] of path.steps.entries()) {
      const previous = index === 0 ? path.initial.value : path.steps[index - 1]!.expected.value;
      stepLabel = `step ${index + 1} (${step.event.type})`;
      if (!sameValue(value(), previous)) {
        throw new Error(
          `${where()}: before the step the session moved by itself from ${show(previous)} to ${show(value())}`,
        );
      }
      // What the user and the platform send is always sent. An event from the world that the
      // machine takes no transition for here (a shrunk path drops the step that made it
      // possible) has no real way to happen now (a sign-out answer with no connection...):
      // nothing is done, and the expectation (the state unchanged) is still checked.
      if (
        sentEvents.has(step.event.type) ||
        session()
          .getSnapshot()
          .can(step.event as never)
      ) {
        await produce(step.event);
      }
      await check(step.expected);
    }
  } finally {
    actor.stop();
    await world.close();
  }
}

describeAdapter('session.real', models.session!, runSessionPath);
