// Both ends of the `/inspect` Socket.IO channel (web mode): the app publishes records, the
// visualizer page views them. The relay in between is server/inspectRelay.ts.
import { io, type Socket } from 'socket.io-client';
import { InspectionRecordSchema, inspectEvents, type InspectionRecord } from './recordSchema.ts';

export interface InspectPublisher {
  /** Any record-shaped object: the relay validates it (the app hands over opaque JSON). */
  publish(record: { readonly [key: string]: unknown }): void;
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
  return io(new URL('/inspect', appUrl).href, {
    auth: { role },
    // WebSocket only: no long-polling requests, so no CORS preflight from another loopback port.
    transports: ['websocket'],
    // A connection of its own: socket.io-client would otherwise multiplex this namespace onto
    // the app's chat socket (same origin), so the inspector could disturb (or be torn down
    // with) the connection the person is chatting over.
    forceNew: true,
  });
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
