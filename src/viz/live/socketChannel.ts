// The visualizer's end of the `/inspect` Socket.IO channel (web mode): the app publishes
// records (src/renderer/transport/inspectPublisher.ts), the relay in between
// (server/inspectRelay.ts) passes them to this page.
import { io } from 'socket.io-client';
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
  socket.on('connect', () => callbacks.onStatus?.('connected'));
  socket.on('disconnect', () => callbacks.onStatus?.('disconnected'));
  socket.on('connect_error', (error) => callbacks.onStatus?.('error', error.message));
  socket.on(inspectEvents.record, (payload: unknown) => {
    const parsed = InspectionRecordSchema.safeParse(payload);
    if (parsed.success) callbacks.onRecord(parsed.data as InspectionRecord);
  });
  return { close: () => void socket.close() };
}
