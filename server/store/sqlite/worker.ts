// The worker thread of SqliteWorkerStore (workerStore.ts): the one writer of the database file.
// Calls from the main thread queue up while the worker is busy and are run in batches: BEGIN
// IMMEDIATE, every queued call in order (each in its own savepoint, so one that fails undoes
// only itself), one COMMIT (the fsync of synchronous=FULL), then all replies. Calls that arrive
// while a commit is in flight form the next batch: group commit. No reply leaves before the
// transaction holding its call is durable.
import { statSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import type { MessageRefusal, MessageTarget } from '../types.ts';
import { BatchReplayNeeded, SqliteStore, type SqliteStoreOptions } from './store.ts';

export interface WorkerData {
  file: string;
  options: SqliteStoreOptions;
  /** The WAL is truncated once it holds more pages than this (Signal Desktop: 1,000). */
  checkpointPages: number;
  checkpointEveryMs: number;
}

/**
 * What the main thread answered for a call's callbacks (a function cannot cross threads): the
 * author for a send index, or a MessageCheck's verdict on the target as the main thread saw it.
 */
export interface Answers {
  authors?: [index: number, authorId: string][];
  check?: { target: MessageTarget; refusal: MessageRefusal | null };
}

export interface WorkerCall {
  id: number;
  method: string;
  args: unknown[];
  answers?: Answers;
}

/** A callback the call needs answered before it can run: the main thread asks it and resends. */
export type Need = { kind: 'author'; index: number } | { kind: 'check'; target: MessageTarget };

export interface SerializedError {
  name: string;
  message: string;
  stack?: string | undefined;
}

export type WorkerReply =
  | { id: number; value: unknown; sendIndex?: number }
  | { id: number; error: SerializedError }
  | { id: number; need: Need };

export type WorkerMessage =
  | { kind: 'ready' }
  | { kind: 'openFailed'; error: SerializedError }
  | { kind: 'replies'; replies: WorkerReply[] };

/** Counters for tests and the bench: how many calls went into how many commits. */
export interface WorkerStats {
  calls: number;
  batches: number;
  /** Batches that wrote something (a COMMIT with an fsync). */
  commits: number;
  /** Time spent running calls, and in COMMIT (the fsync), in ms. */
  runMs: number;
  commitMs: number;
  checkpoints: number;
  /** The longest WAL checkpoint, run between batches (never inside a commit acks wait on). */
  checkpointMaxMs: number;
  /** Batches run a second time, a call in each savepoint, after a call failed having written. */
  replays: number;
}

class NeedAnswer extends Error {
  readonly need: Need;
  constructor(need: Need) {
    super('a callback of this call needs the main thread');
    this.need = need;
  }
}

function serialize(error: unknown): SerializedError {
  if (error instanceof Error)
    return { name: error.name, message: error.message, stack: error.stack };
  return { name: 'Error', message: String(error) };
}

const port = parentPort;
if (!port) throw new Error('server/store/sqlite/worker.ts runs only as a worker thread');
const config = workerData as WorkerData;

let store: SqliteStore;
try {
  store = SqliteStore.open(config.file, config.options);
  // Checkpoints are this worker's, timed and between batches; SQLite's own (every 1,000 pages,
  // inside whichever commit crosses the line) stays only as a far-off safety net.
  store.maintenance('PRAGMA wal_autocheckpoint = 100000');
} catch (error) {
  port.postMessage({ kind: 'openFailed', error: serialize(error) } satisfies WorkerMessage);
  process.exit(0);
}

const stats: WorkerStats = {
  calls: 0,
  batches: 0,
  commits: 0,
  runMs: 0,
  commitMs: 0,
  checkpoints: 0,
  checkpointMaxMs: 0,
  replays: 0,
};
const queue: WorkerCall[] = [];
let scheduled = false;
let closing: WorkerCall | null = null;
const pageSize = Number(store.maintenance('PRAGMA page_size')[0]?.page_size ?? 4096);

/** Rebuilds a call's arguments, its callbacks answering from what the main thread sent. */
function argumentsOf(call: WorkerCall, used: { sendIndex?: number }): unknown[] {
  const [input, ...rest] = call.args;
  if (call.method === 'appendUserMessage') {
    const authors = new Map(call.answers?.authors ?? []);
    const authorFor = (index: number): string => {
      const author = authors.get(index);
      if (author === undefined) throw new NeedAnswer({ kind: 'author', index });
      used.sendIndex = index;
      return author;
    };
    return [{ ...(input as object), authorFor }, ...rest];
  }
  if (call.method === 'editMessage' || call.method === 'deleteMessage') {
    const answered = call.answers?.check;
    const check = (target: MessageTarget): MessageRefusal | null => {
      // The verdict holds only for the message as the main thread saw it (the row is locked now).
      if (answered && JSON.stringify(answered.target) === JSON.stringify(target)) {
        return answered.refusal;
      }
      throw new NeedAnswer({ kind: 'check', target });
    };
    return [{ ...(input as object), check }, ...rest];
  }
  return call.args;
}

async function run(call: WorkerCall): Promise<WorkerReply> {
  if (call.method === 'stats') return { id: call.id, value: { ...stats } };
  const method = (store as unknown as Record<string, unknown>)[call.method];
  if (typeof method !== 'function') {
    return { id: call.id, error: { name: 'Error', message: `no store method ${call.method}` } };
  }
  const used: { sendIndex?: number } = {};
  try {
    const value = await store.inBatch(() =>
      (method as (...args: unknown[]) => Promise<unknown>).apply(store, argumentsOf(call, used)),
    );
    return used.sendIndex === undefined
      ? { id: call.id, value }
      : { id: call.id, value, sendIndex: used.sendIndex };
  } catch (error) {
    if (error instanceof BatchReplayNeeded) throw error;
    if (error instanceof NeedAnswer) return { id: call.id, need: error.need };
    return { id: call.id, error: serialize(error) };
  }
}

/** Runs every call of the batch inside one open transaction, answering each. */
async function runAll(batch: WorkerCall[], savepoints: boolean): Promise<WorkerReply[]> {
  store.beginBatch({ savepoints });
  const replies: WorkerReply[] = [];
  for (const call of batch) replies.push(await run(call));
  return replies;
}

async function drain(): Promise<void> {
  scheduled = false;
  const batch = queue.splice(0);
  if (batch.length === 0) return finishIfClosing();
  stats.batches += 1;
  stats.calls += batch.length;
  let replies: WorkerReply[];
  const changesBefore = store.totalChanges();
  try {
    const started = performance.now();
    try {
      replies = await runAll(batch, false);
    } catch (error) {
      if (!(error instanceof BatchReplayNeeded)) throw error;
      // Nothing of the first run left the worker: undo it all, then each call in a savepoint.
      store.rollbackBatch();
      stats.replays += 1;
      replies = await runAll(batch, true);
    }
    const ran = performance.now();
    stats.runMs += ran - started;
    store.commitBatch();
    stats.commitMs += performance.now() - ran;
    if (store.totalChanges() !== changesBefore) stats.commits += 1;
  } catch (error) {
    // BEGIN or COMMIT failed: nothing of the batch is durable, so every call fails.
    const failure = serialize(error);
    replies = batch.map((call) => ({ id: call.id, error: failure }));
  }
  port?.postMessage({ kind: 'replies', replies } satisfies WorkerMessage);
  // Under a steady stream of calls the timer may keep finding a batch due: check here too,
  // after this batch's replies have left and before the next batch begins.
  if (performance.now() - lastCheckpointCheck >= config.checkpointEveryMs) checkpointIfLarge();
  finishIfClosing();
}

function finishIfClosing(): void {
  if (!closing || queue.length > 0) return;
  const call = closing;
  closing = null;
  clearInterval(checkpointTimer);
  void store.close().then(() => {
    port?.postMessage({
      kind: 'replies',
      replies: [{ id: call.id, value: undefined }],
    } satisfies WorkerMessage);
    port?.close();
  });
}

function walBytes(): number {
  if (config.file === ':memory:') return 0;
  try {
    return statSync(`${config.file}-wal`).size;
  } catch {
    return 0;
  }
}

let lastCheckpointCheck = performance.now();

/**
 * Truncates the WAL once it is large, never inside a batch: called by the timer when no batch
 * runs and by drain between batches (the next batch waits for it; no commit acks wait on does).
 */
function checkpointIfLarge(): void {
  if (closing) return;
  lastCheckpointCheck = performance.now();
  if (walBytes() / pageSize <= config.checkpointPages) return;
  const started = performance.now();
  try {
    store.maintenance('PRAGMA wal_checkpoint(TRUNCATE)');
  } catch {
    return; // Tried again on the next tick.
  }
  stats.checkpoints += 1;
  stats.checkpointMaxMs = Math.max(stats.checkpointMaxMs, performance.now() - started);
}
const checkpointTimer = setInterval(checkpointIfLarge, config.checkpointEveryMs);

port.on('message', (call: WorkerCall) => {
  if (call.method === 'crashForTests') {
    setImmediate(() => {
      throw new Error('crash requested by a test');
    });
    return;
  }
  if (call.method === 'close') {
    closing = call;
  } else {
    queue.push(call);
  }
  if (!scheduled) {
    scheduled = true;
    // setImmediate: every message already waiting joins this batch.
    setImmediate(() => void drain());
  }
});
port.postMessage({ kind: 'ready' } satisfies WorkerMessage);
