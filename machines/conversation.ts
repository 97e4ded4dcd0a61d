// One conversation, as an actor the messenger spawns per conversation (systemId
// "conversation.<id>"). It owns what the user sees and does in it, each behaviour a region:
// - link: whether the connection is live for it (offline until a sync, offline again when the
//   session loses the connection);
// - composer: the draft and the drafting signal: `isDrafting: true` on the first keystroke, again
//   every 3 s while typing, `false` after 3 s without a keystroke, on send and on clearing;
// - outbox: not a region but child actors: each unsent message is an `outgoingMessage`, given
//   the turn one at a time, oldest first, while the link is live;
// - history: older pages on request: idle -> loading -> idle | failed -> retry;
// - catchUp: after a reconnect or a missed push, the messages between the last one before a hole
//   and the rest, page by page;
// - jump: going to one message (a reply's original, a search hit): arrived at once when it is
//   loaded, else seeking it, older pages loaded until it is, failed (with a retry) when a page
//   fails or the connection goes; the log scrolls to it and says when it has shown it
//   ("jump to a message" in tests/unit/machines/conversation.test.ts; the views in
//   tests/unit/renderer/messenger/MessengerScreen.test.tsx and tests/e2e/messenger.test.ts);
// - changes: after a reconnect, the edits, deletions and reactions made while it was offline
//   (listMessageChanges, page by page from the change revision last caught up to; "changes
//   missed while offline" in the same unit tests, and tests/e2e/messenger.test.ts);
// - visibility: closed, or open and reading (the window focused) or away; the read position
//   the server keeps, the unread messages after it, and where "New messages" begins. Messages
//   that arrive while it is not being read are marked delivered (reading marks them read);
// - notifications: audible or muted (kept by the server per person); while audible, a new
//   message from someone else that the person is not reading is announced to the messenger,
//   which shows it as a notification.
// Receipts (how far every member has received and read it) are the server's watermarks, data
// that only moves forwards.
// The messages themselves are data (context), merged by seq from the sync, pushes, acks and pages.
import { and, assign, enqueueActions, not, raise, setup, stateIn, type ActorRefFrom } from 'xstate';
import type {
  ChannelUpdate,
  Conversation,
  Message,
  ProtocolError,
  Receipts,
  ReplyTo,
} from '../server/protocol.ts';
import { clipToMessageLimit, Limits, messageLength, replySnippet } from '../server/protocol.ts';
import { outgoingMessageMachine, type OutgoingMessageReport } from './outgoingMessage.ts';
import { outgoingSystemId, systemIds, type SocketCommand } from './system.ts';
import type { UnsentMessage } from './unsent.ts';
import type { MessengerEvent } from './messenger.ts';

/**
 * The later of two copies of one message: an older answer (an ack overtaken by a later push)
 * does not undo a later change.
 */
const later = (held: Message, incoming: Message): Message =>
  (held.revision ?? 0) > (incoming.revision ?? 0) ? held : incoming;

/** Drafting: true on the first keystroke, again every 3 s of typing, false after 3 s idle. */
export const draftingTiming = { refreshMs: 3_000, idleMs: 3_000 } as const;

export type OutgoingMessageRef = ActorRefFrom<typeof outgoingMessageMachine>;

export interface ConversationInput {
  conversation: Conversation;
  currentUserId: string;
  /** Unique per app run and conversation: client message ids are `<prefix>-<n>`. */
  clientIdPrefix: string;
  /** Clock for when a message was written (defaults to Date.now). */
  now?: () => number;
  /** What a restart left unsent here. */
  restored?: { draft: string; outbox: readonly UnsentMessage[] };
  /** An unguessable id per message (see MessengerInput.randomId); else `<prefix>-<n>`. */
  randomId?: () => string;
}

export interface ConversationContext {
  id: string;
  kind: Conversation['kind'];
  title: string;
  memberIds: string[];
  /** Who may add and remove members (null: nobody; DMs and the world's group). */
  adminId: string | null;
  lastMessage: Conversation['lastMessage'];
  /** Who is typing, by user id (the server's list; may include the user's own other windows). */
  drafting: string[];
  /** Oldest first, by seq. */
  messages: Message[];
  /** Older messages exist before `messages[0]`. */
  hasMore: boolean;
  currentUserId: string;
  draft: string;
  /** The unsent messages, oldest first: the one outbox. */
  outbox: OutgoingMessageRef[];
  clientIdPrefix: string;
  nextClientId: number;
  randomId: (() => string) | null;
  now: () => number;
  /** Messages after the read position: `unreadOf(lastMessage, readSeq)`, kept with both. */
  unread: number;
  /** The seq of the last message the user has read, as the server keeps it (-1: none). */
  readSeq: number;
  /**
   * Where the "New messages" line goes in the open conversation: the first message that was
   * unread when it was opened (null: nothing was, or it is closed).
   */
  unreadFromSeq: number | null;
  /**
   * How far every member has received and read it (the server's watermarks): the user's
   * messages at or below them are delivered or read. Null: not kept (too many people, or an
   * older server), so messages show sent.
   */
  receipts: Receipts | null;
  /**
   * Who authors the user's next sends here, in order (the server's bot alternation; empty: the
   * user always), and the author each unsent message was given when it was written: it shows
   * on that side while on its way, where it will stay.
   */
  authorTurns: string[];
  pendingAuthors: Record<string, string>;
  historyError: string | null;
  /** The message the log goes to (jump region): its seq, as a reply or a search hit names it. */
  jumpSeq: number | null;
  /**
   * The change revision caught up to (the sync's, then each listMessageChanges answer's; null:
   * none known, an older server). Pushes do not move it: one can overtake another.
   */
  revision: number | null;
}

