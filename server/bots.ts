// Which members of a conversation are the imaginary characters the server plays.
import type { ServerContext } from './context.ts';
import type { Store, StoredConversation } from './store/types.ts';

// A conversation's bots are fixed when it is created (the world seeds them; only people join
// later), so they are read once per store and conversation: reading every member's record on
// each send cost 5% of server time at 1,000 members. Keyed by store, so each server (and each
// test's store) has its own.
const botIdsByStore = new WeakMap<Store, Map<string, Promise<readonly string[]>>>();

/** The bots of a conversation in member order: the order their authorship turns rotate. */
export function botIdsOf(
  context: ServerContext,
  conversation: StoredConversation,
): Promise<readonly string[]> {
  const byConversation = botIdsByStore.get(context.store) ?? new Map();
  botIdsByStore.set(context.store, byConversation);
  const cached = byConversation.get(conversation.id);
  if (cached) return cached;
  const botIds = context.store.getUsers(conversation.memberIds).then(
    (members) => members.filter((member) => member.kind === 'bot').map((member) => member.id),
    (error: unknown) => {
      // A failed read is not remembered: the next send reads again.
      byConversation.delete(conversation.id);
      throw error;
    },
  );
  byConversation.set(conversation.id, botIds);
  return botIds;
}
