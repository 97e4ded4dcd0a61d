// What the signed-in half keeps across a reload or an app restart: each conversation's draft and
// every message the server has not acknowledged yet (queued or failed). The conversation actors
// own both while the app runs; the platform stores this snapshot of them (a safeStorage-encrypted
// file on desktop, localStorage in web mode) and the messenger hands it back to the actors it
// spawns after the next sync. Parsed with the schema on the way in: a stored value is input too.
import { z } from 'zod';
import { ClientMessageIdSchema, Limits } from '../server/protocol.ts';

const ConversationIdSchema = z.string().min(1).max(64);

export const UnsentMessageSchema = z.object({
  conversationId: ConversationIdSchema,
  text: z
    .string()
    .min(1)
    .max(Limits.messageMaxChars * 2),
  clientMessageId: ClientMessageIdSchema,
  /** When the user sent it (epoch ms): where it sits in the log until acknowledged. */
  createdAt: z.number().int().nonnegative(),
  /** Why the server refused it (shown with Retry), or null while it waits to be sent. */
  failure: z.string().max(500).nullable(),
});
export type UnsentMessage = z.infer<typeof UnsentMessageSchema>;

export const UnsentStateSchema = z.object({
  version: z.literal(1),
  /** Non-empty drafts by conversation id. */
  drafts: z.record(ConversationIdSchema, z.string().max(Limits.messageMaxChars * 2)),
  /** Oldest first, across conversations. */
  outbox: z.array(UnsentMessageSchema).max(1_000),
});
export type UnsentState = z.infer<typeof UnsentStateSchema>;

export const emptyUnsentState: UnsentState = { version: 1, drafts: {}, outbox: [] };

/** The stored text as unsent state; anything unreadable counts as nothing saved. */
export function parseUnsentState(stored: string | null): UnsentState {
  if (stored === null) return emptyUnsentState;
  try {
    const parsed = UnsentStateSchema.safeParse(JSON.parse(stored));
    return parsed.success ? parsed.data : emptyUnsentState;
  } catch {
    return emptyUnsentState;
  }
}

/** Largest stored text accepted (main refuses more over IPC): 1,000 messages of 4,000 chars. */
export const unsentStateMaxBytes = 16 * 1024 * 1024;
