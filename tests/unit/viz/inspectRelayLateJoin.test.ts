// A visualizer page that connects to the /inspect relay after the app started gets each actor's
// current snapshot first, then the live records in order; and whatever a publisher sends, the
// relay's memory stays bounded in actors and bytes. A real Socket.IO server on a loopback port.
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { attachInspectRelay, type InspectRelayOptions } from '../../../server/inspectRelay.ts';
import { inspectEvents, type InspectionRecord } from '../../../src/viz/live/recordSchema.ts';
import { connectInspectViewer } from '../../../src/viz/live/socketChannel.ts';

const token = 'test-token';
let http: HttpServer | null = null;
let io: Server | null = null;
const sockets: { close(): void }[] = [];

afterEach(async () => {
  sockets.splice(0).forEach((s) => s.close());
  await io?.close();
  http = null;
  io = null;
});

async function startRelay(options: Partial<InspectRelayOptions> = {}): Promise<string> {
  http = createServer();
  io = new Server(http, { maxHttpBufferSize: 1e6 });
  attachInspectRelay(io, { token, ...options });
  await new Promise<void>((resolve) => http!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
}

async function waitFor(condition: () => boolean, what: string) {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function open(url: string, role: 'publisher' | 'viewer'): Promise<Socket> {
  const socket = connect(`${url}/inspect`, {
    auth: { role, token },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    extraHeaders: { origin: 'http://127.0.0.1:5999' },
  });
  sockets.push(socket);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

/** A viewer that collects what it receives from the moment it connects. */
async function openViewer(url: string) {
  const received: InspectionRecord[] = [];
  const socket = connect(`${url}/inspect`, {
    auth: { role: 'viewer', token },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    extraHeaders: { origin: 'http://127.0.0.1:5999' },
  });
  sockets.push(socket);
  socket.on(inspectEvents.record, (record: InspectionRecord) => received.push(record));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  /** Resolves once `count` records arrived (and a little after, to catch extra ones). */
  const until = async (count: number) => {
    const deadline = Date.now() + 10_000;
    while (received.length < count && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    return received;
  };
  return { socket, received, until };
}

function record(sessionId: string, type: string, extra: Partial<InspectionRecord> = {}) {
  return {
    kind: 'snapshot',
    machineId: sessionId === 'x:0' ? 'app' : 'onboarding',
    sessionId,
    parentSessionId: sessionId === 'x:0' ? null : 'x:0',
    rootId: 'x:0',
    status: 'active',
    value: 'idle',
    context: {},
    event: { type },
    at: 1,
    ...extra,
  } satisfies InspectionRecord;
}

const label = (r: InspectionRecord) => `${r.sessionId} ${r.event.type}`;

describe('the /inspect relay and a viewer that joins late', () => {
  it('sends each actor’s latest record on connect, then live records in order', async () => {
    const url = await startRelay();
    const publisher = await open(url, 'publisher');
    const publish = (r: object) => publisher.emitWithAck(inspectEvents.publish, r);
    await publish(record('x:0', 'xstate.init'));
    await publish(record('x:3', 'xstate.init'));
    // Typing ~600 characters into the phone field: the app's record must survive it.
    for (let i = 0; i < 600; i += 1) {
      await publish(record('x:3', 'phone.changed', { context: { phone: String(i) } }));
    }
    const viewer = await openViewer(url);
    await publish(record('x:0', 'live.one'));
    await publish(record('x:3', 'live.two'));
    const received = await viewer.until(4);
    expect(received.map(label)).toEqual([
      'x:0 xstate.init',
      'x:3 phone.changed',
      'x:0 live.one',
      'x:3 live.two',
    ]);
    expect(received[1]?.context).toEqual({ phone: '599' });
  });

  it('keeps at most 1,000 actors however many session ids a publisher invents', async () => {
    const url = await startRelay();
    const publisher = await open(url, 'publisher');
    for (let i = 0; i < 1200; i += 1) {
      await publisher.emitWithAck(inspectEvents.publish, record(`fake:${i}`, 'e'));
    }
    const viewer = await openViewer(url);
    const received = await viewer.until(1000);
    expect(received).toHaveLength(1000);
    expect(received[0]?.sessionId).toBe('fake:200');
    expect(received.at(-1)?.sessionId).toBe('fake:1199');
  });

  it('keeps at most the byte budget of records however large they are', async () => {
    const url = await startRelay({ latest: { maxBytes: 1024 * 1024 } });
    const publisher = await open(url, 'publisher');
    const huge = 'x'.repeat(200 * 1024); // within the schema's 256 KiB per record
    for (let i = 0; i < 20; i += 1) {
      const ack = await publisher.emitWithAck(
        inspectEvents.publish,
        record(`big:${i}`, 'e', { context: { huge } }),
      );
      expect(ack).toEqual({ ok: true });
    }
    const viewer = await openViewer(url);
    const received = await viewer.until(5);
    const bytes = received.reduce((sum, r) => sum + JSON.stringify(r).length, 0);
    expect(bytes).toBeLessThanOrEqual(1024 * 1024);
    expect(received.map((r) => r.sessionId)).toEqual([
      'big:15',
      'big:16',
      'big:17',
      'big:18',
      'big:19',
    ]);
  });

  it('sends a late viewer nothing that failed validation', async () => {
    const url = await startRelay();
    const publisher = await open(url, 'publisher');
    await publisher.emitWithAck(inspectEvents.publish, { ...record('x:0', 'e'), kind: 'nope' });
    await publisher.emitWithAck(inspectEvents.publish, record('x:1', 'ok'));
    const viewer = await openViewer(url);
    expect((await viewer.until(1)).map(label)).toEqual(['x:1 ok']);
  });

  it('the page’s viewer passes on a record the relay resends after a reconnect only once', async () => {
    // The page's own client runs in Node here, which sends no Origin: allowRemote skips the
    // origin check (chatServerInspect.test.ts covers it); the token is checked either way.
    const url = await startRelay({ allowRemote: true });
    const publisher = await open(url, 'publisher');
    const publish = (r: object) => publisher.emitWithAck(inspectEvents.publish, r);
    await publish(record('x:0', 'xstate.init'));
    await publish(record('x:1', 'xstate.init'));
    const received: InspectionRecord[] = [];
    let connects = 0;
    sockets.push(
      connectInspectViewer(url, token, {
        onRecord: (r) => received.push(r),
        onStatus: (status) => {
          if (status === 'connected') connects += 1;
        },
      }),
    );
    await waitFor(() => received.length === 2, 'the late-join records');
    // The connection drops (a network blip, a laptop waking up) and the client reconnects to
    // the same relay, which sends its kept records again: one the page missed, one it has.
    for (const socket of io!.of('/inspect').sockets.values()) {
      if (socket.data.role === 'viewer') socket.conn.close();
    }
    await waitFor(() => connects === 1 && io!.of('/inspect').sockets.size === 1, 'the drop');
    await publish(record('x:1', 'typed.while.away'));
    await waitFor(() => connects === 2, 'the reconnect');
    await publish(record('x:0', 'live'));
    await waitFor(() => received.at(-1)?.event.type === 'live', 'the live record');
    expect(received.map(label)).toEqual([
      'x:0 xstate.init',
      'x:1 xstate.init',
      'x:1 typed.while.away',
      'x:0 live',
    ]);
  });

  it('the page’s viewer still passes on an actor’s repeated identical event while connected', async () => {
    const url = await startRelay({ allowRemote: true });
    const publisher = await open(url, 'publisher');
    const received: InspectionRecord[] = [];
    let connected = false;
    sockets.push(
      connectInspectViewer(url, token, {
        onRecord: (r) => received.push(r),
        onStatus: (status) => (connected ||= status === 'connected'),
      }),
    );
    await waitFor(() => connected, 'the viewer');
    for (let i = 0; i < 2; i += 1) {
      await publisher.emitWithAck(inspectEvents.publish, record('x:0', 'tick'));
    }
    await waitFor(() => received.length === 2, 'both records');
    expect(received.map(label)).toEqual(['x:0 tick', 'x:0 tick']);
  });

  it('refuses a record nested 20,000 deep with an error, and keeps relaying', async () => {
    // 40 KB of nested arrays: fits a frame, and recursing per level (zod, JSON.stringify)
    // would throw a RangeError out of the handler, an uncaught exception that ends the server.
    const url = await startRelay();
    const publisher = await open(url, 'publisher');
    const viewer = await openViewer(url);
    // Written as a raw frame: socket.io-client's own encoder recurses too, a hostile
    // publisher uses none.
    const refused = await new Promise<unknown>((resolve) => {
      const acks = (publisher as unknown as { acks: Record<number, (r: unknown) => void> }).acks;
      acks[9_999] = resolve;
      const body = JSON.stringify([inspectEvents.publish, record('x:0', 'deep', { context: 0 })]);
      const frame = `2/inspect,9999${body.replace('"context":0', `"context":${'['.repeat(20_000)}1${']'.repeat(20_000)}`)}`;
      publisher.io.engine.write(frame);
    });
    expect(refused).toEqual({
      ok: false,
      error: { code: 'invalid_payload', message: 'nested deeper than 64 levels' },
    });
    expect(await publisher.emitWithAck(inspectEvents.publish, record('x:0', 'after.deep'))).toEqual(
      { ok: true },
    );
    expect((await viewer.until(1)).map(label)).toEqual(['x:0 after.deep']);
  });
});
