// The in-memory Store: the default for development and tests. Every method returns copies, as
// a database would, so callers cannot mutate stored state by accident.
import { randomUUID } from 'node:crypto';
import type { Message } from '../protocol.ts';
import { matchesQuery, queryWords, searchKeyOf } from './nameSearch.ts';
import { foldedWords, matchMessage, searchLimitOf, searchTermsOf } from '../search.ts';
import type {
  AppendResult,
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

const copy = <T>(value: T): T => structuredClone(value);

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

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
  #messages = new Map<string, Message[]>();
  /** `${senderId}\n${clientMessageId}` -> message; the UNIQUE (sender, clientMessageId) rule. */
  #messageByClientId = new Map<string, Message>();
  /** `${conversationId}\n${senderId}` -> sends so far. */
  #sendCounts = new Map<string, number>();
  #avatarImages = new Map<string, AvatarImage>();
  /** Sorted pair `${a}\n${b}` -> the pair's direct conversation id. */
  #directByPair = new Map<string, string>();
  /** `${conversationId}\n${userId}` -> position. */
  #positions = new Map<string, MemberPosition>();
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
    this.#positions.delete(`${conversationId}\n${userId}`);
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
    const key = `${conversationId}\n${userId}`;
    const before = this.#positions.get(key) ?? { userId, deliveredSeq: -1, readSeq: -1 };
    const readSeq = Math.max(before.readSeq, to.readSeq ?? -1);
    const deliveredSeq = Math.max(before.deliveredSeq, to.deliveredSeq ?? -1, readSeq);
    const position = { userId, deliveredSeq, readSeq };
    const changed = readSeq !== before.readSeq || deliveredSeq !== before.deliveredSeq;
    if (changed) this.#positions.set(key, position);
    return { position: copy(position), changed };
  }

  async getPosition(conversationId: string, userId: string): Promise<MemberPosition> {
    const position = this.#positions.get(`${conversationId}\n${userId}`);
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
    const prefix = `${conversationId}\n`;
    return [...this.#positions.entries()]
      .filter(([key]) => key.startsWith(prefix))
      .map(([, position]) => copy(position))
      .sort((a, b) => compare(a.userId, b.userId));
  }

  async appendSystemMessage(input: NewSystemMessage): Promise<Message> {
    return copy(this.#append(input.conversationId, input.authorId, input.text, input.sentAt, null));
  }

  async appendUserMessage(input: NewUserMessage): Promise<AppendResult> {
    this.#requireConversation(input.conversationId);
    const idempotencyKey = `${input.senderId}\n${input.clientMessageId}`;
    const original = this.#messageByClientId.get(idempotencyKey);
    if (original) return { message: copy(original), duplicate: true };

    const countKey = `${input.conversationId}\n${input.senderId}`;
    const sendIndex = this.#sendCounts.get(countKey) ?? 0;
    const authorId = input.authorFor(sendIndex);
    const message = this.#append(
      input.conversationId,
      authorId,
      input.text,
      input.sentAt,
      input.clientMessageId,
    );
    this.#sendCounts.set(countKey, sendIndex + 1);
    this.#messageByClientId.set(idempotencyKey, message);
    return { message: copy(message), duplicate: false };
  }

  async getLastMessage(conversationId: string): Promise<Message | null> {
    const messages = this.#messages.get(conversationId) ?? [];
    const last = messages.at(-1);
    return last ? copy(last) : null;
  }

  async listMessages(conversationId: string, query: PageQuery): Promise<MessagePage> {
    const all = this.#messages.get(conversationId) ?? [];
    const upper = Math.min(query.before ?? all.length, all.length); // exclusive
    if (query.after !== undefined) {
      const lower = Math.max(query.after + 1, 0);
      const end = Math.min(lower + query.limit, upper);
      return { messages: all.slice(lower, Math.max(lower, end)).map(copy), hasMore: end < upper };
    }
    const start = Math.max(0, upper - query.limit);
    return { messages: all.slice(start, upper).map(copy), hasMore: start > 0 };
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
      if (!message || message.text === '') continue;
      if (place.foldedFrom !== message.text) {
        place.words = ` ${foldedWords(message.text).join(' ')}`;
        place.foldedFrom = message.text;
      }
      // A cheap test on the folded words first; matchMessage decides, as in the other stores.
      if (!containsAll(place.words, spacedTerms)) continue;
      const highlights = matchMessage(message.text, terms);
      if (!highlights) continue;
      if (hits.length === limit) {
        return { hits, hasMore: true, cursor: hits.at(-1)?.cursor ?? null };
      }
      hits.push({ message: copy(message), highlights, cursor });
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
  ): Message {
    this.#requireConversation(conversationId);
    const messages = this.#messages.get(conversationId) ?? [];
    const message: Message = {
      id: randomUUID(),
      conversationId,
      authorId,
      text,
      sentAt,
      seq: messages.length,
      clientMessageId,
    };
    messages.push(message);
    this.#messages.set(conversationId, messages);
    this.#stored.push({ conversationId, seq: message.seq, words: '', foldedFrom: null });
    return message;
  }
}
