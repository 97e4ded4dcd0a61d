// Both ends of the `/inspect` Socket.IO channel (web mode): the app publishes records, the
// visualizer page views them. The relay in between is server/inspectRelay.ts.
import { io, type Socket } from 'socket.io-client';
import { InspectionRecordSchema, inspectEvents, type InspectionRecord } from './recordSchema.ts';

export interface InspectPublisher {
  publish(record: InspectionRecord): void;
  close(): void;
}

export interface InspectViewer {
  close(): void;
}

export interface ViewerCallbacks {
  onRecord(record: InspectionRecord): void;
  onStatus?(status: 'connected' | 'disconnected' | 'error', detail?: string): void;
}

function connect(appUrl: string, role: 'publisher' | 'viewer'): Socket {
  // WebSocket only: no long-polling requests, so no CORS preflight from another loopback port.
  return io(new URL('/inspect', appUrl).href, { auth: { role }, transports: ['websocket'] });
}

export function connectInspectPublisher(appUrl: string): InspectPublisher {
  const socket = connect(appUrl, 'publisher');
  return {
    // Fire and forget: Socket.IO buffers while connecting; a lost record only costs a frame.
    publish: (record) => void socket.emit(inspectEvents.publish, record),
    close: () => void socket.close(),
  };
}

export function connectInspectViewer(appUrl: string, callbacks: ViewerCallbacks): InspectViewer {
  const socket = connect(appUrl, 'viewer');
  socket.on('connect', () => callbacks.onStatus?.('connected'));
  socket.on('disconnect', () => callbacks.onStatus?.('disconnected'));
  socket.on('connect_error', (error) => callbacks.onStatus?.('error', error.message));
  socket.on(inspectEvents.record, (payload: unknown) => {
    const parsed = InspectionRecordSchema.safeParse(payload);
    if (parsed.success) callbacks.onRecord(parsed.data as InspectionRecord);
  });
  return { close: () => void socket.close() };
}
