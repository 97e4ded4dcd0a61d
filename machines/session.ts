// Session: the life of the connection to the chat server. It decides when to connect, sync,
// reconnect (capped exponential backoff with jitter), wait for the network, sign out, and give
// up (the server refused the token). The socket itself is one callback actor per connection
// attempt (systemId "socket"), supplied from outside; it delivers what the server says straight
// to the actor that owns it (see machines/system.ts), so the session only hears about the
// connection itself and the sync that makes it live.
//
// Every (re)connection starts with a sync: the latest page of every conversation. Each
// conversation then asks for what lies between its last seen message and that page (catch-up by
// seq), which also works after a server restart; Socket.IO's connection state recovery is off
// on the server, and could not help anyway, as each attempt is a new client socket.
//
// Leaving `live` tells the messenger `connection.lost`: conversations stop giving their
// messages the turn, and what was on the wire is sent again after the next sync (the server
// stores (sender, clientMessageId) once, so a resend is always safe).
import { assign, enqueueActions, fromCallback, setup } from 'xstate';
import type { ProtocolError } from '../server/protocol.ts';
import { systemIds, type SocketCommand } from './system.ts';

export interface SessionInput {
  /** Chat server URL (Socket.IO endpoint). */
  url: string;
  /** Session token sent in the handshake `auth`. */
  token: string;
  /** Whether the OS reports a network now (navigator.onLine). Defaults to true. */
  online?: boolean;
  /** Random source in [0, 1) for the backoff jitter (defaults to Math.random). */
  random?: () => number;
}

export interface SessionContext {
  url: string;
  token: string;
  online: boolean;
  /** Consecutive failed connection attempts; drives the backoff, reset when live. */
  attempt: number;
  /** Why the session ended (token refused), or the last connection problem. */
  lastError: string | null;
  /** How the session ended, for its output: set on the way to `failed` or `signedOut`. */
  ending: SessionOutput | null;
  random: () => number;
}

export type SessionOutput =
  | { reason: 'tokenRefused'; message: string }
  /** `revoked`: the server invalidated the token; false when it could not be reached. */
  | { reason: 'signedOut'; revoked: boolean };

/** What the socket actor tells the session about the connection. */
export type SocketEvent =
  /** The transport is up; the server is checking the handshake token. */
  | { type: 'socket.transportOpened' }
  /** The server accepted the token (Socket.IO `connect`). */
  | { type: 'socket.connected' }
  /** The server refused the token (`connect_error` whose message is `invalid_token`...). */
  | { type: 'socket.authRejected'; error: ProtocolError }
  /** Could not connect for any other reason (server down, transport error, timeout). */
  | { type: 'socket.connectFailed'; message: string }
  /** An established connection was lost (Socket.IO `disconnect`). */
  | { type: 'socket.disconnected'; reason: string }
  /** `recieveConversationsAndUsers` and its ack arrived (the messenger gets the data). */
  | { type: 'sync.received' }
  /** The sync request's ack failed or timed out. */
  | { type: 'sync.failed'; error: ProtocolError }
  /** `signOut` was acknowledged: the token is revoked. */
  | { type: 'signOut.done' }
  | { type: 'signOut.failed'; error: ProtocolError };

export type SessionEvent =
  | SocketEvent
  | { type: 'network.online' }
  | { type: 'network.offline' }
  /** From an outgoing message: no ack in time, or the server failed: reconnect. */
  | { type: 'connection.unreliable'; reason: string }
  | { type: 'signOut.requested' };

export const backoff = { baseMs: 500, capMs: 30_000 } as const;

/** How long a sign-out waits for a connection before giving up on telling the server. */
export const signOutTimeoutMs = 10_000;

/**
 * Capped exponential backoff with "equal jitter": half the step is fixed, half random, so
 * clients that lost the same server do not all come back at the same instant.
 */
