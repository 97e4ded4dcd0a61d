// Web mode's way to the visualizer: inspection records go to the chat server's `/inspect`
// namespace (server/inspectRelay.ts), which relays them to visualizer pages. Lives here because
// the transport is the renderer's only socket.io-client importer.
import { io } from 'socket.io-client';
import type { InspectionRecord } from '../../preload/bridge.ts';
import { inspectEvents } from '../../viz/live/recordSchema.ts';

export interface InspectPublisher {
  publish(record: InspectionRecord): void;
  close(): void;
}

/** `inspectToken`: the chat server's per-run token, from the page's `#inspect=<token>`. */
export function connectInspectPublisher(serverUrl: string, inspectToken: string): InspectPublisher {
  const socket = io(new URL('/inspect', serverUrl).href, {
    auth: { role: 'publisher', token: inspectToken },
    transports: ['websocket'],
    // Its own connection: sharing the chat socket's Manager made the chat socket connect twice.
    forceNew: true,
  });
  return {
    // Fire and forget: a lost record only costs the inspector one frame.
    publish: (record) => void socket.emit(inspectEvents.publish, record),
    close: () => void socket.close(),
  };
}
