// A person's own picture: stored by the server (the store's avatar images) and served from its
// own origin (server/http/avatarImages.ts), never a remote URL. Only the signed-in person's own:
// the payload names no user. The type comes from the bytes, not from anything the client says.
import { createHash } from 'node:crypto';
import { conversationRoom, userRoom } from '../context.ts';
import { Events, SetAvatarImageSchema } from '../protocol.ts';
import { sniffImageType } from '../imageType.ts';
import { publicUser, selfUser } from '../views.ts';
import { defineHandler, errorAck } from './bind.ts';
import { signedInUserId } from './conversations.ts';
import type { ChatSocket } from '../codeSender.ts';

const userKey = (socket: ChatSocket) => signedInUserId(socket);

export const avatarImagePath = (userId: string, hash: string): string =>
  `/avatars/${userId}/${hash}`;

export const setAvatarImage = defineHandler({
  audience: 'authenticated',
  schema: SetAvatarImageSchema,
  limits: (socket) => [{ limit: 'profileUpdates', key: userKey(socket) }],
  async handle(context, socket, { image }) {
    const selfId = signedInUserId(socket);
    const current = await context.store.getUser(selfId);
    if (!current) return errorAck('unauthenticated', 'this account no longer exists');
    const { image: _previous, ...avatar } = current.avatar;
    if (image === null) {
      await context.store.deleteAvatarImage(selfId);
    } else {
      const mime = sniffImageType(image);
      if (!mime) return errorAck('avatar_not_allowed', 'a picture must be a PNG, JPEG or WebP');
      const bytes = new Uint8Array(image);
      const hash = createHash('sha256').update(bytes).digest('hex');
      await context.store.putAvatarImage({
        userId: selfId,
        hash,
        mime,
        bytes,
        updatedAt: context.clock.now(),
      });
      Object.assign(avatar, { image: avatarImagePath(selfId, hash) });
    }
    const updated = await context.store.updateUser(selfId, { avatar });
    if (!updated) return errorAck('unauthenticated', 'this account no longer exists');
    const conversations = await context.store.listConversationsOf(selfId);
    context.io
      .to([userRoom(selfId), ...conversations.map((item) => conversationRoom(item.id))])
      .emit(Events.userUpdated, { user: publicUser(updated) });
    context.logger.info('avatar image set', { user: selfId, removed: image === null });
    return { ok: true, user: selfUser(updated) };
  },
});
