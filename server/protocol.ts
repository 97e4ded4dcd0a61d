// The wire contract between the Parley server and its clients: event names, payload
// shapes, acknowledgements and the zod schemas the server validates every payload with.
// Shared by server and client, so it imports nothing but zod.
import { z } from 'zod';

// ---------------------------------------------------------------------------------------------
// Event names. The original system's names stay exactly as spelled on the wire (misspellings
// included); the constants give them readable names in code.
// ---------------------------------------------------------------------------------------------
export const Events = {
  createUser: 'creatingNewUser',
  userCreated: 'newUserCrated',
  requestConversationsAndUsers: 'requestConversationsAndUsers',
  receiveConversationsAndUsers: 'recieveConversationsAndUsers',
  sendMessage: 'sendMessage',
  channelUpdate: 'channelUpdate',
  isDrafting: 'isDrafting',
  requestVerificationCode: 'requestVerificationCode',
  verifyCode: 'verifyCode',
  verificationCodeDelivered: 'verificationCodeDelivered',
  requestMessages: 'requestMessages',
  signOut: 'signOut',
  /** Server -> members of a conversation a new user just joined (so they can show that user). */
  userJoined: 'userJoined',
  /** The signed-in user's sessions (devices), for a "signed-in devices" list. */
  listSessions: 'listSessions',
  /** Ends one of the user's sessions everywhere (another device, or this one). */
  revokeSession: 'revokeSession',
  /** People by name, or by phone number among those who let themselves be found by it. */
  searchPeople: 'searchPeople',
  /** Opens a direct conversation with one person, or creates a group. */
  createConversation: 'createConversation',
  /** A group's admin adds people to it. */
  addMembers: 'addMembers',
  /** A group's admin removes someone from it. */
  removeMember: 'removeMember',
  /** A member leaves a group. */
  leaveConversation: 'leaveConversation',
  /** Server -> every socket of a person now in a conversation they did not have. */
  conversationAdded: 'conversationAdded',
  /** Server -> every socket of a person no longer in a conversation (left or removed). */
  conversationRemoved: 'conversationRemoved',
  /** Server -> the remaining members of a conversation someone left or was removed from. */
  memberLeft: 'memberLeft',
  /** Changes the signed-in person's name, avatar colour or findability. */
  updateProfile: 'updateProfile',
  /** Sets (PNG, JPEG or WebP bytes) or removes (null) the signed-in person's picture. */
  setAvatarImage: 'setAvatarImage',
  /** Server -> everyone who shares a conversation with a person whose profile changed. */
  userUpdated: 'userUpdated',
  /** The signed-in person has read a conversation up to a message. */
  markRead: 'markRead',
  /** Server -> the person's other windows: how far they have read a conversation. */
  readPositionChanged: 'readPositionChanged',
  /** One of the signed-in person's devices has a conversation's messages up to one. */
  markDelivered: 'markDelivered',
  /** Server -> a conversation's members: how far every member has received and read it. */
  receiptsChanged: 'receiptsChanged',
  /** Who of a group's members has received and read one message (asked for when shown). */
  listReceipts: 'listReceipts',
  /** The signed-in person mutes or unmutes a conversation's notifications. */
  setMuted: 'setMuted',
  /** Server -> the person's other windows: a conversation was muted or unmuted. */
  mutedChanged: 'mutedChanged',
  /** The sender (and author) of a message changes its text (24 h, at most 10 times). */
  editMessage: 'editMessage',
  /** The sender (and author) of a message deletes it for everyone: it stays as a tombstone. */
  deleteMessage: 'deleteMessage',
  /** A member hides a message for themselves only ("delete for me"). */
  hideMessage: 'hideMessage',
  /** A member sets (or, with null, removes) their one reaction to a message. */
  reactToMessage: 'reactToMessage',
  /** The conversation's messages changed (edited, deleted, reacted to) after a revision. */
  listMessageChanges: 'listMessageChanges',
  /** Server -> members of a conversation: a message was edited, deleted or reacted to. */
  messageChanged: 'messageChanged',
  /** Server -> every socket of the person who hid a message (their other windows). */
  messageHidden: 'messageHidden',
  /** Full-text search of the messages in the signed-in person's conversations. */
  searchMessages: 'searchMessages',
} as const;

