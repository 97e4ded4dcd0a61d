// Searching the history of the signed-in person's conversations. The store decides what matches
// and only looks in conversations the person is a member of at that moment; this handler bounds
// what one search may cost and carry, and groups the page by conversation.
import { Limits, type MessagesFound, SearchMessagesSchema } from '../protocol.ts';
import { queryTerms } from '../search.ts';
import type { MessageSearchHit } from '../store/types.ts';
import { defineHandler, errorAck } from './bind.ts';
import { signedInUserId } from './conversations.ts';

/** The hits that fit `Limits.pageMaxBytes` (at least one), newest first, and whether any were cut. */
function fitHits(hits: readonly MessageSearchHit[]): { kept: MessageSearchHit[]; cut: boolean } {
  const kept: MessageSearchHit[] = [];
  let bytes = 0;
  for (const hit of hits) {
    bytes += Buffer.byteLength(
      JSON.stringify({ message: hit.message, highlights: hit.highlights }),
    );
    if (bytes > Limits.pageMaxBytes && kept.length > 0) return { kept, cut: true };
    kept.push(hit);
  }
  return { kept, cut: false };
}

/** One group per conversation, in the order of each one's newest hit. */
function groupByConversation(hits: readonly MessageSearchHit[]): MessagesFound['results'] {
  const groups = new Map<string, MessagesFound['results'][number]>();
  for (const { message, highlights } of hits) {
    let group = groups.get(message.conversationId);
    if (!group) {
      group = { conversationId: message.conversationId, messages: [] };
      groups.set(message.conversationId, group);
    }
    group.messages.push({ message, highlights });
  }
  return [...groups.values()];
}

export const searchMessages = defineHandler({
  audience: 'authenticated',
  schema: SearchMessagesSchema,
  limits: (socket) => [{ limit: 'messageSearches', key: signedInUserId(socket) }],
  async handle(context, socket, { query, before }) {
    const words = queryTerms(query).length;
    if (words > Limits.messageSearchMaxWords) {
      return errorAck(
        'invalid_payload',
        `query: at most ${Limits.messageSearchMaxWords} different words (this one has ${words})`,
      );
    }
    const page = await context.store.searchMessages(signedInUserId(socket), query, {
      limit: Limits.messageSearchDefaultLimit,
      ...(before === undefined ? {} : { before }),
    });
    const { kept, cut } = fitHits(page.hits);
    const found: MessagesFound = {
      results: groupByConversation(kept),
      hasMore: page.hasMore || cut,
      cursor: cut ? (kept.at(-1)?.cursor ?? null) : page.cursor,
    };
    return { ok: true, ...found };
  },
});
