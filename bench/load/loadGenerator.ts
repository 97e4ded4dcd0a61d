// The load generator: its own process (forked by bench/run.ts), holding real socket.io-client
// connections over loopback. It drives Parley and the bare baseline through the same calls:
// `sendMessage` with an ack, `channelUpdate` at every member. Times are this process's
// performance.now(), so send, ack and delivery share one clock.
import { io as connectClient, type Socket } from 'socket.io-client';
import { serveParent } from '../lib/ipc.ts';
import { type LatencySummary, SampleBuffer, summarize } from '../lib/stats.ts';

interface Delivered {
  message?: { clientMessageId?: string | null } | null;
}

interface Client {
  index: number;
  socket: Socket;
}

interface InFlight {
  sentAt: number;
  sender: number;
  /** Members that heard it so far (the sender's own copy not counted). */
  heardBy: number;
  /** Sent after the warm-up: its deliveries are recorded. */
  measured: boolean;
}

export interface ConnectParams {
  /** Clients are spread round-robin over these (one per cluster node). */
  urls: string[];
  tokens: string[];
  concurrency?: number;
}

export interface FixedLoadParams {
  conversationId: string;
  ratePerSecond: number;
  durationMs: number;
  warmupMs: number;
}

export interface FixedLoadResult {
  ack: LatencySummary;
  delivery: LatencySummary;
  sent: number;
  failed: number;
  /** Deliveries that never arrived within the drain timeout. */
  missing: number;
}

export interface SaturateParams {
  conversationId: string;
  senders: number;
  /** Unacknowledged sends each sender keeps in flight. */
  window: number;
  durationMs: number;
}

export interface SaturateResult {
  /** Messages acknowledged and delivered to every member, per second of the run + drain. */
  messagesPerSecond: number;
  deliveriesPerSecond: number;
  acked: number;
  missing: number;
}

const clients: Client[] = [];
const inFlight = new Map<string, InFlight>();
const deliveries = new SampleBuffer();
let runCounter = 0;
let deliveriesWaiting = 0;
let onAllDelivered: (() => void) | null = null;

function onChannelUpdate(receiver: Client, update: Delivered): void {
  const id = update.message?.clientMessageId;
  if (typeof id !== 'string') return;
  const entry = inFlight.get(id);
  if (!entry || entry.sender === receiver.index) return;
  if (entry.measured) deliveries.push(performance.now() - entry.sentAt);
  entry.heardBy += 1;
  deliveriesWaiting -= 1;
  if (entry.heardBy === clients.length - 1) inFlight.delete(id);
  if (deliveriesWaiting === 0) onAllDelivered?.();
}

function forget(clientMessageId: string): void {
  const entry = inFlight.get(clientMessageId);
  if (!entry) return;
  inFlight.delete(clientMessageId);
  deliveriesWaiting -= clients.length - 1 - entry.heardBy;
  if (deliveriesWaiting === 0) onAllDelivered?.();
}

function open(url: string, token: string, index: number): Promise<Client> {
  const socket = connectClient(url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    auth: { token },
    timeout: 60_000,
  });
  const client: Client = { index, socket };
  socket.on('channelUpdate', (update: Delivered) => onChannelUpdate(client, update));
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(client));
    socket.once('connect_error', (error) => reject(new Error(`client ${index}: ${error.message}`)));
  });
}

async function connect({ urls, tokens, concurrency = 50 }: ConnectParams) {
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < tokens.length) {
      const index = next++;
      const url = urls[index % urls.length] ?? urls[0] ?? '';
      clients[index] = await open(url, tokens[index] ?? '', index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, tokens.length) }, worker));
  return { connected: clients.length, ms: performance.now() - started };
}

function send(client: Client, conversationId: string, measured = false): Promise<boolean> {
  const clientMessageId = `b${runCounter}-${client.index}-${Math.random().toString(36).slice(2)}`;
  inFlight.set(clientMessageId, {
    sentAt: performance.now(),
    sender: client.index,
    heardBy: 0,
    measured,
  });
  deliveriesWaiting += clients.length - 1;
  return client.socket
    .timeout(30_000)
    .emitWithAck('sendMessage', {
      conversationId,
      text: 'Benchmark message: how is the gravity room holding up today?',
      clientMessageId,
    })
    .then(
      (ack: { ok?: boolean }) => ack?.ok === true,
      () => false,
    )
    .then((ok) => {
      // A refused send is never delivered: stop waiting for it.
      if (!ok) forget(clientMessageId);
      return ok;
    });
}

/** Resolves when every expected delivery arrived, or after `timeoutMs`; returns how many not. */
function drained(timeoutMs: number): Promise<number> {
  if (deliveriesWaiting <= 0) return Promise.resolve(0);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      onAllDelivered = null;
      resolve(deliveriesWaiting);
    }, timeoutMs);
    onAllDelivered = () => {
      clearTimeout(timer);
      onAllDelivered = null;
      resolve(0);
    };
  });
}

function resetRun(): void {
  runCounter += 1;
  inFlight.clear();
  deliveries.clear();
  deliveriesWaiting = 0;
}

