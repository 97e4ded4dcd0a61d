// The server boundary for one client event: who may send it, validation against its schema,
// the acknowledgement, and the promise that nothing a client sends can crash the server.
import type { z } from 'zod';
import type { ChatSocket } from '../codeSender.ts';
import type { ServerContext } from '../context.ts';
import { type LimitName, type RateLimits, rateLimitedAck } from '../limits/rateLimits.ts';
import { type Ack, type AckError, type ErrorCode, Limits } from '../protocol.ts';

/** Who may send an event: onboarding events before sign-in, the rest after. */
export type Audience = 'unauthenticated' | 'authenticated';

/** One rate limit an event spends a point of, and the key it is counted under. */
export interface LimitKey {
  limit: LimitName;
  key: string;
}

export interface EventHandler<Schema extends z.ZodType> {
  audience: Audience;
  schema: Schema;
  /** The limits a valid request spends, checked in order before `handle`. */
  limits?(socket: ChatSocket, payload: z.output<Schema>): readonly LimitKey[];
  handle(context: ServerContext, socket: ChatSocket, payload: z.output<Schema>): Promise<Ack>;
}

/** A helper so each handler's payload type is inferred from its schema. */
export function defineHandler<Schema extends z.ZodType>(
  handler: EventHandler<Schema>,
): EventHandler<Schema> {
  return handler;
}

export function errorAck(code: ErrorCode, message: string): AckError {
  return { ok: false, error: { code, message } };
}

/** Text that came from a client is echoed at most this long (3,000 unknown keys: 58 KB). */
export function capText(text: string, maxChars: number = Limits.errorMessageMaxChars): string {
  return text.length <= maxChars ? text : `${text.slice(0, maxChars - 1)}…`;
}

function describeIssues(error: z.ZodError): string {
  const described = error.issues
    .slice(0, 3)
    .map((issue) => {
      const path = issue.path.slice(0, 4).map((part) => capText(String(part), 32));
      return capText(path.length > 0 ? `${path.join('.')}: ${issue.message}` : issue.message, 80);
    })
    .join('; ');
  return capText(described);
}

type AckFunction = (response: Ack) => void;

/** Splits Socket.IO's listener arguments into (payload, ack): the ack is a trailing function. */
export function splitArguments(args: unknown[]): { payload: unknown; ack: AckFunction | null } {
  const last = args.at(-1);
  const ack = typeof last === 'function' ? (last as AckFunction) : null;
  const payload = ack && args.length === 1 ? undefined : args[0];
  return { payload, ack };
}

/**
 * Each socket's events are handled one after another, in arrival order: two quick sends keep
 * their order, and a request made after a send sees it. The queue is bounded: a client that
 * sends faster than it is answered (10,000 requests at once) is cut off instead of holding the
 * server's memory and time hostage.
 */
interface SocketQueue {
  tail: Promise<void>;
  pending: number;
}
const socketQueues = new WeakMap<ChatSocket, SocketQueue>();

/** More events than this waiting on one socket and it is disconnected. */
export const maxPendingEventsPerSocket = 64;

export function enqueue(
  context: ServerContext,
  socket: ChatSocket,
  task: () => Promise<void>,
): void {
  const queue = socketQueues.get(socket) ?? { tail: Promise.resolve(), pending: 0 };
  socketQueues.set(socket, queue);
  if (queue.pending >= maxPendingEventsPerSocket) {
    if (socket.connected) {
      context.logger.warn('socket dropped', {
        socket: socket.id,
        user: socket.data.userId,
        reason: `more than ${maxPendingEventsPerSocket} events waiting`,
      });
      socket.disconnect(true);
    }
    return;
  }
  queue.pending += 1;
  // task never rejects (it catches everything itself); the catch is a second safety net.
  queue.tail = queue.tail
    .then(task)
    .catch(() => {})
    .finally(() => {
      queue.pending -= 1;
    });
}

/** Spends one of the connection's event points; the refusal ack when none is left. */
export async function spendConnectionBudget(
  context: ServerContext,
  socket: ChatSocket,
): Promise<AckError | null> {
  return spendLimits(context.limits, [{ limit: 'eventsPerConnection', key: socket.id }]);
}

/** The first limit that refuses, as an error ack; null when every limit allows. */
async function spendLimits(
  rateLimits: RateLimits,
  keys: readonly LimitKey[],
): Promise<AckError | null> {
  for (const { limit, key } of keys) {
    const verdict = await rateLimits.consume(limit, key);
    if (!verdict.allowed) return rateLimitedAck(verdict.retryAfterMs);
  }
  return null;
}

export function bindEvent<Schema extends z.ZodType>(
  context: ServerContext,
  socket: ChatSocket,
  event: string,
  handler: EventHandler<Schema>,
): void {
  const { logger } = context;
  const respond = (ack: AckFunction | null, response: Ack): void => {
    if (!ack) return;
    try {
      ack(response);
    } catch (error) {
      logger.error('ack failed', { event, socket: socket.id, reason: String(error) });
    }
  };
  const refuse = (ack: AckFunction | null, response: AckError, payloadInfo?: string): void => {
    logger.warn('bad input', {
      event,
      socket: socket.id,
      user: socket.data.userId,
      code: response.error.code,
      reason: payloadInfo ?? response.error.message,
    });
    respond(ack, response);
  };

  const listener = async (...args: unknown[]): Promise<void> => {
    const { payload, ack } = splitArguments(args);
    const overBudget = await spendConnectionBudget(context, socket);
    if (overBudget) {
      refuse(ack, overBudget);
      return;
    }
    const signedIn = socket.data.userId !== undefined;
    if (handler.audience === 'authenticated' && !signedIn) {
      refuse(ack, errorAck('unauthenticated', `${event} needs a signed-in socket`));
      return;
    }
    if (handler.audience === 'unauthenticated' && signedIn) {
      refuse(
        ack,
        errorAck('already_authenticated', `${event} is for onboarding: already signed in`),
      );
      return;
    }
    const parsed = handler.schema.safeParse(payload);
    if (!parsed.success) {
      refuse(ack, errorAck('invalid_payload', describeIssues(parsed.error)));
      return;
    }
    let response: Ack;
    try {
      const refused = await spendLimits(
        context.limits,
        handler.limits?.(socket, parsed.data) ?? [],
      );
      response = refused ?? (await handler.handle(context, socket, parsed.data));
    } catch (error) {
      logger.error('handler failed', {
        event,
        socket: socket.id,
        user: socket.data.userId,
        reason: error instanceof Error ? error.message : String(error),
      });
      respond(ack, errorAck('internal', 'the server could not handle this request'));
      return;
    }
    if (!response.ok) {
      logger.info('request refused', {
        event,
        socket: socket.id,
        user: socket.data.userId,
        code: response.error.code,
      });
    }
    respond(ack, response);
  };
  // Listener arguments are untrusted until the schema has parsed them, hence the cast.
  socket.on(
    event as never,
    ((...args: unknown[]) => enqueue(context, socket, () => listener(...args))) as never,
  );
}
