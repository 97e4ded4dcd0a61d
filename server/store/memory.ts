// The in-memory Store: the default for development and tests. Every method returns copies, as
// a database would, so callers cannot mutate stored state by accident.
import { randomUUID } from 'node:crypto';
import type { Message } from '../protocol.ts';
import { matchesQuery, queryWords, searchKeyOf } from './nameSearch.ts';
import { reactionFits, type StoredReaction, toWireMessage } from './messageView.ts';
import { foldedWords, matchMessage, searchLimitOf, searchTermsOf } from '../search.ts';
import type {
  AppendResult,
  ChangesPage,
  ChangesQuery,
  MessageChangeResult,
  MessageCheck,
  MessageDeletion,
  MessageEdit,
  MessageHide,
  MessageReactionInput,
  MessageTarget,
  AvatarImage,
  MemberPosition,
  MessagePage,
  MessageSearchHit,
  MessageSearchOptions,
  MessageSearchPage,
  NewDirectConversation,
  NewConversation,
  NewSystemMessage,
  NewUser,
  NewUserMessage,
  PageQuery,
  Session,
  Store,
  StoredConversation,
  StoredUser,
  UserPatch,
} from './types.ts';
import { boundClient } from './sessionClient.ts';
import { plainCopy } from './plainCopy.ts';

const copy = plainCopy;

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** A message as kept: the wire fields and what only the store knows. */
interface MessageRecord {
  id: string;
  conversationId: string;
  authorId: string;
  text: string;
  sentAt: number;
  seq: number;
  clientMessageId: string | null;
  senderId: string | null;
  replyToId: string | null;
  editedAt: number | null;
  editCount: number;
  deletedAt: number | null;
  revision: number;
  reactions: StoredReaction[];
}

/** Whether `words` holds every one of `needles` (a loop: a search may run it 100,000 times). */
function containsAll(words: string, needles: readonly string[]): boolean {
  for (const needle of needles) if (!words.includes(needle)) return false;
  return true;
}

interface StoredPlace {
  conversationId: string;
  seq: number;
  /** The folded words, each after a space (" cafe au lait"): a term starts a word where " term" is. */
  words: string;
  /** The text `words` were folded from; null until a search first needs them. */
  foldedFrom: string | null;
}

export class MemoryStore implements Store {
  #users = new Map<string, StoredUser>();
  #userIdByPhone = new Map<string, string>();
  #sessions = new Map<string, Session>();
  #conversations = new Map<string, StoredConversation>();
  /** Per conversation, index = seq. */
  #messages = new Map<string, MessageRecord[]>();
  #messageById = new Map<string, MessageRecord>();
  /** `${senderId}\n${clientMessageId}` -> message; the UNIQUE (sender, clientMessageId) rule. */
  #messageByClientId = new Map<string, MessageRecord>();
  /** Per conversation, its latest change revision. */
  #revisions = new Map<string, number>();
  /** `${messageId}\n${userId}` -> the hide's revision. */
  #hidden = new Map<string, number>();
  /** `${conversationId}\n${senderId}` -> sends so far. */
  #sendCounts = new Map<string, number>();
  #avatarImages = new Map<string, AvatarImage>();
  /** Sorted pair `${a}\n${b}` -> the pair's direct conversation id. */
  #directByPair = new Map<string, string>();
  /**
   * conversationId -> userId -> position: a conversation's positions are read on every send
   * (the receipt watermarks), so they are found by conversation, not by scanning them all.
   */
  #positions = new Map<string, Map<string, MemberPosition>>();
  /** Members who muted a conversation, as `<conversationId>\n<userId>`. */
  #muted = new Set<string>();
  /**
   * Every message in the order it was stored (index = search cursor), by where it lives, with
   * its folded words once a search has needed them and the text they were folded from (a text
   * changed since is folded again).
   */
  #stored: StoredPlace[] = [];

