// Conversations people make (finding people, opening a direct conversation, creating a group,
// adding and removing members, leaving) and the profile others find them by. Every change reaches each person concerned on all of
// their sockets (their user room), and the sockets join or leave the conversation's room in the
// same step, so a removed member hears nothing more from it.
import type { ChatSocket } from '../codeSender.ts';
import { conversationRoom, type ServerContext, userRoom } from '../context.ts';
import {
  AddMembersSchema,
  CreateConversationSchema,
  Events,
  hasHiddenCharacters,
  LeaveConversationSchema,
  Limits,
  RemoveMemberSchema,
  SearchPeopleSchema,
  UpdateProfileSchema,
  type AckError,
  type User,
} from '../protocol.ts';
import type { StoredConversation, StoredUser } from '../store/types.ts';
import { avatarPalette, initialsOf } from '../avatars.ts';
import { adminOf, conversationOf, publicUser, selfUser } from '../views.ts';
import { markHistoryRead } from '../world.ts';
import { nameProblem } from './onboarding.ts';
import { defineHandler, errorAck } from './bind.ts';
import {
  broadcastChannelUpdate,
  isError,
  memberConversation,
  signedInUserId,
} from './conversations.ts';

const userKey = (socket: ChatSocket) => signedInUserId(socket);

export const searchPeople = defineHandler({
  audience: 'authenticated',
  schema: SearchPeopleSchema,
  limits: (socket) => [{ limit: 'peopleSearches', key: userKey(socket) }],
  async handle(context, socket, payload) {
    const selfId = signedInUserId(socket);
    let found: StoredUser[];
    if ('phone' in payload) {
      // Unknown and hidden numbers get the same answer, after the same work.
      const user = await context.store.getUserByPhone(payload.phone);
      found = user && user.kind === 'person' && user.findableByPhone ? [user] : [];
    } else {
      // One more than shown, so leaving oneself out still fills the page.
      found = await context.store.searchPeople(payload.query, Limits.searchMaxResults + 1);
    }
    const people = found
      .filter((user) => user.id !== selfId)
      .slice(0, Limits.searchMaxResults)
      .map(publicUser);
    return { ok: true, people };
  },
});

/** The people among `ids` (not bots, not unknown), or the error naming the first that is not. */
async function peopleOrError(
  context: ServerContext,
  ids: readonly string[],
): Promise<StoredUser[] | AckError> {
  const unique = [...new Set(ids)];
  const users = await context.store.getUsers(unique);
  const people = users.filter((user) => user.kind === 'person');
  // Unknown ids and bots read alike: the answer says nothing about who exists.
  if (people.length !== unique.length) return errorAck('not_found', 'no such person');
  return people;
}

/**
 * Puts every socket of `userIds` in the conversation's room and hands each the conversation as
 * they see it (their read position, and the messages they hid, flagged and emptied: a re-added
 * member's old hides stay hidden). Answers with it as `requesterId` sees it.
 */
async function deliverConversation(
  context: ServerContext,
  conversation: StoredConversation,
  userIds: readonly string[],
  requesterId: string,
): Promise<{ conversation: Awaited<ReturnType<typeof conversationOf>>; users: User[] }> {
  const room = conversationRoom(conversation.id);
  const users = (await context.store.getUsers(conversation.memberIds)).map(publicUser);
  for (const userId of userIds) {
    const wire = await conversationOf(context, conversation, userId);
    context.io.in(userRoom(userId)).socketsJoin(room);
    context.io.to(userRoom(userId)).emit(Events.conversationAdded, { conversation: wire, users });
  }
  return { conversation: await conversationOf(context, conversation, requesterId), users };
}

export const createConversation = defineHandler({
  audience: 'authenticated',
  schema: CreateConversationSchema,
  limits: (socket) => [{ limit: 'conversationCreates', key: userKey(socket) }],
  async handle(context, socket, payload) {
    const selfId = signedInUserId(socket);
    const now = context.clock.now();
    if (payload.kind === 'direct') {
      if (payload.userId === selfId) {
        return errorAck('invalid_payload', 'userId: a direct conversation needs someone else');
      }
      const other = await peopleOrError(context, [payload.userId]);
      if (isPeopleError(other)) return other;
      const { conversation, created } = await context.store.openDirectConversation({
        userIds: [selfId, payload.userId],
        createdBy: selfId,
        createdAt: now,
      });
      // The other person hears of it only when it is new; the opener's windows always do.
      const delivered = await deliverConversation(
        context,
        conversation,
        created ? [selfId, payload.userId] : [selfId],
        selfId,
      );
      return { ok: true, created, ...delivered };
    }
    if (!payload.title.isWellFormed() || hasHiddenCharacters(payload.title)) {
      return errorAck(
        'title_not_allowed',
        'a group title may not contain invisible, control or text-direction characters',
      );
    }
    const memberIds = [...new Set(payload.memberIds.filter((id) => id !== selfId))];
    if (memberIds.length === 0) {
      return errorAck('invalid_payload', 'memberIds: a group needs someone besides you');
    }
    const people = await peopleOrError(context, memberIds);
    if (isPeopleError(people)) return people;
    const conversation = await context.store.createConversation({
      kind: 'group',
      title: payload.title,
      memberIds: [selfId, ...memberIds],
      createdBy: selfId,
      createdAt: now,
    });
    context.logger.info('group created', { user: selfId, conversation: conversation.id });
    const delivered = await deliverConversation(
      context,
      conversation,
      conversation.memberIds,
      selfId,
    );
    return { ok: true, created: true, ...delivered };
  },
});

const isPeopleError = (value: StoredUser[] | AckError): value is AckError => !Array.isArray(value);

