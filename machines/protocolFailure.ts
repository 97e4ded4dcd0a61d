// The one error shape every request actor rejects with, so machines can branch on the server's
// error code (wrong code, expired code, rate limit...) without knowing the transport.
import type { ErrorCode, ProtocolError } from '../server/protocol.ts';

/** Protocol error codes plus the client-side `network` (no connection, timeout). */
export type FailureCode = ErrorCode | 'network';

export interface FailureDetails {
  code: FailureCode;
  message: string;
  retryAfterMs?: number;
  triesLeft?: number;
}

export class ProtocolFailure extends Error {
  readonly code: FailureCode;
  readonly retryAfterMs: number | undefined;
  readonly triesLeft: number | undefined;

  constructor(details: FailureDetails | ProtocolError) {
    super(details.message);
    this.name = 'ProtocolFailure';
    this.code = details.code;
    this.retryAfterMs = details.retryAfterMs;
    this.triesLeft = details.triesLeft;
  }
}

/** Any rejection as a ProtocolFailure: unknown errors count as network trouble. */
export function toProtocolFailure(error: unknown): ProtocolFailure {
  if (error instanceof ProtocolFailure) return error;
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const { code, message, retryAfterMs, triesLeft } = error as Partial<FailureDetails>;
    if (typeof code === 'string') {
      return new ProtocolFailure({
        code: code as FailureCode,
        message: typeof message === 'string' ? message : code,
        ...(typeof retryAfterMs === 'number' ? { retryAfterMs } : {}),
        ...(typeof triesLeft === 'number' ? { triesLeft } : {}),
      });
    }
  }
  const message = error instanceof Error ? error.message : 'The connection failed.';
  return new ProtocolFailure({ code: 'network', message });
}

/** What a user is shown for a failure, in plain words. */
export function userMessageFor(failure: ProtocolFailure): string {
  switch (failure.code) {
    case 'network':
      return 'Could not reach the server. Check your connection and try again.';
    case 'rate_limited':
    case 'resend_too_soon':
      return failure.retryAfterMs !== undefined
        ? `Too many attempts. Try again in ${Math.ceil(failure.retryAfterMs / 1000)} s.`
        : 'Too many attempts. Try again in a moment.';
    case 'code_incorrect':
      return failure.triesLeft !== undefined
        ? `That code is not right. ${failure.triesLeft} ${failure.triesLeft === 1 ? 'try' : 'tries'} left.`
        : 'That code is not right.';
    case 'code_expired':
      return 'That code has expired. Request a new one.';
    case 'code_dead':
      return 'Too many wrong codes. Request a new one.';
    case 'code_not_requested':
      return 'No code was sent to this number yet. Request a new one.';
    case 'code_delivery_failed':
      return 'We could not send the code just now. Try again in a moment.';
    case 'name_not_allowed':
      return "That name can't be used: it hides characters or belongs to one of Parley's characters.";
    case 'verification_invalid':
      return 'Your verification has expired. Please verify your number again.';
    case 'invalid_payload':
      return 'The server did not accept that. Check what you entered and try again.';
    default:
      return 'Something went wrong on the server. Please try again.';
  }
}
