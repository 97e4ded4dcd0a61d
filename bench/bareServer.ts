// The baseline: bare Socket.IO doing the least a chat server must do, with Parley's event
// names so the load generator drives both alike. A token in the handshake joins the one room
// (no lookup), `sendMessage` is acknowledged with an echo and broadcast to the room as
// `channelUpdate`: no validation, no store, no rooms per user, default Socket.IO options.
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
const httpServer = http.createServer((_request, response) => {
  response.statusCode = 404;
  response.end();
});
const io = new Server(httpServer, { serveClient: false });

io.on('connection', (socket) => {
  if (typeof socket.handshake.auth?.token === 'string') socket.join(groupId);
  socket.on('sendMessage', (payload: Record<string, unknown>, ack: (reply: unknown) => void) => {
    const message = { ...payload, sentAt: Date.now() };
    io.to(groupId).emit('channelUpdate', { message });
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
      return { tokens, userIds: tokens };
    },
    memory: () => measureMemoryAfterGc(),
    connections: () => io.engine.clientsCount,
  },
  { url: `http://127.0.0.1:${port}`, groupId } satisfies BareServerInfo,
);
