// The baseline: bare Socket.IO doing the least a chat server must do, with Parley's event
// names so the load generator drives both alike. A token in the handshake joins the one group
// room and its own DM room (no lookup), `sendMessage` is acknowledged with an echo and
// broadcast to the room it names as `channelUpdate`: no validation, no store, default
// Socket.IO options.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { measureMemoryAfterGc } from './lib/memory.ts';
import { serveParent } from './lib/ipc.ts';

export interface BareServerInfo {
  url: string;
  groupId: string;
}

const groupId = 'bare-group';
/** Each token's own DM (Parley's seeded people each have one with Vegeta). */
const directIdOf = (token: string) => `dm-${token}`;
const httpServer = http.createServer((_request, response) => {
  response.statusCode = 404;
  response.end();
});
const io = new Server(httpServer, { serveClient: false });

io.on('connection', (socket) => {
  const token: unknown = socket.handshake.auth?.token;
  if (typeof token === 'string') socket.join([groupId, directIdOf(token)]);
  socket.on('sendMessage', (payload: Record<string, unknown>, ack: (reply: unknown) => void) => {
    const message = { ...payload, sentAt: Date.now() };
    const room = typeof payload.conversationId === 'string' ? payload.conversationId : groupId;
    io.to(room).emit('channelUpdate', { message });
    ack({ ok: true, message });
  });
});

await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
const { port } = httpServer.address() as AddressInfo;

process.once('SIGTERM', () => {
  setTimeout(() => process.exit(1), 5_000).unref();
  httpServer.closeAllConnections();
  io.close(() => process.exit(0));
});

let issued = 0;
serveParent(
  {
    // Bare Socket.IO has no users: any token joins the room. Issued here so both servers are
    // driven through the same calls.
    seedUsers: ({ count }: { count: number }) => {
      const tokens = Array.from({ length: count }, () => `bare-${(issued += 1)}`);
      return { tokens, userIds: tokens, directIds: tokens.map(directIdOf) };
    },
    memory: () => measureMemoryAfterGc(),
    cpu: () => process.cpuUsage(),
    connections: () => io.engine.clientsCount,
  },
  { url: `http://127.0.0.1:${port}`, groupId } satisfies BareServerInfo,
);
