import { describe, expect, it, vi } from 'vitest';
import { createDevelopmentCodeSender } from '../../server/codeSender.ts';
import { createChatServer } from '../../server/chatServer.ts';
import { Limits } from '../../server/protocol.ts';
import {
  capturingLogger,
  codeFromLines,
  connect,
  fetchWorld,
  nextEvent,
  onboard,
  request,
  startTestServer,
  uniquePhone,
  requestAndVerify,
} from './harness.ts';

const otherCode = (code: string): string => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

describe('onboarding', () => {
  it('takes a new phone from code request to a signed-in user', async () => {
    const test = await startTestServer();
    const client = await connect(test.url);
    const phone = uniquePhone();

    const delivered = nextEvent(client, 'verificationCodeDelivered');
    const requested = await request(client, 'requestVerificationCode', { phone });
    expect(requested).toEqual({
      ok: true,
      resendAfterMs: Limits.codeResendAfterMs,
      expiresInMs: Limits.codeValidityMs,
    });
    const { code } = await delivered;
    expect(code).toMatch(/^\d{6}$/);

    const verified = await request(client, 'verifyCode', { phone, code });
    expect(verified).toMatchObject({ ok: true, registered: false });
    expect(verified.ok && verified.verificationToken).toEqual(expect.any(String));

    const userCreated = nextEvent(client, 'newUserCrated');
    const created = await request(client, 'creatingNewUser', {
      phone,
      firstName: '  Videl ',
      lastName: 'Satan',
      verificationToken: verified.ok ? verified.verificationToken : '',
    });
    expect(created).toMatchObject({
      ok: true,
      user: { firstName: 'Videl', lastName: 'Satan', phone, avatar: { initials: 'VS' } },
      sessionToken: expect.any(String),
    });
    expect((await userCreated).id).toBe(created.ok ? created.user.id : '');

    // The creating socket is signed in at once.
    const world = await fetchWorld(client);
    expect(world.currentUserId).toBe(created.ok ? created.user.id : '');
  });

  it('delivers the development code as an event and a stdout line', async () => {
    const written: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    const logs: string[] = [];
    const server = await createChatServer({
      logger: capturingLogger(logs),
      codeSender: createDevelopmentCodeSender(),
    });
    try {
      const client = await connect(server.url);
      const phone = uniquePhone();
      const delivered = nextEvent(client, 'verificationCodeDelivered');
      await request(client, 'requestVerificationCode', { phone });
      const { code, phone: deliveredPhone } = await delivered;
      expect(deliveredPhone).toBe(phone);
      expect(written).toContain(`verification code for ${phone}: ${code}\n`);
      client.disconnect();
    } finally {
      spy.mockRestore();
      await server.close();
    }
  });

  it('refuses a new code before 30 s and says when, then issues one', async () => {
    const test = await startTestServer();
    const client = await connect(test.url);
    const phone = uniquePhone();
    await request(client, 'requestVerificationCode', { phone });

    test.clock.advance(12_000);
    const refused = await request(client, 'requestVerificationCode', { phone });
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'resend_too_soon', retryAfterMs: 18_000 },
    });
    expect(test.codeLines).toHaveLength(1);

    test.clock.advance(18_000);
    expect(await request(client, 'requestVerificationCode', { phone })).toMatchObject({ ok: true });
    expect(test.codeLines).toHaveLength(2);
    // The fresh code is the one that works now.
    const secondCode = codeFromLines(test.codeLines, phone);
    expect(await request(client, 'verifyCode', { phone, code: secondCode })).toMatchObject({
      ok: true,
    });
  });

  it('lets a code expire after 10 minutes', async () => {
    const test = await startTestServer();
    const client = await connect(test.url);
    const phone = uniquePhone();
    await request(client, 'requestVerificationCode', { phone });
    const code = codeFromLines(test.codeLines, phone);

    test.clock.advance(Limits.codeValidityMs - 1);
    // Still valid a millisecond before: prove it with a wrong guess (not "expired").
    expect(await request(client, 'verifyCode', { phone, code: otherCode(code) })).toMatchObject({
      error: { code: 'code_incorrect' },
    });
    test.clock.advance(1);
    expect(await request(client, 'verifyCode', { phone, code })).toMatchObject({
      ok: false,
      error: { code: 'code_expired' },
    });
  });

  it('counts down tries and kills the code after five wrong guesses', async () => {
    const test = await startTestServer();
    const client = await connect(test.url);
    const phone = uniquePhone();
    await request(client, 'requestVerificationCode', { phone });
    const code = codeFromLines(test.codeLines, phone);
    const wrong = otherCode(code);

    for (const triesLeft of [4, 3, 2, 1]) {
      expect(await request(client, 'verifyCode', { phone, code: wrong })).toMatchObject({
        ok: false,
        error: { code: 'code_incorrect', triesLeft },
      });
    }
    expect(await request(client, 'verifyCode', { phone, code: wrong })).toMatchObject({
      ok: false,
      error: { code: 'code_dead', triesLeft: 0 },
    });
    // Dead means dead: even the right code is refused until a new one is requested.
    expect(await request(client, 'verifyCode', { phone, code })).toMatchObject({
      ok: false,
      error: { code: 'code_dead' },
    });
    test.clock.advance(Limits.codeResendAfterMs);
    await request(client, 'requestVerificationCode', { phone });
    const fresh = codeFromLines(test.codeLines, phone);
    expect(await request(client, 'verifyCode', { phone, code: fresh })).toMatchObject({ ok: true });
  });

  it('refuses a code for a phone that never asked for one', async () => {
    const test = await startTestServer();
    const client = await connect(test.url);
    expect(
      await request(client, 'verifyCode', { phone: uniquePhone(), code: '123456' }),
    ).toMatchObject({ ok: false, error: { code: 'code_not_requested' } });
  });

  it('accepts a code only once', async () => {
    const test = await startTestServer();
    const client = await connect(test.url);
    const phone = uniquePhone();
    await request(client, 'requestVerificationCode', { phone });
    const code = codeFromLines(test.codeLines, phone);
    expect(await request(client, 'verifyCode', { phone, code })).toMatchObject({ ok: true });
    expect(await request(client, 'verifyCode', { phone, code })).toMatchObject({
      ok: false,
      error: { code: 'code_not_requested' },
    });
  });

  it.each([
    ['a first name of 2 characters', 'Al', 'Briefs'],
    ['a last name of 2 characters after trimming', 'Trunks', '  Br  '],
    ['2 grapheme clusters made of many code points', '👩‍👩‍👧👍🏽', 'Briefs'],
    ['a blank name', '   ', 'Briefs'],
  ])('refuses %s and creates nobody', async (_case, firstName, lastName) => {
    const test = await startTestServer();
    const client = await connect(test.url);
    const phone = uniquePhone();
    const verified = await requestAndVerify(test, client, phone);
    const created = await request(client, 'creatingNewUser', {
      phone,
      firstName,
      lastName,
      verificationToken: verified.ok ? verified.verificationToken : '',
    });
    expect(created).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    expect(await test.store.getUserByPhone(phone)).toBeNull();
  });

  it('counts user-perceived characters, so "Zoë" and "李小龙" are long enough', async () => {
    const test = await startTestServer();
    const { user } = await onboard(test, { firstName: 'Zoë', lastName: '李小龙' });
    expect(user).toMatchObject({ firstName: 'Zoë', lastName: '李小龙' });
  });

  it('refuses creation without a valid verification token', async () => {
    const test = await startTestServer();
    const client = await connect(test.url);
    const phone = uniquePhone();
    const created = await request(client, 'creatingNewUser', {
      phone,
      firstName: 'Trunks',
      lastName: 'Briefs',
      verificationToken: 'made-up',
    });
    expect(created).toMatchObject({ ok: false, error: { code: 'verification_invalid' } });
  });

  it('refuses a verification token issued for another phone', async () => {
    const test = await startTestServer();
    const client = await connect(test.url);
    const phone = uniquePhone();
    const verified = await requestAndVerify(test, client, phone);
    const created = await request(client, 'creatingNewUser', {
      phone: uniquePhone(),
      firstName: 'Trunks',
      lastName: 'Briefs',
      verificationToken: verified.ok ? verified.verificationToken : '',
    });
    expect(created).toMatchObject({ ok: false, error: { code: 'verification_invalid' } });
  });

  it('signs a known phone in to its account: registered, same id, no duplicate', async () => {
    const test = await startTestServer();
    const first = await onboard(test, { firstName: 'Yamcha', lastName: 'Bandit' });
    first.client.disconnect();

    const client = await connect(test.url);
    test.clock.advance(Limits.codeResendAfterMs);
    const verified = await requestAndVerify(test, client, first.phone);
    expect(verified).toMatchObject({
      ok: true,
      registered: true,
      user: { id: first.user.id, firstName: 'Yamcha', phone: first.phone },
      sessionToken: expect.any(String),
    });
    expect(verified.ok && verified.registered && verified.sessionToken).not.toBe(
      first.sessionToken,
    );

    // Signed in on this socket: the same world, one account for the phone.
    const world = await fetchWorld(client);
    expect(world.currentUserId).toBe(first.user.id);
    expect(world.conversations.filter((c) => c.kind === 'direct')).toHaveLength(1);
  });

  it('signs in instead of duplicating when a verified known phone sends creatingNewUser', async () => {
    const test = await startTestServer();
    const first = await onboard(test, { firstName: 'Yamcha', lastName: 'Bandit' });

    const verifier = await connect(test.url);
    test.clock.advance(Limits.codeResendAfterMs);
    const verified = await requestAndVerify(test, verifier, first.phone);
    // Another, unauthenticated socket finishes with the token (e.g. an older client).
    const other = await connect(test.url);
    const created = await request(other, 'creatingNewUser', {
      phone: first.phone,
      firstName: 'Someone',
      lastName: 'Else',
      verificationToken: verified.ok ? verified.verificationToken : '',
    });
    expect(created).toMatchObject({
      ok: true,
      user: { id: first.user.id, firstName: 'Yamcha' },
    });
  });
});
