// Onboarding and drafting state in Redis, seen from two nodes (two connections): a code asked
// for on one node is verified on the other, tries and token redemption stay atomic under
// races, keys live no longer than their records, drafts show everywhere, and each lapsed
// draft is claimed by exactly one node.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../server/clock.ts';
import { RedisDraftingStore } from '../../server/cluster/draftingStore.ts';
import { redisLimiterFactory } from '../../server/cluster/rateLimits.ts';
import { connectRedis, type RedisClient } from '../../server/cluster/redisClient.ts';
import { RedisVerificationStore } from '../../server/cluster/verificationStore.ts';
import { DraftingTracker } from '../../server/drafting/tracker.ts';
import { createRateLimits } from '../../server/limits/rateLimits.ts';
import { silentLogger } from '../../server/logger.ts';
import { Limits } from '../../server/protocol.ts';
import { hashToken } from '../../server/tokens.ts';
import {
  verificationTokenValidityMs,
  VerificationService,
} from '../../server/verification/service.ts';
import { deleteRedisKeys, redisUrl, requireRedis, uniqueName } from './services.ts';

const prefix = `${uniqueName('redis')}:`;
const clients: RedisClient[] = [];

async function node(): Promise<RedisClient> {
  const client = await connectRedis(redisUrl, silentLogger);
  clients.push(client);
  return client;
}

beforeAll(requireRedis);
afterEach(async () => {
  for (const client of clients.splice(0)) await client.close();
});
afterAll(() => deleteRedisKeys(prefix));

describe('RedisVerificationStore', () => {
  it('lets a code requested through one node be verified through another, once', async () => {
    const [one, two] = [await node(), await node()];
    const first = new VerificationService(new RedisVerificationStore(one, prefix), systemClock);
    const second = new VerificationService(new RedisVerificationStore(two, prefix), systemClock);
    const phone = '+14155550123';

    const issued = await first.issueCode(phone);
    if (!issued.ok) throw new Error(issued.error.code);
    // The resend countdown holds across nodes too.
    expect(await second.issueCode(phone)).toMatchObject({
      ok: false,
      error: { code: 'resend_too_soon' },
    });
    const verified = await second.verify(phone, issued.value.code);
    if (!verified.ok) throw new Error(verified.error.code);

    const redemptions = await Promise.all([
      first.redeem(phone, verified.value.verificationToken),
      second.redeem(phone, verified.value.verificationToken),
    ]);
    expect(redemptions.filter((outcome) => outcome.ok)).toHaveLength(1);
  });

  it('gives exactly five live attempts to twenty guesses racing on two connections', async () => {
    const [one, two] = [await node(), await node()];
    const stores = [
      new RedisVerificationStore(one, prefix),
      new RedisVerificationStore(two, prefix),
    ];
    const phone = '+14155550124';
    const now = Date.now();
    await stores[0]!.putCode(phone, {
      code: '123456',
      issuedAt: now,
      expiresAt: now + Limits.codeValidityMs,
      keepUntil: now + Limits.codeValidityMs,
      attemptsLeft: Limits.codeMaxAttempts,
    });
    const attempts = await Promise.all(
      Array.from({ length: 20 }, (_, index) => stores[index % 2]!.takeAttempt(phone, now)),
    );
    const live = attempts.flatMap((attempt) => (attempt.state === 'live' ? [attempt] : []));
    expect(live.map((attempt) => attempt.code)).toEqual(Array(5).fill('123456'));
    expect(live.map((attempt) => attempt.attemptsLeftAfter).toSorted()).toEqual([0, 1, 2, 3, 4]);
    expect(attempts.filter((attempt) => attempt.state === 'dead')).toHaveLength(15);
    expect((await stores[1]!.getCode(phone))?.attemptsLeft).toBe(0);

    expect(await stores[0]!.takeAttempt('+14155550999', now)).toEqual({ state: 'none' });
    expect(await stores[0]!.getCode('+14155550999')).toBeNull();
    await stores[1]!.deleteCode(phone);
    expect(await stores[0]!.getCode(phone)).toBeNull();
  });

  it('spends no try on an expired code, and lets one of two racing right guesses use it', async () => {
    const [one, two] = [await node(), await node()];
    const stores = [
      new RedisVerificationStore(one, prefix),
      new RedisVerificationStore(two, prefix),
    ];
    const phone = '+14155550125';
    const now = Date.now();
    await stores[0]!.putCode(phone, {
      code: '012345',
      issuedAt: now,
      expiresAt: now + Limits.codeValidityMs,
      keepUntil: now + Limits.codeValidityMs,
      attemptsLeft: 2,
    });
    expect(await stores[1]!.takeAttempt(phone, now + Limits.codeValidityMs)).toEqual({
      state: 'expired',
    });
    // Leading zero kept: the code comes back from Lua as the string it was stored as.
    expect(await stores[1]!.takeAttempt(phone, now)).toEqual({
      state: 'live',
      code: '012345',
      attemptsLeftAfter: 1,
    });
    expect(await stores[0]!.consumeCode(phone, '999999')).toBe(false);
    const consumed = await Promise.all([
      stores[0]!.consumeCode(phone, '012345'),
      stores[1]!.consumeCode(phone, '012345'),
    ]);
    expect(consumed.toSorted()).toEqual([false, true]);
    expect(await stores[0]!.getCode(phone)).toBeNull();
  });

  it('gives codes and verification tokens a TTL no longer than their lifetime', async () => {
    const client = await node();
    const service = new VerificationService(
      new RedisVerificationStore(client, prefix),
      systemClock,
    );
    const phone = '+14155550126';
    const issued = await service.issueCode(phone);
    if (!issued.ok) throw new Error(issued.error.code);
    const codeTtl = await client.pTTL(`${prefix}verification:code:${phone}`);
    expect(codeTtl).toBeGreaterThan(Limits.codeValidityMs - 60_000);
    expect(codeTtl).toBeLessThanOrEqual(Limits.codeValidityMs);

    const verified = await service.verify(phone, issued.value.code);
    if (!verified.ok) throw new Error(verified.error.code);
    const tokenKey = `${prefix}verification:token:${hashToken(verified.value.verificationToken)}`;
    const tokenTtl = await client.pTTL(tokenKey);
    expect(tokenTtl).toBeGreaterThan(verificationTokenValidityMs - 60_000);
    expect(tokenTtl).toBeLessThanOrEqual(verificationTokenValidityMs);
    // The used code went at once; a wrong guess at it now finds nothing.
    expect(await client.exists(`${prefix}verification:code:${phone}`)).toBe(0);
  });
});

