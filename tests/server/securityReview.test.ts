// The security review's attacks, each reproduced as the review wrote it, against a real server
// on an ephemeral loopback port with real socket.io-client connections. Each test failed before
// its fix. (Hole 1 is in cli.test.ts and codeSender.test.ts, hole 8 in
// tests/unit/viz/chatServerInspect.test.ts, hole 11 in tests/cluster/verifyRace.test.ts, hole 12
// in tests/unit/main/embeddedServer.test.ts.)
import { io as connectClient } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import { desktopAppOrigin } from '../../server/origins.ts';
import { createRateLimits, type LimitName } from '../../server/limits/rateLimits.ts';
import { Limits } from '../../server/protocol.ts';
import { MemoryStore } from '../../server/store/memory.ts';
import { hashToken } from '../../server/tokens.ts';
import {
  type Client,
  codeFromLines,
  collect,
  connect,
  createClient,
  directConversationId,
  fetchWorld,
  onboard,
  rawEmit,
  request,
  requestAndVerify,
  settle,
  startTestServer,
  uniquePhone,
} from './harness.ts';

/** A client that sends `origin` as its Origin header, as a browser page would. */
function connectFrom(url: string, origin: string): Promise<Client> {
  const client: Client = connectClient(url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    extraHeaders: { origin },
  });
  return new Promise((resolve, reject) => {
    client.once('connect', () => resolve(client));
    client.once('connect_error', (error) => {
      client.close();
      reject(error);
    });
  });
}

const generous = { points: 1_000_000, durationSeconds: 60 };

/** A test server whose one limit `name` allows `points` per `durationSeconds`. */
function serverWithLimit(name: LimitName, points: number, durationSeconds: number) {
  return startTestServer({
    rateLimits: createRateLimits({ rules: { [name]: { points, durationSeconds } } }),
  });
}