// ---------------------------------------------------------------------------------------------
// Limits and rules shared by both sides (the client validates early, the server decides).
// ---------------------------------------------------------------------------------------------
export const Limits = {
  codeLength: 6,
  codeValidityMs: 10 * 60_000,
  codeResendAfterMs: 30_000,
  codeMaxAttempts: 5,
  nameMinGraphemes: 3, // "more than 2 characters"
  nameMaxGraphemes: 64,
  messageMaxChars: 4000,
  pageMaxLimit: 100,
  pageDefaultLimit: 50,
  draftingExpiryMs: 6_000,
  /** Socket.IO maxHttpBufferSize: a 4000-character message in UTF-8 plus envelope fits easily. */
  maxPayloadBytes: 64 * 1024,
  /** A profile picture's bytes (the client scales it to 256 px first): inside maxPayloadBytes. */
  avatarImageMaxBytes: 48 * 1024,
  /**
   * A page of history (an ack or one conversation of the sync) holds at most this many bytes
   * of messages (UTF-8 JSON): 100 messages of 4000 four-byte characters would be 1.6 MB. A cut
   * page says `hasMore`, and the client asks for the rest.
   */
  pageMaxBytes: 128 * 1024,
  /** The longest error message an ack carries (and a log line echoes). */
  errorMessageMaxChars: 200,
  /** A people search's longest query (characters) and most results. */
  searchQueryMaxChars: 64,
  searchMaxResults: 20,
  /** A group title, in user-perceived characters. */
  groupTitleMaxGraphemes: 64,
  /** People one request may add to a group (when creating it or after). */
  membersPerRequestMax: 50,
  /** A people-made group's most members (the world's own group is not capped). */
  groupMaxMembers: 200,
  /**
   * Conversations with more people than this get no receipt watermarks (each position change
   * would read every member's position): their messages show sent, and who read one is asked
   * for with listReceipts.
   */
  receiptsMaxMembers: 32,
  /** A message may be edited or deleted for everyone this long after it was sent (Signal's). */
  messageEditWindowMs: 24 * 60 * 60_000,
  /** Edits a message may have (Signal's). */
  messageMaxEdits: 10,
  /** A reply's quote of the original: its first this many code points. */
  replySnippetMaxChars: 120,
  /** Different emoji one message may carry (each with any number of people). */
  reactionsMaxEmoji: 20,
  /** An emoji's longest form in UTF-16 code units (a ZWJ family or a subdivision flag fits). */
  emojiMaxLength: 32,
  /** A page of message changes (listMessageChanges): most messages. */
  changesPageMaxLimit: 100,
  /**
   * A message search's query: at most this many UTF-16 units, and at most this many distinct
   * words (after folding; words another word of the query starts do not count), so one search
   * costs at most a few index lookups.
   */
  messageSearchQueryMaxChars: 100,
  messageSearchMaxWords: 8,
  /** Hits per page of a message search. */
  messageSearchDefaultLimit: 50,
  messageSearchMaxLimit: 100,
} as const;

/** User-perceived characters (grapheme clusters), so "Zoë" and "李小龙" count as 3. */
export function graphemeLength(text: string): number {
  let count = 0;
  for (const _ of new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)) {
    count += 1;
  }
  return count;
}

/** Message length as the 4000-character limit counts it: Unicode code points. */
export function messageLength(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}

/**
 * `text` cut to the message limit the way the server counts it (code points), never between
 * the two halves of a surrogate pair: a UTF-16 cut could leave a lone surrogate, which the
 * server refuses.
 */
export function clipToMessageLimit(text: string): string {
  if (text.length <= Limits.messageMaxChars) return text;
  let clipped = '';
  let count = 0;
  for (const codePoint of text) {
    if (count === Limits.messageMaxChars) break;
    clipped += codePoint;
    count += 1;
  }
  return clipped;
}

/**
 * A reply's quote: the original's first `Limits.replySnippetMaxChars` code points (never
 * between the halves of a surrogate pair).
 */
export function replySnippet(text: string): string {
  let snippet = '';
  let count = 0;
  for (const codePoint of text) {
    if (count === Limits.replySnippetMaxChars) break;
    snippet += codePoint;
    count += 1;
  }
  return snippet;
}

/** One fully-qualified emoji of Unicode's recommended set (a property of strings: flag v). */
const rgiEmoji = new RegExp('^\\p{RGI_Emoji}$', 'v');

/**
 * Whether `emoji` is one emoji as people pick it: a single grapheme cluster (Intl.Segmenter),
 * at most `Limits.emojiMaxLength` UTF-16 units, that is one RGI emoji (skin tones, ZWJ
 * sequences, flags and keycaps included; letters, digits, text and hidden characters not).
 */
export function isReactionEmoji(emoji: string): boolean {
  if (emoji.length === 0 || emoji.length > Limits.emojiMaxLength) return false;
  return graphemeLength(emoji) === 1 && rgiEmoji.test(emoji);
}

export function isValidName(name: string): boolean {
  const length = graphemeLength(name.trim());
  return length >= Limits.nameMinGraphemes && length <= Limits.nameMaxGraphemes;
}

/**
 * Characters a name may not hold: controls (Cc), format characters (Cf: zero-width spaces and
 * joiners, the bidirectional overrides that turn "Vegeta" into what reads as another name),
 * default-ignorable characters (variation selectors, the combining grapheme joiner, Hangul
 * fillers: drawn as nothing) and blanks that are not spaces (the braille blank).
 */
export function hasHiddenCharacters(name: string): boolean {
  return /[\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}\u2800]/u.test(name);
}

/**
 * How names are compared for impersonation: width, case, accents and combining marks, and
 * spacing do not tell them apart ("ＶＥＧＥＴＡ  saiyan" and "Vegetà Saiyan" are Vegeta Saiyan).
 */
