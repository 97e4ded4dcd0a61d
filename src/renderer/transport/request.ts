// One request = one emit with a timeout and an acknowledgement. The ack becomes the validated
// value, or a ProtocolFailure carrying the server's error code; a timeout becomes `network`.
import type { z } from 'zod';
import { ProtocolFailure } from '../../../machines/protocolFailure.ts';
import { ErrorCodes, type ErrorCode, type ProtocolError } from '../../../server/protocol.ts';

/** How long a request waits for its acknowledgement. */
export const requestTimeoutMs = 10_000;

const knownCodes: ReadonlySet<string> = new Set(ErrorCodes);

/**
 * Awaits an `emitWithAck` and resolves with the ack's value (without `ok`), parsed by `schema`;
 * rejects with a ProtocolFailure.
 */
export async function settle<S extends z.ZodType>(
  pending: Promise<unknown>,
  schema: S,
): Promise<z.output<S>> {
  let ack: unknown;
  try {
    ack = await pending;
  } catch (error) {
    // socket.io rejects emitWithAck only on timeout (the server never answered).
    throw new ProtocolFailure({
      code: 'network',
      message: error instanceof Error ? error.message : 'The server did not answer.',
    });
  }
  return unwrapAck(ack, schema);
}

/** Checks an ack's shape (types do not validate) and unwraps it. */
export function unwrapAck<S extends z.ZodType>(ack: unknown, schema: S): z.output<S> {
  if (!isRecord(ack) || typeof ack.ok !== 'boolean') throw malformed('reply');
  if (!ack.ok) throw new ProtocolFailure(readError(ack.error));
  const { ok: _ok, ...value } = ack;
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw malformed('reply');
  return parsed.data;
}

/** The ack's error as a protocol error; unknown codes count as `internal`. */
export function readError(error: unknown): ProtocolError {
  if (!isRecord(error)) return { code: 'internal', message: 'The server sent a malformed error.' };
  const { code, message, retryAfterMs, triesLeft } = error;
  return {
    code: typeof code === 'string' && knownCodes.has(code) ? (code as ErrorCode) : 'internal',
    message: typeof message === 'string' ? message : 'The server refused the request.',
    ...(typeof retryAfterMs === 'number' ? { retryAfterMs } : {}),
    ...(typeof triesLeft === 'number' ? { triesLeft } : {}),
  };
}

/**
 * A failure as the session machine's events carry it (`ProtocolError`, whose codes are the
 * server's): a client-side `network` failure travels as `internal` with its message kept.
 */
export function toProtocolError(error: unknown): ProtocolError {
  if (error instanceof ProtocolFailure) {
    if (error.code === 'network') return { code: 'internal', message: `network: ${error.message}` };
    return {
      code: error.code,
      message: error.message,
      ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}),
      ...(error.triesLeft !== undefined ? { triesLeft: error.triesLeft } : {}),
    };
  }
  return { code: 'internal', message: error instanceof Error ? error.message : String(error) };
}

function malformed(what: string): ProtocolFailure {
  return new ProtocolFailure({ code: 'internal', message: `The server sent a malformed ${what}.` });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
