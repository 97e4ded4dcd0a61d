// Onboarding: phone -> code -> (name) -> user. Only unauthenticated sockets may send these.
import { randomUUID } from 'node:crypto';
import { openSession } from '../auth.ts';
import { generatedAvatar } from '../avatars.ts';
import { CodeDeliveryError } from '../codeSender.ts';
import { conversationRoom, type ServerContext, userRoom } from '../context.ts';
import {
  CreateUserSchema,
  Events,
  RequestVerificationCodeSchema,
  VerifyCodeSchema,
} from '../protocol.ts';
import type { StoredConversation, StoredUser } from '../store/types.ts';
import { publicUser, selfUser } from '../views.ts';
import { welcomeNewUser } from '../world.ts';
import { defineHandler, errorAck } from './bind.ts';
import { broadcastChannelUpdate } from './conversations.ts';

/** Names are shown everywhere: no lone surrogates (not storable) and no control characters. */
function isPrintableName(name: string): boolean {
  return name.isWellFormed() && !/\p{Cc}/u.test(name);
}

export const requestVerificationCode = defineHandler({
  audience: 'unauthenticated',
  schema: RequestVerificationCodeSchema,
  // Per connection first, so one client spraying numbers does not use up their quotas.
  limits: (socket, { phone }) => [
    { limit: 'codeRequestsPerConnection', key: socket.id },
    { limit: 'codeRequestsPerPhone', key: phone },
  ],
  async handle(context, socket, { phone }) {
    const issued = await context.verification.issueCode(phone);
    if (!issued.ok) return { ok: false, error: issued.error };
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
  // Each code dies after 5 wrong guesses; this caps guesses across fresh codes too.
  limits: (_socket, { phone }) => [{ limit: 'codeAttemptsPerPhone', key: phone }],
  async handle(context, socket, { phone, code }) {
    const verified = await context.verification.verify(phone, code);
    if (!verified.ok) return { ok: false, error: verified.error };
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
  async handle(context, socket, { phone, firstName, lastName, verificationToken }) {
    if (![firstName, lastName].every(isPrintableName)) {
      return errorAck(
        'invalid_payload',
        'names must be well-formed text without control characters',
      );
    }
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
