// Onboarding state in Redis, so a code requested through one node can be verified through
// another. Every key's TTL is the record's real lifetime (a code until its `keepUntil`, a
// verification token until it expires), so Redis drops each one as soon as it can no longer
// matter, read again or not. The service still decides expiry with its own clock; the TTL only
// collects garbage. A guess spends its try in one Lua script before the comparison, so guesses
// racing through several nodes cannot get more comparisons than the code has tries.
import type {
  CodeAttempt,
  IssuedCode,
  PhoneVerification,
  VerificationStore,
} from '../verification/types.ts';
import type { RedisClient } from './redisClient.ts';

/**
 * ARGV[1]: the service's clock. Returns {'none'} | {'dead'} | {'expired'} |
 * {'live', code, attemptsLeftAfter}; only 'live' spends a try.
 */
const takeAttemptScript = `
local fields = redis.call('HMGET', KEYS[1], 'code', 'expiresAt', 'attemptsLeft')
if not fields[1] then return {'none'} end
if (tonumber(fields[3]) or 0) <= 0 then return {'dead'} end
if tonumber(ARGV[1]) >= (tonumber(fields[2]) or 0) then return {'expired'} end
local left = redis.call('HINCRBY', KEYS[1], 'attemptsLeft', -1)
return {'live', fields[1], left}`;

/** Deletes the code if it still is ARGV[1]; 1 if it did. */
const consumeCodeScript = `
if redis.call('HGET', KEYS[1], 'code') == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0`;

/** A TTL of `ms`, at least 1 (PEXPIRE and PX refuse 0 and below). */
const ttlMs = (ms: number): number => Math.max(1, Math.ceil(ms));

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
    const expiresAt = Number(fields.expiresAt);
    return {
      code: fields.code,
      issuedAt: Number(fields.issuedAt),
      expiresAt,
      keepUntil: fields.keepUntil === undefined ? expiresAt : Number(fields.keepUntil),
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
        keepUntil: String(code.keepUntil),
        attemptsLeft: String(code.attemptsLeft),
      })
      // Relative to issuedAt, not an absolute PXAT: a node's clock may differ from Redis's.
      .pExpire(key, ttlMs(code.keepUntil - code.issuedAt))
      .exec();
  }

  async takeAttempt(phone: string, now: number): Promise<CodeAttempt> {
    const reply = (await this.#redis.eval(takeAttemptScript, {
      keys: [this.#codeKey(phone)],
      arguments: [String(now)],
    })) as [string, string?, number?];
    switch (reply[0]) {
      case 'live':
        return { state: 'live', code: String(reply[1]), attemptsLeftAfter: Number(reply[2]) };
      case 'dead':
      case 'expired':
      case 'none':
        return { state: reply[0] };
      default:
        throw new Error(`unexpected reply from the takeAttempt script: ${String(reply[0])}`);
    }
  }

  async consumeCode(phone: string, code: string): Promise<boolean> {
    const deleted = await this.#redis.eval(consumeCodeScript, {
      keys: [this.#codeKey(phone)],
      arguments: [code],
    });
    return Number(deleted) === 1;
  }

  async deleteCode(phone: string): Promise<void> {
    await this.#redis.del(this.#codeKey(phone));
  }

  async putVerification(tokenHash: string, verification: PhoneVerification): Promise<void> {
    await this.#redis.set(this.#verificationKey(tokenHash), JSON.stringify(verification), {
      expiration: { type: 'PX', value: ttlMs(verification.expiresAt - verification.verifiedAt) },
    });
  }

  async takeVerification(tokenHash: string): Promise<PhoneVerification | null> {
    // GETDEL: two nodes redeeming the same token at once cannot both get it.
    const value = await this.#redis.getDel(this.#verificationKey(tokenHash));
    if (typeof value !== 'string') return null;
    const parsed = JSON.parse(value) as Partial<PhoneVerification>;
    if (typeof parsed.phone !== 'string' || typeof parsed.expiresAt !== 'number') return null;
    return {
      phone: parsed.phone,
      // Written by an older node without it: only expiresAt decides anything.
      verifiedAt: typeof parsed.verifiedAt === 'number' ? parsed.verifiedAt : parsed.expiresAt,
      expiresAt: parsed.expiresAt,
    };
  }

  /** Nothing to do: every key carries a TTL equal to its lifetime. */
  async sweepExpired(_now: number): Promise<void> {}

  #codeKey(phone: string): string {
    return `${this.#prefix}verification:code:${phone}`;
  }

  #verificationKey(tokenHash: string): string {
    return `${this.#prefix}verification:token:${tokenHash}`;
  }
}
