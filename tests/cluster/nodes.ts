// Real server processes for the cluster suite: `node server/cli.ts --postgres … --redis …
// --port 0`, exactly as an operator starts them, plus protocol-level clients that connect to a
// chosen node. Every process and client is stopped by `stopAll`.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { io as connectClient } from 'socket.io-client';
import { afterAll, beforeAll } from 'vitest';
import type { Client } from '../server/harness.ts';
import type { Ack, Message, SelfUser } from '../../server/protocol.ts';
import {
  createSchema,
  deleteRedisKeys,
  dropSchemas,
  redisUrl,
  requirePostgres,
  requireRedis,
  uniqueName,
} from './services.ts';

const repositoryRoot = path.resolve(import.meta.dirname, '../..');

export interface ClusterSettings {
  postgresUrl: string;
  redisUrl: string;
  redisPrefix: string;
}

export interface NodeProcess {
  url: string;
  child: ChildProcess;
  /** Everything the node printed, stdout and stderr. */
  output: string[];
  exited: Promise<void>;
}

const processes = new Set<NodeProcess>();
const clients = new Set<Client>();

export async function startNode(settings: ClusterSettings): Promise<NodeProcess> {
  const child = spawn(
    process.execPath,
    [
      'server/cli.ts',
      '--dev-codes',
      '--postgres',
      settings.postgresUrl,
      '--redis',
      settings.redisUrl,
      '--redis-prefix',
      settings.redisPrefix,
      '--port',
      '0',
    ],
    { cwd: repositoryRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const output: string[] = [];
  const exited = once(child, 'exit').then(() => undefined);
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line) output.push(line);
        const match = /^listening on (http:\/\/\S+)$/.exec(line);
        if (match?.[1]) resolve(match[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then(() =>
      reject(new Error(`node exited before listening:\n${output.join('\n')}`)),
    );
  });
  const node = { url, child, output, exited };
  processes.add(node);
  return node;
}

export async function killNode(node: NodeProcess, signal: NodeJS.Signals): Promise<void> {
  if (node.child.exitCode === null && node.child.signalCode === null) node.child.kill(signal);
  await node.exited;
  processes.delete(node);
}

export async function stopAll(): Promise<void> {
  for (const client of clients) client.disconnect();
  clients.clear();
  await Promise.all([...processes].map((node) => killNode(node, 'SIGTERM')));
}

/**
 * This test file's cluster: three nodes on a fresh schema and Redis prefix named after `name`,
 * started before the file's tests and removed with everything they stored after them. The
 * returned array fills in once the nodes listen.
 */
export function useCluster(name: string): NodeProcess[] {
  const nodes: NodeProcess[] = [];
  const redisPrefix = `${uniqueName(name)}:`;
  let schemaName = '';
  beforeAll(async () => {
    await requirePostgres();
    await requireRedis();
    const schema = await createSchema();
    schemaName = schema.name;
    // Started together: migrations and the world's seeding must happen once, not three times.
    nodes.push(
      ...(await Promise.all(
        [1, 2, 3].map(() => startNode({ postgresUrl: schema.url, redisUrl, redisPrefix })),
      )),
    );
  });
  afterAll(async () => {
    await stopAll();
    await dropSchemas(schemaName ? [schemaName] : []);
    await deleteRedisKeys(redisPrefix);
  });
  return nodes;
}

/** A WebSocket-only client without automatic reconnection: tests choose where it goes. */
export async function connectTo(url: string, token?: string): Promise<Client> {
  const client: Client = connectClient(url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    ...(token === undefined ? {} : { auth: { token } }),
  });
  clients.add(client);
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('connect_error', reject);
  });
  return client;
}

export function request(client: Client, event: string, ...args: unknown[]): Promise<Ack<any>> {
  return (client.timeout(10_000) as any).emitWithAck(event, ...args);
}

let phoneCounter = 0;
function uniquePhone(): string {
  phoneCounter += 1;
  // Random middle digits: reruns against a kept database never meet an old account.
  const middle = String(Math.floor(Math.random() * 9_000) + 1_000);
  return `+1415${middle}${String(phoneCounter).padStart(3, '0')}`;
}

export interface Person {
  user: SelfUser;
  token: string;
  client: Client;
}

/** Onboards a new person through `url` and returns their signed-in client there. */
export async function onboardAt(url: string, firstName: string): Promise<Person> {
  const client = await connectTo(url);
  const phone = uniquePhone();
  const delivered = new Promise<{ code: string }>((resolve) =>
    client.once('verificationCodeDelivered', resolve),
  );
  const requested = await request(client, 'requestVerificationCode', { phone });
  if (!requested.ok) throw new Error(`code request failed: ${requested.error.code}`);
  const { code } = await delivered;
  const verified = await request(client, 'verifyCode', { phone, code });
  if (!verified.ok) throw new Error(`verify failed: ${verified.error.code}`);
  const created = await request(client, 'creatingNewUser', {
    phone,
    firstName,
    lastName: 'Tester',
    verificationToken: verified.verificationToken,
  });
  if (!created.ok) throw new Error(`create failed: ${created.error.code}`);
  return { user: created.user, token: created.sessionToken, client };
}

/** Every message of the conversation as stored, oldest first, via `requestMessages`. */
export async function history(
  client: Client,
  conversationId: string,
  after = -1,
): Promise<Message[]> {
  const messages: Message[] = [];
  let cursor = after;
  for (;;) {
    const page = await request(client, 'requestMessages', {
      conversationId,
      after: cursor,
      limit: 100,
    });
    if (!page.ok) throw new Error(`requestMessages failed: ${page.error.code}`);
    messages.push(...(page.messages as Message[]));
    const last = messages.at(-1);
    if (!page.hasMore || !last) return messages;
    cursor = last.seq;
  }
}

/** The messages (not drafting-only updates) of one conversation this client hears, in order. */
export function collectMessages(client: Client, conversationId: string): Message[] {
  const received: Message[] = [];
  client.on('channelUpdate', (update) => {
    if (update.conversation.id === conversationId && update.message) received.push(update.message);
  });
  return received;
}

/** Waits on a condition the test's own events drive; fails with `what` after `timeoutMs`. */
export async function waitUntil(
  what: string,
  condition: () => boolean,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