export function reconnectDelayMs(attempt: number, random: () => number): number {
  const step = Math.min(backoff.capMs, backoff.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(step / 2 + (step / 2) * random());
}

/**
 * The `socket` actor (fromCallback), invoked once per connection attempt with input
 * `{ url, token }` and systemId "socket", and stopped when the attempt ends (its cleanup must
 * close the socket). It connects with Socket.IO's own reconnection off, sends the session the
 * `SocketEvent`s above, validates every other payload and delivers it to its owner, and turns
 * `SocketCommand`s (machines/system.ts) into emits with acknowledgement timeouts. The default
 * does nothing: the session stays `connecting` until a real socket is provided.
 */
const disconnectedSocket = fromCallback<SocketCommand, { url: string; token: string }>(() => {
  return () => {};
});

export const sessionMachine = setup({
  types: {
    context: {} as SessionContext,
    events: {} as SessionEvent,
    input: {} as SessionInput,
    output: {} as SessionOutput,
    children: {} as { socket: 'socket' },
  },
  actors: {
    socket: disconnectedSocket,
  },
  delays: {
    reconnectBackoff: ({ context }) => reconnectDelayMs(context.attempt, context.random),
    signOutTimeout: signOutTimeoutMs,
  },
  guards: {
    isOffline: ({ context }) => !context.online,
  },
  actions: {
    /** To the socket once the transition is done; it is always there while `connection` is. */
    tellSocket: enqueueActions(({ system, enqueue }, command: SocketCommand) => {
      const socket = system.get(systemIds.socket);
      if (socket) enqueue.sendTo(socket, command);
    }),
    tellMessengerConnectionLost: enqueueActions(({ system, enqueue }) => {
      const messenger = system.get(systemIds.messenger);
      if (messenger) enqueue.sendTo(messenger, { type: 'connection.lost' });
    }),
    countAttempt: assign(({ context }) => ({ attempt: context.attempt + 1 })),
    resetAttempts: assign({ attempt: 0, lastError: null }),
    assignOnline: assign({ online: true }),
    assignOffline: assign({ online: false }),
    assignLastError: assign((_, params: { message: string }) => ({
      lastError: params.message || 'connection lost',
    })),
    assignTokenRefused: assign(({ context }) => ({
      ending: {
        reason: 'tokenRefused' as const,
        message: context.lastError ?? 'The session token was refused.',
      },
    })),
    assignSignedOut: assign((_, params: { revoked: boolean }) => ({
      ending: { reason: 'signedOut' as const, revoked: params.revoked },
    })),
  },
}).createMachine({
  id: 'session',
  context: ({ input }) => ({
    url: input.url,
    token: input.token,
    online: input.online ?? true,
    attempt: 0,
    lastError: null,
    ending: null,
    random: input.random ?? Math.random,
  }),
  initial: 'idle',
  on: {
    'network.offline': { target: '.offline', actions: 'assignOffline' },
    'network.online': { actions: 'assignOnline' },
    // Offline, nothing can tell the server: the token is forgotten on this device only (it
    // stays valid there until it expires unused; the output says `revoked: false`).
    'signOut.requested': '.signedOut',
  },
  states: {
    idle: {
      always: [{ guard: 'isOffline', target: 'offline' }, { target: 'connection' }],
    },
    connection: {
      invoke: {
        id: 'socket',
        systemId: systemIds.socket,
        src: 'socket',
        input: ({ context }) => ({ url: context.url, token: context.token }),
      },
      initial: 'connecting',
      on: {
        'socket.authRejected': {
          target: 'failed',
          actions: {
            type: 'assignLastError',
            params: ({ event }) => ({ message: event.error.message }),
          },
        },
        'socket.connectFailed': {
          target: 'reconnecting',
          actions: { type: 'assignLastError', params: ({ event }) => ({ message: event.message }) },
        },
        'socket.disconnected': {
          target: 'reconnecting',
          actions: { type: 'assignLastError', params: ({ event }) => ({ message: event.reason }) },
        },
        'signOut.requested': '.signingOut',
      },
      states: {
        connecting: {
          on: {
            'socket.transportOpened': 'authenticating',
            'socket.connected': 'syncing',
          },
        },
        authenticating: {
          on: { 'socket.connected': 'syncing' },
        },
        syncing: {
          entry: { type: 'tellSocket', params: { type: 'requestConversationsAndUsers' } },
          on: {
            'sync.received': 'live',
            'sync.failed': {
              target: '#session.reconnecting',
              actions: {
                type: 'assignLastError',
                params: ({ event }) => ({ message: event.error.message }),
              },
            },
          },
        },
        live: {
          entry: 'resetAttempts',
          exit: 'tellMessengerConnectionLost',
          on: {
            'connection.unreliable': {
              target: '#session.reconnecting',
              actions: {
                type: 'assignLastError',
                params: ({ event }) => ({ message: event.reason }),
              },
            },
          },
        },
        // Socket.IO holds the emit until the handshake is through, so one state serves a
        // sign-out asked while connecting and one asked while live.
        signingOut: {
          entry: { type: 'tellSocket', params: { type: 'signOut' } },
          after: { signOutTimeout: '#session.signedOut' },
          on: {
            'signOut.done': '#session.revoked',
            // Already on its way.
            'signOut.requested': {},
            'signOut.failed': '#session.signedOut',
            'socket.authRejected': '#session.signedOut',
            'socket.connectFailed': '#session.signedOut',
            'socket.disconnected': '#session.signedOut',
            'network.offline': '#session.signedOut',
          },
        },
      },
    },
    reconnecting: {
      entry: 'countAttempt',
      after: { reconnectBackoff: 'connection' },
      // Connect now to tell the server, rather than leave the token valid there.
      on: { 'signOut.requested': '#session.connection.signingOut' },
    },
    offline: {
      on: {
        'network.online': { target: 'connection', actions: ['assignOnline', 'resetAttempts'] },
      },
    },
    failed: {
      type: 'final',
      entry: 'assignTokenRefused',
    },
    signedOut: {
      type: 'final',
      entry: { type: 'assignSignedOut', params: { revoked: false } },
    },
    revoked: {
      type: 'final',
      entry: { type: 'assignSignedOut', params: { revoked: true } },
    },
  },
  output: ({ context }) => context.ending ?? { reason: 'signedOut', revoked: false },
});

export type SessionMachine = typeof sessionMachine;
