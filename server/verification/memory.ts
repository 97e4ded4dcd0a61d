// Onboarding state in the node's memory. Nothing here runs on a timer: the service sweeps
// lapsed entries (at most once a minute, when it adds one), so the store holds only codes and
// tokens that can still matter, and there is nothing to close. Each method does its work
// before its first await, so it is atomic with respect to every other call.
import type { CodeAttempt, IssuedCode, PhoneVerification, VerificationStore } from './types.ts';

export class MemoryVerificationStore implements VerificationStore {
  #codes = new Map<string, IssuedCode>();
  #verifications = new Map<string, PhoneVerification>();

  /** How many codes and verification tokens are held (tests check that lapsed ones go). */
  get size(): { codes: number; verifications: number } {
    return { codes: this.#codes.size, verifications: this.#verifications.size };
  }

  async getCode(phone: string): Promise<IssuedCode | null> {
    const code = this.#codes.get(phone);
    return code ? { ...code } : null;
  }

  async putCode(phone: string, code: IssuedCode): Promise<void> {
    this.#codes.set(phone, { ...code });
  }

  async takeAttempt(phone: string, now: number): Promise<CodeAttempt> {
    const code = this.#codes.get(phone);
    if (!code) return { state: 'none' };
    if (code.attemptsLeft <= 0) return { state: 'dead' };
    if (now >= code.expiresAt) return { state: 'expired' };
    code.attemptsLeft -= 1;
    return { state: 'live', code: code.code, attemptsLeftAfter: code.attemptsLeft };
  }

  async consumeCode(phone: string, code: string): Promise<boolean> {
    if (this.#codes.get(phone)?.code !== code) return false;
    this.#codes.delete(phone);
    return true;
  }

  async deleteCode(phone: string): Promise<void> {
    this.#codes.delete(phone);
  }

  async putVerification(tokenHash: string, verification: PhoneVerification): Promise<void> {
    this.#verifications.set(tokenHash, { ...verification });
  }

  async takeVerification(tokenHash: string): Promise<PhoneVerification | null> {
    const verification = this.#verifications.get(tokenHash);
    this.#verifications.delete(tokenHash);
    return verification ?? null;
  }

  async sweepExpired(now: number): Promise<void> {
    // Deleting the entry being visited is safe while iterating a Map.
    for (const [phone, code] of this.#codes) {
      if (code.keepUntil <= now) this.#codes.delete(phone);
    }
    for (const [tokenHash, verification] of this.#verifications) {
      if (verification.expiresAt <= now) this.#verifications.delete(tokenHash);
    }
  }
}
