// The `/inspect` namespace: relays inspection records from the Parley web app (publisher) to
// visualizer pages (viewers) for the visualizer's live mode in web mode. Inspection data is the
// user's own session (messages, drafts), so a client needs the per-run inspector token the
// server prints, and must be a page from a loopback origin on a loopback connection.
//
// The relay keeps each actor's latest record (bounded in actors and bytes, whatever a publisher
// sends: src/viz/live/latestByActor.ts) and sends those to a viewer when it connects, before
// any live record, so a visualizer opened after the app started shows every actor's current
// state. Kept per server process: in a cluster, a viewer gets what its own node relayed.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Namespace, Server, Socket } from 'socket.io';
import { isLoopbackHostname } from './origins.ts';
import type { Ack } from './protocol.ts';
import { createLatestByActor, type LatestByActorOptions } from '../src/viz/live/latestByActor.ts';
import {
  InspectAuthSchema,
  InspectionRecordSchema,
  inspectEvents,
  type InspectionRecord,
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
  /**
   * Accept non-loopback connections and pages (off by default: records carry the user's
   * data). The token is required either way.
   */
  allowRemote?: boolean;
  /** Bounds of the latest records kept for late viewers (default 1,000 actors, 16 MiB). */
  latest?: LatestByActorOptions;
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
  return isLoopbackHostname(URL.parse(origin)?.hostname ?? '');
}

/** Headers a reverse proxy adds: the TCP peer is then the proxy, not the person's machine. */
const proxyHeaders = ['forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-real-ip'] as const;

function wasProxied(headers: IncomingHttpHeaders): boolean {
  return proxyHeaders.some((name) => headers[name] !== undefined);
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Constant time in the secret: both sides are hashed to the same length first. */
function sameToken(presented: string, expected: string): boolean {
  return timingSafeEqual(digest(presented), digest(expected));
}

/** Where a person finds the token; never the token itself. */
const tokenHint =
  'pass the token from the chat server’s “inspector token:” line ' +
  '(npm run viz -- --app <url> --inspect-token <token>)';

/** Why a handshake is refused, or null to let it in. Messages never contain a token. */
export function inspectRefusal(
  handshake: { address: string; headers: IncomingHttpHeaders; auth: unknown },
  options: InspectRelayOptions,
): string | null {
  // Checked first, before the token: a page that may not connect learns nothing about it.
  if (!options.allowRemote) {
    if (!isLoopbackAddress(handshake.address)) {
      return 'forbidden: the inspector accepts loopback clients only';
    }
    if (wasProxied(handshake.headers)) {
      return 'forbidden: the inspector refuses proxied connections; connect to the server directly';
    }
    // WebSockets skip CORS, so without this any website open in the same browser could
    // connect to 127.0.0.1. A missing Origin is refused too: it is what a script behind a
    // reverse proxy sends, while the publisher and the visualizer are both browser pages.
    const { origin } = handshake.headers;
    if (origin === undefined) {
      return 'forbidden: the inspector accepts pages from loopback origins only (no Origin sent)';
    }
    if (!isLoopbackOrigin(origin)) {
      return 'forbidden: the inspector accepts pages from loopback origins only';
    }
  }
  const auth = (handshake.auth ?? {}) as { token?: unknown };
  const token = InspectAuthSchema.shape.token.safeParse(auth.token);
  if (auth.token === undefined) return `forbidden: the inspector token is missing: ${tokenHint}`;
  if (!token.success || !sameToken(token.data, options.token)) {
    return `forbidden: wrong inspector token: ${tokenHint}`;
  }
  return null;
}

export function attachInspectRelay(io: Server, options: InspectRelayOptions): InspectNamespace {
  // The chat server is typed with the chat events; this namespace has its own.
  const namespace = io.of('/inspect') as unknown as InspectNamespace;
  const latest = createLatestByActor<InspectionRecord>(options.latest);

  namespace.use((socket, next) => {
    const refusal = inspectRefusal(socket.handshake, options);
    if (refusal !== null) {
      next(new Error(refusal));
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
    if (socket.data.role === 'viewer') {
      // The kept records first, then the room's live ones: all synchronous, so none is missed
      // or sent twice, and Socket.IO delivers a socket's packets in order.
      for (const record of latest.records()) socket.emit(inspectEvents.record, record);
      void socket.join(viewersRoom);
    }

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
      latest.put(parsed.data as InspectionRecord);
      namespace.to(viewersRoom).emit(inspectEvents.record, parsed.data);
      respond({ ok: true });
    });
  });

  return namespace;
}