  async createUser(input: NewUser): Promise<{ user: StoredUser; created: boolean }> {
    if (input.phone !== null) {
      const existingId = this.#userIdByPhone.get(input.phone);
      const existing = existingId === undefined ? undefined : this.#users.get(existingId);
      if (existing) return { user: copy(existing), created: false };
    }
    const id = input.id ?? randomUUID();
    if (this.#users.has(id)) throw new Error(`user ${id} already exists`);
    const user: StoredUser = {
      ...copy(input),
      findableByPhone: input.findableByPhone ?? false,
      id,
    };
    this.#users.set(id, user);
    if (user.phone !== null) this.#userIdByPhone.set(user.phone, id);
    return { user: copy(user), created: true };
  }

  async getUser(id: string): Promise<StoredUser | null> {
    const user = this.#users.get(id);
    return user ? copy(user) : null;
  }

  async getUserByPhone(phone: string): Promise<StoredUser | null> {
    const id = this.#userIdByPhone.get(phone);
    return id === undefined ? null : this.getUser(id);
  }

  async getUsers(ids: readonly string[]): Promise<StoredUser[]> {
    return ids.flatMap((id) => {
      const user = this.#users.get(id);
      return user ? [copy(user)] : [];
    });
  }

  async updateUser(id: string, patch: UserPatch): Promise<StoredUser | null> {
    const user = this.#users.get(id);
    if (!user) return null;
    const defined = Object.entries(patch).filter(([, value]) => value !== undefined);
    Object.assign(user, copy(Object.fromEntries(defined)));
    return copy(user);
  }

  async searchPeople(query: string, limit: number): Promise<StoredUser[]> {
    const words = queryWords(query);
    return [...this.#users.values()]
      .filter((user) => user.kind === 'person')
      .map((user) => ({ user, key: searchKeyOf(user.firstName, user.lastName) }))
      .filter(({ key }) => matchesQuery(key, words))
      .sort((a, b) => compare(a.key, b.key) || compare(a.user.id, b.user.id))
      .slice(0, Math.max(0, limit))
      .map(({ user }) => copy(user));
  }

  async putAvatarImage(image: AvatarImage): Promise<void> {
    this.#avatarImages.set(image.userId, copy(image));
  }

  async getAvatarImage(userId: string): Promise<AvatarImage | null> {
    const image = this.#avatarImages.get(userId);
    return image ? copy(image) : null;
  }

  async deleteAvatarImage(userId: string): Promise<void> {
    this.#avatarImages.delete(userId);
  }

  async createSession(session: Session): Promise<void> {
    this.#sessions.set(session.tokenHash, {
      ...copy(session),
      client: boundClient(session.client),
    });
  }

  async getSession(tokenHash: string): Promise<Session | null> {
    const session = this.#sessions.get(tokenHash);
    return session ? copy(session) : null;
  }

  async touchSession(tokenHash: string, lastSeenAt: number): Promise<void> {
    const session = this.#sessions.get(tokenHash);
    if (session) session.lastSeenAt = lastSeenAt;
  }

