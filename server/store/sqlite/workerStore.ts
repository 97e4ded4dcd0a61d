// The SQLite Store off the event loop: SqliteStore runs on a worker thread (worker.ts), the one
// writer of the file, as Signal Desktop runs its SQL. The main thread posts each call and awaits
// its reply; the worker commits the calls that queued up meanwhile in one transaction (group
// commit), so 1,000 sends in flight cost a few fsyncs, not 1,000, and the event loop never waits
// on a disk. A reply comes only after the transaction holding its call is durable.
import { Worker } from 'node:worker_threads';
import type {
  AppendResult,
  MessageChangeResult,
  MessageDeletion,
  MessageEdit,
  NewUserMessage,
  Store,
  StoredConversation,
} from '../types.ts';
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

  #post(method: string, args: unknown[], answers?: Answers): Promise<WorkerReply> {
    if (this.#failure) return Promise.reject(this.#failure);
    if (this.#closed) return Promise.reject(new Error('the SQLite store is closed'));
    const id = this.#nextId++;
    return new Promise<WorkerReply>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      const call: WorkerCall = answers ? { id, method, args, answers } : { id, method, args };
      this.#worker.postMessage(call);
    });
  }

  async #call<K extends Method>(method: K, args: unknown[]): Promise<Result<K>> {
    const reply = await this.#post(method, args);
    if ('error' in reply) throw revive(reply.error);
    if ('need' in reply) throw new Error(`${method} asked for a callback it does not have`);
    return reply.value as Result<K>;
  }

  /** A conversation as a reply left it; callers get copies, as from the worker. */
  #keep(conversation: StoredConversation): void {
    if (this.#conversations.size >= conversationsKept) this.#conversations.clear();
    this.#conversations.set(conversation.id, structuredClone(conversation));
  }

  async #keepConversation(changed: Promise<StoredConversation>): Promise<StoredConversation> {
    const conversation = await changed;
    this.#keep(conversation);
    return conversation;
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
    this.#keepConversation(this.#call('createConversation', args));
  getConversation: Store['getConversation'] = async (id) => {
    const kept = this.#conversations.get(id);
    if (kept) return structuredClone(kept);
    const read = await this.#call('getConversation', [id]);
    if (read) this.#keep(read);
    return read;
  };
  listConversationsOf: Store['listConversationsOf'] = (...args) =>
    this.#call('listConversationsOf', args);
  addMember: Store['addMember'] = (...args) =>
    this.#keepConversation(this.#call('addMember', args));
  removeMember: Store['removeMember'] = (...args) =>
    this.#keepConversation(this.#call('removeMember', args));
  openDirectConversation: Store['openDirectConversation'] = async (...args) => {
    const opened = await this.#call('openDirectConversation', args);
    this.#keep(opened.conversation);
    return opened;
  };
  advancePosition: Store['advancePosition'] = (...args) => this.#call('advancePosition', args);
  listPositions: Store['listPositions'] = (...args) => this.#call('listPositions', args);
  getPosition: Store['getPosition'] = (...args) => this.#call('getPosition', args);
  setMuted: Store['setMuted'] = (...args) => this.#call('setMuted', args);
  isMuted: Store['isMuted'] = (...args) => this.#call('isMuted', args);
  appendSystemMessage: Store['appendSystemMessage'] = (...args) =>
    this.#call('appendSystemMessage', args);
  findUserMessage: Store['findUserMessage'] = (...args) => this.#call('findUserMessage', args);
  getLastMessage: Store['getLastMessage'] = (...args) => this.#call('getLastMessage', args);
  listMessages: Store['listMessages'] = (...args) => this.#call('listMessages', args);
  getMessage: Store['getMessage'] = (...args) => this.#call('getMessage', args);
  reactToMessage: Store['reactToMessage'] = (...args) => this.#call('reactToMessage', args);
  hideMessage: Store['hideMessage'] = (...args) => this.#call('hideMessage', args);
  listHidersOf: Store['listHidersOf'] = (...args) => this.#call('listHidersOf', args);
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
        const reply = await this.#post('appendUserMessage', [rest], answers);
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
    input: object,
    check: MessageEdit['check'],
  ): Promise<MessageChangeResult> {
    let answers: Answers | undefined;
    for (;;) {
      const reply = await this.#post(method, [input], answers);
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
