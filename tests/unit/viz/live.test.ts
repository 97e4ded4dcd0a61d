// The live pipeline without the app: a machine actor's inspect events become records, the web
// app's publisher sends them through the /inspect relay, a viewer receives them validated.
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createActor, createMachine, fromPromise, type InspectionEvent } from 'xstate';
import { attachInspectRelay, isLoopbackAddress } from '../../../server/inspectRelay.ts';
import { createInspectionQueue } from '../../../src/renderer/platform/inspectionQueue.ts';
import { connectInspectPublisher } from '../../../src/renderer/transport/inspectPublisher.ts';
import { activeStateIds } from '../../../src/viz/activeStates.ts';
import { followBridge } from '../../../src/viz/live/bridgeChannel.ts';
import { toJsonSafe } from '../../../src/viz/live/jsonSafe.ts';
import { toInspectionRecord } from '../../../src/viz/live/record.ts';
import {
  InspectionRecordSchema,
  inspectEvents,
  type InspectionRecord,
} from '../../../src/viz/live/recordSchema.ts';
import { connectInspectViewer } from '../../../src/viz/live/socketChannel.ts';
import { extractStructure } from '../../../src/viz/structure.ts';
import { featureMachine } from './fixtures.ts';

function recordsOf(run: (inspect: (event: InspectionEvent) => void) => void): InspectionRecord[] {
  const records: InspectionRecord[] = [];
  run((event) => {
    const record = toInspectionRecord(event, () => 1_700_000_000_000);
    if (record) records.push(record);
  });
  return records;
}

describe('toInspectionRecord', () => {
  it('keeps machine snapshots with the event, as valid JSON-safe records', () => {
    const records = recordsOf((inspect) => {
      const actor = createActor(featureMachine, { inspect }).start();
      actor.send({ type: 'go' });
      actor.stop();
    });
    expect(records.map((r) => [r.event.type, r.value, r.status])).toEqual([
      ['xstate.init', 'idle', 'active'],
      ['go', 'loading', 'active'],
      ['xstate.stop', 'loading', 'stopped'],
    ]);
    for (const record of records) {
      expect(InspectionRecordSchema.safeParse(JSON.parse(JSON.stringify(record))).success).toBe(
        true,
      );
      expect(record).toMatchObject({
        kind: 'snapshot',
        machineId: 'feature',
        at: 1_700_000_000_000,
      });
    }
    // The invoked promise actor's snapshots are not machine snapshots: left out.
    expect(records.every((r) => r.machineId === 'feature')).toBe(true);
  });

  it('drops functions and actors from context and caps its size', () => {
    const machine = createMachine({
      id: 'heavy',
      context: ({ spawn }) => ({
        now: Date.now,
        child: spawn(fromPromise(() => new Promise(() => {}))),
        long: 'x'.repeat(2000),
        many: Array.from({ length: 200 }, (_, i) => i),
        when: new Date(0),
      }),
    });
    const [record] = recordsOf((inspect) => createActor(machine, { inspect }).start());
    const context = record?.context as Record<string, unknown>;
    expect(Object.keys(context).sort()).toEqual(['long', 'many', 'when']);
    expect(String(context['long']).length).toBeLessThan(600);
    expect((context['many'] as unknown[]).length).toBe(51);
    expect(context['when']).toBe('1970-01-01T00:00:00.000Z');
  });

  it('cuts cycles and keeps errors readable', () => {
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic['self'] = cyclic;
    expect(toJsonSafe(cyclic)).toEqual({ name: 'loop', self: '[circular]' });
    expect(toJsonSafe(new TypeError('boom'))).toEqual({ name: 'TypeError', message: 'boom' });
  });

  it('ignores inspection events that are not machine snapshots', () => {
    const records = recordsOf((inspect) => {
      const actor = createActor(
        fromPromise(async () => 1),
        { inspect },
      ).start();
      actor.stop();
    });
    expect(records).toEqual([]);
  });
});

