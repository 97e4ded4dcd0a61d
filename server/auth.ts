// Sessions: a socket is authenticated by a session token in the handshake, or becomes
// authenticated when it creates or signs in a user. Authenticated sockets sit in their user's
// room and in the room of every conversation the user belongs to.
import type { ExtendedError } from 'socket.io';
import type { ChatSocket } from './codeSender.ts';
import { conversationRoom, type ServerContext, userRoom } from './context.ts';
import type { HandshakeAuth } from './protocol.ts';
import type { StoredUser } from './store/types.ts';
import { createToken, hashToken } from './tokens.ts';

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
  await context.store.createSession({ tokenHash, userId: user.id, createdAt: context.clock.now() });
  await attachUser(context, socket, user.id, tokenHash);
  return sessionToken;
}

function invalidToken(): ExtendedError {
  const error: ExtendedError = new Error('invalid_token');
  error.data = { code: 'invalid_token', message: 'the session token is not valid: sign in again' };
  return error;
}

/**
 * Handshake middleware. No token: an unauthenticated socket that may only onboard. A token:
 * it must name a live session, or the connection is refused with `invalid_token`.
 */
export function handshakeAuthenticator(context: ServerContext) {
  return async (socket: ChatSocket, next: (error?: ExtendedError) => void): Promise<void> => {
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
      const user = session ? await context.store.getUser(session.userId) : null;
      if (!user) {
        context.logger.warn('connection refused', { event: 'handshake', code: 'invalid_token' });
        next(invalidToken());
        return;
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
