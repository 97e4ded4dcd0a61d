import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../server/clock.ts';
import { Limits } from '../../../server/protocol.ts';
import { MemoryVerificationStore } from '../../../server/verification/memory.ts';
import {
  generateCode,
  sweepIntervalMs,
  verificationTokenValidityMs,
  VerificationService,
} from '../../../server/verification/service.ts';

const phone = '+14155550100';

function setup() {
  const clock = new ManualClock(0);
  const store = new MemoryVerificationStore();
  return { clock, store, service: new VerificationService(store, clock) };
}

async function issued(service: VerificationService, to = phone): Promise<string> {
  const result = await service.issueCode(to);
  if (!result.ok) throw new Error(result.error.code);
  return result.value.code;
}

/** A 6-digit code other than `code`. */
function otherCode(code: string, offset = 1): string {
  return String((Number(code) + offset) % 10 ** Limits.codeLength).padStart(Limits.codeLength, '0');
}

const phoneNumber = (index: number) => `+1415${String(index).padStart(7, '0')}`;

describe('verification codes', () => {
  it('generates 6 random digits, leading zeros kept', () => {
    const codes = Array.from({ length: 200 }, generateCode);
    for (const code of codes) expect(code).toMatch(/^\d{6}$/);
    expect(new Set(codes).size).toBeGreaterThan(190);
  });

  it('gives a one-use token for the right code, bound to the phone and expiring', async () => {
    const { clock, service } = setup();
    const code = await issued(service);
    const verified = await service.verify(phone, code);
    if (!verified.ok) throw new Error('not verified');
    const token = verified.value.verificationToken;
    expect(await service.redeem('+14155550199', token)).toMatchObject({ ok: false });

    const second = await (async () => {
      clock.advance(Limits.codeResendAfterMs);
      const again = await service.verify(phone, await issued(service));
      return again.ok ? again.value.verificationToken : '';
    })();
    expect(await service.redeem(phone, second)).toEqual({ ok: true, value: undefined });
    expect(await service.redeem(phone, second)).toMatchObject({
      error: { code: 'verification_invalid' },
    });

    clock.advance(Limits.codeResendAfterMs);
    const third = await service.verify(phone, await issued(service));
    clock.advance(verificationTokenValidityMs);
    expect(
      await service.redeem(phone, third.ok ? third.value.verificationToken : ''),
    ).toMatchObject({
      error: { code: 'verification_invalid' },
    });
  });

  it('lets a new code be requested at once when the previous one could not be sent', async () => {
    const { service } = setup();
    await issued(service);
    await service.forget(phone);
    expect(await service.issueCode(phone)).toMatchObject({ ok: true });
  });
});

describe('guesses', () => {
  it('counts down the tries, and a right guess on the fifth still works', async () => {
    const { service } = setup();
    const code = await issued(service);
    for (const triesLeft of [4, 3, 2, 1]) {
      expect(await service.verify(phone, otherCode(code))).toMatchObject({
        ok: false,
        error: { code: 'code_incorrect', triesLeft },
      });
    }
    expect(await service.verify(phone, code)).toMatchObject({ ok: true });
    // Once only.
    expect(await service.verify(phone, code)).toMatchObject({
      error: { code: 'code_not_requested' },
    });
  });

  it('kills the code on the fifth wrong guess: the right code is refused after it', async () => {
    const { service } = setup();
    const code = await issued(service);
    for (let index = 0; index < 4; index += 1) await service.verify(phone, otherCode(code));
    expect(await service.verify(phone, otherCode(code))).toEqual({
      ok: false,
      error: { code: 'code_dead', message: expect.any(String), triesLeft: 0 },
    });
    // Found dead, not compared: no triesLeft (the handler counts only compared guesses).
    expect(await service.verify(phone, code)).toEqual({
      ok: false,
      error: { code: 'code_dead', message: expect.any(String) },
    });
  });

  it('compares at most five of many guesses made at once', async () => {
    const { service } = setup();
    const code = await issued(service);
    // The right code is the sixth: five wrong guesses before it have spent every try.
    const guesses = [...[1, 2, 3, 4, 5].map((offset) => otherCode(code, offset)), code];
    guesses.push(...Array.from({ length: 14 }, (_, index) => otherCode(code, index + 6)));
    const outcomes = await Promise.all(guesses.map((guess) => service.verify(phone, guess)));
    const answers = outcomes.map((outcome) =>
      outcome.ok ? 'ok' : `${outcome.error.code}:${outcome.error.triesLeft ?? '-'}`,
    );
    expect(answers).toEqual([
      'code_incorrect:4',
      'code_incorrect:3',
      'code_incorrect:2',
      'code_incorrect:1',
      'code_dead:0',
      ...Array(15).fill('code_dead:-'),
    ]);
  });

  it('accepts one of several right guesses made at once', async () => {
    const { service } = setup();
    const code = await issued(service);
    const outcomes = await Promise.all(
      Array.from({ length: 3 }, () => service.verify(phone, code)),
    );
    expect(outcomes.map((outcome) => (outcome.ok ? 'ok' : outcome.error.code))).toEqual([
      'ok',
      'code_not_requested',
      'code_not_requested',
    ]);
  });

  it('answers code_expired from 10 minutes on, without spending tries', async () => {
    const { clock, service } = setup();
    const code = await issued(service);
    clock.advance(Limits.codeValidityMs);
    for (let index = 0; index < Limits.codeMaxAttempts + 1; index += 1) {
      expect(await service.verify(phone, otherCode(code))).toMatchObject({
        error: { code: 'code_expired' },
      });
    }
    expect(await service.verify(phone, code)).toMatchObject({ error: { code: 'code_expired' } });
  });
});

