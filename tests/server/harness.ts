// Test bootstrap: a real chat server on 127.0.0.1:0 with a manual clock and captured output,
// real socket.io-client connections, and named waits driven by events (never sleeps).
import { io as connectClient, type Socket } from 'socket.io-client';
import { afterEach } from 'vitest';
import {
  type ChatServer,
  type ChatServerOptions,
  createChatServer,
} from '../../server/chatServer.ts';
import { ManualClock } from '../../server/clock.ts';
import { createDevelopmentCodeSender } from '../../server/codeSender.ts';
import { createCapturingLogger } from '../../server/logger.ts';
import type {
  Ack,
  ClientToServerEvents,
  SelfUser,
  ServerToClientEvents,
} from '../../server/protocol.ts';
import { MemoryStore } from '../../server/store/memory.ts';

export type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface TestServer {
  server: ChatServer;
  url: string;
  clock: ManualClock;
  store: MemoryStore;
  /** Every log line the server wrote. */
  logs: string[];
  /** Lines the development code sender printed. */
  codeLines: string[];
}

const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  // Clients first, then servers: reverse order of creation.
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

export const capturingLogger = createCapturingLogger;

export async function startTestServer(
  options: Partial<ChatServerOptions> = {},
): Promise<TestServer> {
  const clock = new ManualClock();
  const store = new MemoryStore();
  const logs: string[] = [];
  const codeLines: string[] = [];
  const server = await createChatServer({
    host: '127.0.0.1',
    port: 0,
    clock,
    store,
    logger: capturingLogger(logs),
    codeSender: createDevelopmentCodeSender({ print: (line) => codeLines.push(line) }),
    ...options,
  });
  cleanups.push(() => server.close());
  return { server, url: server.url, clock, store, logs, codeLines };
}

/** A client that is not yet connected (for tests of connection failures). */
export function createClient(url: string, token?: string): Client {
  const client: Client = connectClient(url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    ...(token === undefined ? {} : { auth: { token } }),
  });
  cleanups.push(() => {
    client.disconnect();
  });
  return client;
}

export async function connect(url: string, token?: string): Promise<Client> {
  const client = createClient(url, token);
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('connect_error', reject);
  });
  return client;
}

/** Resolves with the next payload of `event` on this client. */
export function nextEvent<E extends keyof ServerToClientEvents>(
  client: Client,
  event: E,
): Promise<Parameters<ServerToClientEvents[E]>[0]> {
  return new Promise((resolve) => {
    client.once(event, ((payload: Parameters<ServerToClientEvents[E]>[0]) =>
      resolve(payload)) as never);
  });
}

/** Resolves with the first payload of `event` that satisfies `predicate`. */
export function nextEventWhere<E extends keyof ServerToClientEvents>(
  client: Client,
  event: E,
  predicate: (payload: Parameters<ServerToClientEvents[E]>[0]) => boolean,
): Promise<Parameters<ServerToClientEvents[E]>[0]> {
  return new Promise((resolve) => {
    const listener = (payload: Parameters<ServerToClientEvents[E]>[0]) => {
      if (!predicate(payload)) return;
      client.off(event, listener as never);
      resolve(payload);
    };
    client.on(event, listener as never);
  });
}

/** Every payload of `event` this client receives from now on. */
export function collect<E extends keyof ServerToClientEvents>(
  client: Client,
  event: E,
): Parameters<ServerToClientEvents[E]>[0][] {
  const received: Parameters<ServerToClientEvents[E]>[0][] = [];
  client.on(event, ((payload: Parameters<ServerToClientEvents[E]>[0]) =>
    received.push(payload)) as never);
  return received;
}

/** Emits an event and resolves with its acknowledgement (untyped: tests send bad input too). */
export function request(client: Client, event: string, ...args: unknown[]): Promise<Ack<any>> {
  return (client.timeout(5_000) as any).emitWithAck(event, ...args);
}

/** Emits anything, ack or not (for tests of malformed and ack-less input). */
export function rawEmit(client: Client, event: string, ...args: unknown[]): void {
  (client.emit as (event: string, ...args: unknown[]) => unknown)(event, ...args);
}

/**
 * Resolves once everything the server emitted to this client before now has arrived: the
 * server answers in order on one connection, so a round trip is a barrier.
 */
export async function settle(client: Client): Promise<void> {
  await request(client, 'requestMessages', { conversationId: 'barrier' });
}

let phoneCounter = 0;
export function uniquePhone(): string {
  phoneCounter += 1;
  return `+1415555${String(1000 + phoneCounter).padStart(4, '0')}`;
}

export function codeFromLines(lines: readonly string[], phone: string): string {
  const line = lines.findLast((candidate) =>
    candidate.startsWith(`verification code for ${phone}: `),
  );
  if (!line) throw new Error(`no code was printed for ${phone}`);
  return line.slice(-6);
}

/** Requests a code for `phone` and answers it with the code the server printed: the verifyCode ack. */
export async function requestAndVerify(
  test: TestServer,
  client: Client,
  phone: string,
): Promise<Ack<any>> {
  await request(client, 'requestVerificationCode', { phone });
  return request(client, 'verifyCode', { phone, code: codeFromLines(test.codeLines, phone) });
}

export interface OnboardedUser {
  client: Client;
  user: SelfUser;
  sessionToken: string;
  phone: string;
}

/** Runs the whole onboarding on a fresh socket and returns the signed-in client. */
export async function onboard(
  test: TestServer,
  names: { firstName: string; lastName: string } = { firstName: 'Chi-Chi', lastName: 'Ox-King' },
  phone = uniquePhone(),
): Promise<OnboardedUser> {
  const client = await connect(test.url);
  const delivered = nextEvent(client, 'verificationCodeDelivered');
  const requested = await request(client, 'requestVerificationCode', { phone });
  if (!requested.ok) throw new Error(`code request failed: ${requested.error.code}`);
  const { code } = await delivered;
  const verified = await request(client, 'verifyCode', { phone, code });
  if (!verified.ok) throw new Error(`verify failed: ${verified.error.code}`);
  const created = await request(client, 'creatingNewUser', {
    phone,
    ...names,
    verificationToken: verified.verificationToken,
  });
  if (!created.ok) throw new Error(`create failed: ${created.error.code}`);
  return { client, user: created.user, sessionToken: created.sessionToken, phone };
}

/** The user's conversations and users, as the client receives them. */
export async function fetchWorld(client: Client) {
  const received = nextEvent(client, 'recieveConversationsAndUsers');
  const ack = await request(client, 'requestConversationsAndUsers');
  if (!ack.ok) throw new Error(`requestConversationsAndUsers failed: ${ack.error.code}`);
  return received;
}

/** The id of the user's DM with Vegeta. */
export async function directConversationId(client: Client): Promise<string> {
  const direct = (await fetchWorld(client)).conversations.find((c) => c.kind === 'direct');
  if (!direct) throw new Error('the user has no direct conversation');
  return direct.id;
}
