import { RateLimiterMemory } from 'rate-limiter-flexible';
import { describe, expect, it } from 'vitest';
import {
  createRateLimits,
  defaultLimitRules,
  type LimiterOptions,
  type LimitName,
  nodeLocalLimits,
} from '../../server/limits/rateLimits.ts';
import { connect, nextEvent, onboard, request, startTestServer, uniquePhone } from './harness.ts';

describe('createRateLimits', () => {
  it('allows the configured points per key, then refuses with the wait', async () => {
    const limits = createRateLimits({ rules: { sendMessage: { points: 2, durationSeconds: 30 } } });
    expect(await limits.consume('sendMessage', 'u1')).toEqual({ allowed: true });
    expect(await limits.consume('sendMessage', 'u1')).toEqual({ allowed: true });
    const refused = await limits.consume('sendMessage', 'u1');
    expect(refused).toEqual({ allowed: false, retryAfterMs: expect.any(Number) });
    const { retryAfterMs } = refused as { retryAfterMs: number };
    expect(retryAfterMs).toBeGreaterThan(25_000);
    expect(retryAfterMs).toBeLessThanOrEqual(30_000);
    // Other keys and other limits keep their own points.
    expect(await limits.consume('sendMessage', 'u2')).toEqual({ allowed: true });
    expect(await limits.consume('isDrafting', 'u1')).toEqual({ allowed: true });
  });

  it('builds every limiter through the store factory, with a distinct key prefix', async () => {
    const built: [LimitName, LimiterOptions][] = [];
    createRateLimits({
      storeFactory: (name, options) => {
        built.push([name, options]);
        return new RateLimiterMemory(options);
      },
    });
    // All but the per-connection and per-address handshake budgets, which never leave the node.
    expect(built.map(([name]) => name).sort()).toEqual(
      Object.keys(defaultLimitRules)
        .filter((name) => !nodeLocalLimits.has(name as LimitName))
        .sort(),
    );
    expect(nodeLocalLimits).toEqual(new Set(['eventsPerConnection', 'connectionsPerAddress']));
    expect(new Set(built.map(([, options]) => options.keyPrefix)).size).toBe(built.length);
    const [, sendOptions] = built.find(([name]) => name === 'sendMessage')!;
    expect(sendOptions).toMatchObject({
      points: defaultLimitRules.sendMessage.points,
      duration: defaultLimitRules.sendMessage.durationSeconds,
    });
  });

  it('passes a store failure on as an error, not as a refusal', async () => {
    const limits = createRateLimits({
      storeFactory: () => ({
        consume: () => Promise.reject(new Error('redis is down')),
        get: () => Promise.reject(new Error('redis is down')),
      }),
    });
    await expect(limits.consume('sendMessage', 'u1')).rejects.toThrow('redis is down');
  });
});

const send = (text: string, clientMessageId: string, conversationId = 'capsule-corp') => ({
  conversationId,
  text,
  clientMessageId,
});