describe('lapsed codes and tokens', () => {
  it('are swept: a day of traffic leaves only what can still be used', async () => {
    const { clock, store, service } = setup();
    for (let index = 0; index < 2_000; index += 1) await issued(service, phoneNumber(index));
    // A few hundred phones verified whose owners never finished the name step.
    for (let index = 2_000; index < 2_300; index += 1) {
      const verified = await service.verify(
        phoneNumber(index),
        await issued(service, phoneNumber(index)),
      );
      if (!verified.ok) throw new Error(verified.error.code);
    }
    expect(store.size).toEqual({ codes: 2_000, verifications: 300 });

    clock.advance(verificationTokenValidityMs);
    await issued(service, phoneNumber(9_999));
    expect(store.size).toEqual({ codes: 1, verifications: 0 });
    // The swept code is simply gone.
    expect(await service.verify(phoneNumber(0), '000000')).toMatchObject({
      error: { code: 'code_not_requested' },
    });
  });

  it('keeps every code and token until it has lapsed, and sweeps at most once a minute', async () => {
    const { clock, store, service } = setup();
    const minute = sweepIntervalMs;
    await issued(service, phoneNumber(0));
    const first = await issued(service, phoneNumber(1));

    // 1 ms before they expire: this issue sweeps (the last sweep was at 0), both codes stay.
    clock.advance(Limits.codeValidityMs - 1);
    await issued(service, phoneNumber(2));
    expect(store.size).toEqual({ codes: 3, verifications: 0 });
    const verified = await service.verify(phoneNumber(1), first);
    if (!verified.ok) throw new Error(verified.error.code);
    expect(store.size).toEqual({ codes: 2, verifications: 1 });

    // Phone 0's code has lapsed, but the last sweep was less than a minute ago: still held,
    // and a guess at it is told it expired.
    clock.advance(minute - 1);
    await issued(service, phoneNumber(3));
    expect(store.size).toEqual({ codes: 3, verifications: 1 });
    expect(await service.verify(phoneNumber(0), '000000')).toMatchObject({
      error: { code: 'code_expired' },
    });

    // A minute after the last sweep: this issue sweeps phone 0's code, and only it.
    clock.advance(1);
    await issued(service, phoneNumber(4));
    expect(store.size).toEqual({ codes: 3, verifications: 1 });
    expect(await store.getCode(phoneNumber(0))).toBeNull();

    // Ten minutes on, the other codes have lapsed; the token (30 minutes) has not.
    clock.advance(Limits.codeValidityMs + minute);
    await issued(service, phoneNumber(5));
    expect(store.size).toEqual({ codes: 1, verifications: 1 });
    expect(await service.redeem(phoneNumber(1), verified.value.verificationToken)).toEqual({
      ok: true,
      value: undefined,
    });
  });

  it('keeps a code at least until its resend countdown is over', async () => {
    const store = new MemoryVerificationStore();
    await store.putCode(phone, {
      code: '123456',
      issuedAt: 0,
      expiresAt: 10_000,
      keepUntil: 30_000,
      attemptsLeft: 5,
    });
    await store.sweepExpired(29_999);
    expect(store.size.codes).toBe(1);
    await store.sweepExpired(30_000);
    expect(store.size.codes).toBe(0);
  });

  it('gives each code a keepUntil covering its expiry and its resend countdown', async () => {
    const { store, service } = setup();
    await issued(service);
    const code = await store.getCode(phone);
    expect(code?.keepUntil).toBe(
      Math.max(code?.expiresAt ?? 0, (code?.issuedAt ?? 0) + Limits.codeResendAfterMs),
    );
  });
});
