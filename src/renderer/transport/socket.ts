// The chat server's typed socket. The renderer's lint rules keep socket.io-client inside
// src/renderer/transport; there, everything but the inspection publisher (a socket of its own
// on `/inspect`) gets its socket from here.
import { io, type Socket } from 'socket.io-client';
import type {
  ClientToServerEvents,
  HandshakeAuth,
  ServerToClientEvents,
} from '../../../server/protocol.ts';

export type ParleySocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface SocketOptions {
  /** Session token for the handshake; omitted while onboarding. */
  token?: string | null;
  /**
   * Whether Socket.IO reconnects by itself. The session machine owns reconnection (capped
   * backoff with jitter, offline detection), so its socket turns this off.
   */
  reconnection?: boolean;
}

/** A socket to the chat server; not connected until `.connect()` (so listeners go on first). */
export function createSocket(serverUrl: string, options: SocketOptions = {}): ParleySocket {
  const auth: HandshakeAuth = options.token ? { token: options.token } : {};
  return io(serverUrl, {
    autoConnect: false,
    reconnection: options.reconnection ?? true,
    // Straight to WebSocket: no long-polling warm-up on loopback, and one connection per socket.
    transports: ['websocket'],
    auth,
  });
}
