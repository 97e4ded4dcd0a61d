// The visualizer's end of the `/inspect` Socket.IO channel (web mode): the app publishes
// records (src/renderer/transport/inspectPublisher.ts), the relay in between
// (server/inspectRelay.ts) passes them to this page.
//
// On every connection the relay first sends each actor's latest record, so a page that joins
// late starts with every actor's state. Socket.IO reconnects by itself (a network blip, a laptop
// waking up), and then the relay sends them again: a record the page already has is not passed
// on a second time, or the page would show an actor's last event twice after every reconnect.
import { io } from 'socket.io-client';
import { createLatestByActor } from './latestByActor.ts';
import { InspectionRecordSchema, inspectEvents, type InspectionRecord } from './recordSchema.ts';

export interface InspectViewer {
  close(): void;
}

export interface ViewerCallbacks {
  onRecord(record: InspectionRecord): void;
  onStatus?(status: 'connected' | 'disconnected' | 'error', detail?: string): void;
}

/** `token`: the chat server's per-run inspector token, which the relay asks every client for. */
export function connectInspectViewer(
  appUrl: string,
  token: string,
  callbacks: ViewerCallbacks,
): InspectViewer {
  const socket = io(new URL('/inspect', appUrl).href, {
    auth: { role: 'viewer', token },
    // WebSocket only: no long-polling requests, so no CORS preflight from another loopback port.
    transports: ['websocket'],
    // A connection of its own, never multiplexed onto another socket to the same origin (as
    // the app's publisher does, to keep clear of the person's chat socket).
    forceNew: true,
  });
  /** Each actor's last record passed on (references to them: no copies), bounded like the relay's. */
  const passedOn = createLatestByActor<InspectionRecord>();
  /** Actors whose first record on this connection may be the relay's resend of one passed on. */
  let resendable = new Set<string>();
  socket.on('connect', () => {
    resendable = new Set(passedOn.records().map((record) => record.sessionId));
    callbacks.onStatus?.('connected');
  });
  socket.on('disconnect', () => callbacks.onStatus?.('disconnected'));
  socket.on('connect_error', (error) => callbacks.onStatus?.('error', error.message));
  socket.on(inspectEvents.record, (payload: unknown) => {
    const parsed = InspectionRecordSchema.safeParse(payload);
    if (!parsed.success) return;
    const record = parsed.data as InspectionRecord;
    // Only an actor's first record after a reconnect, and only if it is the very record passed
    // on (its `at` included): an actor sending the same event again later is news.
    if (resendable.delete(record.sessionId)) {
      const previous = passedOn.get(record.sessionId);
      if (previous && JSON.stringify(previous) === JSON.stringify(record)) return;
    }
    passedOn.put(record);
    callbacks.onRecord(record);
  });
  return { close: () => void socket.close() };
}
