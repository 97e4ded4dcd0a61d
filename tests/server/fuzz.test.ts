// Property-based fuzzing of every client event: random and adversarial payloads from a
// signed-in and an anonymous socket. The server must answer each with a well-formed ack, never
// crash, never store anything invalid, and keep serving a well-behaved bystander throughout.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  createRateLimits,
  defaultLimitRules,
  type LimitName,
  type LimitRule,
} from '../../server/limits/rateLimits.ts';
import {
  type Ack,
  ErrorCodes,
  Events,
  isValidName,
  Limits,
  MessageSchema,
  MessagesFoundSchema,
  SessionInfoSchema,
  type Message,
  messageLength,
  SignOutSchema,
} from '../../server/protocol.ts';
import { SqliteStore } from '../../server/store/sqlite/store.ts';
import {
  type Client,
  connect,
  directConversationId,
  fetchWorld,
  onboard,
  type OnboardedUser,
  request,
  startTestServer,
  type TestServer,
} from './harness.ts';

/** Bounded so the whole file runs in a few seconds. */
const runsPerEvent = 40;
const frameBudgetBytes = Limits.maxPayloadBytes - 1_024;

const AckErrorSchema = z.strictObject({
  ok: z.literal(false),
  error: z.strictObject({
    code: z.enum(ErrorCodes),
    message: z.string().min(1),
    retryAfterMs: z.number().int().positive().optional(),
    triesLeft: z.number().int().nonnegative().optional(),
  }),
});

/** What a successful ack must look like, per event (onboarding successes are rare but valid). */
const okShapes: Record<string, z.ZodType> = {
  [Events.sendMessage]: z.object({ ok: z.literal(true), message: MessageSchema }),
  [Events.requestMessages]: z.object({
    ok: z.literal(true),
    messages: z.array(MessageSchema),
    hasMore: z.boolean(),
  }),
  [Events.listSessions]: z.object({
    ok: z.literal(true),
    sessions: z.array(SessionInfoSchema),
  }),
  [Events.editMessage]: z.object({ ok: z.literal(true), message: MessageSchema }),
  [Events.deleteMessage]: z.object({ ok: z.literal(true), message: MessageSchema }),
  [Events.hideMessage]: z.object({ ok: z.literal(true), message: MessageSchema }),
  [Events.reactToMessage]: z.object({ ok: z.literal(true), message: MessageSchema }),
  [Events.listMessageChanges]: z.object({
    ok: z.literal(true),
    messages: z.array(MessageSchema),
    hasMore: z.boolean(),
    revision: z.number().int().nonnegative(),
  }),
  [Events.searchMessages]: MessagesFoundSchema.extend({ ok: z.literal(true) }),
};
const anyOk = z.looseObject({ ok: z.literal(true) });

// --- adversarial values -------------------------------------------------------------------

const nastyStrings = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '\u202Eevil\u202C',
  '\u200F\u200E',
  '\u200D',
  '👩\u200D👩\u200D👧',
  '\uFEFF',
  '__proto__',
  'constructor',
  'prototype',
  'capsule-corp',
  'vegeta',
  '+14155550100',
  '123456',
  'x'.repeat(Limits.messageMaxChars * 4 + 1),
  '😀'.repeat(Limits.messageMaxChars + 1),
  ' '.repeat(5000),
];
const pollutionKeys = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'];

const adversarialString = fc.oneof(
  fc.constantFrom(...nastyStrings),
  fc.string({ unit: 'binary', maxLength: 64 }),
  fc.string({ unit: 'grapheme', maxLength: 64 }),
  fc.string({ unit: 'binary', minLength: 4001, maxLength: 4200 }),
);

/** Deep nesting as JSON text, sent as a raw frame: socket.io-client's encoder would overflow. */
const deeplyNestedJson = fc
  .tuple(fc.integer({ min: 100, max: 25_000 }), fc.constantFrom('[', '{"__proto__":', '{"a":'))
  .map(([depth, opener]) => {
    const levels = Math.floor(depth / opener.length);
    const closer = opener === '[' ? ']' : '}';
    return `${opener.repeat(levels)}1${closer.repeat(levels)}`;
  });