export function nameKey(firstName: string, lastName: string): string {
  return `${firstName} ${lastName}`
    .normalize('NFKD')
    .replace(/[\p{Mn}\p{Me}\p{Default_Ignorable_Code_Point}]/gu, '')
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

// ---------------------------------------------------------------------------------------------
// Domain shapes.
// ---------------------------------------------------------------------------------------------
export const E164Schema = z.string().regex(/^\+[1-9]\d{6,14}$/, 'phone must be in E.164 form');
export const VerificationCodeSchema = z.string().regex(/^\d{6}$/, 'code must be 6 digits');
const IdSchema = z.string().min(1).max(64);
/** Client-chosen id that makes a resend idempotent. */
export const ClientMessageIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'clientMessageId must be 1-64 letters, digits, - or _');

/** Never a remote URL: a local asset key the renderer bundles, or generated initials. */
export const AvatarSchema = z.object({
  initials: z.string().max(4),
  color: z.string().regex(/^#[0-9a-f]{6}$/i),
  asset: z
    .string()
    .regex(/^[a-z0-9-]+$/)
    .optional(),
  /**
   * An uploaded picture: a path on the chat server's own origin, `/avatars/<userId>/<sha-256>`
   * (the hash changes with the picture). Absent from an older server: initials or asset.
   */
  image: z
    .string()
    .regex(/^\/avatars\/[A-Za-z0-9_-]{1,64}\/[0-9a-f]{64}$/)
    .optional(),
});
export type Avatar = z.infer<typeof AvatarSchema>;

/** The avatar colours a person may pick (updateProfile), named for the views. */
export const avatarColours = [
  { color: '#c62828', name: 'Red' },
  { color: '#ad1457', name: 'Pink' },
  { color: '#6a1b9a', name: 'Purple' },
  { color: '#4527a0', name: 'Deep purple' },
  { color: '#283593', name: 'Indigo' },
  { color: '#1565c0', name: 'Blue' },
  { color: '#00695c', name: 'Teal' },
  { color: '#2e7d32', name: 'Green' },
  { color: '#ef6c00', name: 'Orange' },
  { color: '#4e342e', name: 'Brown' },
] as const;

export function isAvatarColour(color: string): boolean {
  const lower = color.toLowerCase();
  return avatarColours.some((choice) => choice.color === lower);
}

export const UserSchema = z.object({
  id: IdSchema,
  firstName: z.string(),
  lastName: z.string(),
  avatar: AvatarSchema,
});
export type User = z.infer<typeof UserSchema>;

/** The current user's own record carries the phone and their settings too. */
export const SelfUserSchema = UserSchema.extend({
  phone: E164Schema,
  /** Whether others may find them by phone number (absent from an older server: no). */
  findableByPhone: z.boolean().optional(),
});
export type SelfUser = z.infer<typeof SelfUserSchema>;

/**
 * What a reply shows of the message it answers, as that message is now: an edit of the original
 * shows in its replies, and a deletion empties the snippet.
 */
export const ReplyToSchema = z.object({
  messageId: IdSchema,
  seq: z.number().int().nonnegative(),
  authorId: IdSchema,
  /** The original's current text, cut to Limits.replySnippetMaxChars code points; '' if deleted or hidden. */
  snippet: z.string(),
  /** The original was deleted for everyone. */
  deleted: z.boolean(),
  /** The receiver hid the original: the snippet is '' for them (absent otherwise). */
  hidden: z.literal(true).optional(),
});
export type ReplyTo = z.infer<typeof ReplyToSchema>;

/** The people who reacted with one emoji, first reaction first. */
export const ReactionSchema = z.object({
  emoji: z.string().min(1).max(Limits.emojiMaxLength),
  userIds: z.array(IdSchema).min(1),
});
export type Reaction = z.infer<typeof ReactionSchema>;

export const MessageSchema = z.object({
  id: IdSchema,
  conversationId: IdSchema,
  authorId: IdSchema,
  text: z.string(),
  /** epoch ms, assigned by the server */
  sentAt: z.number().int(),
  /** Position in the conversation, 0-based and gap-free: orders history and drives catch-up. */
  seq: z.number().int().nonnegative(),
  clientMessageId: z.string().nullable(),
  // Every field below is optional: absent means no reply, never edited, not deleted, no
  // reactions, not hidden, never changed (and an older server sends none of them).
  /** The message this one answers (same conversation). */
  replyTo: ReplyToSchema.optional(),
  /** epoch ms of the latest edit. */
  editedAt: z.number().int().optional(),
  /** How many times it was edited (at most Limits.messageMaxEdits). */
  editCount: z.number().int().positive().optional(),
  /** epoch ms it was deleted for everyone: `text` is '', no reply, no reactions. */
  deletedAt: z.number().int().optional(),
  /** Who reacted with what, one emoji per person, in the order each emoji was first used. */
  reactions: z.array(ReactionSchema).max(Limits.reactionsMaxEmoji).optional(),
  /**
   * The receiver hid it for themselves (hideMessage): only its place is sent (`text` '', no
   * reply, no reactions); clients leave it out.
   */
  hidden: z.literal(true).optional(),
  /**
   * The conversation's change revision at this message's latest change (edit, delete, reaction,
   * or the receiver hiding it): see listMessageChanges. Absent: never changed.
   */
  revision: z.number().int().positive().optional(),
});
export type Message = z.infer<typeof MessageSchema>;

export const ConversationKindSchema = z.enum(['direct', 'group']);
export type ConversationKind = z.infer<typeof ConversationKindSchema>;

/**
 * What `channelUpdate` carries: neither the history nor the member list, so its size depends on
 * neither (a member list rode on every message to every member: ~40 KB at 1,000 members).
 * Membership comes from the sync (`Conversation.memberIds`) and from `userJoined`.
 */
export const ConversationSummarySchema = z.object({
  id: IdSchema,
  kind: ConversationKindSchema,
  title: z.string(),
  lastMessage: MessageSchema.nullable(),
  /** Members currently drafting, as user ids. */
  drafting: z.array(IdSchema),
});
export type ConversationSummary = z.infer<typeof ConversationSummarySchema>;

/**
 * Receipt watermarks: every member's devices have the messages up to `deliveredSeq`, and every
 * member has read those up to `readSeq` (-1: none). Only ever move forwards.
 */
export const ReceiptsSchema = z.object({
  deliveredSeq: z.number().int().min(-1),
  readSeq: z.number().int().min(-1),
});
export type Receipts = z.infer<typeof ReceiptsSchema>;

export const AuthorTurnsSchema = z.array(IdSchema).max(16);

/** A conversation as the sync delivers it: the summary, its members and the latest page. */
export const ConversationSchema = ConversationSummarySchema.extend({
  /** In join order; kept up to date afterwards by `userJoined` and `memberLeft`. */
  memberIds: z.array(IdSchema),
  /**
   * Who may add and remove members: a group's creator while a member, then the member who
   * joined earliest. Null (or absent, from an older server) for direct conversations and the
   * world's own group.
   */
  adminId: IdSchema.nullable().optional(),
  /**
   * The receiver's read position: the seq of the last message they have read (-1: none; absent
   * from an older server: -1). Unread are the messages after it.
   */
  readSeq: z.number().int().min(-1).optional(),
  /**
   * How far every member (people; the imaginary characters read at once) has received and read
   * it: null where the conversation is too big to keep them (Limits.receiptsMaxMembers); absent
   * from an older server.
   */
  receipts: ReceiptsSchema.nullable().optional(),
  /**
   * Who will author each of the receiver's next sends here, in order (the bot alternation), so
   * a message on its way shows on the side where it will stay. Absent: always the sender.
   */
  authorTurns: AuthorTurnsSchema.optional(),
  /** Whether the receiver muted its notifications (absent from an older server: not muted). */
  muted: z.boolean().optional(),
  /**
   * The conversation's change revision when the sync read it (0: nothing ever changed; absent
   * from an older server): listMessageChanges with `since` set to it catches up on edits,
   * deletions and reactions without reloading the history.
   */
  revision: z.number().int().nonnegative().optional(),
  /** The latest page, oldest first. */
  messages: z.array(MessageSchema),
  /** Whether older messages exist before `messages[0]`. */
  hasMore: z.boolean(),
});
export type Conversation = z.infer<typeof ConversationSchema>;

// ---------------------------------------------------------------------------------------------
// Acknowledgements.
// ---------------------------------------------------------------------------------------------
export const ErrorCodes = [
  'invalid_payload',
  'unauthenticated',
  'already_authenticated',
  'invalid_token',
  'forbidden',
  'not_found',
  'rate_limited',
  'resend_too_soon',
  'code_not_requested',
  'code_incorrect',
  'code_expired',
  'code_dead',
  'verification_invalid',
  'code_delivery_failed',
  'name_not_allowed',
  'text_empty',
  'text_too_long',
  'title_not_allowed',
  'avatar_not_allowed',
  'group_full',
  /** editMessage, deleteMessage: past Limits.messageEditWindowMs after the message was sent. */
  'edit_window_closed',
  /** editMessage: the message was already edited Limits.messageMaxEdits times. */
  'edit_limit_reached',
  /** Editing, reacting to or replying to a message deleted for everyone. */
  'message_deleted',
  /** reactToMessage: not a single emoji. */
  'emoji_not_allowed',
  /** reactToMessage: the message already carries Limits.reactionsMaxEmoji different emoji. */
  'reactions_full',
  'internal',
] as const;
export type ErrorCode = (typeof ErrorCodes)[number];

export interface ProtocolError {
  code: ErrorCode;
  message: string;
  /** When the same request may succeed again (rate limits, resend countdown). */
  retryAfterMs?: number;
  /** Wrong code: how many attempts the code has left. */
  triesLeft?: number;
}

export type AckOk<T extends object = object> = { ok: true } & T;
export type AckError = { ok: false; error: ProtocolError };
export type Ack<T extends object = object> = AckOk<T> | AckError;
export type AckCallback<T extends object = object> = (response: Ack<T>) => void;

// ---------------------------------------------------------------------------------------------
// Client -> server payloads (validated at the server boundary).
// ---------------------------------------------------------------------------------------------
export const RequestVerificationCodeSchema = z.strictObject({ phone: E164Schema });
export type RequestVerificationCode = z.infer<typeof RequestVerificationCodeSchema>;

export const VerifyCodeSchema = z.strictObject({ phone: E164Schema, code: VerificationCodeSchema });
export type VerifyCode = z.infer<typeof VerifyCodeSchema>;

const NameSchema = z
  .string()
  .max(256)
  .transform((name) => name.trim())
  .refine(isValidName, 'names must be more than 2 characters (and at most 64)');

export const CreateUserSchema = z.strictObject({
  phone: E164Schema,
  firstName: NameSchema,
  lastName: NameSchema,
  verificationToken: z.string().min(1).max(128),
});
export type CreateUser = z.input<typeof CreateUserSchema>;

export const RequestConversationsAndUsersSchema = z.strictObject({}).optional();

export const SendMessageSchema = z.strictObject({
  conversationId: IdSchema,
  text: z.string().max(Limits.messageMaxChars * 4),
  clientMessageId: ClientMessageIdSchema,
  /** The message (of this conversation) this one replies to. */
  replyToId: IdSchema.optional(),
});
export type SendMessage = z.infer<typeof SendMessageSchema>;

/** The new text follows sendMessage's rules (trimmed, 1-4000 code points, well-formed). */
export const EditMessageSchema = z.strictObject({
  conversationId: IdSchema,
  messageId: IdSchema,
  text: z.string().max(Limits.messageMaxChars * 4),
});
export type EditMessage = z.infer<typeof EditMessageSchema>;

export const DeleteMessageSchema = z.strictObject({
  conversationId: IdSchema,
  messageId: IdSchema,
});
export type DeleteMessage = z.infer<typeof DeleteMessageSchema>;

export const HideMessageSchema = DeleteMessageSchema;
export type HideMessage = DeleteMessage;

/** `emoji`: one emoji (isReactionEmoji) replacing the person's reaction, or null to remove it. */
export const ReactToMessageSchema = z.strictObject({
  conversationId: IdSchema,
  messageId: IdSchema,
  emoji: z
    .string()
    .max(Limits.emojiMaxLength * 4)
    .nullable(),
});
export type ReactToMessage = z.infer<typeof ReactToMessageSchema>;

/** The messages whose revision is above `since`, in revision order. */
export const ListMessageChangesSchema = z.strictObject({
  conversationId: IdSchema,
  since: z.number().int().nonnegative(),
  limit: z.number().int().min(1).max(Limits.changesPageMaxLimit).optional(),
});
export type ListMessageChanges = z.infer<typeof ListMessageChangesSchema>;

export const IsDraftingSchema = z.strictObject({
  conversationId: IdSchema,
  isDrafting: z.boolean(),
});
export type IsDrafting = z.infer<typeof IsDraftingSchema>;

export const RequestMessagesSchema = z.strictObject({
  conversationId: IdSchema,
  /** Page backwards: messages with seq < before. */
  before: z.number().int().nonnegative().optional(),
  /** Catch up forwards: messages with seq > after (after a reconnect). */
  after: z.number().int().min(-1).optional(),
  limit: z.number().int().min(1).max(Limits.pageMaxLimit).optional(),
});
export type RequestMessages = z.infer<typeof RequestMessagesSchema>;

export const SignOutSchema = z.strictObject({}).optional();

export const ListSessionsSchema = z.strictObject({}).optional();

export const RevokeSessionSchema = z.strictObject({ sessionId: z.string().min(1).max(64) });
export type RevokeSession = z.infer<typeof RevokeSessionSchema>;

/** At least one field; names follow the onboarding rules, the colour is one of the palette's. */
export const UpdateProfileSchema = z
  .strictObject({
    firstName: NameSchema.optional(),
    lastName: NameSchema.optional(),
    avatarColor: z
      .string()
      .regex(/^#[0-9a-f]{6}$/i)
      .optional(),
    findableByPhone: z.boolean().optional(),
  })
  .refine(
    (patch) => Object.values(patch).some((value) => value !== undefined),
    'nothing to change',
  );
export type UpdateProfile = z.input<typeof UpdateProfileSchema>;

/** The picture's bytes (a binary attachment: a Buffer on the server), or null to remove it. */
export const SetAvatarImageSchema = z.strictObject({
  image: z
    .instanceof(Uint8Array)
    .refine((bytes) => bytes.byteLength <= Limits.avatarImageMaxBytes, {
      message: `the picture must be at most ${Limits.avatarImageMaxBytes / 1024} KB`,
    })
    .nullable(),
});
export type SetAvatarImage = z.input<typeof SetAvatarImageSchema>;

/**
 * By name (`query`: every word starts a word of the name, case and accents aside), or by phone
 * (E.164, as the client formats it): a phone finds only someone who turned on being found by
 * phone, and the answer is the same, an empty list, whether the number is unknown or hidden.
 */
export const SearchPeopleSchema = z.union([
  z.strictObject({ query: z.string().min(1).max(Limits.searchQueryMaxChars) }),
  z.strictObject({ phone: E164Schema }),
]);
export type SearchPeople = z.infer<typeof SearchPeopleSchema>;

/** A group title: trimmed, 1-64 user-perceived characters, no hidden characters. */
export const GroupTitleSchema = z
  .string()
  .max(256)
  .transform((title) => title.trim())
  .refine((title) => {
    const length = graphemeLength(title);
    return length >= 1 && length <= Limits.groupTitleMaxGraphemes;
  }, `a group title has 1 to ${Limits.groupTitleMaxGraphemes} characters`);

const MemberIdsSchema = z.array(IdSchema).min(1).max(Limits.membersPerRequestMax);

export const CreateConversationSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('direct'), userId: IdSchema }),
  z.strictObject({ kind: z.literal('group'), title: GroupTitleSchema, memberIds: MemberIdsSchema }),
]);
export type CreateConversation = z.input<typeof CreateConversationSchema>;

