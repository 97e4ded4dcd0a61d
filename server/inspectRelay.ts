// The `/inspect` namespace: relays inspection records from the Parley web app (publisher) to
// visualizer pages (viewers) for the visualizer's live mode in web mode. Inspection data is the
// user's own session, so by default only loopback clients may connect.
import type { Namespace, Server, Socket } from 'socket.io';
import type { Ack } from './protocol.ts';
import {
  InspectAuthSchema,
  InspectionRecordSchema,
  inspectEvents,
  type InspectRole,
} from '../src/viz/live/recordSchema.ts';

export interface InspectClientToServerEvents {
  [inspectEvents.publish]: (record: unknown, ack?: (response: Ack) => void) => void;
}

export interface InspectServerToClientEvents {
  [inspectEvents.record]: (record: unknown) => void;
}

interface InspectSocketData {
  role: InspectRole;
}

export type InspectNamespace = Namespace<
  InspectClientToServerEvents,
  InspectServerToClientEvents,
  Record<string, never>,
  InspectSocketData
>;
type InspectSocket = Socket<
  InspectClientToServerEvents,
  InspectServerToClientEvents,
  Record<string, never>,
  InspectSocketData
>;

export interface InspectRelayOptions {
  /** The per-run secret every client must present as `auth.token`. */
  token: string;
  /** Accept non-loopback clients (off by default: records carry the user's data). */
  allowRemote?: boolean;
}

const viewersRoom = 'viewers';

export function isLoopbackAddress(address: string): boolean {
  return (
    address === '::1' ||
    address.startsWith('127.') ||
    address.startsWith('::ffff:127.') ||
    address === 'localhost'
  );
}

function isLoopbackOrigin(origin: string): boolean {
  const hostname = URL.parse(origin)?.hostname ?? '';
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

export function attachInspectRelay(io: Server, options: InspectRelayOptions): InspectNamespace {
  // The chat server is typed with the chat events; this namespace has its own.
  const namespace = io.of('/inspect') as unknown as InspectNamespace;

  // Trust: inspection records carry the user's own messages and drafts, and the relay has no
  // token. So only loopback sockets may publish or view, and from a browser only pages served
  // from a loopback origin: WebSockets skip CORS, so any website open in the same browser could
  // otherwise connect to 127.0.0.1 and watch. Local tools send no Origin.
  namespace.use((socket, next) => {
    if (!options.allowRemote && !isLoopbackAddress(socket.handshake.address)) {
      next(new Error('forbidden: the inspector accepts loopback clients only'));
      return;
    }
    const { origin } = socket.handshake.headers;
    if (!options.allowRemote && origin !== undefined && !isLoopbackOrigin(origin)) {
      next(new Error('forbidden: the inspector accepts pages from loopback origins only'));
      return;
    }
    const auth = InspectAuthSchema.safeParse(socket.handshake.auth);
    if (!auth.success) {
      next(new Error('invalid_payload: auth.role must be "publisher" or "viewer"'));
      return;
    }
    socket.data.role = auth.data.role;
    next();
  });

  namespace.on('connection', (socket: InspectSocket) => {
    if (socket.data.role === 'viewer') void socket.join(viewersRoom);

    socket.on(inspectEvents.publish, (record, ack) => {
      const respond = typeof ack === 'function' ? ack : () => {};
      if (socket.data.role !== 'publisher') {
        respond({ ok: false, error: { code: 'forbidden', message: 'viewers cannot publish' } });
        return;
      }
      const parsed = InspectionRecordSchema.safeParse(record);
      if (!parsed.success) {
        respond({
          ok: false,
          error: { code: 'invalid_payload', message: parsed.error.issues[0]?.message ?? 'invalid' },
        });
        return;
      }
      namespace.to(viewersRoom).emit(inspectEvents.record, parsed.data);
      respond({ ok: true });
    });
  });

  return namespace;
}