const adversarialValue: fc.Arbitrary<unknown> = fc.oneof(
  adversarialString,
  fc.anything({
    maxDepth: 4,
    key: fc.oneof(fc.constantFrom(...pollutionKeys), fc.string({ maxLength: 8 })),
    values: [adversarialString, fc.double(), fc.integer(), fc.boolean(), fc.constant(null)],
  }),
  fc.constantFrom(-1, 0, 1, 1.5, 101, -0, Number.MAX_SAFE_INTEGER, 2 ** 53 + 2, NaN, Infinity),
);

/** A believable payload with fields swapped for hostile values and hostile keys added. */
function nearValid(base: Record<string, unknown>): fc.Arbitrary<unknown> {
  const keys = Object.keys(base);
  if (keys.length === 0) keys.push('unexpected');
  return fc
    .record({
      replaced: fc.dictionary(fc.constantFrom(...keys), adversarialValue, { maxKeys: keys.length }),
      dropped: fc.subarray(keys),
      extra: fc.dictionary(
        fc.constantFrom(...pollutionKeys, 'authorId', 'userId'),
        adversarialValue,
        {
          maxKeys: 2,
        },
      ),
    })
    .map(({ replaced, dropped, extra }) => {
      const payload: Record<string, unknown> = { ...base };
      for (const key of dropped) delete payload[key];
      for (const [key, value] of Object.entries(replaced)) payload[key] = value;
      // defineProperty, so "__proto__" becomes an own key (as JSON.parse would make it).
      for (const [key, value] of Object.entries(extra)) {
        Object.defineProperty(payload, key, {
          value,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return payload;
    });
}

function payloadsFor(base: Record<string, unknown>): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 2, arbitrary: nearValid(base) },
    { weight: 1, arbitrary: adversarialValue },
    { weight: 1, arbitrary: fc.constant(base) },
  );
}

// --- the fixture ----------------------------------------------------------------------------

const generousRules = Object.fromEntries(
  Object.keys(defaultLimitRules).map((name): [LimitName, LimitRule] => [
    name as LimitName,
    { points: 100_000, durationSeconds: 60 },
  ]),
);

interface Fixture {
  test: TestServer;
  store: SqliteStore;
  attacker: OnboardedUser;
  bystander: OnboardedUser;
  anonymous: Client;
  attackersDirect: string;
  bystandersDirect: string;
  bystanderSends: number;
  /** Every message the server acknowledged as stored. */
  acked: Message[];
  checkedAcks: number;
}

// The harness tears servers and clients down after each test, so each test builds its own.
async function setUp(): Promise<Fixture> {
  const store = SqliteStore.open(':memory:');
  const test = await startTestServer({
    store,
    rateLimits: createRateLimits({ rules: generousRules }),
  });
  const attacker = await onboard(test, { firstName: 'Frieza', lastName: 'Emperor' });
  const bystander = await onboard(test, { firstName: 'Krillin', lastName: 'Monk' });
  const directOf = (user: OnboardedUser) => directConversationId(user.client);
  return {
    test,
    store,
    attacker,
    bystander,
    anonymous: await connect(test.url),
    attackersDirect: await directOf(attacker),
    bystandersDirect: await directOf(bystander),
    bystanderSends: 0,
    acked: [],
    checkedAcks: 0,
  };
}

/** Every ack is a valid success for its event or a well-formed error; nothing else. */
function checkAck(fixture: Fixture, event: string, ack: Ack<any>): void {
  const shape = ack.ok ? (okShapes[event] ?? anyOk) : AckErrorSchema;
  expect(shape.safeParse(ack).error?.issues ?? []).toEqual([]);
  fixture.checkedAcks += 1;
  if (ack.ok && event === Events.sendMessage) fixture.acked.push(ack.message);
  // The attacker's searches never reach into the bystander's DM.
  const searched =
    ack.ok && event === Events.searchMessages
      ? (ack.results as { conversationId: string }[]).map(({ conversationId }) => conversationId)
      : [];
  expect(searched).not.toContain(fixture.bystandersDirect);
}