export const AddMembersSchema = z.strictObject({
  conversationId: IdSchema,
  userIds: MemberIdsSchema,
});
export type AddMembers = z.infer<typeof AddMembersSchema>;

export const RemoveMemberSchema = z.strictObject({ conversationId: IdSchema, userId: IdSchema });
export type RemoveMember = z.infer<typeof RemoveMemberSchema>;

export const LeaveConversationSchema = z.strictObject({ conversationId: IdSchema });

/** `seq`: the last message read (the server keeps the highest it is told, up to the last one). */
export const MarkReadSchema = z.strictObject({
  conversationId: IdSchema,
  seq: z.number().int().nonnegative(),
});
export type MarkRead = z.infer<typeof MarkReadSchema>;

/** `seq`: the last message one of the person's devices has (kept like markRead's). */
export const MarkDeliveredSchema = MarkReadSchema;
export type MarkDelivered = MarkRead;

/** The message (by seq) whose receivers the author wants to see. */
export const ListReceiptsSchema = z.strictObject({
  conversationId: IdSchema,
  seq: z.number().int().nonnegative(),
});
export type ListReceipts = z.infer<typeof ListReceiptsSchema>;
/** Mutes (true) or unmutes (false) the signed-in person's notifications for one conversation. */
export const SetMutedSchema = z.strictObject({ conversationId: IdSchema, muted: z.boolean() });
export type SetMuted = z.infer<typeof SetMutedSchema>;

