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

/** A live socket marks its session used at most this often (a write per event would cost). */
const sessionTouchIntervalMs = 60 * 60_000;

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
  const conversations = await context.store.listConversationsOf(userId);
  socket.data.userId = userId;
  socket.data.sessionTokenHash = sessionTokenHash;
  socket.data.sessionSeenAt = context.clock.now();
  socket.join([userRoom(userId), ...conversations.map((item) => conversationRoom(item.id))]);
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

/**
 * Keeps a long-lived socket's session from looking idle: called on each signed-in event, it
 * writes at most once an hour per socket.
 */
export async function keepSessionFresh(context: ServerContext, socket: ChatSocket): Promise<void> {
  const { sessionTokenHash, sessionSeenAt } = socket.data;
  if (sessionTokenHash === undefined) return;
  const now = context.clock.now();
  if (sessionSeenAt !== undefined && now - sessionSeenAt < sessionTouchIntervalMs) return;
  socket.data.sessionSeenAt = now;
  await context.store.touchSession(sessionTokenHash, now);
}

/** Disconnects every socket, on every node, signed in with one of these sessions. */
export async function disconnectSessions(
  context: ServerContext,
  userId: string,
  tokenHashes: ReadonlySet<string>,
  except?: ChatSocket,
): Promise<void> {
  const sockets = await context.io.in(userRoom(userId)).fetchSockets();
  for (const other of sockets) {
    if (other.id === except?.id) continue;
    const hash = other.data.sessionTokenHash;
    if (hash !== undefined && tokenHashes.has(hash)) other.disconnect(true);
  }
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
    delete socket.data.sessionSeenAt;
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
      await context.store.touchSession(tokenHash, context.clock.now());
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
