// Who is drafting where. Small and async so a Redis implementation can share it across nodes.

export interface DraftEntry {
  /** The person typing. */
  drafterId: string;
  /** Who the draft is shown as: the author of the drafter's next message (maybe a bot). */
  shownAs: string;
  expiresAt: number;
}

export interface DraftingStore {
  /** Replaces the drafter's entry in that conversation. */
  put(conversationId: string, entry: DraftEntry): Promise<void>;
  remove(conversationId: string, drafterId: string): Promise<void>;
  list(conversationId: string): Promise<DraftEntry[]>;
}
