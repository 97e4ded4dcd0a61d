// What the signed-in half keeps across a reload or an app restart: each conversation's draft and
// every message the server has not acknowledged yet (queued or failed). The conversation actors
// own both while the app runs; the platform stores this snapshot of them (a safeStorage-encrypted
// file on desktop, localStorage in web mode) and the messenger hands it back to the actors it
// spawns after the next sync. Parsed with the schema on the way in: a stored value is input too.
import { z } from 'zod';
import { ClientMessageIdSchema, Limits, ReplyToSchema } from '../server/protocol.ts';

const ConversationIdSchema = z.string().min(1).max(64);

/** At most this many unsent messages are kept across a restart (the oldest first). */
export const unsentOutboxMax = 1_000;
/** A failure reason longer than this is cut when saved. */
export const unsentFailureMaxChars = 500;

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
  failure: z.string().max(unsentFailureMaxChars).nullable(),
  /** The message it answers, as quoted when the user replied. */
  replyTo: ReplyToSchema.optional(),
});
export type UnsentMessage = z.infer<typeof UnsentMessageSchema>;

const DraftSchema = z.string().max(Limits.messageMaxChars * 2);

export const UnsentStateSchema = z.object({
  version: z.literal(1),
  /** Whose it is: restored only into the same user's conversations. */
  userId: z.string().min(1).max(64).nullable(),
  /** Non-empty drafts by conversation id. */
  drafts: z.record(ConversationIdSchema, DraftSchema),
  /** Oldest first, across conversations; each clientMessageId once. */
  outbox: z
    .array(UnsentMessageSchema)
    .max(unsentOutboxMax)
    .refine(
      (outbox) => new Set(outbox.map((m) => m.clientMessageId)).size === outbox.length,
      'each clientMessageId once',
    ),
});
export type UnsentState = z.infer<typeof UnsentStateSchema>;

export const emptyUnsentState: UnsentState = { version: 1, userId: null, drafts: {}, outbox: [] };

/**
 * The stored text as unsent state. A stored value is input too: it is read entry by entry, so
 * one bad draft or message costs only itself; a duplicate clientMessageId is kept once (two
 * actors cannot share its systemId); anything unreadable counts as nothing saved.
 */
export function parseUnsentState(stored: string | null): UnsentState {
  if (stored === null) return emptyUnsentState;
  let value: unknown;
  try {
    value = JSON.parse(stored);
  } catch {
    return emptyUnsentState;
  }
  if (typeof value !== 'object' || value === null) return emptyUnsentState;
  const record = value as Record<string, unknown>;
  const userId = z.string().min(1).max(64).safeParse(record.userId);
  if (record.version !== 1 || !userId.success) return emptyUnsentState;
  const drafts: [string, string][] = [];
  if (typeof record.drafts === 'object' && record.drafts !== null) {
    for (const [id, draft] of Object.entries(record.drafts)) {
      if (ConversationIdSchema.safeParse(id).success && DraftSchema.safeParse(draft).success) {
        drafts.push([id, draft as string]);
      }
    }
  }
  const outbox = new Map<string, UnsentMessage>();
  for (const entry of Array.isArray(record.outbox) ? record.outbox : []) {
    // A reason longer than is saved now is cut, not a reason to lose the message.
    const failure = (entry as { failure?: unknown } | null)?.failure;
    const cut =
      typeof failure === 'string' && failure.length > unsentFailureMaxChars
        ? { ...entry, failure: failure.slice(0, unsentFailureMaxChars) }
        : entry;
    let parsed = UnsentMessageSchema.safeParse(cut);
    // A quote that does not read is not a reason to lose the message: it goes as a plain one.
    if (!parsed.success && typeof cut === 'object' && cut !== null && 'replyTo' in cut) {
      const { replyTo: _unreadable, ...plain } = cut as Record<string, unknown>;
      parsed = UnsentMessageSchema.safeParse(plain);
    }
    if (parsed.success && !outbox.has(parsed.data.clientMessageId)) {
      outbox.set(parsed.data.clientMessageId, parsed.data);
    }
    if (outbox.size === unsentOutboxMax) break;
  }
  return {
    version: 1,
    userId: userId.data,
    drafts: Object.fromEntries(drafts),
    outbox: [...outbox.values()],
  };
}
/** Largest stored text accepted (main refuses more over IPC): 1,000 messages of 4,000 chars. */
export const unsentStateMaxBytes = 16 * 1024 * 1024;