export type ConversationEvent =
  // From the messenger.
  | { type: 'conversation.synced'; conversation: Conversation; currentUserId: string }
  | { type: 'connection.lost' }
  | { type: 'channel.updated'; update: ChannelUpdate }
  | { type: 'member.joined'; userId: string }
  | { type: 'member.left'; userId: string; adminId: string | null }
  /** `focused: false`: opened in a window without the focus (a notification's click). */
  | { type: 'conversation.opened'; focused?: boolean }
  | { type: 'conversation.closed' }
  /** Whether the window is focused: only then does an open conversation count as read. */
  | { type: 'window.focused' }
  | { type: 'window.blurred' }
  /** The user read it further in another window. */
  | { type: 'read.moved'; readSeq: number }
  /** The members have received or read it further. */
  | { type: 'receipts.moved'; receipts: Receipts }
  /** The user muted or unmuted it in another window. */
  | { type: 'mute.changed'; muted: boolean }
  /** One of its messages was edited, deleted for everyone or reacted to, as it is now. */
  | { type: 'message.changed'; message: Message }
  /** The user deleted one of its messages for themselves in another window. */
  | { type: 'message.hidden'; messageId: string }
  // From the views.
  /** The composer's whole new text. */
  | { type: 'draft.changed'; text: string }
  /** The draft sent; `replyTo`: as an answer to that message (from the messageActions machine). */
  | { type: 'message.submitted'; replyTo?: ReplyTo }
  /** Load the page before the oldest loaded message (again after a failure). */
  | { type: 'history.requested' }
  /** The header's Mute / Unmute button. */
  | { type: 'mute.toggled' }
  /** Go to this message (a reply's quote, or the search dialog right after opening it). */
  | { type: 'message.jumpRequested'; seq: number }
  /** The log scrolled to the message it was taken to (a later render must not scroll again). */
  | { type: 'message.jumpShown' }
  /** Try again to reach the message after a failure. */
  | { type: 'message.jumpRetried' }
  // From the socket: answers to this conversation's requests.
  | { type: 'history.loaded'; messages: Message[]; hasMore: boolean }
  | { type: 'history.failed'; error: ProtocolError }
  | { type: 'catchUp.loaded'; after: number; messages: Message[]; hasMore: boolean }
  | { type: 'catchUp.failed'; error: ProtocolError }
  | { type: 'changes.loaded'; messages: Message[]; hasMore: boolean; revision: number }
  | { type: 'changes.failed'; error: ProtocolError }
  // From its outgoing messages.
  | OutgoingMessageReport
  // To itself.
  | { type: 'outbox.advance' };

