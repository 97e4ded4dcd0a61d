// Delivery under chaos: a client made of the real app machine (session, messenger, conversation
// and outgoing message actors) and the real socket actor sends 500 messages, written in the
// group's composer, while the server (`node server/cli.ts --data <dir>`, its
// default rate limits on) is killed with SIGKILL and restarted twice on the same folder and port,
// and the network between the clients and the server drops. Every message must be stored exactly
// once, in the order the client sent them, and another member's client must end with the same
// ordered history. Each step waits on a condition (acks counted, a session seen reconnecting);
// nothing sleeps. The rate limit (50 sends per 5 s) is left on on purpose: the outbox must wait
// out `rate_limited`, and each restart also exercises a fresh limiter.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type ActorRefFrom,
  type AnyActorRef,
  type AnyEventObject,
  createActor,
  fromPromise,
  type InspectionEvent,
  waitFor,
} from 'xstate';
import { appMachine } from '../../machines/app.ts';
import type { ConversationRef } from '../../machines/conversation.ts';
import type { MessengerMachine } from '../../machines/messenger.ts';
import { type SessionMachine, sessionMachine } from '../../machines/session.ts';
import { conversationSystemId, systemIds } from '../../machines/system.ts';
import { databaseFileIn } from '../../server/store/sqlite/location.ts';
import { createSessionSocketActor } from '../../src/renderer/transport/sessionSocket.ts';
import { signUp } from '../unit/renderer/transport/realServer.ts';

const messageCount = 500;
const stepTimeoutMs = 30_000;

const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** A port that was free a moment ago: the server must come back on the same one. */
async function freePort(): Promise<number> {
  const probe = net.createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as net.AddressInfo;
  probe.close();
  await once(probe, 'close');
  return port;
}

interface ServerProcess {
  child: ChildProcess;
  exited: Promise<unknown>;
}

/** `node server/cli.ts --data <dir> --port <port>`, resolved once it says where its data is. */
async function startServer(dataDir: string, port: number): Promise<ServerProcess> {
  const child = spawn(
    process.execPath,
    ['server/cli.ts', '--dev-codes', '--data', dataDir, '--port', String(port)],
    { cwd: new URL('../..', import.meta.url), stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = once(child, 'exit');
  cleanups.push(() => child.exitCode === null && child.kill('SIGKILL'));
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.startsWith('data: ')) resolve();
    });
    void exited.then(() => reject(new Error('the server exited while starting')));
  });
  return { child, exited };
}

async function killHard(server: ServerProcess): Promise<void> {
  server.child.kill('SIGKILL');
  await server.exited;
}

/**
 * A TCP proxy standing for one client's network: `cut()` drops its connections and refuses new
 * ones until `restore()`. A connection whose other side closes is closed too, so a killed
 * server looks to the client exactly like it does without the proxy.
 */
