// A measured proposal, not shipped behaviour: message channelUpdates without the conversation's
// memberIds (O(members) bytes to every member, ~40 KB at 1,000). Membership changes already
// travel in their own update (userJoined + a message-less channelUpdate), so a client could
// keep the member list it has. Enabled only by a bench node's --prototype-slim-updates flag, to
// show what the protocol change would buy; see docs/benchmarks.md.
import type { Server } from 'socket.io';

interface UpdateLike {
  conversation?: Record<string, unknown>;
  message?: unknown;
}

export function dropMemberIdsFromMessageUpdates(io: Server): void {
  // Broadcast operators are made per call (io.to(room)); their shared prototype has emit.
  const prototype = Object.getPrototypeOf(io.to('bench-probe')) as {
    emit: (event: string, ...args: unknown[]) => boolean;
  };
  const emit = prototype.emit;
  prototype.emit = function (this: unknown, event: string, ...args: unknown[]) {
    const update = args[0] as UpdateLike | undefined;
    if (event === 'channelUpdate' && update?.message && update.conversation) {
      const { memberIds: _dropped, ...conversation } = update.conversation;
      return emit.call(this, event, { ...update, conversation }, ...args.slice(1));
    }
    return emit.call(this, event, ...args);
  };
}
