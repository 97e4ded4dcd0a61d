// Where onboarding state lives: issued codes and the short-lived tokens a verified phone gets.
// Small and async so a Redis implementation (with TTLs) can replace the memory one.

export interface IssuedCode {
  code: string;
  issuedAt: number;
  expiresAt: number;
  /** Wrong guesses left; 0 means the code is dead. */
  attemptsLeft: number;
}

export interface PhoneVerification {
  phone: string;
  expiresAt: number;
}

export interface VerificationStore {
  getCode(phone: string): Promise<IssuedCode | null>;
  /** Replaces any code the phone had. */
  putCode(phone: string, code: IssuedCode): Promise<void>;
  /** Records one wrong guess; returns the attempts left afterwards (never below 0). */
  recordWrongGuess(phone: string): Promise<number>;
  deleteCode(phone: string): Promise<void>;

  /** Keyed by the sha-256 of the verification token. */
  putVerification(tokenHash: string, verification: PhoneVerification): Promise<void>;
  /** Returns and deletes: a verification token works once. */
  takeVerification(tokenHash: string): Promise<PhoneVerification | null>;
}