describe('rate limits at the server boundary', () => {
  it('refuses sends beyond the per-user limit with rate_limited, storing nothing', async () => {
    const test = await startTestServer({
      rateLimits: createRateLimits({ rules: { sendMessage: { points: 3, durationSeconds: 60 } } }),
    });
    const flooder = await onboard(test);
    const other = await onboard(test);
    for (let index = 0; index < 3; index += 1) {
      expect(
        await request(flooder.client, 'sendMessage', send(`m${index}`, `m${index}`)),
      ).toMatchObject({
        ok: true,
      });
    }
    const refused = await request(flooder.client, 'sendMessage', send('one too many', 'm3'));
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'rate_limited', message: expect.stringMatching(/try again in \d+ s/) },
    });
    expect(refused.ok === false && refused.error.retryAfterMs).toBeGreaterThan(0);
    const texts = (await test.store.listMessages('capsule-corp', { limit: 100 })).messages.map(
      (message) => message.text,
    );
    expect(texts).not.toContain('one too many');
    // The limit is per user: someone else still sends.
    expect(await request(other.client, 'sendMessage', send('my turn', 'o1'))).toMatchObject({
      ok: true,
    });
  });

  it('applies the default send limit without any configuration', async () => {
    const test = await startTestServer();
    const { client } = await onboard(test);
    const { points } = defaultLimitRules.sendMessage;
    const acks = await Promise.all(
      Array.from({ length: points + 1 }, (_, index) =>
        request(client, 'sendMessage', send(`burst ${index}`, `burst-${index}`)),
      ),
    );
    expect(acks.filter((ack) => ack.ok)).toHaveLength(points);
    expect(acks.at(-1)).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
  });

  it('limits drafting signals per user', async () => {
    const test = await startTestServer({
      rateLimits: createRateLimits({ rules: { isDrafting: { points: 2, durationSeconds: 60 } } }),
    });
    const { client } = await onboard(test);
    const drafting = { conversationId: 'capsule-corp', isDrafting: true };
    expect(await request(client, 'isDrafting', drafting)).toEqual({ ok: true });
    expect(await request(client, 'isDrafting', drafting)).toEqual({ ok: true });
    expect(await request(client, 'isDrafting', drafting)).toMatchObject({
      ok: false,
      error: { code: 'rate_limited' },
    });
    // Sending is a separate limit.
    expect(await request(client, 'sendMessage', send('hi', 'after-drafts'))).toMatchObject({
      ok: true,
    });
  });

  it('limits edits, deletions, hides and reactions per user, each on its own budget', async () => {
    expect(defaultLimitRules).toMatchObject({
      messageEdits: { points: 30, durationSeconds: 60 },
      messageDeletes: { points: 30, durationSeconds: 60 },
      messageHides: { points: 60, durationSeconds: 60 },
      messageReactions: { points: 120, durationSeconds: 60 },
      messageChangeLists: { points: 120, durationSeconds: 60 },
    });
    const test = await startTestServer({
      rateLimits: createRateLimits({ rules: { messageEdits: { points: 2, durationSeconds: 60 } } }),
    });
    const editor = await onboard(test);
    const other = await onboard(test);
    const sent = await request(editor.client, 'sendMessage', send('typo', 'typo'));
    const theirs = await request(other.client, 'sendMessage', send('theirs', 'theirs'));
    const edit = (client: typeof editor.client, messageId: string, text: string) =>
      request(client, 'editMessage', { conversationId: 'capsule-corp', messageId, text });
    expect(await edit(editor.client, sent.message.id, 'type')).toMatchObject({ ok: true });
    expect(await edit(editor.client, sent.message.id, 'tyop')).toMatchObject({ ok: true });
    const refused = await edit(editor.client, sent.message.id, 'typed');
    expect(refused).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    expect(refused.ok === false && refused.error.retryAfterMs).toBeGreaterThan(0);
    expect((await test.store.getMessage('capsule-corp', sent.message.id))?.text).toBe('tyop');
    // Other kinds of change, and other people, have their own points.
    expect(
      await request(editor.client, 'reactToMessage', {
        conversationId: 'capsule-corp',
        messageId: theirs.message.id,
        emoji: '👍',
      }),
    ).toMatchObject({ ok: true });
    expect(await edit(other.client, theirs.message.id, 'mine')).toMatchObject({ ok: true });
  });

  it('limits code requests per connection, whatever the phone', async () => {
    const test = await startTestServer({
      rateLimits: createRateLimits({
        rules: { codeRequestsPerConnection: { points: 2, durationSeconds: 600 } },
      }),
    });
    const sprayer = await connect(test.url);
    for (const phone of [uniquePhone(), uniquePhone()]) {
      expect(await request(sprayer, 'requestVerificationCode', { phone })).toMatchObject({
        ok: true,
      });
    }
    const victim = uniquePhone();
    expect(await request(sprayer, 'requestVerificationCode', { phone: victim })).toMatchObject({
      ok: false,
      error: { code: 'rate_limited' },
    });
    expect(test.codeLines.some((line) => line.includes(victim))).toBe(false);
    // A different connection is not affected, and the victim's phone was not charged.
    const person = await connect(test.url);
    expect(await request(person, 'requestVerificationCode', { phone: victim })).toMatchObject({
      ok: true,
    });
  });

  it('limits code requests per phone across connections', async () => {
    const test = await startTestServer({
      rateLimits: createRateLimits({
        rules: { codeRequestsPerPhone: { points: 2, durationSeconds: 3600 } },
      }),
    });
    const phone = uniquePhone();
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const client = await connect(test.url);
      expect(await request(client, 'requestVerificationCode', { phone })).toMatchObject({
        ok: true,
      });
      test.clock.advance(31_000); // past the resend countdown
    }
    const third = await connect(test.url);
    expect(await request(third, 'requestVerificationCode', { phone })).toMatchObject({
      ok: false,
      error: { code: 'rate_limited', retryAfterMs: expect.any(Number) },
    });
    expect(test.codeLines.filter((line) => line.includes(phone))).toHaveLength(2);
  });

  it('limits wrong guesses per phone, even a right guess once the limit is spent', async () => {
    const test = await startTestServer({
      rateLimits: createRateLimits({
        rules: { codeFailuresPerPhone: { points: 2, durationSeconds: 3600 } },
      }),
    });
    const phone = uniquePhone();
    const client = await connect(test.url);
    const delivered = nextEvent(client, 'verificationCodeDelivered');
    await request(client, 'requestVerificationCode', { phone });
    const { code } = await delivered;
    const wrong = code === '000000' ? '111111' : '000000';
    expect(await request(client, 'verifyCode', { phone, code: wrong })).toMatchObject({
      error: { code: 'code_incorrect' },
    });
    const other = await connect(test.url);
    expect(await request(other, 'verifyCode', { phone, code: wrong })).toMatchObject({
      error: { code: 'code_incorrect' },
    });
    expect(await request(client, 'verifyCode', { phone, code })).toMatchObject({
      ok: false,
      error: { code: 'rate_limited' },
    });
  });
});
