// The SQLite Store off the event loop: SqliteStore runs on a worker thread (worker.ts), the one
// writer of the file, as Signal Desktop runs its SQL. The main thread posts each call and awaits
// its reply; the worker commits the calls that queued up meanwhile in one transaction (group
// commit), so 1,000 sends in flight cost a few fsyncs, not 1,000, and the event loop never waits
// on a disk. A reply comes only after the transaction holding its call is durable.
import { Worker } from 'node:worker_threads';
import type { Message } from '../../protocol.ts';
import type {
  AppendResult,
  MemberPosition,
  MessageChangeResult,
  MessageDeletion,
  MessageEdit,
  MessageHide,
  NewSystemMessage,
  NewUserMessage,
  Store,
  StoredConversation,
} from '../types.ts';
import { plainCopy } from '../plainCopy.ts';
import type { SqliteStoreOptions } from './store.ts';
import type {
  Answers,
  SerializedError,
  WorkerCall,
  WorkerData,
  WorkerMessage,
  WorkerReply,
  WorkerStats,
} from './worker.ts';

export type { WorkerStats } from './worker.ts';

export interface SqliteWorkerStoreOptions extends SqliteStoreOptions {
  /** Called once if the worker dies: every pending and later call has failed with `error`. */
  onFailure?: (error: Error) => void;
  /** WAL pages past which the worker truncates it between batches (default 1,000). */
  checkpointPages?: number;
  checkpointEveryMs?: number;
}

type Method = Exclude<keyof Store, 'close'>;
type Result<K extends Method> = Awaited<ReturnType<Store[K]>>;

interface Pending {
  resolve(reply: WorkerReply): void;
  reject(error: Error): void;
  /** Updates what this store remembers, as the reply arrives (replies come in run order). */
  apply?: ((value: unknown) => void) | undefined;
}

/** An error as thrown in the worker: its message and name (and the worker's stack) kept. */
function revive(serialized: SerializedError): Error {
  const error = new Error(serialized.message);
  error.name = serialized.name;
  if (serialized.stack) error.stack = serialized.stack;
  return error;
}

/** Send counts and conversations remembered (hot reads of every send), before starting over. */
const sendCountsKept = 100_000;
const conversationsKept = 100_000;

/** A Map that starts over once it holds `limit` entries: what it forgets is read again. */
function remember<K, V>(map: Map<K, V>, key: K, value: V, limit = conversationsKept): void {
  if (map.size >= limit && !map.has(key)) map.clear();
  map.set(key, value);
}

const copyPosition = (position: MemberPosition): MemberPosition => ({ ...position });
const byUserId = (a: MemberPosition, b: MemberPosition) =>
  a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0;

export class SqliteWorkerStore implements Store {
  readonly file: string;
  #worker: Worker;
  #pending = new Map<number, Pending>();
  #nextId = 1;
  #failure: Error | null = null;
  #closed: Promise<void> | null = null;
  #onFailure: ((error: Error) => void) | undefined;
  /**
   * The next send index of each (conversation, sender) as the last reply left it, and how many
   * sends of that pair are in flight: the author of a send is asked of its authorFor before the
   * call is posted. A wrong guess costs a second trip, never a wrong author (the worker checks).
   */
  #sendCounts = new Map<string, number>();
  #sendsInFlight = new Map<string, number>();
  /**
   * Conversations as the last reply that read or changed one left them: every send reads its
   * conversation, and only this store's worker writes the file, so a copy kept here is the
   * stored one (replies are taken in the order the worker ran their calls).
   */
  #conversations = new Map<string, StoredConversation>();
  /**
   * The other reads of every send, kept the same way (only this store writes the file, and each
   * reply updates them in the order the worker ran its call): a conversation's positions, all
   * of them once read; its last message as a room sees it; and the last message this store
   * appended there, until someone hides a message there (until then it has no hiders). A read
   * answered from here while a write is in flight is the read run before that write.
   */
  #positions = new Map<string, Map<string, MemberPosition>>();
  #lastMessages = new Map<string, Message | null>();
  #unhiddenLast = new Map<string, string>();

  /** Starts the worker, which opens (creating if needed) and migrates the database at `file`. */
  static async open(
    file: string,
    options: SqliteWorkerStoreOptions = {},
  ): Promise<SqliteWorkerStore> {
    const { onFailure, checkpointPages, checkpointEveryMs, ...storeOptions } = options;
    const worker = new Worker(new URL('./worker.ts', import.meta.url), {
      workerData: {
        file,
        options: storeOptions,
        checkpointPages: checkpointPages ?? 1_000,
        checkpointEveryMs: checkpointEveryMs ?? 1_000,
      } satisfies WorkerData,
    });
    await new Promise<void>((resolve, reject) => {
      const failed = (error: Error) => {
        worker.off('message', first);
        reject(error);
      };
      const first = (message: WorkerMessage) => {
        worker.off('error', failed);
        if (message.kind === 'ready') resolve();
        else if (message.kind === 'openFailed') reject(revive(message.error));
      };
      worker.once('message', first);
      worker.once('error', failed);
    });
    return new SqliteWorkerStore(worker, file, onFailure);
  }

