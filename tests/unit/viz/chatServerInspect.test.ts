// The chat server carries the visualizer's /inspect relay (web mode, npm run server): the app
// page publishes, `npm run viz -- --app` views. Inspection records are the person's own
// messages and drafts, so every client must present the per-run inspector token the server
// prints AND come from a loopback page: behind a reverse proxy every client's TCP peer is
// 127.0.0.1, so the peer address alone proves nothing.
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

async function startServer(inspectRelay?: boolean): Promise<{ url: string; token: string }> {
  const server = await createChatServer({
    logger: silentLogger,
    codeSender: createDevelopmentCodeSender({ print: () => {} }),
    ...(inspectRelay === undefined ? {} : { inspectRelay }),
  });
  servers.push(server);
  return { url: server.url, token: server.inspectToken ?? '' };
}

interface Handshake {
  role: string;
  /** Left out of `auth` when undefined. */
  token?: string;
  /** Sent as the Origin header when given; Node's client sends none otherwise. */
  origin?: string;
  headers?: Record<string, string>;
}

/** Resolves with the socket once connected, rejects with the server's refusal. */
function open(url: string, handshake: Handshake): Promise<Socket> {
  const { role, token, origin } = handshake;
  const headers = { ...handshake.headers, ...(origin ? { origin } : {}) };
  const socket = connect(`${url}/inspect`, {
    auth: token === undefined ? { role } : { role, token },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    extraHeaders: headers,
  });
  sockets.push(socket);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

/** What the server answered a handshake: `connected`, or its refusal message. */
async function outcome(url: string, handshake: Handshake): Promise<string> {
  return open(url, handshake).then(
    () => 'connected',
    (error: Error) => error.message,
  );
}

const record: InspectionRecord = {
  kind: 'snapshot',
  machineId: 'onboarding',
  sessionId: 'x:1',
  rootId: 'x:0',
  status: 'active',
  value: 'code',
  context: { phone: '+15551234567', draft: 'meet me at 8' },
  event: { type: 'code.requested' },
  at: 1,
};

const vizPage = 'http://127.0.0.1:5999';

describe('the chat server’s /inspect relay', () => {
  it('relays what the app page publishes to a visualizer page, both holding the token', async () => {
    const { url, token } = await startServer();
    expect(token).toMatch(/^[\w-]{43}$/);
    const viewer = await open(url, { role: 'viewer', token, origin: vizPage });
    const received = new Promise((resolve) => viewer.once(inspectEvents.record, resolve));
    const publisher = await open(url, { role: 'publisher', token, origin: url });
    const ack = await publisher.timeout(2_000).emitWithAck(inspectEvents.publish, record);
    expect(ack).toEqual({ ok: true });
    expect(await received).toEqual(record);
  });

  it('refuses a viewer without the token', async () => {
    const { url } = await startServer();
    expect(await outcome(url, { role: 'viewer', origin: vizPage })).toMatch(
      /^forbidden: .*inspector token/,
    );
  });

  it('refuses a wrong token, without echoing either token back', async () => {
    const { url, token } = await startServer();
    const wrong = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    for (const guess of [wrong, token.slice(0, 10), 'x'.repeat(5_000)]) {
      const message = await outcome(url, { role: 'viewer', token: guess, origin: vizPage });
      expect(message).toMatch(/^forbidden: wrong inspector token/);
      expect(message).not.toContain(token);
      expect(message).not.toContain(guess);
    }
  });

  it('refuses a publisher without the token (it could feed the visualizer lies)', async () => {
    const { url } = await startServer();
    expect(await outcome(url, { role: 'publisher', origin: url })).toMatch(/^forbidden: /);
  });

  it('refuses the right token with no Origin: a loopback peer proves nothing behind a proxy', async () => {
    const { url, token } = await startServer();
    expect(await outcome(url, { role: 'viewer', token })).toMatch(
      /^forbidden: .*loopback origins only/,
    );
  });

  it.each([
    'https://evil.example',
    'http://192.168.1.20:8080',
    'null',
    'http://127.0.0.1.evil.example',
  ])(
    'refuses the right token from a page at %s (a website could otherwise watch the user’s chats)',
    async (origin) => {
      const { url, token } = await startServer();
      expect(await outcome(url, { role: 'viewer', token, origin })).toMatch(
        /^forbidden: .*loopback origins only/,
      );
    },
  );

  it('refuses what a proxy forwarded, even with the token and a loopback Origin', async () => {
    const { url, token } = await startServer();
    const proxied: Record<string, string>[] = [
      { 'x-forwarded-for': '203.0.113.7' },
      { forwarded: 'for=203.0.113.7' },
      { 'x-real-ip': '203.0.113.7' },
    ];
    for (const headers of proxied) {
      expect(await outcome(url, { role: 'viewer', token, origin: vizPage, headers })).toMatch(
        /^forbidden: .*proxied/,
      );
    }
  });

  it('accepts pages served from localhost and [::1] with the token', async () => {
    const { url, token } = await startServer();
    expect(await outcome(url, { role: 'viewer', token, origin: 'http://localhost:5173' })).toBe(
      'connected',
    );
    expect(await outcome(url, { role: 'viewer', token, origin: 'http://[::1]:5173' })).toBe(
      'connected',
    );
  });

  it('is absent when turned off (the desktop app feeds its inspector over IPC)', async () => {
    const { url } = await startServer(false);
    expect(await outcome(url, { role: 'viewer', token: 'anything', origin: vizPage })).toMatch(
      /Invalid namespace/,
    );
  });
});