  async listSessionsOf(userId: string): Promise<Session[]> {
    return [...this.#sessions.values()]
      .filter((session) => session.userId === userId)
      .sort(
        (a, b) =>
          a.createdAt - b.createdAt ||
          (a.tokenHash < b.tokenHash ? -1 : a.tokenHash > b.tokenHash ? 1 : 0),
      )
      .map(copy);
  }

  async deleteSession(tokenHash: string): Promise<void> {
    this.#sessions.delete(tokenHash);
  }

  async deleteSessionsIdleSince(cutoff: number): Promise<number> {
    let deleted = 0;
    for (const [tokenHash, session] of this.#sessions) {
      if (session.lastSeenAt < cutoff) {
        this.#sessions.delete(tokenHash);
        deleted += 1;
      }
    }
    return deleted;
  }

  async createConversation(input: NewConversation): Promise<StoredConversation> {
    return copy(this.#insertConversation(input));
  }

  /** Synchronous, so a caller's check-then-insert is one step (no await between them). */
  #insertConversation(input: NewConversation): StoredConversation {
    const id = input.id ?? randomUUID();
    if (this.#conversations.has(id)) throw new Error(`conversation ${id} already exists`);
    const conversation: StoredConversation = {
      ...copy(input),
      id,
      memberIds: [...new Set(input.memberIds)],
      createdBy: input.createdBy ?? null,
    };
    this.#conversations.set(id, conversation);
    this.#messages.set(id, []);
    return conversation;
  }

  async getConversation(id: string): Promise<StoredConversation | null> {
    const conversation = this.#conversations.get(id);
    return conversation ? copy(conversation) : null;
  }

  async listConversationsOf(userId: string): Promise<StoredConversation[]> {
    return [...this.#conversations.values()]
      .filter((conversation) => conversation.memberIds.includes(userId))
      .map(copy);
  }

  async addMember(conversationId: string, userId: string): Promise<StoredConversation> {
    const conversation = this.#requireConversation(conversationId);
    if (!conversation.memberIds.includes(userId)) conversation.memberIds.push(userId);
    return copy(conversation);
  }

  async removeMember(conversationId: string, userId: string): Promise<StoredConversation> {
    const conversation = this.#requireConversation(conversationId);
    conversation.memberIds = conversation.memberIds.filter((id) => id !== userId);
    this.#positions.get(conversationId)?.delete(userId);
    this.#muted.delete(`${conversationId}\n${userId}`);
    return copy(conversation);
  }

  async openDirectConversation(
    input: NewDirectConversation,
  ): Promise<{ conversation: StoredConversation; created: boolean }> {
    const pair = [...input.userIds].sort(compare).join('\n');
    const existingId = this.#directByPair.get(pair);
    const existing = existingId === undefined ? undefined : this.#conversations.get(existingId);
    if (existing) return { conversation: copy(existing), created: false };
    // No await between the lookup above and recording the pair: two opens at once get one.
    const conversation = this.#insertConversation({
      kind: 'direct',
      title: '',
      memberIds: [...input.userIds],
      createdBy: input.createdBy,
      createdAt: input.createdAt,
    });
    this.#directByPair.set(pair, conversation.id);
    return { conversation: copy(conversation), created: true };
  }

  async advancePosition(
    conversationId: string,
    userId: string,
    to: { deliveredSeq?: number; readSeq?: number },
  ): Promise<{ position: MemberPosition; changed: boolean }> {
    return this.#advance(conversationId, userId, to);
  }

  #advance(
    conversationId: string,
    userId: string,
    to: { deliveredSeq?: number; readSeq?: number },
  ): { position: MemberPosition; changed: boolean } {
    let positions = this.#positions.get(conversationId);
    if (!positions) this.#positions.set(conversationId, (positions = new Map()));
    const before = positions.get(userId) ?? { userId, deliveredSeq: -1, readSeq: -1 };
    const readSeq = Math.max(before.readSeq, to.readSeq ?? -1);
    const deliveredSeq = Math.max(before.deliveredSeq, to.deliveredSeq ?? -1, readSeq);
    const position = { userId, deliveredSeq, readSeq };
    const changed = readSeq !== before.readSeq || deliveredSeq !== before.deliveredSeq;
    if (changed) positions.set(userId, position);
    return { position: copy(position), changed };
  }

  async getPosition(conversationId: string, userId: string): Promise<MemberPosition> {
    const position = this.#positions.get(conversationId)?.get(userId);
    return position ? copy(position) : { userId, deliveredSeq: -1, readSeq: -1 };
  }

  async setMuted(
    conversationId: string,
    userId: string,
    muted: boolean,
  ): Promise<{ changed: boolean }> {
    const key = `${conversationId}\n${userId}`;
    const changed = this.#muted.has(key) !== muted;
    if (muted) this.#muted.add(key);
    else this.#muted.delete(key);
    return { changed };
  }

  async isMuted(conversationId: string, userId: string): Promise<boolean> {
    return this.#muted.has(`${conversationId}\n${userId}`);
  }

