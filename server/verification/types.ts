// Where onboarding state lives: issued codes and the short-lived tokens a verified phone gets.
// Small and async so a Redis implementation (with TTLs) can replace the memory one. Every
// record says until when it must be kept, so no store holds anything past its use: the memory
// store drops what has lapsed when the service asks it to sweep, Redis by key TTLs.

export interface IssuedCode {
  code: string;
  issuedAt: number;
  expiresAt: number;
  /**
   * Until when the record matters: its expiry, or the end of its resend countdown (which
   * reads `issuedAt`) if that is later. A store may drop the record from then on.
   */
  keepUntil: number;
  /** Guesses left; 0 means the code is dead. */
  attemptsLeft: number;
}

export interface PhoneVerification {
  phone: string;
  /** When the phone was verified (the token made). */
  verifiedAt: number;
  /** The token is refused from then on, and may be dropped. */
  expiresAt: number;
}

/**
 * One guess against a phone's code, as `takeAttempt` saw it: no code; a code with no tries
 * left; a code past its expiry (no try spent); or a live code whose try this guess has now
 * spent, with the code to compare the guess with and the tries left after this one.
 */
export type CodeAttempt =
  | { state: 'none' }
  | { state: 'dead' }
  | { state: 'expired' }
  | { state: 'live'; code: string; attemptsLeftAfter: number };

export interface VerificationStore {
  getCode(phone: string): Promise<IssuedCode | null>;
  /** Replaces any code the phone had. */
  putCode(phone: string, code: IssuedCode): Promise<void>;
  /**
   * In one atomic step: if the phone has a code with tries left that has not expired at
   * `now`, spends one try and returns the code. However many guesses race (on however many
   * nodes), no more of them get a live attempt than the code had tries.
   */
  takeAttempt(phone: string, now: number): Promise<CodeAttempt>;
  /**
   * Deletes the phone's code if it still is `code` (a right guess uses it up); false when it
   * was gone or replaced, so two right guesses racing cannot both use it.
   */
  consumeCode(phone: string, code: string): Promise<boolean>;
  deleteCode(phone: string): Promise<void>;

  /** Keyed by the sha-256 of the verification token. */
  putVerification(tokenHash: string, verification: PhoneVerification): Promise<void>;
  /** Returns and deletes: a verification token works once. */
  takeVerification(tokenHash: string): Promise<PhoneVerification | null>;

  /**
   * Drops codes whose `keepUntil` and verifications whose `expiresAt` is at or before `now`.
   * A store whose entries expire by themselves (Redis TTLs) does nothing.
   */
  sweepExpired(now: number): Promise<void>;
}