async function startLink(serverPort: number) {
  let up = true;
  const sockets = new Set<net.Socket>();
  const proxy = net.createServer((client) => {
    if (!up) {
      client.destroy();
      return;
    }
    const upstream = net.connect(serverPort, '127.0.0.1');
    const close = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', close).on('close', close);
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  proxy.listen(0, '127.0.0.1');
  await once(proxy, 'listening');
  cleanups.push(() => {
    for (const socket of sockets) socket.destroy();
    proxy.close();
  });
  const { port } = proxy.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    cut() {
      up = false;
      for (const socket of sockets) socket.destroy();
    },
    restore() {
      up = true;
    },
  };
}

/** The app as the renderer runs it (session + messenger, real socket actor), signed in. */
async function startClient(serverUrl: string, token: string, name: string) {
  const machine = appMachine.provide({
    actors: {
      loadSessionToken: fromPromise<string | null>(async () => token),
      session: sessionMachine.provide({ actors: { socket: createSessionSocketActor() } }),
    },
  });
  // What the actors heard, so the test can show each delivery path was really taken.
  const heard: { to: string; event: AnyEventObject }[] = [];
  const app = createActor(machine, {
    input: { serverUrl, locale: 'en-US', online: true, clientIdPrefix: name, random: () => 0 },
    inspect: (inspection: InspectionEvent) => {
      if (inspection.type === '@xstate.event' && heardTypes.has(inspection.event.type)) {
        heard.push({ to: (inspection.actorRef as AnyActorRef).id, event: inspection.event });
      }
    },
  }).start();
  cleanups.push(() => app.stop());
  await waitFor(app, (snapshot) => snapshot.matches('signedIn'));
  const session = app.system.get(systemIds.session) as ActorRefFrom<SessionMachine>;
  const messenger = app.system.get(systemIds.messenger) as ActorRefFrom<MessengerMachine>;
  await waitFor(session, (s) => s.matches({ connection: 'live' }), { timeout: stepTimeoutMs });
  await waitFor(messenger, (s) => s.matches('ready'), { timeout: stepTimeoutMs });
  /** The conversation actor, found by systemId as the views find it. */
  const conversation = (id: string) =>
    app.system.get(conversationSystemId(id)) as ConversationRef | undefined;
  return { app, session, messenger, conversation, heard };
}

const heardTypes = new Set(['message.rejected', 'socket.disconnected', 'requestMessages']);

type Client = Awaited<ReturnType<typeof startClient>>;

const notLive = (client: Client) =>
  waitFor(client.session, (s) => !s.matches({ connection: 'live' }), { timeout: stepTimeoutMs });

describe('delivery through crashes and network drops', () => {
  it('stores 500 messages exactly once, in order, and the other member sees the same history', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'parley-delivery-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const port = await freePort();
    let server = await startServer(dataDir, port);
    const direct = `http://127.0.0.1:${port}`;

    const ada = await signUp(direct, 'Ada', 'Lovelace');
    const alan = await signUp(direct, 'Alan', 'Turing');
    const adaLink = await startLink(port);
    const alanLink = await startLink(port);
    const sender = await startClient(adaLink.url, ada.sessionToken, 'ada');
    const receiver = await startClient(alanLink.url, alan.sessionToken, 'alan');
    const groupId = sender.messenger
      .getSnapshot()
      .context.conversationIds.find(
        (id) => sender.conversation(id)?.getSnapshot().context.kind === 'group',
      );
    expect(groupId).toBeDefined();
    const group = sender.conversation(groupId!)!;
    expect(group.getSnapshot().context.memberIds).toEqual(
      expect.arrayContaining([ada.user.id, alan.user.id]),
    );

    // The user writes each message in the group's composer and sends it; the conversation
    // names it `<its client id prefix>-<n>`, n counting from 1.
    const { clientIdPrefix } = group.getSnapshot().context;
    const clientIds = Array.from(
      { length: messageCount },
      (_, index) => `${clientIdPrefix}-${index + 1}`,
    );
    let written = 0;
    const write = (upTo: number) => {
      for (; written < upTo; written += 1) {
        group.send({ type: 'draft.changed', text: `message ${written}` });
        group.send({ type: 'message.submitted' });
      }
    };
    /** Waits until at least `count` of the written messages are acknowledged. */
    const acked = (count: number) =>
      waitFor(group, (s) => written - s.context.outbox.length >= count, {
        timeout: stepTimeoutMs,
      });

    // The first batch is written offline: written live, each message's drafting signals
    // (true, then false on send) would reach the server 500 at once, and it cuts off a socket
    // with more than 64 events waiting. People do not type 250 messages in a millisecond.
    sender.app.send({ type: 'network.offline' });
    await notLive(sender);
    write(250);
    expect(group.getSnapshot().context.outbox).toHaveLength(250);
    sender.app.send({ type: 'network.online' });
    await acked(100);
    // Crash 1, with more messages written while the server is down.
    await killHard(server);
    await notLive(sender);
    write(messageCount);
    server = await startServer(dataDir, port);

    // Alan's network drops long enough to miss more than a resync's page (50 messages).
    await acked(150);
    alanLink.cut();
    await notLive(receiver);
    await acked(290);
    alanLink.restore();

    // Both lose the network at once.
    await acked(320);
    adaLink.cut();
    alanLink.cut();
    await Promise.all([notLive(sender), notLive(receiver)]);
    adaLink.restore();
    alanLink.restore();

    // Crash 2.
    await acked(400);
    await killHard(server);
    server = await startServer(dataDir, port);

    await acked(messageCount);
    expect(group.getSnapshot().context.outbox).toEqual([]);
    const received = await waitFor(
      receiver.conversation(groupId!)!,
      (s) => {
        const ids = new Set(s.context.messages.map((m) => m.clientMessageId));
        return clientIds.every((id) => ids.has(id));
      },
      { timeout: stepTimeoutMs },
    );

    // The sender's own view: each message once, in the order written. Its ack, or the push the
    // server sends before the ack, confirmed it (the push stops the message, so its ack then
    // finds no one to deliver to).
    const own = group
      .getSnapshot()
      .context.messages.flatMap((m) =>
        m.clientMessageId?.startsWith(`${clientIdPrefix}-`) ? [m.clientMessageId] : [],
      );
    expect(own).toEqual(clientIds);

    // Each delivery path was taken: reconnects, waits on rate_limited, and Alan's
    // catch-up by seq beyond the resync's page.
    expect(
      sender.heard.some(
        ({ event }) =>
          event.type === 'message.rejected' &&
          (event.error as { code: string }).code === 'rate_limited',
      ),
    ).toBe(true);
    expect(
      receiver.heard.filter(
        ({ event }) =>
          event.type === 'requestMessages' &&
          event.purpose === 'catchUp' &&
          event.conversationId === groupId,
      ).length,
    ).toBeGreaterThan(0);
    expect(
      sender.heard.filter(
        ({ to, event }) => to === 'session' && event.type === 'socket.disconnected',
      ).length,
    ).toBeGreaterThanOrEqual(3);

    // The store: every message once, in the client's order.
    server.child.kill('SIGTERM');
    await server.exited;
    const database = new DatabaseSync(databaseFileIn(dataDir), { readOnly: true });
    const rows = database
      .prepare(
        'SELECT id, seq, client_message_id AS clientMessageId FROM messages WHERE conversation_id = ? ORDER BY seq',
      )
      .all(groupId!) as { id: string; seq: number; clientMessageId: string | null }[];
    database.close();
    const stored = rows.filter((row) => row.clientMessageId?.startsWith('ada-'));
    expect(stored.map((row) => row.clientMessageId)).toEqual(clientIds);
    expect(rows.map((row) => row.seq)).toEqual(rows.map((_, index) => index));

    // Alan: the same history, in the same order, each message once, from his first loaded one on.
    const history = received.context.messages;
    const fromFirstSeen = rows.slice(history[0]!.seq);
    expect(history.map((m) => [m.seq, m.id, m.clientMessageId])).toEqual(
      fromFirstSeen.map((row) => [row.seq, row.id, row.clientMessageId]),
    );
  }, 120_000);
});
