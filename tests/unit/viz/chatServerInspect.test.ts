// The chat server carries the visualizer's /inspect relay (web mode, npm run server): the app
// page publishes, `npm run viz -- --app` views; pages from other origins are refused, and the
// desktop's embedded server (which uses IPC) can leave the relay out.
import { io as connect, type Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createChatServer, type ChatServer } from '../../../server/chatServer.ts';
import { createDevelopmentCodeSender } from '../../../server/codeSender.ts';
import { silentLogger } from '../../../server/logger.ts';
import { inspectEvents, type InspectionRecord } from '../../../src/viz/live/recordSchema.ts';

const servers: ChatServer[] = [];
const sockets: Socket[] = [];

afterEach(async () => {
  sockets.splice(0).forEach((socket) => socket.close());
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function startServer(inspectRelay?: boolean): Promise<string> {
  const server = await createChatServer({
    logger: silentLogger,
    codeSender: createDevelopmentCodeSender({ print: () => {} }),
    ...(inspectRelay === undefined ? {} : { inspectRelay }),
  });
  servers.push(server);
  return server.url;
}

/** Resolves with the socket once connected, rejects with the server's refusal. */
function open(url: string, role: string, origin?: string): Promise<Socket> {
  const socket = connect(`${url}/inspect`, {
    auth: { role },
    transports: ['websocket'],
    reconnection: false,
    ...(origin ? { extraHeaders: { origin } } : {}),
  });
  sockets.push(socket);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

const record: InspectionRecord = {
  kind: 'snapshot',
  machineId: 'onboarding',
  sessionId: 'x:1',
  rootId: 'x:0',
  status: 'active',
  value: 'code',
  context: { phone: '+15551234567' },
  event: { type: 'code.requested' },
  at: 1,
};

describe('the chat server’s /inspect relay', () => {
  it('relays what the app page publishes to a visualizer page on loopback', async () => {
    const url = await startServer();
    const viewer = await open(url, 'viewer', 'http://127.0.0.1:5999');
    const received = new Promise((resolve) => viewer.once(inspectEvents.record, resolve));
    const publisher = await open(url, 'publisher', url);
    const ack = await publisher.timeout(2_000).emitWithAck(inspectEvents.publish, record);
    expect(ack).toEqual({ ok: true });
    expect(await received).toEqual(record);
  });

  it.each(['https://evil.example', 'http://192.168.1.20:8080', 'null'])(
    'refuses a browser page from %s (a website could otherwise watch the user’s chats)',
    async (origin) => {
      const url = await startServer();
      await expect(open(url, 'viewer', origin)).rejects.toThrow(/loopback origins only/);
    },
  );

  it('accepts localhost and [::1] pages, and local tools that send no Origin', async () => {
    const url = await startServer();
    await expect(open(url, 'viewer', 'http://localhost:5173')).resolves.toBeDefined();
    await expect(open(url, 'viewer', 'http://[::1]:5173')).resolves.toBeDefined();
    await expect(open(url, 'viewer')).resolves.toBeDefined();
  });

  it('is absent when turned off (the desktop app feeds its inspector over IPC)', async () => {
    const url = await startServer(false);
    await expect(open(url, 'viewer')).rejects.toThrow(/Invalid namespace/);
  });
});
