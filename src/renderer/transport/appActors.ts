// The app machine's own actors (contracts in machines/app.ts): the saved session token goes
// through the platform (safeStorage in Electron, localStorage on the web); sign-out revokes the
// token on the server over a short-lived socket authenticated with it.
import { fromPromise } from 'xstate';
import type { Platform } from '../platform/Platform.ts';
import { NoValueSchema } from '../../../server/protocol.ts';
import { requestTimeoutMs, settle } from './request.ts';
import { createSocket, type ParleySocket } from './socket.ts';

export interface AppActorOptions {
  timeoutMs?: number;
}

export function createAppActors(
  platform: Platform,
  { timeoutMs = requestTimeoutMs }: AppActorOptions = {},
) {
  return {
    loadSessionToken: fromPromise<string | null>(() => platform.getSessionToken()),
    saveSessionToken: fromPromise<void, { token: string }>(({ input }) =>
      platform.setSessionToken(input.token),
    ),
    clearSessionToken: fromPromise<void>(() => platform.setSessionToken(null)),
    revokeSession: fromPromise<void, { serverUrl: string; token: string }>(async ({ input }) => {
      const socket = createSocket(input.serverUrl, { token: input.token, reconnection: false });
      try {
        await connected(socket, timeoutMs);
        await settle(socket.timeout(timeoutMs).emitWithAck('signOut', {}), NoValueSchema);
      } finally {
        socket.disconnect();
      }
    }),
  };
}

/** Resolves once the socket is connected; rejects on a refused or failed connection. */
function connected(socket: ParleySocket, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('connection timed out')), timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.once('connect_error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.connect();
  });
}
