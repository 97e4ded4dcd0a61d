// Onboarding: phone -> code -> (name) -> user. Only unauthenticated sockets may send these.
import { randomUUID } from 'node:crypto';
import { openSession } from '../auth.ts';
import { generatedAvatar } from '../avatars.ts';
import { type ChatSocket, CodeDeliveryError } from '../codeSender.ts';
import { conversationRoom, type ServerContext, userRoom } from '../context.ts';
import { type LimitName, rateLimitedAck } from '../limits/rateLimits.ts';
import {
  type AckError,
  CreateUserSchema,
  Events,
  hasHiddenCharacters,
  nameKey,
  RequestVerificationCodeSchema,
  VerifyCodeSchema,
} from '../protocol.ts';
import type { StoredConversation, StoredUser } from '../store/types.ts';
import { publicUser, selfUser } from '../views.ts';
import { groupCharacters, vegeta, welcomeNewUser } from '../world.ts';
import { defineHandler, errorAck } from './bind.ts';
import { broadcastChannelUpdate } from './conversations.ts';

const addressOf = (socket: ChatSocket): string => socket.data.address ?? 'unknown';

/** The code-request limits shared by everyone asking for this phone, or for any phone. */
const sharedCodeLimits = (phone: string): [LimitName, string][] => [
  ['codeRequestsPerPhone', phone],
  ['codeRequestsGlobal', 'all'],
];

/** The full names of the world's imaginary characters: nobody may sign up as one of them. */
const characterNames = new Set(
  [vegeta, ...groupCharacters].map((character) => nameKey(character.firstName, character.lastName)),
);

/** Why these names cannot be used, or null. Names are shown everywhere, to everyone. */
export function nameProblem(firstName: string, lastName: string): AckError | null {
  // A lone surrogate cannot be stored as UTF-8: it would come back changed after a restart.
  if (![firstName, lastName].every((name) => name.isWellFormed())) {
    return errorAck('invalid_payload', 'names must be well-formed text');
  }
  if ([firstName, lastName].some(hasHiddenCharacters)) {
    return errorAck(
      'name_not_allowed',
      'names may not contain invisible, control or text-direction characters',
    );
  }
  if (characterNames.has(nameKey(firstName, lastName))) {
    return errorAck('name_not_allowed', "that is the name of one of Parley's characters");
  }
  return null;
}

export const requestVerificationCode = defineHandler({
  audience: 'unauthenticated',
  schema: RequestVerificationCodeSchema,
  // Every request spends the connection's and the address's points. The phone's and
  // everyone's are spent only by a code actually issued: refused requests (resend_too_soon)
  // would otherwise let a stranger spend a phone's hour of codes in five quick requests.
  limits: (socket) => [
    { limit: 'codeRequestsPerConnection', key: socket.id },
    { limit: 'codeRequestsPerAddress', key: addressOf(socket) },
  ],
  async handle(context, socket, { phone }) {
    for (const [limit, key] of sharedCodeLimits(phone)) {
      const left = await context.limits.peek(limit, key);
      if (!left.allowed) return rateLimitedAck(left.retryAfterMs);
    }
    const issued = await context.verification.issueCode(phone);
    if (!issued.ok) return { ok: false, error: issued.error };
    for (const [limit, key] of sharedCodeLimits(phone)) {
      const spent = await context.limits.consume(limit, key);
      if (!spent.allowed) {
        // Spent by another request in the meantime: this code is not sent.
        await context.verification.forget(phone);
        return rateLimitedAck(spent.retryAfterMs);
      }
    }
    try {
      await context.codeSender.send({
        phone,
        code: issued.value.code,
        expiresInMs: issued.value.expiresInMs,
        requester: socket,
      });
    } catch (error) {
      // Undelivered: forget the code so the person is not stuck behind the resend countdown.
      await context.verification.forget(phone);
      if (!(error instanceof CodeDeliveryError)) throw error;
      context.logger.warn('code not delivered', { socket: socket.id, reason: error.message });
      return errorAck(
        'code_delivery_failed',
        'the code could not be sent right now: try again in a moment',
      );
    }
    return {
      ok: true,
      resendAfterMs: issued.value.resendAfterMs,
      expiresInMs: issued.value.expiresInMs,
    };
  },
});