/** The bystander, who only ever sends good requests, is served at once. */
async function bystanderStillServed(fixture: Fixture): Promise<void> {
  fixture.bystanderSends += 1;
  const count = fixture.bystanderSends;
  const ack = await request(fixture.bystander.client, 'sendMessage', {
    conversationId: count % 2 === 0 ? 'capsule-corp' : fixture.bystandersDirect,
    text: `still here ${count}`,
    clientMessageId: `bystander-${count}`,
  });
  expect(ack).toMatchObject({ ok: true });
}

let rawAckId = 1_000_000;
/** Emits `["event", <payloadJson>]` as a raw Socket.IO frame and resolves with its ack. */
function rawRequest(client: Client, event: string, payloadJson: string): Promise<Ack<any>> {
  rawAckId += 1;
  const id = rawAckId;
  const engine = (client.io as unknown as { engine: RawEngine }).engine;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ack for raw ${event}`)), 5_000);
    const onMessage = (data: unknown) => {
      const text = String(data);
      if (!text.startsWith(`3${id}[`)) return;
      engine.off('message', onMessage);
      clearTimeout(timer);
      resolve((JSON.parse(text.slice(`3${id}`.length)) as [Ack<any>])[0]);
    };
    engine.on('message', onMessage);
    engine.write(`2${id}[${JSON.stringify(event)},${payloadJson}]`);
  });
}
interface RawEngine {
  write(packet: string): void;
  on(event: 'message', listener: (data: unknown) => void): void;
  off(event: 'message', listener: (data: unknown) => void): void;
}

async function fuzzEvent(
  fixture: Fixture,
  client: Client,
  event: string,
  payloads: fc.Arbitrary<unknown>,
  /** Also send the event with no payload at all (not for a signOut that must not succeed). */
  omitPayloadToo = true,
): Promise<void> {
  // Frames over maxHttpBufferSize close the connection by design (tested elsewhere): stay under.
  const fitting = payloads.filter(
    (payload) => Buffer.byteLength(JSON.stringify([event, payload]) ?? '') < frameBudgetBytes,
  );
  await fc.assert(
    fc.asyncProperty(fitting, fc.boolean(), async (payload, omit) => {
      const withoutPayload = omitPayloadToo && omit;
      const ack = withoutPayload
        ? await request(client, event)
        : await request(client, event, payload);
      checkAck(fixture, event, ack);
    }),
    { numRuns: runsPerEvent },
  );
  await fc.assert(
    fc.asyncProperty(deeplyNestedJson, async (json) => {
      checkAck(fixture, event, await rawRequest(client, event, json));
    }),
    { numRuns: 3 },
  );
  await bystanderStillServed(fixture);
}

/** Nothing invalid was stored, nothing was polluted, and no request made the server fail. */
async function checkInvariants(fixture: Fixture): Promise<void> {
  const { store, attacker, bystander } = fixture;
  expect(Object.keys(Object.prototype)).toEqual([]);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();

  const conversations = [
    ...(await store.listConversationsOf(attacker.user.id)),
    ...(await store.listConversationsOf(bystander.user.id)),
  ];
  expect(new Set(conversations.map((c) => c.id))).toEqual(
    new Set(['capsule-corp', fixture.attackersDirect, fixture.bystandersDirect]),
  );
  for (const conversation of conversations) {
    const { messages } = await store.listMessages(conversation.id, { limit: 100_000 });
    expect(messages.map((message) => message.seq)).toEqual(messages.map((_, index) => index));
    for (const message of messages) {
      expect(MessageSchema.safeParse(message).success).toBe(true);
      expect(conversation.memberIds).toContain(message.authorId);
      expect(message.text).toBe(message.text.trim());
      // Only a message deleted for everyone has no text (and then no reply nor reactions).
      const deleted = message.deletedAt !== undefined;
      expect({ deleted, empty: message.text === '' }).toEqual({ deleted, empty: deleted });
      expect(deleted ? [message.replyTo, message.reactions] : []).toEqual(
        deleted ? [undefined, undefined] : [],
      );
      expect(messageLength(message.text)).toBeLessThanOrEqual(Limits.messageMaxChars);
      expect(message.text.isWellFormed()).toBe(true);
    }
  }
  // What was acknowledged is exactly what is stored (SQLite would silently alter bad UTF-16).
  for (const message of fixture.acked) {
    const { messages } = await store.listMessages(message.conversationId, {
      after: message.seq - 1,
      limit: 1,
    });
    expect(messages[0]).toEqual(message);
  }
  const { messages: bystanderDm } = await store.listMessages(fixture.bystandersDirect, {
    limit: 100_000,
  });
  expect(bystanderDm.filter((message) => message.authorId === attacker.user.id)).toEqual([]);

  const everyone = await store.getUsers(conversations.flatMap((c) => c.memberIds));
  for (const user of everyone) {
    expect(isValidName(user.firstName) && isValidName(user.lastName)).toBe(true);
  }
  expect(fixture.test.logs.filter((line) => line.startsWith('error'))).toEqual([]);
  // Everyone is still served, the attacker included.
  expect((await fetchWorld(attacker.client)).currentUserId).toBe(attacker.user.id);
  await bystanderStillServed(fixture);
}

/** A fresh clientMessageId per valid-looking send, so valid payloads really store messages. */
const freshClientIds = (payload: unknown): unknown =>
  typeof payload === 'object' &&
  payload !== null &&
  (payload as { clientMessageId?: unknown }).clientMessageId === 'fuzz'
    ? { ...payload, clientMessageId: `fuzz-${(rawAckId += 1)}` }
    : payload;

// --- the properties -------------------------------------------------------------------------

describe('fuzzing every client event (random and adversarial payloads)', () => {
  it('sendMessage: own, shared and someone else’s conversations, signed in or not', async () => {
    const fixture = await setUp();
    for (const conversationId of [
      'capsule-corp',
      fixture.attackersDirect,
      fixture.bystandersDirect,
    ]) {
      const base = { conversationId, text: 'hello', clientMessageId: 'fuzz' };
      // Well-formed sends with hostile text too: those are the ones that get stored.
      const hostileText = adversarialString.map((text) => ({ ...base, text }));
      await fuzzEvent(
        fixture,
        fixture.attacker.client,
        Events.sendMessage,
        fc.oneof(payloadsFor(base), hostileText).map(freshClientIds),
      );
    }
    await fuzzEvent(
      fixture,
      fixture.anonymous,
      Events.sendMessage,
      payloadsFor({ conversationId: 'capsule-corp', text: 'x', clientMessageId: 'anon' }),
    );
    await checkInvariants(fixture);
    expect(fixture.checkedAcks).toBeGreaterThan(runsPerEvent);
  });

  it('isDrafting and requestMessages', async () => {
    const fixture = await setUp();
    for (const conversationId of ['capsule-corp', fixture.bystandersDirect]) {
      await fuzzEvent(
        fixture,
        fixture.attacker.client,
        Events.isDrafting,
        payloadsFor({ conversationId, isDrafting: true }),
      );
      await fuzzEvent(
        fixture,
        fixture.attacker.client,
        Events.requestMessages,
        payloadsFor({ conversationId, before: 3, after: -1, limit: 10 }),
      );
    }
    for (const event of [Events.isDrafting, Events.requestMessages]) {
      await fuzzEvent(
        fixture,
        fixture.anonymous,
        event,
        payloadsFor({ conversationId: 'capsule-corp', isDrafting: false }),
      );
    }
    await checkInvariants(fixture);
    expect(fixture.checkedAcks).toBeGreaterThan(runsPerEvent);
  });

  it('editMessage, deleteMessage, hideMessage, reactToMessage and listMessageChanges: own, others’ and strangers’ messages', async () => {
    const fixture = await setUp();
    const { attacker, bystander } = fixture;
    const sent = async (user: OnboardedUser, conversationId: string, text: string) => {
      const ack = await request(user.client, 'sendMessage', {
        conversationId,
        text,
        clientMessageId: `seed-${(rawAckId += 1)}`,
      });
      if (!ack.ok) throw new Error(ack.error.code);
      return ack.message as Message;
    };
    const own = await sent(attacker, 'capsule-corp', 'mine to change');
    const shared = await sent(bystander, 'capsule-corp', 'the bystander’s, in the group');
    const foreign = await sent(bystander, fixture.bystandersDirect, 'the bystander’s, in private');
    const targets: [string, string][] = [
      ['capsule-corp', own.id],
      ['capsule-corp', shared.id],
      [fixture.bystandersDirect, foreign.id],
      ['capsule-corp', foreign.id],
    ];
    for (const [conversationId, messageId] of targets) {
      const base = { conversationId, messageId };
      const hostileText = adversarialString.map((text) => ({ ...base, text }));
      await fuzzEvent(
        fixture,
        attacker.client,
        Events.editMessage,
        fc.oneof(payloadsFor({ ...base, text: 'edited' }), hostileText),
      );
      const hostileEmoji = fc
        .oneof(adversarialString, fc.constantFrom('👍', '👍🏽', '🇯🇵', null))
        .map((emoji) => ({ ...base, emoji }));
      await fuzzEvent(
        fixture,
        attacker.client,
        Events.reactToMessage,
        fc.oneof(payloadsFor({ ...base, emoji: '🔥' }), hostileEmoji),
      );
      await fuzzEvent(fixture, attacker.client, Events.hideMessage, payloadsFor(base));
      await fuzzEvent(
        fixture,
        attacker.client,
        Events.listMessageChanges,
        payloadsFor({ conversationId, since: 0, limit: 10 }),
      );
    }
    for (const [conversationId, messageId] of targets.slice(1)) {
      await fuzzEvent(
        fixture,
        attacker.client,
        Events.deleteMessage,
        payloadsFor({ conversationId, messageId }),
      );
    }
    for (const event of [
      Events.editMessage,
      Events.deleteMessage,
      Events.hideMessage,
      Events.reactToMessage,
      Events.listMessageChanges,
    ]) {
      await fuzzEvent(
        fixture,
        fixture.anonymous,
        event,
        payloadsFor({ conversationId: 'capsule-corp', messageId: own.id, text: 'x', since: 0 }),
      );
    }
    await checkInvariants(fixture);
    // Nothing the attacker sent changed the bystander's messages, nor put a reaction on the
    // private one.
    expect(await fixture.store.getMessage('capsule-corp', shared.id)).toMatchObject({
      text: shared.text,
    });
    const untouched = await fixture.store.getMessage(fixture.bystandersDirect, foreign.id);
    expect(untouched).toEqual(foreign);
    const editedShared = await fixture.store.getMessage('capsule-corp', shared.id);
    expect(editedShared?.editCount).toBeUndefined();
    expect(editedShared?.deletedAt).toBeUndefined();
    expect(
      editedShared?.reactions?.every((reaction) => reaction.userIds.includes(attacker.user.id)) ??
        true,
    ).toBe(true);
    expect(fixture.checkedAcks).toBeGreaterThan(runsPerEvent);
  });

  it('searchMessages: query syntax of every kind, signed in or not, never another person’s DM', async () => {
    const fixture = await setUp();
    // Words the attacker's searches could find, if they reached where they must not.
    for (const text of ['secret plans "NEAR" OR 50% off_sale', 'its secret * here']) {
      await request(fixture.bystander.client, 'sendMessage', {
        conversationId: fixture.bystandersDirect,
        text,
        clientMessageId: `secret-${text.length}`,
      });
    }
    const syntax = fc
      .array(
        fc.constantFrom(
          'secret',
          'plans',
          '"',
          '*',
          'NEAR',
          'OR',
          'AND',
          'NOT',
          '%',
          '_',
          "'",
          '(',
          ')',
          ':',
          '^',
          '-',
          '\\',
          '&',
          '|',
          '!',
          '{',
          '}',
          's',
          'p',
          ' ',
        ),
        { maxLength: 30 },
      )
      .map((parts) => parts.join(''));
    const query = fc.oneof(adversarialString, syntax);
    await fuzzEvent(
      fixture,
      fixture.attacker.client,
      Events.searchMessages,
      fc.oneof(
        payloadsFor({ query: 'secret', before: 5 }),
        query.map((text) => ({ query: text })),
      ),
    );
    await fuzzEvent(fixture, fixture.anonymous, Events.searchMessages, payloadsFor({ query: 'x' }));
    // The bystander finds their own words.
    expect(
      await request(fixture.bystander.client, 'searchMessages', { query: 'secret' }),
    ).toMatchObject({ ok: true, results: [{ conversationId: fixture.bystandersDirect }] });
    await checkInvariants(fixture);
    expect(fixture.checkedAcks).toBeGreaterThan(runsPerEvent);
  });

  it('requestVerificationCode, verifyCode, creatingNewUser and requestConversationsAndUsers', async () => {
    const fixture = await setUp();
    const phone = '+14155550999';
    for (const client of [fixture.anonymous, fixture.attacker.client]) {
      await fuzzEvent(fixture, client, Events.requestVerificationCode, payloadsFor({ phone }));
      await fuzzEvent(fixture, client, Events.verifyCode, payloadsFor({ phone, code: '123456' }));
      await fuzzEvent(
        fixture,
        client,
        Events.createUser,
        payloadsFor({ phone, firstName: 'Cell', lastName: 'Android', verificationToken: 'abc' }),
      );
      await fuzzEvent(fixture, client, Events.requestConversationsAndUsers, payloadsFor({}));
    }
    await checkInvariants(fixture);
    expect(fixture.checkedAcks).toBeGreaterThan(runsPerEvent);
  });

  it('signOut (invalid payloads only for the attacker: a valid one ends its session) and unknown events', async () => {
    const fixture = await setUp();
    const invalid = payloadsFor({}).filter((payload) => !SignOutSchema.safeParse(payload).success);
    await fuzzEvent(fixture, fixture.attacker.client, Events.signOut, invalid, false);
    await fuzzEvent(fixture, fixture.anonymous, Events.signOut, payloadsFor({}));
    // Sessions: listing is harmless; a revoke of a made-up id must find nothing to end.
    for (const client of [fixture.attacker.client, fixture.anonymous]) {
      await fuzzEvent(fixture, client, Events.listSessions, payloadsFor({}));
      await fuzzEvent(fixture, client, Events.revokeSession, payloadsFor({ sessionId: 'x' }));
    }
    expect(await fixture.store.listSessionsOf(fixture.attacker.user.id)).toHaveLength(1);

    // Names Socket.IO reserves cannot be emitted by a client at all.
    const reserved = [
      'connect',
      'connect_error',
      'disconnect',
      'disconnecting',
      'newListener',
      'removeListener',
    ];
    const names = fc
      .oneof(
        fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'sendmessage'),
        fc.string({ unit: 'binary', maxLength: 40 }),
      )
      .filter(
        (name) => !reserved.includes(name) && !(Object.values(Events) as string[]).includes(name),
      );
    await fc.assert(
      fc.asyncProperty(names, adversarialValue, async (name, payload) => {
        checkAck(fixture, name, await request(fixture.attacker.client, name, payload));
      }),
      { numRuns: runsPerEvent },
    );
    await checkInvariants(fixture);
    expect(fixture.checkedAcks).toBeGreaterThan(runsPerEvent);
  });
});

describe('unicode edge cases, checked explicitly', () => {
  it('refuses lone surrogates in text and control characters in names; keeps RTL, ZWJ and NUL text', async () => {
    const fixture = await setUp();
    const { attacker, store } = fixture;
    const lone = await request(attacker.client, 'sendMessage', {
      conversationId: 'capsule-corp',
      text: 'broken \ud83d',
      clientMessageId: 'lone-surrogate',
    });
    expect(lone).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    const kept = 'a\u0000b \u202Eevil\u202C 👩\u200D👩\u200D👧';
    const ok = await request(attacker.client, 'sendMessage', {
      conversationId: 'capsule-corp',
      text: kept,
      clientMessageId: 'unicode-kept',
    });
    expect(ok).toMatchObject({ ok: true, message: { text: kept } });
    expect((await store.getLastMessage('capsule-corp'))?.text).toBe(kept);

    expect(
      await request(fixture.anonymous, 'creatingNewUser', {
        phone: '+14155550998',
        firstName: 'Nul\u0000l',
        lastName: 'Person',
        verificationToken: 'whatever',
      }),
    ).toMatchObject({ ok: false, error: { code: 'name_not_allowed' } });
    await checkInvariants(fixture);
  });
});
