// The onboarding code rules: a random 6-digit code valid 10 minutes, no new code for the same
// phone within 30 s, five wrong guesses kill it; a right guess yields a one-use token.
import { randomInt, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../clock.ts';
import { Limits, type ProtocolError } from '../protocol.ts';
import { createToken, hashToken } from '../tokens.ts';
import type { VerificationStore } from './types.ts';

/** How long a verified phone may take to finish the name step. */
export const verificationTokenValidityMs = 30 * 60_000;

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: ProtocolError };

export interface IssuedCodeResult {
  code: string;
  resendAfterMs: number;
  expiresInMs: number;
}

export function generateCode(): string {
  return String(randomInt(0, 10 ** Limits.codeLength)).padStart(Limits.codeLength, '0');
}

function sameCode(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export class VerificationService {
  #store: VerificationStore;
  #clock: Clock;

  constructor(store: VerificationStore, clock: Clock) {
    this.#store = store;
    this.#clock = clock;
  }

  async issueCode(phone: string): Promise<Outcome<IssuedCodeResult>> {
    const now = this.#clock.now();
    const previous = await this.#store.getCode(phone);
    if (previous) {
      const waitMs = previous.issuedAt + Limits.codeResendAfterMs - now;
      if (waitMs > 0) {
        return {
          ok: false,
          error: {
            code: 'resend_too_soon',
            message: `a new code can be requested in ${Math.ceil(waitMs / 1000)} s`,
            retryAfterMs: waitMs,
          },
        };
      }
    }
    const code = generateCode();
    await this.#store.putCode(phone, {
      code,
      issuedAt: now,
      expiresAt: now + Limits.codeValidityMs,
      attemptsLeft: Limits.codeMaxAttempts,
    });
    return {
      ok: true,
      value: {
        code,
        resendAfterMs: Limits.codeResendAfterMs,
        expiresInMs: Limits.codeValidityMs,
      },
    };
  }

  /** Drops the phone's code (used when it could not be delivered). */
  async forget(phone: string): Promise<void> {
    await this.#store.deleteCode(phone);
  }

  /** On success returns a one-use verification token for `phone`. */
  async verify(phone: string, guess: string): Promise<Outcome<{ verificationToken: string }>> {
    const issued = await this.#store.getCode(phone);
    if (!issued) {
      return fail('code_not_requested', 'no code was requested for this phone');
    }
    if (issued.attemptsLeft <= 0) {
      return fail('code_dead', 'too many wrong codes: request a new code');
    }
    if (this.#clock.now() >= issued.expiresAt) {
      return fail('code_expired', 'the code has expired: request a new code');
    }
    if (!sameCode(issued.code, guess)) {
      const triesLeft = await this.#store.recordWrongGuess(phone);
      return {
        ok: false,
        error:
          triesLeft > 0
            ? { code: 'code_incorrect', message: 'the code is not correct', triesLeft }
            : { code: 'code_dead', message: 'too many wrong codes: request a new code', triesLeft },
      };
    }
    // A code works once; a fresh one may be requested straight away after success.
    await this.#store.deleteCode(phone);
    const verificationToken = createToken();
    await this.#store.putVerification(hashToken(verificationToken), {
      phone,
      expiresAt: this.#clock.now() + verificationTokenValidityMs,
    });
    return { ok: true, value: { verificationToken } };
  }

  /** Spends a verification token; it must belong to `phone` and still be valid. */
  async redeem(phone: string, verificationToken: string): Promise<Outcome<void>> {
    const verification = await this.#store.takeVerification(hashToken(verificationToken));
    if (
      !verification ||
      verification.phone !== phone ||
      this.#clock.now() >= verification.expiresAt
    ) {
      return fail('verification_invalid', 'verify the phone again: this verification is not valid');
    }
    return { ok: true, value: undefined };
  }
}

function fail(code: ProtocolError['code'], message: string): { ok: false; error: ProtocolError } {
  return { ok: false, error: { code, message } };
}