  private constructor(worker: Worker, file: string, onFailure?: (error: Error) => void) {
    this.#worker = worker;
    this.file = file;
    this.#onFailure = onFailure;
    worker.on('message', (message: WorkerMessage) => {
      if (message.kind !== 'replies') return;
      for (const reply of message.replies) {
        const waiter = this.#pending.get(reply.id);
        if (!waiter) continue;
        this.#pending.delete(reply.id);
        if (waiter.apply && 'value' in reply) waiter.apply(reply.value);
        waiter.resolve(reply);
      }
    });
    worker.on('error', (error) => this.#fail(error));
    worker.on('exit', (code) => {
      if (this.#closed === null) this.#fail(new Error(`the SQLite worker exited (${code})`));
    });
  }

  /** The server must not hang on a dead store: every waiting call fails, and so will the next. */
  #fail(cause: Error): void {
    if (this.#failure) return;
    this.#failure = new Error(`the SQLite store's worker failed: ${cause.message}`, { cause });
    for (const waiter of this.#pending.values()) waiter.reject(this.#failure);
    this.#pending.clear();
    this.#onFailure?.(this.#failure);
  }

  #post(
    method: string,
    args: unknown[],
    answers?: Answers,
    apply?: (value: unknown) => void,
  ): Promise<WorkerReply> {
    if (this.#failure) return Promise.reject(this.#failure);
    if (this.#closed) return Promise.reject(new Error('the SQLite store is closed'));
    const id = this.#nextId++;
    return new Promise<WorkerReply>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject, apply });
      const call: WorkerCall = answers ? { id, method, args, answers } : { id, method, args };
      this.#worker.postMessage(call);
    });
  }