/** The group, if `userId` is its admin; otherwise the error ack. */
async function adminGroup(
  context: ServerContext,
  userId: string,
  conversationId: string,
): Promise<StoredConversation | AckError> {
  const conversation = await memberConversation(context, userId, conversationId);
  if (isError(conversation)) return conversation;
  if (adminOf(conversation) !== userId) {
    return errorAck('forbidden', "only the group's admin may change its members");
  }
  return conversation;
}

export const addMembers = defineHandler({
  audience: 'authenticated',
  schema: AddMembersSchema,
  limits: (socket) => [{ limit: 'membershipChanges', key: userKey(socket) }],
  async handle(context, socket, { conversationId, userIds }) {
    const selfId = signedInUserId(socket);
    const group = await adminGroup(context, selfId, conversationId);
    if (isError(group)) return group;
    const newIds = [...new Set(userIds)].filter((id) => !group.memberIds.includes(id));
    if (newIds.length === 0) return { ok: true };
    if (group.memberIds.length + newIds.length > Limits.groupMaxMembers) {
      return errorAck('group_full', `a group holds at most ${Limits.groupMaxMembers} members`);
    }
    const people = await peopleOrError(context, newIds);
    if (isPeopleError(people)) return people;
    let updated = group;
    for (const person of people) {
      updated = await context.store.addMember(conversationId, person.id);
      await markHistoryRead(context.store, conversationId, person.id);
    }
    // Members already there learn who joined; the new members get the whole conversation.
    for (const person of people) {
      context.io
        .to(conversationRoom(conversationId))
        .emit(Events.userJoined, { user: publicUser(person), conversationIds: [conversationId] });
    }
    await deliverConversation(
      context,
      updated,
      people.map((person) => person.id),
      selfId,
    );
    context.logger.info('members added', { user: selfId, conversation: conversationId });
    return { ok: true };
  },
});

/** Takes `userId` out: their sockets leave the room, they and the rest are told. */
async function takeOut(
  context: ServerContext,
  conversation: StoredConversation,
  userId: string,
  reason: 'left' | 'removed',
): Promise<void> {
  const updated = await context.store.removeMember(conversation.id, userId);
  const wasDrafting = await context.drafting.stop(conversation.id, userId);
  const room = conversationRoom(conversation.id);
  context.io.in(userRoom(userId)).socketsLeave(room);
  context.io.to(userRoom(userId)).emit(Events.conversationRemoved, {
    conversationId: conversation.id,
    reason,
    title: conversation.title,
  });
  context.io.to(room).emit(Events.memberLeft, {
    conversationId: conversation.id,
    userId,
    adminId: adminOf(updated),
  });
  if (wasDrafting) await broadcastChannelUpdate(context, updated, null);
}

export const removeMember = defineHandler({
  audience: 'authenticated',
  schema: RemoveMemberSchema,
  limits: (socket) => [{ limit: 'membershipChanges', key: userKey(socket) }],
  async handle(context, socket, { conversationId, userId }) {
    const selfId = signedInUserId(socket);
    const group = await adminGroup(context, selfId, conversationId);
    if (isError(group)) return group;
    if (userId === selfId)
      return errorAck('invalid_payload', 'userId: to leave, use leaveConversation');
    if (!group.memberIds.includes(userId)) return errorAck('not_found', 'no such member');
    await takeOut(context, group, userId, 'removed');
    context.logger.info('member removed', { user: selfId, conversation: conversationId });
    return { ok: true };
  },
});

export const leaveConversation = defineHandler({
  audience: 'authenticated',
  schema: LeaveConversationSchema,
  limits: (socket) => [{ limit: 'membershipChanges', key: userKey(socket) }],
  async handle(context, socket, { conversationId }) {
    const selfId = signedInUserId(socket);
    const conversation = await memberConversation(context, selfId, conversationId);
    if (isError(conversation)) return conversation;
    if (conversation.kind !== 'group') {
      return errorAck('forbidden', 'a direct conversation cannot be left');
    }
    await takeOut(context, conversation, selfId, 'left');
    context.logger.info('member left', { user: selfId, conversation: conversationId });
    return { ok: true };
  },
});

export const updateProfile = defineHandler({
  audience: 'authenticated',
  schema: UpdateProfileSchema,
  limits: (socket) => [{ limit: 'profileUpdates', key: userKey(socket) }],
  async handle(context, socket, patch) {
    const selfId = signedInUserId(socket);
    const current = await context.store.getUser(selfId);
    if (!current) return errorAck('unauthenticated', 'this account no longer exists');
    const firstName = patch.firstName ?? current.firstName;
    const lastName = patch.lastName ?? current.lastName;
    if (patch.firstName !== undefined || patch.lastName !== undefined) {
      const problem = nameProblem(firstName, lastName);
      if (problem) return problem;
    }
    const color = patch.avatarColor?.toLowerCase() ?? current.avatar.color;
    if (patch.avatarColor !== undefined && !avatarPalette.some((choice) => choice === color)) {
      return errorAck('avatar_not_allowed', 'pick one of the offered avatar colours');
    }
    const updated = await context.store.updateUser(selfId, {
      firstName,
      lastName,
      avatar: { ...current.avatar, initials: initialsOf(firstName, lastName), color },
      ...(patch.findableByPhone !== undefined ? { findableByPhone: patch.findableByPhone } : {}),
    });
    if (!updated) return errorAck('unauthenticated', 'this account no longer exists');
    // Everyone who can see this person hears of it, once per socket however many rooms.
    const conversations = await context.store.listConversationsOf(selfId);
    context.io
      .to([userRoom(selfId), ...conversations.map((item) => conversationRoom(item.id))])
      .emit(Events.userUpdated, { user: publicUser(updated) });
    context.logger.info('profile updated', { user: selfId, socket: socket.id });
    return { ok: true, user: selfUser(updated) };
  },
});
