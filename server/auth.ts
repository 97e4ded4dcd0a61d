// Sessions: a socket is authenticated by a session token in the handshake, or becomes
// authenticated when it creates or signs in a user. Authenticated sockets sit in their user's
// room and in the room of every conversation the user belongs to. Every authentication asks
// the store: nothing restored from an earlier connection counts (connection state recovery is
// off, see chatServer.ts), so a revoked or expired session is over on every socket.
import { createHash } from 'node:crypto';
import type { ExtendedError } from 'socket.io';
import type { ChatSocket } from './codeSender.ts';
import { conversationRoom, type ServerContext, userRoom } from './context.ts';
import type { HandshakeAuth } from './protocol.ts';
import type { Session, StoredUser } from './store/types.ts';
import { createToken, hashToken } from './tokens.ts';

/** Signal unlinks a device unused for 30 days; Parley ends such a session the same way. */
export const defaultSessionIdleExpiryMs = 30 * 24 * 60 * 60_000;

/**
 * How often sessions in use are marked used, and connected sockets' sessions checked (a write
 * per event or per reconnect would cost an fsync each).
 */
export const sessionMaintenanceIntervalMs = 60 * 60_000;

/** The public id of a session: stable, and no use to anyone who reads it. */
export function sessionIdOf(tokenHash: string): string {
  return createHash('sha256')
    .update(`parley-session-id:${tokenHash}`)
    .digest('base64url')
    .slice(0, 22);
}

/** What signed in, as the user's list of sessions shows it. */
function clientOf(socket: ChatSocket): string {
  const agent = socket.handshake.headers['user-agent'];
  return (typeof agent === 'string' ? agent : 'unknown client').slice(0, 200);
}

export function isIdle(context: ServerContext, session: Session): boolean {
  return context.clock.now() - session.lastSeenAt > context.sessionIdleExpiryMs;
}

/** Marks the socket as `userId` and joins the rooms it must hear. */
export async function attachUser(
  context: ServerContext,
  socket: ChatSocket,
  userId: string,
  sessionTokenHash: string,
): Promise<void> {
  // The user's room first, then the read: a conversation added in between is joined either
  // way (its socketsJoin reaches this socket through the user's room, or the read lists it).
  socket.join([userRoom(userId), sessionRoom(sessionTokenHash)]);
  const conversations = await context.store.listConversationsOf(userId);
  socket.data.userId = userId;
  socket.data.sessionTokenHash = sessionTokenHash;
  socket.join(conversations.map((item) => conversationRoom(item.id)));
}

/** Issues a session token for `user` and authenticates the socket with it. */
export async function openSession(
  context: ServerContext,
  socket: ChatSocket,
  user: StoredUser,
): Promise<string> {
  const sessionToken = createToken();
  const tokenHash = hashToken(sessionToken);
  const now = context.clock.now();
  await context.store.createSession({
    tokenHash,
    userId: user.id,
    createdAt: now,
    lastSeenAt: now,
    client: clientOf(socket),
  });
  await attachUser(context, socket, user.id, tokenHash);
  return sessionToken;
}

/** Every socket signed in with one session, on every node. */
export const sessionRoom = (tokenHash: string): string => `session:${sessionIdOf(tokenHash)}`;

/**
 * Disconnects every socket, on every node, signed in with this session (but `except`). A
 * broadcast, so one slow node cannot hold the others' disconnects up.
 */
export function disconnectSession(
  context: ServerContext,
  tokenHash: string,
  except?: ChatSocket,
): void {
  const room = context.io.in(sessionRoom(tokenHash));
  (except ? room.except(except.id) : room).disconnectSockets(true);
}

/**
 * The sessions of this node's sockets: each one still in the store is marked used (a socket
 * that is open is a session in use, even if it sends nothing), and sockets whose session has
 * gone (revoked while a disconnect was lost, swept by another node) are disconnected. Then
 * idle sessions are deleted. Runs hourly; the idle expiry is 30 days, so a connected socket's
 * session is never idle.
 */
export async function maintainSessions(context: ServerContext): Promise<void> {
  const now = context.clock.now();
  const socketsBySession = new Map<string, ChatSocket[]>();
  for (const socket of context.io.sockets.sockets.values()) {
    const hash = socket.data.sessionTokenHash;
    if (hash === undefined) continue;
    socketsBySession.set(hash, [...(socketsBySession.get(hash) ?? []), socket]);
  }
  for (const [hash, sockets] of socketsBySession) {
    const session = await context.store.getSession(hash);
    if (session) {
      await context.store.touchSession(hash, now);
      continue;
    }
    for (const socket of sockets) socket.disconnect(true);
  }
  await context.store.deleteSessionsIdleSince(now - context.sessionIdleExpiryMs);
}

/**
 * Closes the race between a handshake and a sign-out: the handshake read the session, then a
 * sign-out deleted it and disconnected the session's sockets before this one was among them.
 * Called once the socket is connected (so any later disconnect finds it): if the session is
 * gone now, this socket goes too.
 */
export async function confirmSession(context: ServerContext, socket: ChatSocket): Promise<void> {
  const hash = socket.data.sessionTokenHash;
  if (hash === undefined) return;
  if (await context.store.getSession(hash)) return;
  context.logger.info('session ended during handshake', { socket: socket.id });
  delete socket.data.userId;
  delete socket.data.sessionTokenHash;
  socket.disconnect(true);
}

function invalidToken(): ExtendedError {
  const error: ExtendedError = new Error('invalid_token');
  error.data = { code: 'invalid_token', message: 'the session token is not valid: sign in again' };
  return error;
}

/**
 * Handshake middleware. No token: an unauthenticated socket that may only onboard. A token:
 * it must name a live, not idle session of an existing user, or the connection is refused
 * with `invalid_token`.
 */
export function handshakeAuthenticator(context: ServerContext) {
  return async (socket: ChatSocket, next: (error?: ExtendedError) => void): Promise<void> => {
    // Whatever an earlier connection knew is not trusted: identity comes from this handshake.
    delete socket.data.userId;
    delete socket.data.sessionTokenHash;
    const auth = (socket.handshake.auth ?? {}) as HandshakeAuth & Record<string, unknown>;
    const token: unknown = auth.token;
    if (token === undefined || token === null) {
      next();
      return;
    }
    try {
      if (typeof token !== 'string' || token.length === 0 || token.length > 256) {
        context.logger.warn('bad input', { event: 'handshake', code: 'invalid_token' });
        next(invalidToken());
        return;
      }
      const tokenHash = hashToken(token);
      const session = await context.store.getSession(tokenHash);
      if (session && isIdle(context, session)) {
        await context.store.deleteSession(tokenHash);
        context.logger.info('session expired', { user: session.userId, reason: 'idle' });
        next(invalidToken());
        return;
      }
      const user = session ? await context.store.getUser(session.userId) : null;
      if (!user) {
        context.logger.warn('connection refused', { event: 'handshake', code: 'invalid_token' });
        next(invalidToken());
        return;
      }
      // Marked used at most hourly: reconnecting in a loop must not be a write (an fsync) each.
      const now = context.clock.now();
      if (now - session!.lastSeenAt >= sessionMaintenanceIntervalMs) {
        await context.store.touchSession(tokenHash, now);
      }
      await attachUser(context, socket, user.id, tokenHash);
      next();
    } catch (error) {
      context.logger.error('handshake failed', { reason: String(error) });
      const failure: ExtendedError = new Error('internal');
      failure.data = { code: 'internal', message: 'the server could not check the session' };
      next(failure);
    }
  };
}