export const verifyCode = defineHandler({
  audience: 'unauthenticated',
  schema: VerifyCodeSchema,
  // Every attempt counts against the connection and the address. Against the phone only
  // wrong guesses count (below): a stranger's unchecked attempts must not lock its owner out.
  limits: (socket) => [
    { limit: 'codeAttemptsPerConnection', key: socket.id },
    { limit: 'codeAttemptsPerAddress', key: addressOf(socket) },
  ],
  async handle(context, socket, { phone, code }) {
    // Each code dies after 5 wrong guesses; this caps wrong guesses across fresh codes too.
    // Keyed by phone and address: a stranger's wrong guesses (even at a code they requested
    // for the phone themselves) spend their own allowance, not the owner's. Spread over many
    // addresses, guessing stays bounded by the phone's 5 codes an hour.
    const failureKey = `${phone}|${addressOf(socket)}`;
    const allowed = await context.limits.peek('codeFailuresPerPhone', failureKey);
    if (!allowed.allowed) return rateLimitedAck(allowed.retryAfterMs);
    const verified = await context.verification.verify(phone, code);
    if (!verified.ok) {
      const wrongGuess =
        verified.error.code === 'code_incorrect' ||
        (verified.error.code === 'code_dead' && verified.error.triesLeft !== undefined);
      if (wrongGuess) await context.limits.consume('codeFailuresPerPhone', failureKey);
      return { ok: false, error: verified.error };
    }
    const { verificationToken } = verified.value;
    const existing = await context.store.getUserByPhone(phone);
    if (!existing) return { ok: true, registered: false, verificationToken };
    // A known phone signs straight in: the client skips the name step.
    const sessionToken = await openSession(context, socket, existing);
    context.logger.info('user signed in', { user: existing.id, socket: socket.id });
    return {
      ok: true,
      registered: true,
      verificationToken,
      user: selfUser(existing),
      sessionToken,
    };
  },
});

export const createUser = defineHandler({
  audience: 'unauthenticated',
  schema: CreateUserSchema,
  limits: (socket) => [{ limit: 'createUserPerConnection', key: socket.id }],
  async handle(context, socket, { phone, firstName, lastName, verificationToken }) {
    const problem = nameProblem(firstName, lastName);
    if (problem) return problem;
    const redeemed = await context.verification.redeem(phone, verificationToken);
    if (!redeemed.ok) return { ok: false, error: redeemed.error };
    const id = randomUUID();
    const { user, created } = await context.store.createUser({
      id,
      kind: 'person',
      firstName,
      lastName,
      avatar: generatedAvatar(id, firstName, lastName),
      phone,
      createdAt: context.clock.now(),
    });
    // A phone that already has an account signs in to it: same id, no duplicate.
    const joined = created ? await welcomeNewUser(context.store, context.clock, user) : null;
    const sessionToken = await openSession(context, socket, user);
    if (created) socket.emit(Events.userCreated, { id: user.id });
    if (joined) await announceNewMember(context, user, joined.group);
    context.logger.info(created ? 'user created' : 'user signed in', {
      user: user.id,
      socket: socket.id,
    });
    return { ok: true, user: selfUser(user), sessionToken };
  },
});

/** Tells the group's other members who just joined, and sends everyone the new member list. */
async function announceNewMember(
  context: ServerContext,
  user: StoredUser,
  group: StoredConversation,
): Promise<void> {
  context.io
    .to(conversationRoom(group.id))
    .except(userRoom(user.id))
    .emit(Events.userJoined, { user: publicUser(user), conversationIds: [group.id] });
  await broadcastChannelUpdate(context, group, null);
}