/**
 * Every word of `query` must start a word of a message (case, width and accents aside). A blank
 * query is refused; one with no letter or digit finds nothing. `before`: the `cursor` of the
 * previous page's answer, for the next (older) page.
 */
export const SearchMessagesSchema = z.strictObject({
  query: z
    .string()
    .max(Limits.messageSearchQueryMaxChars)
    .refine((query) => query.trim() !== '', 'the query is blank'),
  before: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).optional(),
});
export type SearchMessages = z.infer<typeof SearchMessagesSchema>;
export type LeaveConversation = z.infer<typeof LeaveConversationSchema>;

// ---------------------------------------------------------------------------------------------
// Server -> client payloads and ack values. One schema per shape, its type inferred from it: the
// server builds these values, the client parses them (types do not validate, and a newer or
// broken server could send anything). Plain (not strict) objects: a field a newer server adds is
// dropped by the client, not refused.
// ---------------------------------------------------------------------------------------------
export const VerificationCodeDeliveredSchema = z.object({
  phone: z.string(),
  code: z.string().regex(/^\d+$/),
});
export type VerificationCodeDelivered = z.infer<typeof VerificationCodeDeliveredSchema>;

export const UserCreatedSchema = z.object({ id: IdSchema });
export type UserCreated = z.infer<typeof UserCreatedSchema>;

