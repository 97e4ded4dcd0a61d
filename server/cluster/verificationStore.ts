// Onboarding state in Redis, so a code requested through one node can be verified through
// another. Codes and verification tokens carry a Redis TTL as well: nothing outlives its use
// by more than an hour even if no node ever reads it again. The service still decides expiry
// with its own clock; the TTL only collects garbage.
import type { IssuedCode, PhoneVerification, VerificationStore } from '../verification/types.ts';
import type { RedisClient } from './redisClient.ts';

const retentionMs = 60 * 60_000;

/** Decrements attemptsLeft if the code exists and has some; returns what is left (0 if none). */
const recordWrongGuessScript = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local left = tonumber(redis.call('HGET', KEYS[1], 'attemptsLeft'))
if left > 0 then left = redis.call('HINCRBY', KEYS[1], 'attemptsLeft', -1) end
return left`;

export class RedisVerificationStore implements VerificationStore {
  #redis: RedisClient;
  #prefix: string;

  constructor(redis: RedisClient, keyPrefix: string) {
    this.#redis = redis;
    this.#prefix = keyPrefix;
  }

  async getCode(phone: string): Promise<IssuedCode | null> {
    const fields = await this.#redis.hGetAll(this.#codeKey(phone));
    if (fields.code === undefined) return null;
    return {
      code: fields.code,
      issuedAt: Number(fields.issuedAt),
      expiresAt: Number(fields.expiresAt),
      attemptsLeft: Number(fields.attemptsLeft),
    };
  }

  async putCode(phone: string, code: IssuedCode): Promise<void> {
    const key = this.#codeKey(phone);
    await this.#redis
      .multi()
      .del(key)
      .hSet(key, {
        code: code.code,
        issuedAt: String(code.issuedAt),
        expiresAt: String(code.expiresAt),
        attemptsLeft: String(code.attemptsLeft),
      })
      .pExpire(key, code.expiresAt - code.issuedAt + retentionMs)
      .exec();
  }

  async recordWrongGuess(phone: string): Promise<number> {
    const left = await this.#redis.eval(recordWrongGuessScript, {
      keys: [this.#codeKey(phone)],
    });
    return Number(left);
  }

  async deleteCode(phone: string): Promise<void> {
    await this.#redis.del(this.#codeKey(phone));
  }

  async putVerification(tokenHash: string, verification: PhoneVerification): Promise<void> {
    await this.#redis.set(this.#verificationKey(tokenHash), JSON.stringify(verification), {
      expiration: { type: 'PX', value: retentionMs },
    });
  }

  async takeVerification(tokenHash: string): Promise<PhoneVerification | null> {
    // GETDEL: two nodes redeeming the same token at once cannot both get it.
    const value = await this.#redis.getDel(this.#verificationKey(tokenHash));
    if (typeof value !== 'string') return null;
    const parsed = JSON.parse(value) as Partial<PhoneVerification>;
    if (typeof parsed.phone !== 'string' || typeof parsed.expiresAt !== 'number') return null;
    return { phone: parsed.phone, expiresAt: parsed.expiresAt };
  }

  #codeKey(phone: string): string {
    return `${this.#prefix}verification:code:${phone}`;
  }

  #verificationKey(tokenHash: string): string {
    return `${this.#prefix}verification:token:${tokenHash}`;
  }
}
