import type { DraftEntry, DraftingStore } from './types.ts';

export class MemoryDraftingStore implements DraftingStore {
  #byConversation = new Map<string, Map<string, DraftEntry>>();

  async put(conversationId: string, entry: DraftEntry): Promise<void> {
    const entries = this.#byConversation.get(conversationId) ?? new Map<string, DraftEntry>();
    entries.set(entry.drafterId, { ...entry });
    this.#byConversation.set(conversationId, entries);
  }

  async remove(conversationId: string, drafterId: string): Promise<void> {
    const entries = this.#byConversation.get(conversationId);
    entries?.delete(drafterId);
    if (entries?.size === 0) this.#byConversation.delete(conversationId);
  }

  async list(conversationId: string): Promise<DraftEntry[]> {
    return [...(this.#byConversation.get(conversationId)?.values() ?? [])].map((entry) => ({
      ...entry,
    }));
  }
}