describe('the /inspect relay', () => {
  const token = 'test-token';
  // What a loopback page's socket carries (the Node client sends no Origin of its own).
  const page = { extraHeaders: { origin: 'http://127.0.0.1:5999' } };
  let http: HttpServer | null = null;
  let io: Server | null = null;
  const sockets: { close(): void }[] = [];

  afterEach(async () => {
    sockets.splice(0).forEach((s) => s.close());
    await io?.close();
    http = null;
  });

  /**
   * `fromNode`: the app's and the page's own clients, run here in Node, which sends no Origin
   * (a browser always does): the relay then skips its origin and address checks, which
   * tests/unit/viz/chatServerInspect.test.ts covers. The token is checked either way.
   */
  async function startRelay(fromNode = false): Promise<string> {
    http = createServer();
    io = new Server(http);
    attachInspectRelay(io, { token, allowRemote: fromNode });
    await new Promise<void>((resolve) => http!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  }

  function rawSocket(url: string, auth: object): Promise<Socket> {
    const socket = connect(`${url}/inspect`, {
      auth: { token, ...auth },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      ...page,
    });
    sockets.push(socket);
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', reject);
    });
  }

  it('relays an app run to a viewer, which highlights the states it reaches', async () => {
    const url = await startRelay(true);
    const received: InspectionRecord[] = [];
    const gotTwo = new Promise<void>((resolve) => {
      const viewer = connectInspectViewer(url, token, {
        onRecord: (record) => {
          received.push(record);
          if (received.length === 2) resolve();
        },
        onStatus: (status) => {
          if (status === 'connected') viewerReady();
        },
      });
      sockets.push(viewer);
    });
    let viewerReady = () => {};
    await new Promise<void>((resolve) => (viewerReady = resolve));

    // The web app's own publishing path (src/renderer/main.tsx), flushed at once.
    const publisher = connectInspectPublisher(url, token);
    sockets.push(publisher);
    const inspect = createInspectionQueue({
      publish: (record) => publisher.publish(record),
      schedule: (flush) => flush(),
    });
    const actor = createActor(featureMachine, { inspect }).start();
    actor.send({ type: 'go' });
    await gotTwo;
    actor.stop();

    expect(received.slice(0, 2).map((r) => r.event.type)).toEqual(['xstate.init', 'go']);
    const structure = extractStructure(featureMachine);
    expect([...activeStateIds(structure, received[1]!.value)]).toEqual([
      'feature',
      'feature.loading',
    ]);
  });

  it('rejects invalid records and publishing by viewers, with error acks', async () => {
    const url = await startRelay();
    const publisher = await rawSocket(url, { role: 'publisher' });
    const viewer = await rawSocket(url, { role: 'viewer' });
    expect(await publisher.emitWithAck(inspectEvents.publish, { kind: 'snapshot' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_payload' },
    });
    const [valid] = recordsOf((inspect) => createActor(featureMachine, { inspect }).start());
    expect(await viewer.emitWithAck(inspectEvents.publish, valid)).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(await publisher.emitWithAck(inspectEvents.publish, valid)).toEqual({ ok: true });
  });

  it('passes who sent each event (sourceSessionId) through to the viewer and the bridge', async () => {
    const url = await startRelay(true);
    const [first] = recordsOf((inspect) => createActor(featureMachine, { inspect }).start());
    const sent = { ...first!, sourceSessionId: 'x:7' };
    const got = new Promise<InspectionRecord>((resolve) => {
      const viewer = connectInspectViewer(url, token, {
        onRecord: resolve,
        onStatus: (status) => {
          if (status === 'connected') viewerReady();
        },
      });
      sockets.push(viewer);
    });
    let viewerReady = () => {};
    await new Promise<void>((resolve) => (viewerReady = resolve));
    const publisher = await rawSocket(url, { role: 'publisher' });
    expect(await publisher.emitWithAck(inspectEvents.publish, sent)).toEqual({ ok: true });
    expect((await got).sourceSessionId).toBe('x:7');

    const bridged: InspectionRecord[] = [];
    let listener: (record: unknown) => void = () => {};
    followBridge({ subscribe: (l) => ((listener = l), () => {}) }, (r) => bridged.push(r));
    listener({ ...sent, sourceSessionId: null });
    listener(first);
    expect(bridged.map((r) => r.sourceSessionId)).toEqual([null, undefined]);
  });

  it('tells the page why the relay refused it (a wrong token)', async () => {
    const url = await startRelay(true);
    const refusal = new Promise<string | undefined>((resolve) => {
      const viewer = connectInspectViewer(url, 'not-the-token', {
        onRecord: () => {},
        onStatus: (status, detail) => {
          if (status === 'error') resolve(detail);
        },
      });
      sockets.push(viewer);
    });
    expect(await refusal).toMatch(/^forbidden: wrong inspector token: .*--inspect-token/);
  });

  it('refuses a handshake without a role', async () => {
    const url = await startRelay();
    await expect(rawSocket(url, {})).rejects.toThrow(/auth.role/);
  });

  it('accepts loopback addresses only by default', () => {
    expect(['127.0.0.1', '::1', '::ffff:127.0.0.1'].every(isLoopbackAddress)).toBe(true);
    expect(['10.0.0.2', '::ffff:192.168.1.4', '2001:db8::1'].some(isLoopbackAddress)).toBe(false);
  });
});