export const ConversationsAndUsersSchema = z.object({
  currentUserId: IdSchema,
  /** All users the current user can see, the current user included. */
  users: z.array(UserSchema),
  conversations: z.array(ConversationSchema),
});
export type ConversationsAndUsers = z.infer<typeof ConversationsAndUsersSchema>;

export const UserJoinedSchema = z.object({
  user: UserSchema,
  /** Conversations (of the receiver) the user is now a member of. */
  conversationIds: z.array(IdSchema),
});
export type UserJoined = z.infer<typeof UserJoinedSchema>;

export const ConversationAddedSchema = z.object({
  conversation: ConversationSchema,
  /** Its members (the receiver included), so the receiver can show them at once. */
  users: z.array(UserSchema),
});
export type ConversationAdded = z.infer<typeof ConversationAddedSchema>;

export const ReadPositionSchema = z.object({
  conversationId: IdSchema,
  readSeq: z.number().int().min(-1),
});
export type ReadPosition = z.infer<typeof ReadPositionSchema>;

export const ReceiptsChangedSchema = ReceiptsSchema.extend({ conversationId: IdSchema });
export type ReceiptsChanged = z.infer<typeof ReceiptsChangedSchema>;

/** Of the other people in the conversation: who has read the message, and who has only got it. */
export const ReceiptListSchema = z.object({
  readBy: z.array(IdSchema),
  deliveredTo: z.array(IdSchema),
});
export type ReceiptList = z.infer<typeof ReceiptListSchema>;
export const DeliveredPositionSchema = z.object({
  conversationId: IdSchema,
  deliveredSeq: z.number().int().min(-1),
});
export type DeliveredPosition = z.infer<typeof DeliveredPositionSchema>;
/** setMuted's ack and the mutedChanged push: whether the person muted the conversation. */
export const MutedStateSchema = z.object({ conversationId: IdSchema, muted: z.boolean() });
export type MutedState = z.infer<typeof MutedStateSchema>;