describe('RedisDraftingStore', () => {
  it('shows a draft started on one node to every node, in the order people started', async () => {
    const [one, two] = [await node(), await node()];
    const lapsed: string[] = [];
    const trackerOne = new DraftingTracker(new RedisDraftingStore(one, prefix), systemClock, (id) =>
      lapsed.push(id),
    );
    const trackerTwo = new DraftingTracker(new RedisDraftingStore(two, prefix), systemClock, (id) =>
      lapsed.push(id),
    );
    try {
      expect(await trackerOne.start('room-a', 'trunks', 'trunks')).toBe(true);
      expect(await trackerTwo.start('room-a', 'goten', 'vegeta')).toBe(true);
      // A refresh through the other node changes nothing anyone sees.
      expect(await trackerTwo.start('room-a', 'trunks', 'trunks')).toBe(false);
      expect(await trackerOne.drafting('room-a')).toEqual(['trunks', 'vegeta']);
      expect(await trackerTwo.drafting('room-b')).toEqual([]);

      expect(await trackerTwo.stop('room-a', 'trunks')).toBe(true);
      expect(await trackerOne.drafting('room-a')).toEqual(['vegeta']);
      expect(lapsed).toEqual([]);
    } finally {
      trackerOne.close();
      trackerTwo.close();
    }
  });

  it('hands each lapsed draft to exactly one node, and none that was refreshed', async () => {
    const [one, two] = [await node(), await node()];
    const stores = [new RedisDraftingStore(one, prefix), new RedisDraftingStore(two, prefix)];
    const now = Date.now();
    await stores[0]!.put('room-c', { drafterId: 'bulma', shownAs: 'bulma', expiresAt: now - 1 });
    await stores[1]!.put('room-c', { drafterId: 'goku', shownAs: 'goku', expiresAt: now - 1 });
    await stores[0]!.put('room-d', { drafterId: 'bulma', shownAs: 'bulma', expiresAt: now - 1 });
    // Refreshed before anyone swept: not lapsed.
    await stores[1]!.put('room-d', {
      drafterId: 'bulma',
      shownAs: 'bulma',
      expiresAt: now + Limits.draftingExpiryMs,
    });

    const claims = await Promise.all([stores[0]!.claimLapsed(now), stores[1]!.claimLapsed(now)]);
    const claimed = claims.flat().map((draft) => `${draft.conversationId}/${draft.drafterId}`);
    expect(claimed.toSorted()).toEqual(['room-c/bulma', 'room-c/goku']);
    expect(await stores[1]!.list('room-c')).toEqual([]);
    expect((await stores[0]!.list('room-d')).map((entry) => entry.drafterId)).toEqual(['bulma']);
    expect(await stores[0]!.claimLapsed(now)).toEqual([]);
  });
});

describe('rate limits in Redis', () => {
  it('spends one allowance however the requests are spread over nodes', async () => {
    const [one, two] = [await node(), await node()];
    const rules = { sendMessage: { points: 3, durationSeconds: 60 } };
    const limits = [one, two].map((client) =>
      createRateLimits({ storeFactory: redisLimiterFactory(client, prefix), rules }),
    );
    const verdicts = [];
    for (let index = 0; index < 4; index += 1) {
      verdicts.push(await limits[index % 2]!.consume('sendMessage', 'user-1'));
    }
    expect(verdicts.slice(0, 3)).toEqual([{ allowed: true }, { allowed: true }, { allowed: true }]);
    expect(verdicts[3]).toMatchObject({ allowed: false, retryAfterMs: expect.any(Number) });
    // Someone else's allowance is untouched.
    expect(await limits[1]!.consume('sendMessage', 'user-2')).toEqual({ allowed: true });
  });
});
