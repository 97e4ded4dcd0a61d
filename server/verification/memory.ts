import type { IssuedCode, PhoneVerification, VerificationStore } from './types.ts';

export class MemoryVerificationStore implements VerificationStore {
  #codes = new Map<string, IssuedCode>();
  #verifications = new Map<string, PhoneVerification>();

  async getCode(phone: string): Promise<IssuedCode | null> {
    const code = this.#codes.get(phone);
    return code ? { ...code } : null;
  }

  async putCode(phone: string, code: IssuedCode): Promise<void> {
    this.#codes.set(phone, { ...code });
  }

  async recordWrongGuess(phone: string): Promise<number> {
    const code = this.#codes.get(phone);
    if (!code) return 0;
    code.attemptsLeft = Math.max(0, code.attemptsLeft - 1);
    return code.attemptsLeft;
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
}