/** editMessage's, deleteMessage's, hideMessage's and reactToMessage's ack; the pushes. */
export const MessageChangedSchema = z.object({ message: MessageSchema });
export type MessageChanged = z.infer<typeof MessageChangedSchema>;

export const MessageHiddenSchema = z.object({
  conversationId: IdSchema,
  messageId: IdSchema,
  /** The hide's revision (see listMessageChanges). */
  revision: z.number().int().positive(),
});
export type MessageHidden = z.infer<typeof MessageHiddenSchema>;

/**
 * listMessageChanges' answer: changed messages in revision order (each once, as it is now).
 * `hasMore`: ask again with `since` = the last message's revision; otherwise the client is
 * caught up to `revision`.
 */
export const MessageChangesSchema = z.object({
  messages: z.array(MessageSchema),
  hasMore: z.boolean(),
  revision: z.number().int().nonnegative(),
});
export type MessageChanges = z.infer<typeof MessageChangesSchema>;

export const UserUpdatedSchema = z.object({ user: UserSchema });
export type UserUpdated = z.infer<typeof UserUpdatedSchema>;

export const ProfileUpdatedSchema = z.object({ user: SelfUserSchema });
export type ProfileUpdated = z.infer<typeof ProfileUpdatedSchema>;

export const ConversationRemovedSchema = z.object({
  conversationId: IdSchema,
  reason: z.enum(['left', 'removed']),
  /** Its title, so the person can be told which group it was. */
  title: z.string(),
});
export type ConversationRemoved = z.infer<typeof ConversationRemovedSchema>;

export const MemberLeftSchema = z.object({
  conversationId: IdSchema,
  userId: IdSchema,
  /** The admin after the change (the admin leaving hands it on). */
  adminId: IdSchema.nullable(),
});
export type MemberLeft = z.infer<typeof MemberLeftSchema>;

export const ChannelUpdateSchema = z.object({
  conversation: ConversationSummarySchema,
  /** The message that caused the update, or null for drafting-only updates. */
  message: MessageSchema.nullable(),
  /**
   * The conversation's watermarks, when the send that caused the update moved them (the
   * sender's read position moves to their message): instead of a receiptsChanged after it.
   */
  receipts: ReceiptsSchema.optional(),
});
export type ChannelUpdate = z.infer<typeof ChannelUpdateSchema>;

// Ack values (what follows `ok: true`).
/** An ack that carries nothing but `ok: true`. */
export const NoValueSchema = z.object({});

export const CodeRequestedSchema = z.object({
  /** The resend countdown: a new code may be requested after this many ms. */
  resendAfterMs: z.number().nonnegative(),
  expiresInMs: z.number().nonnegative(),
});
export type CodeRequested = z.infer<typeof CodeRequestedSchema>;

export const CodeVerifiedSchema = z.discriminatedUnion('registered', [
  z.object({ registered: z.literal(false), verificationToken: z.string().min(1) }),
  z.object({
    registered: z.literal(true),
    verificationToken: z.string().min(1),
    user: SelfUserSchema,
    sessionToken: z.string().min(1),
  }),
]);
export type CodeVerified = z.infer<typeof CodeVerifiedSchema>;

export const UserSignedInSchema = z.object({
  user: SelfUserSchema,
  sessionToken: z.string().min(1),
});
export type UserSignedIn = z.infer<typeof UserSignedInSchema>;

export const MessageSentSchema = z.object({
  message: MessageSchema,
  /** The sender's next turns after this send (see Conversation.authorTurns). */
  authorTurns: AuthorTurnsSchema.optional(),
});
export type MessageSent = z.infer<typeof MessageSentSchema>;

export const SessionInfoSchema = z.object({
  /** Public id for revokeSession (not the token, nor its hash). */
  id: z.string(),
  createdAt: z.number(),
  lastSeenAt: z.number(),
  /** What signed in (its User-Agent). */
  client: z.string(),
  /** The session this socket is signed in with. */
  current: z.boolean(),
});
export type SessionInfo = z.infer<typeof SessionInfoSchema>;

export const SessionListSchema = z.object({ sessions: z.array(SessionInfoSchema) });
export type SessionList = z.infer<typeof SessionListSchema>;

export const PeopleFoundSchema = z.object({ people: z.array(UserSchema) });
export type PeopleFound = z.infer<typeof PeopleFoundSchema>;

/** createConversation's answer: the conversation (new, or the pair's existing DM). */
export const ConversationCreatedSchema = ConversationAddedSchema.extend({ created: z.boolean() });
export type ConversationCreated = z.infer<typeof ConversationCreatedSchema>;