/** Merges by seq (a conversation's seq is unique and gap-free): a message heard twice shows once. */
export function insertMessages(
  existing: readonly Message[],
  incoming: readonly Message[],
): Message[] {
  if (incoming.length === 0) return existing as Message[];
  const bySeq = new Map(existing.map((message) => [message.seq, message]));
  for (const message of incoming) bySeq.set(message.seq, message);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

/**
 * The seq of the last message before the first hole in `messages` (sorted by seq), or null when
 * they run without a hole. Older pages not loaded yet are not a hole: only what lies between two
 * known messages is, e.g. what was written while the connection was down, beyond the page the
 * resync brought.
 */
export function lastSeqBeforeHole(messages: readonly Message[]): number | null {
  for (let index = 1; index < messages.length; index += 1) {
    const previous = messages[index - 1];
    const current = messages[index];
    if (previous && current && current.seq > previous.seq + 1) return previous.seq;
  }
  return null;
}

const lastSeq = (messages: readonly Message[]): number => messages.at(-1)?.seq ?? -1;

/**
 * The read position a sync brings. A server that keeps none (older than read positions) sends
 * none: then what was there before is taken as read, and only what comes after counts.
 */
function syncedReadSeq(conversation: Conversation): number {
  return conversation.readSeq ?? conversation.lastMessage?.seq ?? -1;
}

/**
 * Where one of the user's stored messages stands against the receipt watermarks: sent (the
 * server has it), delivered (every member's device has it) or read (everyone has read it).
 * Without watermarks (none kept) it is sent.
 */
export function receiptOf(seq: number, receipts: Receipts | null): 'sent' | 'delivered' | 'read' {
  if (!receipts) return 'sent';
  if (seq <= receipts.readSeq) return 'read';
  if (seq <= receipts.deliveredSeq) return 'delivered';
  return 'sent';
}

/** Watermarks only move forwards: a late or repeated push never takes a tick back. */
export function mergeReceipts(
  current: Receipts | null,
  incoming: Receipts | null,
): Receipts | null {
  if (!incoming) return current;
  if (!current) return incoming;
  return {
    deliveredSeq: Math.max(current.deliveredSeq, incoming.deliveredSeq),
    readSeq: Math.max(current.readSeq, incoming.readSeq),
  };
}

/** The read position and the unread count that follows from it, assigned together. */
function readState(lastMessage: Message | null, readSeq: number) {
  return { readSeq, unread: unreadOf(lastMessage, readSeq) };
}

/** Unread messages: those after the read position (seqs are gap-free, so a difference). */
export function unreadOf(lastMessage: Message | null, readSeq: number): number {
  return Math.max(0, (lastMessage?.seq ?? -1) - readSeq);
}

/** Messages in `messages` that acknowledge one of ours (their ack was lost, or another window). */
function deliveredIds(messages: readonly Message[]): Set<string> {
  return new Set(messages.flatMap((m) => (m.clientMessageId ? [m.clientMessageId] : [])));
}

type LoadedMessages = Pick<ConversationContext, 'messages' | 'lastMessage'>;

/** The loaded messages with `changed` as it is now, and the quotes of it in its replies. */
function withChange(context: LoadedMessages, changed: Message): LoadedMessages {
  return {
    messages: context.messages.map((message) => {
      if (message.seq === changed.seq) return later(message, changed);
      // Its loaded replies quote it as it is now (the server does not push them again).
      if (message.replyTo?.messageId !== changed.id) return message;
      const deleted = changed.deletedAt !== undefined;
      return {
        ...message,
        replyTo: {
          ...message.replyTo,
          snippet: deleted ? '' : replySnippet(changed.text),
          deleted,
        },
      };
    }),
    lastMessage:
      context.lastMessage?.seq === changed.seq
        ? later(context.lastMessage, changed)
        : context.lastMessage,
  };
}

/** The loaded messages with `messageId` hidden for the user, and their quotes of it emptied. */
function withHidden(context: LoadedMessages, messageId: string): LoadedMessages {
  const hide = (message: Message): Message => {
    if (message.id === messageId) return { ...message, text: '', hidden: true };
    // Its replies quote it no more, as the server sends them to the person from now on.
    if (message.replyTo?.messageId !== messageId) return message;
    return { ...message, replyTo: { ...message.replyTo, snippet: '', hidden: true } };
  };
  return {
    messages: context.messages.map(hide),
    lastMessage: context.lastMessage && hide(context.lastMessage),
  };
}

const isLive = stateIn('#conversation.link.online');
const isBeingRead = stateIn('#conversation.visibility.open.reading');

// Declared before setup() so XState can type the actions' params against them.
const guards = {
  isLive,
  isBeingRead,
  isBlank: (_: unknown, params: { text: string }) => params.text.trim().length === 0,
  hasText: (_: unknown, params: { text: string }) => params.text.trim().length > 0,
  canSend: ({ context }: { context: ConversationContext }) => {
    const text = context.draft.trim();
    return text.length > 0 && messageLength(text) <= Limits.messageMaxChars;
  },
  hasOlderMessages: ({ context }: { context: ConversationContext }) => context.hasMore,
  opensUnfocused: (_: unknown, params: { focused: boolean | undefined }) =>
    params.focused === false,
  /** A message from someone else that the user has not read yet. */
  isNewFromOther: (
    { context }: { context: ConversationContext },
    params: { message: Message | null },
  ) =>
    params.message !== null &&
    params.message.authorId !== context.currentUserId &&
    params.message.seq > context.readSeq,
  /** The sync brought messages the user has not read. */
  bringsUnread: (
    { context }: { context: ConversationContext },
    params: { conversation: Conversation },
  ) =>
    unreadOf(
      params.conversation.lastMessage,
      Math.max(context.readSeq, syncedReadSeq(params.conversation)),
    ) > 0,
  /** A sync that says the person muted it (absent, from an older server: not muted). */
  isSyncedMuted: (_: unknown, params: { conversation: Conversation }) =>
    params.conversation.muted === true,
  isSyncedAudible: (_: unknown, params: { conversation: Conversation }) =>
    params.conversation.muted === false,
  saysMuted: (_: unknown, params: { muted: boolean }) => params.muted,
  saysUnmuted: (_: unknown, params: { muted: boolean }) => !params.muted,
  /**
   * A message someone else wrote that was not there before: not a repeat of one already heard
   * (a resend after a lost ack is broadcast again), not one this window is sending, not one
   * already read elsewhere. (Judged on the context before the update is merged.)
   */
  isNewFromOthers: ({
    context,
    event,
  }: {
    context: ConversationContext;
    event: ConversationEvent;
  }) => {
    // Read from the event (not params): it is combined with a state check, in `and`.
    const message = event.type === 'channel.updated' ? event.update.message : null;
    if (!message || message.authorId === context.currentUserId) return false;
    const known = Math.max(lastSeq(context.messages), context.lastMessage?.seq ?? -1);
    if (message.seq <= known || message.seq <= context.readSeq) return false;
    const own = message.clientMessageId;
    return (
      own === null ||
      !context.outbox.some((ref) => ref.getSnapshot().context.clientMessageId === own)
    );
  },
  hasHole: ({ context }: { context: ConversationContext }) =>
    lastSeqBeforeHole(context.messages) !== null,
  /**
   * Nothing older needs loading to show the jump's message: it is at or after the oldest loaded
   * one (loaded, or hidden, or never there: the log goes to the nearest), or nothing is older.
   */
  reachesJumpTarget: ({ context }: { context: ConversationContext }) => {
    const oldest = context.messages[0];
    return !context.hasMore || (oldest !== undefined && (context.jumpSeq ?? -1) >= oldest.seq);
  },
  /** A sync whose change revision is past the one caught up to: changes were missed. */
  bringsNewerRevision: (
    { context }: { context: ConversationContext },
    params: { conversation: Conversation },
  ) =>
    context.revision !== null &&
    params.conversation.revision !== undefined &&
    params.conversation.revision > context.revision,
  /** A page of changes with more after it, and a revision to ask after. */
  hasMoreChanges: (_: unknown, params: { messages: Message[]; hasMore: boolean }) =>
    params.hasMore && params.messages.at(-1)?.revision !== undefined,
  /**
   * The page moved the catch-up on (the hole now starts later than asked) and the server has
   * more: ask for the next one. A page that leaves the hole where it was would be asked again
   * forever. Judged on the messages with the page merged, since a guard sees the context before
   * the transition.
   */
  pageLeavesHole: (
    { context }: { context: ConversationContext },
    params: { page: Message[]; hasMore: boolean; after: number },
  ) => {
    if (!params.hasMore || params.page.length === 0) return false;
    const hole = lastSeqBeforeHole(insertMessages(context.messages, params.page));
    return hole !== null && hole > params.after;
  },
};

/** From idle or failed: load the page before the oldest message, or say why not. */
const askForOlderMessages = [
  // Nothing to ask the server with: say so rather than send a request into the void.
  {
    guard: and(['hasOlderMessages', not('isLive')]),
    target: '#conversation.history.failed',
    actions: { type: 'assignHistoryError', params: { message: 'Not connected.' } },
  },
  { guard: 'hasOlderMessages', target: '#conversation.history.loading' },
] as const;

/** While not being read: what arrives (live, or in a sync) is delivered, not read. */
const markingDelivered = {
  'channel.updated': {
    guard: {
      type: 'isNewFromOther',
      params: ({ event }: { event: { update: ChannelUpdate } }) => ({
        message: event.update.message,
      }),
    },
    actions: 'markDelivered',
  },
  'conversation.synced': {
    guard: {
      type: 'bringsUnread',
      params: ({ event }: { event: { conversation: Conversation } }) => ({
        conversation: event.conversation,
      }),
    },
    actions: 'markDelivered',
  },
} as const;

export const conversationMachine = setup({
  types: {
    context: {} as ConversationContext,
    events: {} as ConversationEvent,
    input: {} as ConversationInput,
  },
  actors: {
    outgoingMessage: outgoingMessageMachine,
  },
  delays: {
    draftingRefresh: draftingTiming.refreshMs,
    draftingIdle: draftingTiming.idleMs,
  },
  guards,
  actions: {
    assignSynced: assign(({ context }, params: { conversation: Conversation }) => {
      const { conversation } = params;
      return {
        title: conversation.title,
        kind: conversation.kind,
        memberIds: conversation.memberIds,
        adminId: conversation.adminId ?? null,
        lastMessage: conversation.lastMessage,
        drafting: conversation.drafting,
        ...readState(
          conversation.lastMessage,
          Math.max(context.readSeq, syncedReadSeq(conversation)),
        ),
        authorTurns: conversation.authorTurns ?? [],
        // A server that stopped keeping them (the conversation grew) says null.
        receipts:
          conversation.receipts === null
            ? null
            : mergeReceipts(context.receipts, conversation.receipts ?? null),
        messages: insertMessages(context.messages, conversation.messages),
        // A resync keeps older pages already loaded.
        hasMore:
          context.messages.length > conversation.messages.length
            ? context.hasMore
            : conversation.hasMore,
      };
    }),
    mergeUpdate: assign(({ context }, params: { update: ChannelUpdate }) => {
      const { conversation: summary, message } = params.update;
      return {
        title: summary.title,
        kind: summary.kind,
        lastMessage: summary.lastMessage,
        drafting: summary.drafting,
        // The user's own message (from another window) is read, and so is all before it, as
        // sending marks a conversation read in Telegram and Signal.
        ...readState(
          summary.lastMessage,
          message?.authorId === context.currentUserId
            ? Math.max(context.readSeq, message.seq)
            : context.readSeq,
        ),
        messages: message ? insertMessages(context.messages, [message]) : context.messages,
      };
    }),
    /** Our messages the server turns out to have (ack lost, or sent from another window). */
    dropDelivered: enqueueActions(
      ({ context, enqueue }, params: { messages: Message[]; consumesTurns?: boolean }) => {
        const delivered = deliveredIds(params.messages);
        if (delivered.size === 0) return;
        const gone = context.outbox.filter((ref) =>
          delivered.has(ref.getSnapshot().context.clientMessageId),
        );
        if (gone.length === 0) return;
        for (const ref of gone) enqueue.stopChild(ref);
        const goneIds = new Set(gone.map((ref) => ref.getSnapshot().context.clientMessageId));
        enqueue.assign({
          outbox: context.outbox.filter((ref) => !gone.includes(ref)),
          pendingAuthors: Object.fromEntries(
            Object.entries(context.pendingAuthors).filter(([id]) => !goneIds.has(id)),
          ),
          // Heard before its ack (the server announces, then acks): each took one turn. A sync
          // brings the turns as they stand, these sends counted.
          ...(params.consumesTurns ? { authorTurns: context.authorTurns.slice(gone.length) } : {}),
        });
        enqueue.raise({ type: 'outbox.advance' });
      },
    ),
    addMember: assign(({ context }, params: { userId: string }) =>
      context.memberIds.includes(params.userId)
        ? {}
        : { memberIds: [...context.memberIds, params.userId] },
    ),
    dropMember: assign(({ context }, params: { userId: string; adminId: string | null }) => ({
      memberIds: context.memberIds.filter((id) => id !== params.userId),
      drafting: context.drafting.filter((id) => id !== params.userId),
      adminId: params.adminId,
    })),
    assignDraft: assign((_, params: { text: string }) => ({
      draft: clipToMessageLimit(params.text),
    })),
    // Commands go to the socket once the transition is done (`enqueue.sendTo`), and only while
    // there is one: offline, a drafting signal or a request has nowhere to go.
    signalDrafting: enqueueActions(
      ({ context, system, enqueue }, params: { isDrafting: boolean }) => {
        const socket = system.get(systemIds.socket);
        if (!socket) return;
        const command: SocketCommand = {
          type: 'isDrafting',
          conversationId: context.id,
          isDrafting: params.isDrafting,
        };
        enqueue.sendTo(socket, command);
      },
    ),
    send: enqueueActions(({ context, event, enqueue }) => {
      const replyTo = event.type === 'message.submitted' ? event.replyTo : undefined;
      const clientMessageId =
        context.randomId?.() ?? `${context.clientIdPrefix}-${context.nextClientId}`;
      // Its turn among the messages still on their way decides who will author it.
      const authorId = context.authorTurns[context.outbox.length] ?? context.currentUserId;
      enqueue.assign({
        nextClientId: context.nextClientId + 1,
        pendingAuthors: { ...context.pendingAuthors, [clientMessageId]: authorId },
        draft: '',
        outbox: ({ context: current, spawn }) => [
          ...current.outbox,
          spawn('outgoingMessage', {
            // The systemId as the child id (see the restored ones below).
            id: outgoingSystemId(clientMessageId),
            systemId: outgoingSystemId(clientMessageId),
            input: {
              conversationId: current.id,
              text: current.draft.trim(),
              clientMessageId,
              createdAt: current.now(),
              ...(replyTo ? { replyTo } : {}),
            },
          }),
        ],
      });
      enqueue.raise({ type: 'outbox.advance' });
    }),
    /** Gives the turn to the oldest waiting message, unless one is already on its way. */
    giveTurn: enqueueActions(({ context, enqueue }) => {
      const states = context.outbox.map((ref) => ({ ref, snapshot: ref.getSnapshot() }));
      const inFlight = states.some(
        ({ snapshot }) => snapshot.matches('sending') || snapshot.matches('rateLimited'),
      );
      if (inFlight) return;
      const next = states.find(({ snapshot }) => snapshot.matches('queued'));
      if (next) enqueue.sendTo(next.ref, { type: 'delivery.turn' });
    }),
    forwardConnectionLost: enqueueActions(({ context, enqueue }) => {
      for (const ref of context.outbox) enqueue.sendTo(ref, { type: 'connection.lost' });
    }),
    confirmSent: enqueueActions(
      (
        { context, enqueue },
        params: { clientMessageId: string; message: Message; authorTurns: string[] | undefined },
      ) => {
        const sent = context.outbox.filter(
          (ref) => ref.getSnapshot().context.clientMessageId === params.clientMessageId,
        );
        // A finished child stays among the children until stopped: free it.
        for (const ref of sent) enqueue.stopChild(ref);
        const { [params.clientMessageId]: _settled, ...pendingAuthors } = context.pendingAuthors;
        enqueue.assign({
          messages: insertMessages(context.messages, [params.message]),
          outbox: context.outbox.filter((ref) => !sent.includes(ref)),
          pendingAuthors,
          ...(params.authorTurns ? { authorTurns: params.authorTurns } : {}),
        });
      },
    ),
    advanceOutbox: raise({ type: 'outbox.advance' }),
    requestHistory: enqueueActions(({ context, system, enqueue }) => {
      const socket = system.get(systemIds.socket);
      if (!socket) return;
      const oldest = context.messages[0];
      const command: SocketCommand = {
        type: 'requestMessages',
        purpose: 'history',
        conversationId: context.id,
        ...(oldest ? { before: oldest.seq } : {}),
        limit: Limits.pageDefaultLimit,
      };
      enqueue.sendTo(socket, command);
    }),
    prependHistory: assign(({ context }, params: { messages: Message[]; hasMore: boolean }) => ({
      messages: insertMessages(context.messages, params.messages),
      hasMore: params.hasMore,
      historyError: null,
    })),
    assignHistoryError: assign((_, params: { message: string }) => ({
      historyError: params.message,
    })),
    clearHistoryError: assign({ historyError: null }),
    requestCatchUp: enqueueActions(({ context, system, enqueue }) => {
      const socket = system.get(systemIds.socket);
      const after = lastSeqBeforeHole(context.messages);
      if (!socket || after === null) return;
      const command: SocketCommand = {
        type: 'requestMessages',
        purpose: 'catchUp',
        conversationId: context.id,
        after,
        limit: Limits.pageMaxLimit,
      };
      enqueue.sendTo(socket, command);
    }),
    mergePage: assign(({ context }, params: { messages: Message[] }) => ({
      messages: insertMessages(context.messages, params.messages),
    })),
    /** Lets the messenger resync when a page names people it may not know. */
    reportAuthors: enqueueActions(({ system, enqueue }, params: { messages: Message[] }) => {
      const messenger = system.get(systemIds.messenger);
      if (!messenger || params.messages.length === 0) return;
      const userIds = [...new Set(params.messages.map((m) => m.authorId))];
      const report: MessengerEvent = { type: 'authors.seen', userIds };
      enqueue.sendTo(messenger, report);
    }),
    /** Everything up to the last message is read: kept, and told to the server. */
    markRead: enqueueActions(({ context, system, enqueue }) => {
      const seq = Math.max(lastSeq(context.messages), context.lastMessage?.seq ?? -1);
      if (seq <= context.readSeq) return;
      enqueue.assign(readState(context.lastMessage, seq));
      const socket = system.get(systemIds.socket);
      const command: SocketCommand = { type: 'markRead', conversationId: context.id, seq };
      if (socket) enqueue.sendTo(socket, command);
    }),
    adoptReadSeq: assign(({ context }, params: { readSeq: number }) =>
      readState(context.lastMessage, Math.max(context.readSeq, params.readSeq)),
    ),
    /** One of the user's devices (this one) has everything up to the last message. */
    markDelivered: enqueueActions(({ context, system, enqueue }) => {
      const seq = Math.max(lastSeq(context.messages), context.lastMessage?.seq ?? -1);
      // Read implies delivered: nothing to tell.
      if (seq <= context.readSeq) return;
      const socket = system.get(systemIds.socket);
      const command: SocketCommand = { type: 'markDelivered', conversationId: context.id, seq };
      if (socket) enqueue.sendTo(socket, command);
    }),
    /**
     * A loaded message as it is now (an edit, a deletion, reactions): replaced where it is, its
     * seq unchanged. One not loaded stays unloaded (paging brings it as it is); the preview
     * follows when it is the last.
     */
    replaceMessage: assign(({ context }, params: { message: Message }) =>
      withChange(context, params.message),
    ),
    /**
     * Deleted for the user: kept in its place (seqs stay gap-free, so no hole is caught up on),
     * marked hidden and emptied; the views leave it out.
     */
    hideMessage: assign(({ context }, params: { messageId: string }) =>
      withHidden(context, params.messageId),
    ),
    /** The changes missed while offline: each applied as its push would have been. */
    applyChanges: assign(({ context }, params: { messages: Message[] }) => {
      let changed: Pick<ConversationContext, 'messages' | 'lastMessage'> = context;
      for (const message of params.messages) {
        changed = message.hidden ? withHidden(changed, message.id) : withChange(changed, message);
      }
      return { messages: changed.messages, lastMessage: changed.lastMessage };
    }),
    /** Caught up to `revision` (revisions only move forwards). */
    assignRevision: assign(({ context }, params: { revision: number | undefined }) => ({
      revision:
        params.revision === undefined
          ? context.revision
          : Math.max(context.revision ?? 0, params.revision),
    })),
    requestChanges: enqueueActions(({ context, system, enqueue }) => {
      const socket = system.get(systemIds.socket);
      if (!socket || context.revision === null) return;
      const command: SocketCommand = {
        type: 'listMessageChanges',
        conversationId: context.id,
        since: context.revision,
        limit: Limits.changesPageMaxLimit,
      };
      enqueue.sendTo(socket, command);
    }),
    assignJumpTarget: assign((_, params: { seq: number }) => ({ jumpSeq: params.seq })),
    /** The history region loads the page before the oldest (it shows loading and failures). */
    askForOlderPage: raise({ type: 'history.requested' }),
    adoptReceipts: assign(({ context }, params: { receipts: Receipts }) => ({
      receipts: mergeReceipts(context.receipts, params.receipts),
    })),
    noteUnreadStart: assign(({ context }) => ({
      unreadFromSeq: context.unread > 0 ? context.readSeq + 1 : null,
    })),
    forgetUnreadStart: assign({ unreadFromSeq: null }),
    /** Tells the server (and so the person's other windows); the next sync corrects a loss. */
    sendMuted: enqueueActions(({ context, system, enqueue }, params: { muted: boolean }) => {
      const socket = system.get(systemIds.socket);
      const command: SocketCommand = {
        type: 'setMuted',
        conversationId: context.id,
        muted: params.muted,
      };
      if (socket) enqueue.sendTo(socket, command);
    }),
    /** The messenger turns it into a notification (it knows the people's names). */
    announce: enqueueActions(({ context, system, enqueue }, params: { update: ChannelUpdate }) => {
      const messenger = system.get(systemIds.messenger);
      const { message } = params.update;
      if (!messenger || !message) return;
      const event: MessengerEvent = {
        type: 'message.notable',
        conversationId: context.id,
        kind: params.update.conversation.kind,
        title: params.update.conversation.title,
        message,
      };
      enqueue.sendTo(messenger, event);
    }),
  },
}).createMachine({
  id: 'conversation',
  context: ({ input, spawn }) => {
    const { conversation, restored } = input;
    const outbox = (restored?.outbox ?? []).map((entry) =>
      spawn('outgoingMessage', {
        // Not the bare clientMessageId (a stored value: "__proto__" passes its schema): XState
        // files spawned children by id in a plain object, where that id would set the prototype
        // and leave the message no child of this conversation, never stopped with it, its
        // systemId taken when the conversation is spawned again.
        id: outgoingSystemId(entry.clientMessageId),
        systemId: outgoingSystemId(entry.clientMessageId),
        input: entry,
      }),
    );
    return {
      id: conversation.id,
      kind: conversation.kind,
      title: conversation.title,
      memberIds: conversation.memberIds,
      adminId: conversation.adminId ?? null,
      lastMessage: conversation.lastMessage,
      drafting: conversation.drafting,
      messages: conversation.messages,
      hasMore: conversation.hasMore,
      currentUserId: input.currentUserId,
      draft: clipToMessageLimit(restored?.draft ?? ''),
      outbox,
      clientIdPrefix: input.clientIdPrefix,
      nextClientId: 1,
      randomId: input.randomId ?? null,
      now: input.now ?? Date.now,
      ...readState(conversation.lastMessage, syncedReadSeq(conversation)),
      unreadFromSeq: null,
      receipts: conversation.receipts ?? null,
      authorTurns: conversation.authorTurns ?? [],
      pendingAuthors: {},
      historyError: null,
      jumpSeq: null,
      revision: conversation.revision ?? null,
    };
  },
  type: 'parallel',
  on: {
    'member.joined': {
      actions: { type: 'addMember', params: ({ event }) => ({ userId: event.userId }) },
    },
    'member.left': {
      actions: {
        type: 'dropMember',
        params: ({ event }) => ({ userId: event.userId, adminId: event.adminId }),
      },
    },
    'outgoing.sent': {
      actions: [
        {
          type: 'confirmSent',
          params: ({ event }) => ({
            clientMessageId: event.clientMessageId,
            message: event.message,
            authorTurns: event.authorTurns,
          }),
        },
        'advanceOutbox',
      ],
    },
    'outgoing.settled': { actions: 'advanceOutbox' },
    'receipts.moved': {
      actions: { type: 'adoptReceipts', params: ({ event }) => ({ receipts: event.receipts }) },
    },
    'message.changed': {
      actions: { type: 'replaceMessage', params: ({ event }) => ({ message: event.message }) },
    },
    'message.hidden': {
      actions: { type: 'hideMessage', params: ({ event }) => ({ messageId: event.messageId }) },
    },
  },
  states: {
    link: {
      initial: 'offline',
      on: {
        // Pushes can come before the sync that makes the link live (they ride the same socket).
        'channel.updated': {
          actions: [
            { type: 'mergeUpdate', params: ({ event }) => ({ update: event.update }) },
            {
              type: 'dropDelivered',
              params: ({ event }) => ({
                messages: event.update.message ? [event.update.message] : [],
                consumesTurns: true,
              }),
            },
          ],
        },
      },
      states: {
        offline: {
          on: {
            'conversation.synced': {
              target: 'online',
              actions: [
                {
                  type: 'assignSynced',
                  params: ({ event }) => ({ conversation: event.conversation }),
                },
                {
                  type: 'dropDelivered',
                  params: ({ event }) => ({ messages: event.conversation.messages }),
                },
              ],
            },
          },
        },
        online: {
          entry: 'advanceOutbox',
          on: {
            'conversation.synced': {
              actions: [
                {
                  type: 'assignSynced',
                  params: ({ event }) => ({ conversation: event.conversation }),
                },
                {
                  type: 'dropDelivered',
                  params: ({ event }) => ({ messages: event.conversation.messages }),
                },
              ],
            },
            'connection.lost': { target: 'offline', actions: 'forwardConnectionLost' },
            'outbox.advance': { actions: 'giveTurn' },
          },
        },
      },
    },
    composer: {
      initial: 'quiet',
      states: {
        quiet: {
          on: {
            'draft.changed': [
              {
                guard: { type: 'isBlank', params: ({ event }) => ({ text: event.text }) },
                actions: { type: 'assignDraft', params: ({ event }) => ({ text: event.text }) },
              },
              {
                target: 'typing',
                actions: [
                  { type: 'assignDraft', params: ({ event }) => ({ text: event.text }) },
                  { type: 'signalDrafting', params: { isDrafting: true } },
                ],
              },
            ],
            'message.submitted': { guard: 'canSend', actions: 'send' },
          },
        },
        typing: {
          type: 'parallel',
          on: {
            'draft.changed': {
              guard: { type: 'isBlank', params: ({ event }) => ({ text: event.text }) },
              target: 'quiet',
              actions: [
                { type: 'assignDraft', params: ({ event }) => ({ text: event.text }) },
                { type: 'signalDrafting', params: { isDrafting: false } },
              ],
            },
            // Typing means a draft with text within the limit: always sendable.
            'message.submitted': {
              target: 'quiet',
              actions: [{ type: 'signalDrafting', params: { isDrafting: false } }, 'send'],
            },
          },
          states: {
            // The server forgets a drafting signal after a while: refresh it while typing.
            signal: {
              initial: 'fresh',
              states: {
                fresh: {
                  after: { draftingRefresh: 'stale' },
                },
                stale: {
                  on: {
                    'draft.changed': {
                      guard: { type: 'hasText', params: ({ event }) => ({ text: event.text }) },
                      target: 'fresh',
                      actions: { type: 'signalDrafting', params: { isDrafting: true } },
                    },
                  },
                },
              },
            },
            // Each keystroke starts the idle wait again.
            keystrokes: {
              initial: 'recent',
              states: {
                recent: {
                  after: {
                    draftingIdle: {
                      target: '#conversation.composer.quiet',
                      actions: { type: 'signalDrafting', params: { isDrafting: false } },
                    },
                  },
                  on: {
                    'draft.changed': {
                      guard: { type: 'hasText', params: ({ event }) => ({ text: event.text }) },
                      target: 'recent',
                      reenter: true,
                      actions: {
                        type: 'assignDraft',
                        params: ({ event }) => ({ text: event.text }),
                      },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
    history: {
      initial: 'idle',
      states: {
        idle: {
          on: {
            'history.requested': askForOlderMessages,
          },
        },
        loading: {
          entry: ['clearHistoryError', 'requestHistory'],
          on: {
            'history.loaded': {
              target: 'idle',
              actions: [
                {
                  type: 'prependHistory',
                  params: ({ event }) => ({ messages: event.messages, hasMore: event.hasMore }),
                },
                { type: 'reportAuthors', params: ({ event }) => ({ messages: event.messages }) },
              ],
            },
            'history.failed': {
              target: 'failed',
              actions: {
                type: 'assignHistoryError',
                params: ({ event }) => ({
                  message: event.error.message || 'Could not load older messages.',
                }),
              },
            },
            // The request went down with the connection; scrolling up asks again.
            'connection.lost': 'idle',
          },
        },
        failed: {
          on: {
            'history.requested': askForOlderMessages,
          },
        },
      },
    },
    catchUp: {
      initial: 'complete',
      states: {
        complete: {
          always: { guard: and(['isLive', 'hasHole']), target: 'catchingUp' },
        },
        catchingUp: {
          entry: 'requestCatchUp',
          on: {
            'catchUp.loaded': [
              {
                guard: {
                  type: 'pageLeavesHole',
                  params: ({ event }) => ({
                    page: event.messages,
                    hasMore: event.hasMore,
                    after: event.after,
                  }),
                },
                target: 'catchingUp',
                reenter: true,
                actions: [
                  { type: 'mergePage', params: ({ event }) => ({ messages: event.messages }) },
                  { type: 'dropDelivered', params: ({ event }) => ({ messages: event.messages }) },
                  { type: 'reportAuthors', params: ({ event }) => ({ messages: event.messages }) },
                ],
              },
              {
                target: 'settling',
                actions: [
                  { type: 'mergePage', params: ({ event }) => ({ messages: event.messages }) },
                  { type: 'dropDelivered', params: ({ event }) => ({ messages: event.messages }) },
                  { type: 'reportAuthors', params: ({ event }) => ({ messages: event.messages }) },
                ],
              },
            ],
            'catchUp.failed': 'gaveUp',
            'connection.lost': 'complete',
          },
        },
        // The page closed the hole, or the server had nothing more to give.
        settling: {
          always: [{ guard: 'hasHole', target: 'gaveUp' }, { target: 'complete' }],
        },
        // Asking again now would ask the same thing; the next sync looks again.
        gaveUp: {
          on: {
            'conversation.synced': 'complete',
            'connection.lost': 'complete',
          },
        },
      },
    },
    // Going to one message: a reply's original, or a search hit. Arrived at once when nothing
    // older is needed; else the history region loads the page before the oldest, again and
    // again (the messages stay contiguous), until it is. Not a message of this conversation any
    // more (hidden, or a seq never there): the log goes to the nearest one. A page that fails,
    // or a connection that goes, ends the seek in failed, which the person can retry (offline,
    // it fails again at once: there is nobody to ask). Closing the conversation abandons it.
    jump: {
      initial: 'idle',
      on: {
        // From any of its states: a new jump replaces one under way (seeking is entered afresh).
        'message.jumpRequested': {
          target: '.seeking',
          actions: { type: 'assignJumpTarget', params: ({ event }) => ({ seq: event.seq }) },
        },
        'conversation.closed': '.idle',
      },
      states: {
        idle: {},
        seeking: {
          initial: 'deciding',
          states: {
            deciding: {
              always: [
                { guard: 'reachesJumpTarget', target: '#conversation.jump.arrived' },
                { guard: not('isLive'), target: '#conversation.jump.failed' },
                { target: 'loading' },
              ],
            },
            // A page the person asked for by scrolling is waited for, not asked again.
            loading: {
              entry: 'askForOlderPage',
              on: {
                // The page is merged in the same step (history region): decide again on it.
                'history.loaded': 'deciding',
                'history.failed': '#conversation.jump.failed',
                'connection.lost': '#conversation.jump.failed',
              },
            },
          },
        },
        // The log scrolls to it, highlights it and says so; a later render does not scroll.
        arrived: {
          on: { 'message.jumpShown': 'idle' },
        },
        failed: {
          on: { 'message.jumpRetried': 'seeking' },
        },
      },
    },
    // Edits, deletions and reactions made while it was offline: a sync whose change revision is
    // past the one caught up to asks listMessageChanges after it, page by page, and applies each
    // message as its push would have been. The first sync only tells where to start (its page
    // is as it is now). A failed page, or a lost connection, waits for the next sync.
    changes: {
      initial: 'idle',
      states: {
        idle: {
          on: {
            'conversation.synced': [
              {
                guard: {
                  type: 'bringsNewerRevision',
                  params: ({ event }) => ({ conversation: event.conversation }),
                },
                target: 'loading',
              },
              {
                // Nothing known yet (an older server before): start from this sync's.
                actions: {
                  type: 'assignRevision',
                  params: ({ context, event }) => ({
                    revision: context.revision === null ? event.conversation.revision : undefined,
                  }),
                },
              },
            ],
          },
        },
        loading: {
          entry: 'requestChanges',
          on: {
            'changes.loaded': [
              {
                guard: {
                  type: 'hasMoreChanges',
                  params: ({ event }) => ({ messages: event.messages, hasMore: event.hasMore }),
                },
                target: 'loading',
                reenter: true,
                actions: [
                  { type: 'applyChanges', params: ({ event }) => ({ messages: event.messages }) },
                  {
                    type: 'assignRevision',
                    params: ({ event }) => ({ revision: event.messages.at(-1)?.revision }),
                  },
                ],
              },
              {
                target: 'idle',
                actions: [
                  { type: 'applyChanges', params: ({ event }) => ({ messages: event.messages }) },
                  {
                    type: 'assignRevision',
                    // More said but no revision to ask after (not a well-formed answer): the
                    // point stays, so the next sync asks again rather than skip the rest.
                    params: ({ event }) => ({
                      revision: event.hasMore ? undefined : event.revision,
                    }),
                  },
                ],
              },
            ],
            'changes.failed': 'failed',
            'connection.lost': 'failed',
          },
        },
        failed: {
          on: {
            'conversation.synced': [
              {
                guard: {
                  type: 'bringsNewerRevision',
                  params: ({ event }) => ({ conversation: event.conversation }),
                },
                target: 'loading',
              },
              { target: 'idle' },
            ],
          },
        },
      },
    },
    // Open and read while the window is focused; open but away while it is not (messages that
    // come then stay unread until the person is back, and are marked delivered, as they are
    // while it is closed). The "New messages" line marks where the unread part began when it
    // was opened.
    visibility: {
      initial: 'closed',
      on: { 'read.moved': { actions: { type: 'adoptReadSeq', params: ({ event }) => event } } },
      states: {
        closed: {
          on: {
            // Opened where nobody is looking (the window has no focus): away, nothing read yet.
            'conversation.opened': [
              {
                guard: {
                  type: 'opensUnfocused',
                  params: ({ event }) => ({ focused: event.focused }),
                },
                target: 'open.away',
                actions: 'noteUnreadStart',
              },
              { target: 'open', actions: 'noteUnreadStart' },
            ],
            ...markingDelivered,
          },
        },
        open: {
          initial: 'reading',
          on: { 'conversation.closed': { target: 'closed', actions: 'forgetUnreadStart' } },
          states: {
            reading: {
              entry: 'markRead',
              on: {
                'channel.updated': { actions: 'markRead' },
                'window.blurred': 'away',
              },
            },
            away: { on: { 'window.focused': 'reading', ...markingDelivered } },
          },
        },
      },
    },
    // Muted: nothing is announced, and its unread messages leave the title's and badge's total.
    // The server keeps it; a sync or another window may switch it.
    notifications: {
      initial: 'audible',
      states: {
        audible: {
          on: {
            'conversation.synced': {
              guard: {
                type: 'isSyncedMuted',
                params: ({ event }) => ({ conversation: event.conversation }),
              },
              target: 'muted',
            },
            'mute.changed': {
              guard: { type: 'saysMuted', params: ({ event }) => ({ muted: event.muted }) },
              target: 'muted',
            },
            'mute.toggled': {
              target: 'muted',
              actions: { type: 'sendMuted', params: { muted: true } },
            },
            // The window is not focused, or this conversation is not the open one.
            'channel.updated': {
              guard: and(['isNewFromOthers', not('isBeingRead')]),
              actions: { type: 'announce', params: ({ event }) => ({ update: event.update }) },
            },
          },
        },
        muted: {
          on: {
            'conversation.synced': {
              guard: {
                type: 'isSyncedAudible',
                params: ({ event }) => ({ conversation: event.conversation }),
              },
              target: 'audible',
            },
            'mute.changed': {
              guard: { type: 'saysUnmuted', params: ({ event }) => ({ muted: event.muted }) },
              target: 'audible',
            },
            'mute.toggled': {
              target: 'audible',
              actions: { type: 'sendMuted', params: { muted: false } },
            },
          },
        },
      },
    },
  },
});

export type ConversationMachine = typeof conversationMachine;
export type ConversationRef = ActorRefFrom<ConversationMachine>;