  async listPositions(conversationId: string): Promise<MemberPosition[]> {
    return [...(this.#positions.get(conversationId)?.values() ?? [])]
      .map((position) => copy(position))
      .sort((a, b) => compare(a.userId, b.userId));
  }

  async appendSystemMessage(input: NewSystemMessage): Promise<Message> {
    return this.#view(
      this.#append(input.conversationId, input.authorId, input.text, input.sentAt, null, null),
    );
  }

  async findUserMessage(senderId: string, clientMessageId: string): Promise<Message | null> {
    const original = this.#messageByClientId.get(`${senderId}\n${clientMessageId}`);
    return original ? this.#view(original) : null;
  }

  async appendUserMessage(input: NewUserMessage): Promise<AppendResult> {
    this.#requireConversation(input.conversationId);
    const idempotencyKey = `${input.senderId}\n${input.clientMessageId}`;
    const original = this.#messageByClientId.get(idempotencyKey);
    if (original) return this.#appended(input, this.#view(original), true);

    const countKey = `${input.conversationId}\n${input.senderId}`;
    const sendIndex = this.#sendCounts.get(countKey) ?? 0;
    const authorId = input.authorFor(sendIndex);
    const message = this.#append(
      input.conversationId,
      authorId,
      input.text,
      input.sentAt,
      input.clientMessageId,
      { senderId: input.senderId, replyToId: input.replyToId ?? null },
    );
    this.#sendCounts.set(countKey, sendIndex + 1);
    this.#messageByClientId.set(idempotencyKey, message);
    return this.#appended(input, this.#view(message), false);
  }

