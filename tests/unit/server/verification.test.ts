import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../server/clock.ts';
import { Limits } from '../../../server/protocol.ts';
import { MemoryVerificationStore } from '../../../server/verification/memory.ts';
import {
  generateCode,
  verificationTokenValidityMs,
  VerificationService,
} from '../../../server/verification/service.ts';

const phone = '+14155550100';

function setup() {
  const clock = new ManualClock(0);
  return { clock, service: new VerificationService(new MemoryVerificationStore(), clock) };
}

async function issued(service: VerificationService): Promise<string> {
  const result = await service.issueCode(phone);
  if (!result.ok) throw new Error(result.error.code);
  return result.value.code;
}

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
