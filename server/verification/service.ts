// The onboarding code rules: a random 6-digit code valid 10 minutes, no new code for the same
// phone within 30 s, five wrong guesses kill it; a right guess yields a one-use token. Each
// guess first spends a try in the store, atomically, and only then is compared: guesses that
// race through several nodes get no more comparisons than the code has tries. Lapsed codes
// and tokens are swept from the store (at most once a minute of clock time, when a code or
// token is added), so what it holds stays bounded by what was issued in the last half hour.
import { randomInt, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../clock.ts';
import { Limits, type ProtocolError } from '../protocol.ts';
import { createToken, hashToken } from '../tokens.ts';
import type { VerificationStore } from './types.ts';

/** How long a verified phone may take to finish the name step. */
export const verificationTokenValidityMs = 30 * 60_000;

/** How often, at most, the service asks the store to drop lapsed codes and tokens. */
export const sweepIntervalMs = 60_000;

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
  /** Clock time from which the next add sweeps the store first. */
  #nextSweepAt = Number.NEGATIVE_INFINITY;

  constructor(store: VerificationStore, clock: Clock) {
    this.#store = store;
    this.#clock = clock;
  }

  async issueCode(phone: string): Promise<Outcome<IssuedCodeResult>> {
    const now = this.#clock.now();
    await this.#sweepIfDue(now);
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
    const expiresAt = now + Limits.codeValidityMs;
    await this.#store.putCode(phone, {
      code,
      issuedAt: now,
      expiresAt,
      // The resend rule reads issuedAt: the record must outlive the countdown as well.
      keepUntil: Math.max(expiresAt, now + Limits.codeResendAfterMs),
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
    const attempt = await this.#store.takeAttempt(phone, this.#clock.now());
    switch (attempt.state) {
      case 'none':
        return fail('code_not_requested', 'no code was requested for this phone');
      case 'dead':
        return fail('code_dead', 'too many wrong codes: request a new code');
      case 'expired':
        return fail('code_expired', 'the code has expired: request a new code');
      case 'live':
        break;
    }
    // The try is already spent: a right guess on the last try still counts, a sixth never
    // gets here.
    if (!sameCode(attempt.code, guess)) {
      const triesLeft = attempt.attemptsLeftAfter;
      return {
        ok: false,
        error:
          triesLeft > 0
            ? { code: 'code_incorrect', message: 'the code is not correct', triesLeft }
            : { code: 'code_dead', message: 'too many wrong codes: request a new code', triesLeft },
      };
    }
    // A code works once (a right guess racing this one finds it gone); a fresh one may be
    // requested straight away after success.
    if (!(await this.#store.consumeCode(phone, attempt.code))) {
      return fail('code_not_requested', 'this code has already been used: request a new code');
    }
    const now = this.#clock.now();
    await this.#sweepIfDue(now);
    const verificationToken = createToken();
    await this.#store.putVerification(hashToken(verificationToken), {
      phone,
      verifiedAt: now,
      expiresAt: now + verificationTokenValidityMs,
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

  /** Drops lapsed codes and tokens from the store, at most once per sweep interval. */
  async #sweepIfDue(now: number): Promise<void> {
    if (now < this.#nextSweepAt) return;
    this.#nextSweepAt = now + sweepIntervalMs;
    await this.#store.sweepExpired(now);
  }
}

function fail(code: ProtocolError['code'], message: string): { ok: false; error: ProtocolError } {
  return { ok: false, error: { code, message } };
}