  /** The result of an append, the sender's position moved to it when asked (senderReads). */
  #appended(input: NewUserMessage, message: Message, duplicate: boolean): AppendResult {
    // A duplicate from another conversation is refused by the caller: nothing read here.
    if (!input.senderReads || message.conversationId !== input.conversationId) {
      return { message, duplicate };
    }
    const senderPosition = this.#advance(input.conversationId, input.senderId, {
      readSeq: message.seq,
    });
    return { message, duplicate, senderPosition };
  }

  async getLastMessage(conversationId: string, viewerId?: string): Promise<Message | null> {
    const messages = this.#messages.get(conversationId) ?? [];
    const last = messages.at(-1);
    return last ? this.#view(last, viewerId) : null;
  }

  async listMessages(conversationId: string, query: PageQuery): Promise<MessagePage> {
    const all = this.#messages.get(conversationId) ?? [];
    const view = (record: MessageRecord) => this.#view(record, query.viewerId);
    const upper = Math.min(query.before ?? all.length, all.length); // exclusive
    if (query.after !== undefined) {
      const lower = Math.max(query.after + 1, 0);
      const end = Math.min(lower + query.limit, upper);
      return { messages: all.slice(lower, Math.max(lower, end)).map(view), hasMore: end < upper };
    }
    const start = Math.max(0, upper - query.limit);
    return { messages: all.slice(start, upper).map(view), hasMore: start > 0 };
  }

  async getMessage(
    conversationId: string,
    messageId: string,
    viewerId?: string,
  ): Promise<Message | null> {
    const record = this.#messageById.get(messageId);
    if (!record || record.conversationId !== conversationId) return null;
    return this.#view(record, viewerId);
  }

  // Each change below runs without an await between its check and its write: one atomic step.
  async editMessage(edit: MessageEdit): Promise<MessageChangeResult> {
    return this.#change(edit.conversationId, edit.messageId, edit.check, (record) => {
      if (record.text === edit.text) return false;
      record.text = edit.text;
      record.editedAt = edit.editedAt;
      record.editCount += 1;
      return true;
    });
  }

  async deleteMessage(deletion: MessageDeletion): Promise<MessageChangeResult> {
    return this.#change(deletion.conversationId, deletion.messageId, deletion.check, (record) => {
      if (record.deletedAt !== null) return false;
      record.text = '';
      record.deletedAt = deletion.deletedAt;
      record.reactions = [];
      record.replyToId = null;
      return true;
    });
  }

  async reactToMessage(reaction: MessageReactionInput): Promise<MessageChangeResult> {
    const check: MessageCheck = (target) => (target.deletedAt !== null ? 'message_deleted' : null);
    const record = this.#messageById.get(reaction.messageId);
    if (
      record?.conversationId === reaction.conversationId &&
      record.deletedAt === null &&
      reaction.emoji !== null &&
      !reactionFits(record.reactions, reaction.userId, reaction.emoji, reaction.maxEmoji)
    ) {
      return { ok: false, refusal: 'reactions_full' };
    }
    return this.#change(reaction.conversationId, reaction.messageId, check, (target) => {
      const current = target.reactions.find((r) => r.userId === reaction.userId);
      if ((current?.emoji ?? null) === reaction.emoji) return false;
      target.reactions = target.reactions.filter((r) => r.userId !== reaction.userId);
      if (reaction.emoji !== null) {
        target.reactions.push({
          emoji: reaction.emoji,
          userId: reaction.userId,
          reactedAt: reaction.reactedAt,
        });
      }
      return true;
    });
  }

  async hideMessage(hide: MessageHide): Promise<MessageChangeResult> {
    const record = this.#messageById.get(hide.messageId);
    if (!record || record.conversationId !== hide.conversationId) {
      return { ok: false, refusal: 'not_found' };
    }
    const key = `${hide.messageId}\n${hide.userId}`;
    if (this.#hidden.has(key)) {
      return { ok: true, message: this.#view(record, hide.userId), changed: false };
    }
    this.#hidden.set(key, this.#nextRevision(hide.conversationId));
    return { ok: true, message: this.#view(record, hide.userId), changed: true };
  }

  async listHidersOf(conversationId: string, messageId: string): Promise<string[]> {
    const record = this.#messageById.get(messageId);
    if (!record || record.conversationId !== conversationId) return [];
    const prefix = `${messageId}\n`;
    return [...this.#hidden.keys()]
      .filter((key) => key.startsWith(prefix))
      .map((key) => key.slice(prefix.length))
      .sort(compare);
  }

  async getRevision(conversationId: string): Promise<number> {
    return this.#revisions.get(conversationId) ?? 0;
  }

  async listMessageChanges(conversationId: string, query: ChangesQuery): Promise<ChangesPage> {
    const revision = this.#revisions.get(conversationId) ?? 0;
    const changed = (this.#messages.get(conversationId) ?? [])
      .map((record) => this.#view(record, query.viewerId))
      .filter((message) => (message.revision ?? 0) > query.since)
      .sort((a, b) => (a.revision ?? 0) - (b.revision ?? 0));
    return {
      messages: changed.slice(0, Math.max(0, query.limit)),
      hasMore: changed.length > query.limit,
      revision,
    };
  }

  #nextRevision(conversationId: string): number {
    const revision = (this.#revisions.get(conversationId) ?? 0) + 1;
    this.#revisions.set(conversationId, revision);
    return revision;
  }

  /** Finds, checks and applies one change; `apply` says whether it changed anything. */
  #change(
    conversationId: string,
    messageId: string,
    check: MessageCheck,
    apply: (record: MessageRecord) => boolean,
  ): MessageChangeResult {
    const record = this.#messageById.get(messageId);
    if (!record || record.conversationId !== conversationId) {
      return { ok: false, refusal: 'not_found' };
    }
    const target: MessageTarget = {
      id: record.id,
      conversationId: record.conversationId,
      senderId: record.senderId,
      authorId: record.authorId,
      sentAt: record.sentAt,
      editCount: record.editCount,
      deletedAt: record.deletedAt,
      text: record.text,
    };
    const refusal = check(target);
    if (refusal) return { ok: false, refusal };
    const changed = apply(record);
    if (changed) record.revision = this.#nextRevision(conversationId);
    return { ok: true, message: this.#view(record), changed };
  }

  /** The message as `viewerId` (or, without one, anybody) receives it. */
  #view(record: MessageRecord, viewerId?: string): Message {
    const original =
      record.replyToId === null ? undefined : this.#messageById.get(record.replyToId);
    const hiddenRevision =
      viewerId === undefined ? undefined : this.#hidden.get(`${record.id}\n${viewerId}`);
    return toWireMessage({
      ...record,
      replyTo:
        original && original.conversationId === record.conversationId
          ? {
              messageId: original.id,
              seq: original.seq,
              authorId: original.authorId,
              text: original.text,
              deletedAt: original.deletedAt,
              hiddenByViewer:
                viewerId !== undefined && this.#hidden.has(`${original.id}\n${viewerId}`),
            }
          : null,
      reactions: record.reactions,
      hiddenRevision: hiddenRevision ?? null,
    });
  }

  async getSendCount(conversationId: string, senderId: string): Promise<number> {
    return this.#sendCounts.get(`${conversationId}\n${senderId}`) ?? 0;
  }

  async searchMessages(
    userId: string,
    query: string,
    options: MessageSearchOptions = {},
  ): Promise<MessageSearchPage> {
    const terms = searchTermsOf(query);
    const limit = searchLimitOf(options.limit);
    if (terms.length === 0) return { hits: [], hasMore: false, cursor: null };
    const memberOf = new Set(
      [...this.#conversations.values()]
        .filter((conversation) => conversation.memberIds.includes(userId))
        .map((conversation) => conversation.id),
    );
    const spacedTerms = terms.map((term) => ` ${term}`);
    const hits: MessageSearchHit[] = [];
    // A scan from the newest back, stopping one past the page (that one says hasMore).
    const from = Math.min(options.before ?? this.#stored.length, this.#stored.length) - 1;
    for (let cursor = from; cursor >= 0; cursor -= 1) {
      const place = this.#stored[cursor];
      if (!place || !memberOf.has(place.conversationId)) continue;
      const message = this.#messages.get(place.conversationId)?.[place.seq];
      // A deleted message's text is '' and matches nothing.
      if (!message || message.text === '') continue;
      if (place.foldedFrom !== message.text) {
        place.words = ` ${foldedWords(message.text).join(' ')}`;
        place.foldedFrom = message.text;
      }
      // A cheap test on the folded words first; matchMessage decides, as in the other stores.
      if (!containsAll(place.words, spacedTerms)) continue;
      // One the searcher hid is not theirs to find any more (asked of candidates only: the
      // key is a string built per message).
      if (this.#hidden.has(`${message.id}\n${userId}`)) continue;
      const highlights = matchMessage(message.text, terms);
      if (!highlights) continue;
      if (hits.length === limit) {
        return { hits, hasMore: true, cursor: hits.at(-1)?.cursor ?? null };
      }
      hits.push({ message: this.#view(message, userId), highlights, cursor });
    }
    return { hits, hasMore: false, cursor: null };
  }

  async close(): Promise<void> {}

  #requireConversation(id: string): StoredConversation {
    const conversation = this.#conversations.get(id);
    if (!conversation) throw new Error(`conversation ${id} does not exist`);
    return conversation;
  }

  #append(
    conversationId: string,
    authorId: string,
    text: string,
    sentAt: number,
    clientMessageId: string | null,
    from: { senderId: string | null; replyToId: string | null } | null,
  ): MessageRecord {
    this.#requireConversation(conversationId);
    const messages = this.#messages.get(conversationId) ?? [];
    const message: MessageRecord = {
      id: randomUUID(),
      conversationId,
      authorId,
      text,
      sentAt,
      seq: messages.length,
      clientMessageId,
      senderId: from?.senderId ?? null,
      replyToId: from?.replyToId ?? null,
      editedAt: null,
      editCount: 0,
      deletedAt: null,
      revision: 0,
      reactions: [],
    };
    messages.push(message);
    this.#messages.set(conversationId, messages);
    this.#messageById.set(message.id, message);
    this.#stored.push({ conversationId, seq: message.seq, words: '', foldedFrom: null });
    return message;
  }
}