  /** `apply` runs with the value as the reply arrives, before any caller sees it. */
  async #call<K extends Method>(
    method: K,
    args: unknown[],
    apply?: (value: Result<K>) => void,
  ): Promise<Result<K>> {
    const reply = await this.#post(
      method,
      args,
      undefined,
      apply as ((value: unknown) => void) | undefined,
    );
    if ('error' in reply) throw revive(reply.error);
    if ('need' in reply) throw new Error(`${method} asked for a callback it does not have`);
    return reply.value as Result<K>;
  }

  /** A conversation as a reply left it; callers get copies, as from the worker. */
  #keep = (conversation: StoredConversation): void => {
    remember(this.#conversations, conversation.id, plainCopy(conversation));
  };

  /** A new message is the last of its conversation, and nobody has hidden it yet. */
  #appended(message: Message): void {
    remember(this.#lastMessages, message.conversationId, plainCopy(message));
    remember(this.#unhiddenLast, message.conversationId, message.id);
  }

  /** Forgets a conversation's positions (changed in a way not worth following). */
  #forgetPositions(conversationId: string): void {
    this.#positions.delete(conversationId);
  }

  /** Forgets a conversation's last message as the room sees it (a change to some message). */
  #forgetLast(conversationId: string): void {
    this.#lastMessages.delete(conversationId);
  }

  /** Test and bench counters: calls, batches and commits so far, checkpoints. */
  async stats(): Promise<WorkerStats> {
    return (await this.#call('stats' as Method, [])) as unknown as WorkerStats;
  }

  /** Tests only: the worker throws outside any call, as a bug or a native crash would. */
  crashForTests(): void {
    this.#worker.postMessage({ id: 0, method: 'crashForTests', args: [] } satisfies WorkerCall);
  }

  createUser: Store['createUser'] = (...args) => this.#call('createUser', args);
  getUser: Store['getUser'] = (...args) => this.#call('getUser', args);
  getUserByPhone: Store['getUserByPhone'] = (...args) => this.#call('getUserByPhone', args);
  getUsers: Store['getUsers'] = (...args) => this.#call('getUsers', args);
  updateUser: Store['updateUser'] = (...args) => this.#call('updateUser', args);
  searchPeople: Store['searchPeople'] = (...args) => this.#call('searchPeople', args);
  putAvatarImage: Store['putAvatarImage'] = (...args) => this.#call('putAvatarImage', args);
  getAvatarImage: Store['getAvatarImage'] = (...args) => this.#call('getAvatarImage', args);
  deleteAvatarImage: Store['deleteAvatarImage'] = (...args) =>
    this.#call('deleteAvatarImage', args);
  createSession: Store['createSession'] = (...args) => this.#call('createSession', args);
  getSession: Store['getSession'] = (...args) => this.#call('getSession', args);
  touchSession: Store['touchSession'] = (...args) => this.#call('touchSession', args);
  listSessionsOf: Store['listSessionsOf'] = (...args) => this.#call('listSessionsOf', args);
  deleteSession: Store['deleteSession'] = (...args) => this.#call('deleteSession', args);
  deleteSessionsIdleSince: Store['deleteSessionsIdleSince'] = (...args) =>
    this.#call('deleteSessionsIdleSince', args);
  createConversation: Store['createConversation'] = (...args) =>
    this.#call('createConversation', args, this.#keep);
  getConversation: Store['getConversation'] = async (id) => {
    const kept = this.#conversations.get(id);
    if (kept) return plainCopy(kept);
    return this.#call('getConversation', [id], (read) => {
      if (read) this.#keep(read);
    });
  };
  listConversationsOf: Store['listConversationsOf'] = (...args) =>
    this.#call('listConversationsOf', args);
  addMember: Store['addMember'] = (...args) => this.#call('addMember', args, this.#keep);
  removeMember: Store['removeMember'] = (conversationId, userId) =>
    this.#call('removeMember', [conversationId, userId], (conversation) => {
      this.#keep(conversation);
      this.#forgetPositions(conversationId);
    });
  openDirectConversation: Store['openDirectConversation'] = (...args) =>
    this.#call('openDirectConversation', args, (opened) => this.#keep(opened.conversation));
  advancePosition: Store['advancePosition'] = (conversationId, userId, to) =>
    this.#call('advancePosition', [conversationId, userId, to], ({ position, changed }) => {
      const known = this.#positions.get(conversationId);
      if (known && changed) known.set(userId, copyPosition(position));
    });
  listPositions: Store['listPositions'] = async (conversationId) => {
    const known = this.#positions.get(conversationId);
    // In the stored order (ORDER BY user_id; ids are ASCII, so both orders agree).
    if (known) return [...known.values()].sort(byUserId).map(copyPosition);
    return this.#call('listPositions', [conversationId], (positions) => {
      const all = new Map(positions.map((position) => [position.userId, copyPosition(position)]));
      remember(this.#positions, conversationId, all);
    });
  };
  getPosition: Store['getPosition'] = async (conversationId, userId) => {
    const known = this.#positions.get(conversationId);
    if (!known) return this.#call('getPosition', [conversationId, userId]);
    const position = known.get(userId);
    return position ? copyPosition(position) : { userId, deliveredSeq: -1, readSeq: -1 };
  };
  setMuted: Store['setMuted'] = (conversationId, userId, muted) =>
    // Muting may add a position row (at -1): read the positions afresh.
    this.#call('setMuted', [conversationId, userId, muted], () =>
      this.#forgetPositions(conversationId),
    );
  isMuted: Store['isMuted'] = (...args) => this.#call('isMuted', args);
  appendSystemMessage: Store['appendSystemMessage'] = (input: NewSystemMessage) =>
    this.#call('appendSystemMessage', [input], (message) => this.#appended(message));
  findUserMessage: Store['findUserMessage'] = (...args) => this.#call('findUserMessage', args);
  getLastMessage: Store['getLastMessage'] = async (conversationId, viewerId) => {
    // Only the room's view is kept: a viewer's differs by their hides.
    if (viewerId !== undefined) return this.#call('getLastMessage', [conversationId, viewerId]);
    const known = this.#lastMessages.get(conversationId);
    if (known !== undefined) return plainCopy(known);
    return this.#call('getLastMessage', [conversationId], (last) => {
      remember(this.#lastMessages, conversationId, plainCopy(last));
    });
  };
  listMessages: Store['listMessages'] = (...args) => this.#call('listMessages', args);
  getMessage: Store['getMessage'] = (...args) => this.#call('getMessage', args);
  reactToMessage: Store['reactToMessage'] = (reaction) =>
    this.#call('reactToMessage', [reaction], () => this.#forgetLast(reaction.conversationId));
  hideMessage: Store['hideMessage'] = (hide: MessageHide) =>
    this.#call('hideMessage', [hide], () => {
      this.#forgetLast(hide.conversationId);
      this.#unhiddenLast.delete(hide.conversationId);
    });
  listHidersOf: Store['listHidersOf'] = async (conversationId, messageId) => {
    if (this.#unhiddenLast.get(conversationId) === messageId) return [];
    return this.#call('listHidersOf', [conversationId, messageId]);
  };
  getRevision: Store['getRevision'] = (...args) => this.#call('getRevision', args);
  listMessageChanges: Store['listMessageChanges'] = (...args) =>
    this.#call('listMessageChanges', args);
  /** Known here once this store appended for the pair, and exact while none is in flight. */
  getSendCount: Store['getSendCount'] = (conversationId, senderId) => {
    const pair = `${conversationId}\u0000${senderId}`;
    const known = this.#sendCounts.get(pair);
    if (known !== undefined && !this.#sendsInFlight.has(pair)) return Promise.resolve(known);
    return this.#call('getSendCount', [conversationId, senderId]);
  };
  searchMessages: Store['searchMessages'] = (...args) => this.#call('searchMessages', args);

  /**
   * authorFor cannot cross to the worker, so its answers do: for the send indexes this store
   * can expect (from the last reply's count, up to one per send of the pair in flight). If the
   * worker finds an index not answered, or none was known, it asks from that one and the call
   * goes again. Sent one at a time, authorFor is asked once per new message; with several in
   * flight it is asked ahead (it is pure: authorship.ts), and a resend that turns out to be a
   * duplicate may have asked it in vain.
   */
  async appendUserMessage(input: NewUserMessage): Promise<AppendResult> {
    const { authorFor, ...rest } = input;
    const pair = `${input.conversationId}\u0000${input.senderId}`;
    this.#sendsInFlight.set(pair, (this.#sendsInFlight.get(pair) ?? 0) + 1);
    const answersFrom = (first: number): Answers => {
      const ahead = this.#sendsInFlight.get(pair) ?? 1;
      return {
        authors: Array.from({ length: ahead }, (_, offset) => [
          first + offset,
          authorFor(first + offset),
        ]),
      };
    };
    try {
      const known = this.#sendCounts.get(pair);
      let answers = known === undefined ? undefined : answersFrom(known);
      for (;;) {
        const reply = await this.#post('appendUserMessage', [rest], answers, (value) => {
          const appended = value as AppendResult;
          if (!appended.duplicate) this.#appended(appended.message);
          const moved = appended.senderPosition;
          if (moved?.changed) {
            this.#positions
              .get(input.conversationId)
              ?.set(input.senderId, copyPosition(moved.position));
          }
        });
        if ('error' in reply) throw revive(reply.error);
        if ('need' in reply) {
          if (reply.need.kind !== 'author') throw new Error('appendUserMessage asked for a check');
          answers = answersFrom(reply.need.index);
          continue;
        }
        if (reply.sendIndex !== undefined) {
          if (this.#sendCounts.size >= sendCountsKept) this.#sendCounts.clear();
          const next = reply.sendIndex + 1;
          this.#sendCounts.set(pair, Math.max(next, this.#sendCounts.get(pair) ?? 0));
        }
        return reply.value as AppendResult;
      }
    } finally {
      const left = (this.#sendsInFlight.get(pair) ?? 1) - 1;
      if (left === 0) this.#sendsInFlight.delete(pair);
      else this.#sendsInFlight.set(pair, left);
    }
  }

  editMessage(edit: MessageEdit): Promise<MessageChangeResult> {
    const { check, ...rest } = edit;
    return this.#checked('editMessage', rest, check);
  }

  deleteMessage(deletion: MessageDeletion): Promise<MessageChangeResult> {
    const { check, ...rest } = deletion;
    return this.#checked('deleteMessage', rest, check);
  }

  /**
   * A MessageCheck runs here, on the message as the worker read it; the worker applies the
   * verdict only if the message is still exactly that inside the change's own savepoint, and
   * otherwise asks again. Edits and deletes are rare: the second trip is cheap.
   */
  async #checked(
    method: 'editMessage' | 'deleteMessage',
    input: { conversationId: string },
    check: MessageEdit['check'],
  ): Promise<MessageChangeResult> {
    let answers: Answers | undefined;
    const { conversationId } = input;
    for (;;) {
      const reply = await this.#post(method, [input], answers, () =>
        this.#forgetLast(conversationId),
      );
      if ('error' in reply) throw revive(reply.error);
      if (!('need' in reply)) return reply.value as MessageChangeResult;
      if (reply.need.kind !== 'check') throw new Error(`${method} asked for an author`);
      answers = { check: { target: reply.need.target, refusal: check(reply.need.target) } };
    }
  }

  /** Drains: every call posted before it is committed and answered, then the worker ends. */
  close(): Promise<void> {
    if (this.#closed) return this.#closed;
    if (this.#failure) {
      this.#closed = this.#worker.terminate().then(() => {});
      return this.#closed;
    }
    const id = this.#nextId++;
    const drained = new Promise<WorkerReply>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
    });
    this.#worker.postMessage({ id, method: 'close', args: [] } satisfies WorkerCall);
    this.#closed = drained.then(
      async () => {
        await this.#worker.terminate();
      },
      () => {},
    );
    return this.#closed;
  }
}
