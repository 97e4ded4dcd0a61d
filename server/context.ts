// What every handler needs, built once by createChatServer.
import type { Server } from 'socket.io';
import type { Clock } from './clock.ts';
import type { CodeSender } from './codeSender.ts';
import type { DraftingTracker } from './drafting/tracker.ts';
import type { RateLimits } from './limits/rateLimits.ts';
import type { Logger } from './logger.ts';
import type {
  ClientToServerEvents,
  InterServerEvents,
  ServerToClientEvents,
  SocketData,
} from './protocol.ts';
import type { Store } from './store/types.ts';
import type { VerificationService } from './verification/service.ts';

export type ChatIo = Server<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  SocketData
>;

export interface ServerContext {
  io: ChatIo;
  store: Store;
  clock: Clock;
  logger: Logger;
  codeSender: CodeSender;
  verification: VerificationService;
  drafting: DraftingTracker;
  /** Every rate limit but the per-connection event budget (see handlers/bind.ts). */
  limits: RateLimits;
  /** A session unused this long is over. */
  sessionIdleExpiryMs: number;
}

/** Every socket of a conversation's members is in its room: channelUpdate goes there. */
export const conversationRoom = (conversationId: string): string =>
  `conversation:${conversationId}`;

/** Every socket of one user (several windows or devices). */
export const userRoom = (userId: string): string => `user:${userId}`;