export const MessagesPageSchema = z.object({
  messages: z.array(MessageSchema),
  hasMore: z.boolean(),
});
export type MessagesPage = z.infer<typeof MessagesPageSchema>;

/** A range of a message's text to highlight: UTF-16 offsets, [start, end). */
export const HighlightSchema = z.tuple([z.number().int().nonnegative(), z.number().int()]);

/** searchMessages' answer: a page of hits, newest first, grouped by conversation. */
export const MessagesFoundSchema = z.object({
  /** Conversations in the order of their newest hit; each one's hits newest first. */
  results: z.array(
    z.object({
      conversationId: IdSchema,
      messages: z.array(z.object({ message: MessageSchema, highlights: z.array(HighlightSchema) })),
    }),
  ),
  /** Whether older hits exist: ask again with `before: cursor`. */
  hasMore: z.boolean(),
  /** Where the next page starts (opaque; null when there is none). */
  cursor: z.number().int().nonnegative().nullable(),
});
export type MessagesFound = z.infer<typeof MessagesFoundSchema>;

// ---------------------------------------------------------------------------------------------
// Socket.IO's typed-event interfaces.
// ---------------------------------------------------------------------------------------------
export interface ClientToServerEvents {
  requestVerificationCode: (
    payload: RequestVerificationCode,
    ack: AckCallback<CodeRequested>,
  ) => void;
  verifyCode: (payload: VerifyCode, ack: AckCallback<CodeVerified>) => void;
  creatingNewUser: (payload: CreateUser, ack: AckCallback<UserSignedIn>) => void;
  requestConversationsAndUsers: (payload: object | undefined, ack: AckCallback) => void;
  sendMessage: (payload: SendMessage, ack: AckCallback<MessageSent>) => void;
  isDrafting: (payload: IsDrafting, ack: AckCallback) => void;
  requestMessages: (payload: RequestMessages, ack: AckCallback<MessagesPage>) => void;
  signOut: (payload: object | undefined, ack: AckCallback) => void;
  listSessions: (payload: object | undefined, ack: AckCallback<SessionList>) => void;
  revokeSession: (payload: RevokeSession, ack: AckCallback) => void;
  searchPeople: (payload: SearchPeople, ack: AckCallback<PeopleFound>) => void;
  createConversation: (payload: CreateConversation, ack: AckCallback<ConversationCreated>) => void;
  addMembers: (payload: AddMembers, ack: AckCallback) => void;
  removeMember: (payload: RemoveMember, ack: AckCallback) => void;
  leaveConversation: (payload: LeaveConversation, ack: AckCallback) => void;
  updateProfile: (payload: UpdateProfile, ack: AckCallback<ProfileUpdated>) => void;
  setAvatarImage: (payload: SetAvatarImage, ack: AckCallback<ProfileUpdated>) => void;
  markRead: (payload: MarkRead, ack: AckCallback<ReadPosition>) => void;
  markDelivered: (payload: MarkDelivered, ack: AckCallback<DeliveredPosition>) => void;
  listReceipts: (payload: ListReceipts, ack: AckCallback<ReceiptList>) => void;
  setMuted: (payload: SetMuted, ack: AckCallback<MutedState>) => void;
  editMessage: (payload: EditMessage, ack: AckCallback<MessageChanged>) => void;
  deleteMessage: (payload: DeleteMessage, ack: AckCallback<MessageChanged>) => void;
  hideMessage: (payload: HideMessage, ack: AckCallback<MessageChanged>) => void;
  reactToMessage: (payload: ReactToMessage, ack: AckCallback<MessageChanged>) => void;
  listMessageChanges: (payload: ListMessageChanges, ack: AckCallback<MessageChanges>) => void;
  searchMessages: (payload: SearchMessages, ack: AckCallback<MessagesFound>) => void;
}

export interface ServerToClientEvents {
  verificationCodeDelivered: (payload: VerificationCodeDelivered) => void;
  newUserCrated: (payload: UserCreated) => void;
  recieveConversationsAndUsers: (payload: ConversationsAndUsers) => void;
  channelUpdate: (payload: ChannelUpdate) => void;
  userJoined: (payload: UserJoined) => void;
  conversationAdded: (payload: ConversationAdded) => void;
  conversationRemoved: (payload: ConversationRemoved) => void;
  memberLeft: (payload: MemberLeft) => void;
  userUpdated: (payload: UserUpdated) => void;
  readPositionChanged: (payload: ReadPosition) => void;
  receiptsChanged: (payload: ReceiptsChanged) => void;
  mutedChanged: (payload: MutedState) => void;
  messageChanged: (payload: MessageChanged) => void;
  messageHidden: (payload: MessageHidden) => void;
}

export type InterServerEvents = Record<string, never>;

export interface SocketData {
  /** Set once the socket is authenticated (handshake token or a just-created user). */
  userId?: string;
  /** sha-256 of the session token the socket authenticated with, so signOut can revoke it. */
  sessionTokenHash?: string;
  /** The client's address, for per-address limits (the proxy's hop when trusted). */
  address?: string;
}

/** Handshake `auth` a client sends: a session token once it has one. */
export interface HandshakeAuth {
  token?: string;
}