describe('hole 2: a signed-out token must not come back through connection state recovery', () => {
  it('the reconnected socket is anonymous: it cannot read, send, or hear the user', async () => {
    const test = await startTestServer();
    const victim = await onboard(test, { firstName: 'Chi-Chi', lastName: 'Ox-King' });
    const bystander = await onboard(test, { firstName: 'Videl', lastName: 'Satan' });

    // Connect with the token and reconnection on, and receive one broadcast.
    const stolen: Client = connectClient(test.url, {
      transports: ['websocket'],
      reconnection: true,
      // Long enough to sign out and drop the token before the socket comes back.
      reconnectionDelay: 300,
      reconnectionDelayMax: 300,
      randomizationFactor: 0,
      forceNew: true,
      auth: { token: victim.sessionToken },
    });
    await new Promise<void>((resolve) => stolen.once('connect', () => resolve()));
    const heard = collect(stolen, 'channelUpdate');
    await request(bystander.client, 'sendMessage', {
      conversationId: 'capsule-corp',
      text: 'one broadcast',
      clientMessageId: 'b1',
    });
    await settle(stolen);
    expect(heard.some((update) => update.message?.text === 'one broadcast')).toBe(true);

    // Close the engine, sign out from another window, and drop the token.
    const reconnected = new Promise<void>((resolve) =>
      stolen.io.once('reconnect', () => resolve()),
    );
    // The server must have seen the connection go before the sign-out (the review's order).
    const serverSide = test.server.io.sockets.sockets.get(stolen.id!)!;
    const serverSawItGo = new Promise((resolve) => serverSide.once('disconnect', resolve));
    stolen.io.engine.close();
    expect(await serverSawItGo).toBe('transport close');
    expect(await request(victim.client, 'signOut')).toEqual({ ok: true });
    stolen.auth = {};
    await reconnected;

    expect(stolen.recovered).toBeFalsy();
    expect(await request(stolen, 'requestConversationsAndUsers')).toMatchObject({
      ok: false,
      error: { code: 'unauthenticated' },
    });
    expect(
      await request(stolen, 'sendMessage', {
        conversationId: 'capsule-corp',
        text: 'as the victim',
        clientMessageId: 's1',
      }),
    ).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });

    // The victim signs in again and writes: the old socket hears nothing of it.
    const later = collect(stolen, 'channelUpdate');
    const again = await connect(test.url);
    const verified = await requestAndVerify(test, again, victim.phone);
    expect(verified).toMatchObject({ ok: true, registered: true });
    await request(again, 'sendMessage', {
      conversationId: 'capsule-corp',
      text: 'private again',
      clientMessageId: 'v2',
    });
    await settle(stolen);
    expect(later.map((update) => update.message?.text)).not.toContain('private again');
    stolen.close();
  });

  it('a session unused for 30 days is refused and deleted; one in use stays', async () => {
    const test = await startTestServer();
    const idle = await onboard(test);
    const active = await onboard(test);
    const day = 24 * 60 * 60_000;

    // The active one is used every 20 days (a reconnect), the idle one never.
    test.clock.advance(20 * day);
    (await connect(test.url, active.sessionToken)).disconnect();
    test.clock.advance(11 * day);

    const refused = createClient(test.url, idle.sessionToken);
    const error = await new Promise<Error>((resolve) => refused.once('connect_error', resolve));
    expect(error.message).toBe('invalid_token');
    expect(await test.store.listSessionsOf(idle.user.id)).toEqual([]);
    expect((await fetchWorld(await connect(test.url, active.sessionToken))).currentUserId).toBe(
      active.user.id,
    );
  });

  it('an open socket keeps its session in use, even if it sends nothing', async () => {
    const test = await startTestServer();
    const person = await onboard(test);
    const day = 24 * 60 * 60_000;
    // Reading only, for 50 days: the hourly maintenance marks the open socket's session used.
    for (let days = 0; days < 50; days += 10) {
      test.clock.advance(10 * day);
      await test.server.maintainSessions();
    }
    expect(person.client.connected).toBe(true);
    expect((await fetchWorld(await connect(test.url, person.sessionToken))).currentUserId).toBe(
      person.user.id,
    );
  });

  it('a socket whose session ended without its disconnect (another node swept it) is closed', async () => {
    const test = await startTestServer();
    const person = await onboard(test);
    const closed = new Promise((resolve) => person.client.once('disconnect', resolve));
    await test.store.deleteSession((await test.store.listSessionsOf(person.user.id))[0]!.tokenHash);
    await test.server.maintainSessions();
    expect(await closed).toBe('io server disconnect');
  });

  it('a sign-out during a slow handshake still ends the socket that handshake opened', async () => {
    let slow = false;
    class SlowStore extends MemoryStore {
      override async listConversationsOf(userId: string) {
        // As a slow database would: the handshake has read the session and is still joining.
        if (slow) await new Promise((resolve) => setTimeout(resolve, 200));
        return super.listConversationsOf(userId);
      }
    }
    const test = await startTestServer({ store: new SlowStore() });
    const person = await onboard(test);
    slow = true;
    const late = createClient(test.url, person.sessionToken);
    const lateOutcome = new Promise((resolve) => {
      late.once('disconnect', (reason) => resolve(`disconnected: ${reason}`));
      late.once('connect_error', (error) => resolve(`refused: ${error.message}`));
    });
    // The sign-out lands while the late handshake is inside listConversationsOf.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await request(person.client, 'signOut')).toEqual({ ok: true });
    slow = false;
    expect(await lateOutcome).toBe('disconnected: io server disconnect');
    expect(await test.store.getSession(hashToken(person.sessionToken))).toBeNull();
  });

  it('refuses a storm of handshakes from one address before reading any session', async () => {
    const test = await serverWithLimit('connectionsPerAddress', 3, 60);
    for (let index = 0; index < 3; index += 1) (await connect(test.url)).close();
    const refused = createClient(test.url);
    const error = await new Promise<Error & { data?: unknown }>((resolve) =>
      refused.once('connect_error', resolve),
    );
    expect(error.message).toBe('rate_limited');
    expect(error.data).toMatchObject({ code: 'rate_limited', retryAfterMs: expect.any(Number) });
  });
});