/** Open loop: sends at a fixed rate from the clients in turn, whatever the server's pace. */
async function fixedLoad(params: FixedLoadParams): Promise<FixedLoadResult> {
  resetRun();
  const acks = new SampleBuffer();
  let failed = 0;
  let sent = 0;
  const pending: Promise<void>[] = [];
  const interval = 1000 / params.ratePerSecond;
  const started = performance.now();
  const total = params.warmupMs + params.durationMs;
  for (let tick = 0; ; tick += 1) {
    const due = started + tick * interval;
    if (due - started >= total) break;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const measured = performance.now() - started >= params.warmupMs;
    const client = clients[tick % clients.length];
    if (!client) break;
    const sentAt = performance.now();
    sent += 1;
    pending.push(
      send(client, params.conversationId, measured).then((ok) => {
        if (!ok) failed += 1;
        else if (measured) acks.push(performance.now() - sentAt);
      }),
    );
  }
  await Promise.all(pending);
  const missing = await drained(30_000);
  return {
    ack: summarize(acks.values()),
    delivery: summarize(deliveries.values()),
    sent,
    failed,
    missing,
  };
}

/** Closed loop: a few senders each keep `window` sends in flight for `durationMs`. */
async function saturate(params: SaturateParams): Promise<SaturateResult> {
  resetRun();
  let acked = 0;
  const started = performance.now();
  const deadline = started + params.durationMs;
  const senders = clients.slice(0, Math.max(1, Math.min(params.senders, clients.length)));
  const lane = async (client: Client) => {
    while (performance.now() < deadline) {
      if (await send(client, params.conversationId)) acked += 1;
    }
  };
  await Promise.all(
    senders.flatMap((client) => Array.from({ length: params.window }, () => lane(client))),
  );
  const missing = await drained(15_000);
  const seconds = (performance.now() - started) / 1000;
  const members = Math.max(1, clients.length - 1);
  return {
    messagesPerSecond: acked / seconds,
    deliveriesPerSecond: (acked * members - missing) / seconds,
    acked,
    missing,
  };
}

export interface SaturateEachParams {
  /** Client i sends into conversationIds[i] (its own DM). */
  conversationIds: string[];
  durationMs: number;
}

export interface SaturateEachResult {
  /** Sends acknowledged ok, per second of the run. */
  messagesPerSecond: number;
  /** Send -> ack of the acknowledged sends (a stalled commit shows in the tail). */
  ack: LatencySummary;
  acked: number;
  failed: number;
  seconds: number;
}

/**
 * Closed loop over many conversations: every client keeps one send in flight into its own
 * conversation for `durationMs`. Only acks are counted: the other member of each DM is a bot
 * with no connection, so there is nothing to deliver (the sender's own copy is ignored).
 */
async function saturateEach(params: SaturateEachParams): Promise<SaturateEachResult> {
  resetRun();
  let acked = 0;
  let failed = 0;
  const acks = new SampleBuffer();
  const started = performance.now();
  const deadline = started + params.durationMs;
  const lane = async (client: Client, conversationId: string) => {
    let sends = 0;
    while (performance.now() < deadline) {
      sends += 1;
      const sentAt = performance.now();
      const ok = await client.socket
        .timeout(30_000)
        .emitWithAck('sendMessage', {
          conversationId,
          text: 'Benchmark message: how is the gravity room holding up today?',
          clientMessageId: `e${runCounter}-${client.index}-${sends}`,
        })
        .then(
          (ack: { ok?: boolean }) => ack?.ok === true,
          () => false,
        );
      if (ok) {
        acked += 1;
        acks.push(performance.now() - sentAt);
      } else failed += 1;
    }
  };
  await Promise.all(
    clients.map((client, index) => lane(client, params.conversationIds[index] ?? '')),
  );
  const seconds = (performance.now() - started) / 1000;
  return {
    messagesPerSecond: acked / seconds,
    ack: summarize(acks.values()),
    acked,
    failed,
    seconds,
  };
}

/** Wire bytes of the `channelUpdate` frame a member receives for one message. */
async function channelUpdateBytes({
  conversationId,
  senderIndex,
}: {
  conversationId: string;
  /** A client's first send is authored by that person, so each measurement uses a new one. */
  senderIndex: number;
}): Promise<number> {
  const receiver = clients[0];
  const sender = clients[senderIndex];
  if (!sender || !receiver || senderIndex === 0) {
    throw new Error('channelUpdateBytes needs a receiver (client 0) and another sender');
  }
  const frame = new Promise<number>((resolve) => {
    const listener = (packet: { type: string; data?: unknown }) => {
      if (packet.type !== 'message' || typeof packet.data !== 'string') return;
      if (!packet.data.includes('"channelUpdate"')) return;
      receiver.socket.io.engine.off('packet', listener);
      resolve(Buffer.byteLength(packet.data));
    };
    receiver.socket.io.engine.on('packet', listener);
  });
  resetRun();
  await send(sender, conversationId);
  return frame;
}

function disconnect(): number {
  const count = clients.length;
  for (const client of clients.splice(0)) client.socket.disconnect();
  resetRun();
  return count;
}

serveParent(
  { connect, fixedLoad, saturate, saturateEach, channelUpdateBytes, disconnect },
  { pid: process.pid },
);