describe('the list of signed-in sessions, with revoke', () => {
  it('lists the user’s sessions, marks this one, and revoking another ends it everywhere', async () => {
    const test = await startTestServer();
    const laptop = await onboard(test);
    // The same person signs in on a second device: a second session.
    const phoneApp = await connect(test.url);
    const second = await requestAndVerify(test, phoneApp, laptop.phone);
    expect(second).toMatchObject({ ok: true, registered: true });
    const stranger = await onboard(test);

    const listed = await request(laptop.client, 'listSessions');
    expect(listed).toMatchObject({ ok: true });
    expect(listed.sessions).toHaveLength(2);
    expect(listed.sessions.filter((session: { current: boolean }) => session.current)).toHaveLength(
      1,
    );
    for (const session of listed.sessions) {
      expect(session).toEqual({
        id: expect.any(String),
        createdAt: expect.any(Number),
        lastSeenAt: expect.any(Number),
        client: expect.any(String),
        current: expect.any(Boolean),
      });
      // Neither the token nor its hash leaves the server.
      expect(JSON.stringify(session)).not.toContain(laptop.sessionToken);
    }
    const other = listed.sessions.find((session: { current: boolean }) => !session.current);

    // A stranger cannot end it, even knowing its id.
    expect(await request(stranger.client, 'revokeSession', { sessionId: other.id })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    const disconnected = new Promise((resolve) => phoneApp.once('disconnect', resolve));
    expect(await request(laptop.client, 'revokeSession', { sessionId: other.id })).toEqual({
      ok: true,
    });
    expect(await disconnected).toBe('io server disconnect');
    const refused = createClient(test.url, second.sessionToken);
    const error = await new Promise<Error>((resolve) => refused.once('connect_error', resolve));
    expect(error.message).toBe('invalid_token');
    expect((await request(laptop.client, 'listSessions')).sessions).toHaveLength(1);
    expect(await request(laptop.client, 'revokeSession', { sessionId: other.id })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
  });
});

describe('a stolen session cannot keep its owner from ending it', () => {
  it('spamming listSessions spends the thief’s allowance, not the owner’s', async () => {
    const test = await startTestServer();
    const owner = await onboard(test);
    const thief = await connect(test.url);
    await requestAndVerify(test, thief, owner.phone);
    let last;
    for (let index = 0; index < 31; index += 1) last = await request(thief, 'listSessions');
    expect(last).toMatchObject({ error: { code: 'rate_limited' } });
    const listed = await request(owner.client, 'listSessions');
    const stolen = listed.sessions.find((session: { current: boolean }) => !session.current);
    expect(await request(owner.client, 'revokeSession', { sessionId: stolen.id })).toEqual({
      ok: true,
    });
    expect(await request(owner.client, 'signOut')).toEqual({ ok: true });
  });
});

describe('hole 3: a clientMessageId replayed into another conversation', () => {
  it('is refused and never reaches the group', async () => {
    const test = await startTestServer();
    const attacker = await onboard(test);
    const member = await onboard(test);
    const direct = await directConversationId(attacker.client);
    const sent = await request(attacker.client, 'sendMessage', {
      conversationId: direct,
      text: 'only for Vegeta',
      clientMessageId: 'same-id',
    });
    expect(sent).toMatchObject({ ok: true });

    const heard = collect(member.client, 'channelUpdate');
    const replay = await request(attacker.client, 'sendMessage', {
      conversationId: 'capsule-corp',
      text: 'anything',
      clientMessageId: 'same-id',
    });
    expect(replay).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    expect(replay.error.message).toContain('another conversation');
    await settle(member.client);
    expect(heard).toEqual([]);
    const group = await test.store.listMessages('capsule-corp', { limit: 100 });
    expect(group.messages.map((message) => message.text)).not.toContain('only for Vegeta');
  });
});

describe('hole 4: the chat namespace takes only the app’s own origins', () => {
  it('refuses a page from another origin with forbidden_origin', async () => {
    const test = await startTestServer();
    await expect(connectFrom(test.url, 'https://evil.example')).rejects.toMatchObject({
      message: 'forbidden_origin',
    });
    // What a DNS-rebinding page looks like from the server: its own name, our port.
    const port = new URL(test.url).port;
    await expect(connectFrom(test.url, `http://evil.example:${port}`)).rejects.toMatchObject({
      message: 'forbidden_origin',
    });
    expect(test.logs.some((line) => line.includes('forbidden_origin'))).toBe(true);
  });

  it('bound to every interface, lets in its page opened as localhost or by IP, not by a name', async () => {
    const test = await startTestServer({ host: '0.0.0.0' });
    const port = new URL(test.url).port;
    const url = `http://127.0.0.1:${port}`;
    for (const origin of [`http://localhost:${port}`, url]) {
      const page = await connectFrom(url, origin);
      expect(page.connected).toBe(true);
      page.close();
    }
    await expect(connectFrom(url, `http://evil.example:${port}`)).rejects.toMatchObject({
      message: 'forbidden_origin',
    });
  });

  it('lets in its own pages, the desktop app, configured origins and non-browser clients', async () => {
    const test = await startTestServer({ allowedOrigins: ['https://chat.example.com'] });
    const port = new URL(test.url).port;
    for (const origin of [
      test.url,
      `http://localhost:${port}`,
      desktopAppOrigin,
      'https://chat.example.com',
    ]) {
      const page = await connectFrom(test.url, origin);
      expect(page.connected).toBe(true);
      page.close();
    }
    expect((await connect(test.url)).connected).toBe(true);
  });
});

describe('hole 5: unthrottled reads', () => {
  it('10,000 requestConversationsAndUsers on one socket: it is cut off, others are served', async () => {
    const test = await startTestServer();
    const flooder = await onboard(test);
    const other = await onboard(test);
    const answered = collect(flooder.client, 'recieveConversationsAndUsers');
    const cutOff = new Promise((resolve) => flooder.client.once('disconnect', resolve));
    for (let index = 0; index < 10_000; index += 1) {
      flooder.client.emit('requestConversationsAndUsers', {}, () => {});
    }
    expect(await cutOff).toBe('io server disconnect');
    // At most one sync's worth of rate limit was ever answered.
    expect(answered.length).toBeLessThanOrEqual(30);
    expect((await fetchWorld(other.client)).currentUserId).toBe(other.user.id);
    expect(test.logs.some((line) => line.includes('socket dropped'))).toBe(true);
  });
  it('10,000 unknown events on one socket: cut off the same way, and the log stays short', async () => {
    const test = await startTestServer();
    const client = await connect(test.url);
    const cutOff = new Promise((resolve) => client.once('disconnect', resolve));
    for (let index = 0; index < 10_000; index += 1) rawEmit(client, 'noSuchEvent', {}, () => {});
    expect(await cutOff).toBe('io server disconnect');
    expect(test.logs.filter((line) => line.includes('unknown event')).length).toBeLessThanOrEqual(
      200,
    );
  });

  it('refuses syncs past the per-user limit with rate_limited', async () => {
    const test = await serverWithLimit('syncPerUser', 3, 60);
    const { client } = await onboard(test);
    for (let index = 0; index < 3; index += 1) {
      expect(await request(client, 'requestConversationsAndUsers')).toEqual({ ok: true });
    }
    expect(await request(client, 'requestConversationsAndUsers')).toMatchObject({
      ok: false,
      error: { code: 'rate_limited', retryAfterMs: expect.any(Number) },
    });
  });

  it('counts every event a connection sends, unknown ones too', async () => {
    const test = await serverWithLimit('eventsPerConnection', 5, 60);
    const client = await connect(test.url);
    for (let index = 0; index < 5; index += 1) {
      expect(await request(client, 'noSuchEvent', {})).toMatchObject({
        error: { code: 'invalid_payload' },
      });
    }
    expect(await request(client, 'noSuchEvent', {})).toMatchObject({
      error: { code: 'rate_limited' },
    });
    expect(
      await request(client, 'requestVerificationCode', { phone: uniquePhone() }),
    ).toMatchObject({ error: { code: 'rate_limited' } });
  });

  it('a history page of 100 longest messages stays within the byte bound, and paging gets them all', async () => {
    const test = await startTestServer({
      rateLimits: createRateLimits({
        rules: { sendMessage: generous, eventsPerConnection: generous },
      }),
    });
    const { client } = await onboard(test);
    const direct = await directConversationId(client);
    // 4,000 four-byte characters: the largest message there is (16 KB of UTF-8).
    const longest = '😀'.repeat(Limits.messageMaxChars);
    for (let index = 0; index < 100; index += 1) {
      const sent = await request(client, 'sendMessage', {
        conversationId: direct,
        text: longest,
        clientMessageId: `long-${index}`,
      });
      expect(sent).toMatchObject({ ok: true });
    }
    const request89Bytes = { conversationId: direct, limit: 100 };
    const page = await request(client, 'requestMessages', request89Bytes);
    expect(Buffer.byteLength(JSON.stringify(page))).toBeLessThanOrEqual(Limits.pageMaxBytes + 1024);
    expect(page.hasMore).toBe(true);

    // Paging backwards from the first returns everything, once, with no gap.
    const seqs = new Set<number>(page.messages.map((message: { seq: number }) => message.seq));
    let before: number = page.messages[0].seq;
    for (let more: boolean = page.hasMore; more;) {
      const older = await request(client, 'requestMessages', { ...request89Bytes, before });
      for (const message of older.messages) seqs.add(message.seq);
      before = older.messages[0].seq;
      more = older.hasMore;
    }
    expect(seqs.size).toBe(101); // Vegeta's opening line + 100
    expect(Math.min(...seqs)).toBe(0);

    // The sync's page of that conversation is bounded the same way.
    const world = await fetchWorld(client);
    const synced = world.conversations.find((conversation) => conversation.id === direct)!;
    expect(Buffer.byteLength(JSON.stringify(synced.messages))).toBeLessThanOrEqual(
      Limits.pageMaxBytes,
    );
    expect(synced.hasMore).toBe(true);
  });
});

describe('hole 6: code requests are limited per client address and in all', () => {
  it('one address asking for many phones over many connections is stopped', async () => {
    const test = await serverWithLimit('codeRequestsPerAddress', 3, 3600);
    for (let index = 0; index < 3; index += 1) {
      const client = await connect(test.url);
      expect(
        await request(client, 'requestVerificationCode', { phone: uniquePhone() }),
      ).toMatchObject({ ok: true });
      client.close();
    }
    const fourth = await connect(test.url);
    expect(
      await request(fourth, 'requestVerificationCode', { phone: uniquePhone() }),
    ).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
  });

  it('behind a trusted proxy, the address is the one the proxy saw, not the peer', async () => {
    const test = await startTestServer({
      trustProxy: true,
      rateLimits: createRateLimits({
        rules: { codeRequestsPerAddress: { points: 1, durationSeconds: 3600 } },
      }),
    });
    const from = async (forwardedFor: string) => {
      const client: Client = connectClient(test.url, {
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
        extraHeaders: { 'x-forwarded-for': forwardedFor },
      });
      await new Promise<void>((resolve) => client.once('connect', () => resolve()));
      const ack = await request(client, 'requestVerificationCode', { phone: uniquePhone() });
      client.close();
      return ack;
    };
    expect(await from('203.0.113.1')).toMatchObject({ ok: true });
    expect(await from('203.0.113.2')).toMatchObject({ ok: true });
    // A client cannot escape by claiming another address in front of the proxy's entry.
    expect(await from('198.51.100.7, 203.0.113.1')).toMatchObject({
      error: { code: 'rate_limited' },
    });
  });

  it('a global cap stops many addresses together', async () => {
    const test = await serverWithLimit('codeRequestsGlobal', 2, 600);
    const client = await connect(test.url);
    for (let index = 0; index < 2; index += 1) {
      expect(
        await request(client, 'requestVerificationCode', { phone: uniquePhone() }),
      ).toMatchObject({ ok: true });
    }
    const elsewhere = await connect(test.url);
    expect(
      await request(elsewhere, 'requestVerificationCode', { phone: uniquePhone() }),
    ).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
  });
});

describe('hole 7: targeted lockout', () => {
  it('15 bogus verifyCode calls for a victim’s phone do not lock out their correct code', async () => {
    const test = await startTestServer();
    const victimPhone = uniquePhone();
    const attacker = await connect(test.url);
    for (let index = 0; index < 15; index += 1) {
      await request(attacker, 'verifyCode', { phone: victimPhone, code: '000000' });
    }
    const victim = await connect(test.url);
    await request(victim, 'requestVerificationCode', { phone: victimPhone });
    expect(
      await request(victim, 'verifyCode', {
        phone: victimPhone,
        code: codeFromLines(test.codeLines, victimPhone),
      }),
    ).toMatchObject({ ok: true, registered: false });
  });

  it('a stranger who requests the victim’s codes and guesses them wrong does not lock the victim out', async () => {
    const test = await startTestServer();
    const victimPhone = uniquePhone();
    const attacker = await connect(test.url);
    // Three codes the attacker asked for, five wrong guesses each: fifteen failures.
    for (let round = 0; round < 3; round += 1) {
      await request(attacker, 'requestVerificationCode', { phone: victimPhone });
      for (let guess = 0; guess < 5; guess += 1) {
        await request(attacker, 'verifyCode', { phone: victimPhone, code: '000000' });
      }
      test.clock.advance(31_000);
    }
    // The victim, from another address: their own code works.
    const victim: Client = connectClient(test.url, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      localAddress: '127.0.0.2',
    } as never);
    await new Promise<void>((resolve) => victim.once('connect', () => resolve()));
    expect(await request(victim, 'requestVerificationCode', { phone: victimPhone })).toMatchObject({
      ok: true,
    });
    expect(
      await request(victim, 'verifyCode', {
        phone: victimPhone,
        code: codeFromLines(test.codeLines, victimPhone),
      }),
    ).toMatchObject({ ok: true, registered: false });
    victim.close();
  });

  it('refused code requests (resend too soon) do not spend the phone’s hour of codes', async () => {
    const test = await startTestServer();
    const victimPhone = uniquePhone();
    const attacker = await connect(test.url);
    const answers = [];
    for (let index = 0; index < 6; index += 1) {
      answers.push((await request(attacker, 'requestVerificationCode', { phone: victimPhone })).ok);
    }
    expect(answers).toEqual([true, false, false, false, false, false]);
    test.clock.advance(31_000);
    const victim = await connect(test.url);
    expect(await request(victim, 'requestVerificationCode', { phone: victimPhone })).toMatchObject({
      ok: true,
    });
  });

  it('one connection’s attempts stay limited', async () => {
    const test = await startTestServer();
    const attacker = await connect(test.url);
    for (let index = 0; index < 20; index += 1) {
      await request(attacker, 'verifyCode', { phone: uniquePhone(), code: '000000' });
    }
    expect(
      await request(attacker, 'verifyCode', { phone: uniquePhone(), code: '000000' }),
    ).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
  });
});

describe('hole 9: error acks and logs echo bounded text', () => {
  it('3,000 unknown keys give a short error message and a short log line', async () => {
    const test = await startTestServer();
    const { client } = await onboard(test);
    const payload: Record<string, string> = {
      conversationId: 'capsule-corp',
      text: 'x',
      clientMessageId: 'k',
    };
    for (let index = 0; index < 3_000; index += 1) payload[`unknownKey${index}`] = 'v';
    const ack = await request(client, 'sendMessage', payload);
    expect(ack).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    expect(ack.error.message.length).toBeLessThanOrEqual(Limits.errorMessageMaxChars);
    const line = test.logs.findLast((candidate) => candidate.includes('bad input'))!;
    expect(line.length).toBeLessThan(1_000);
  });
});

describe('hole 10: names that hide characters or impersonate the characters', () => {
  async function createUserWith(firstName: string, lastName: string) {
    const test = await startTestServer();
    const client = await connect(test.url);
    const phone = uniquePhone();
    const verified = await requestAndVerify(test, client, phone);
    return request(client, 'creatingNewUser', {
      phone,
      firstName,
      lastName,
      verificationToken: verified.verificationToken,
    });
  }

  it.each([
    ['a zero-width space', 'Ve\u200Bgeta', 'Saiyan'],
    ['a right-to-left override', '\u202Eategev', 'Saiyan'],
    ['a byte-order mark', 'Bulma\uFEFF', 'Briefs'],
    ["Vegeta's full name", 'Vegeta', 'Saiyan'],
    ['a character’s name in other case and spacing', 'goku', '  SON '],
    ['a character’s name in full-width letters', 'Ｂｕｌｍａ', 'Briefs'],
    ['a combining grapheme joiner', 'Vegeta\u034F', 'Saiyan'],
    ['a variation selector', 'Bulma\uFE0F', 'Briefs'],
    ['a Hangul filler', 'Goku\u3164', 'Son'],
    ['a braille blank', 'Piccolo\u2800', 'Daimao'],
    ['a character’s name with a combining mark', 'Vegeta', 'Saiyan\u0345'],
    ['a character’s name with an accent', 'Vegetà', 'Saiyan'],
  ])('refuses %s with name_not_allowed', async (_what, firstName, lastName) => {
    expect(await createUserWith(firstName, lastName)).toMatchObject({
      ok: false,
      error: { code: 'name_not_allowed' },
    });
  });

  it('still takes names with accents, scripts and joined emoji', async () => {
    expect(await createUserWith('Zoë', '李小龙')).toMatchObject({ ok: true });
    expect(await createUserWith('Vegeta', 'Fan')).toMatchObject({ ok: true });
  });
});
