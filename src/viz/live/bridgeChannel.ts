// The Electron inspector window's feed: the preload exposes `window.parley.inspector`, the main
// process relays records from the app window over IPC. Validated here like any payload.
import { InspectionRecordSchema, type InspectionRecord } from './recordSchema.ts';

/** The part of the preload bridge the visualizer uses. */
export interface InspectorBridge {
  subscribe(listener: (record: unknown) => void): () => void;
}

export function inspectorBridge(scope: unknown = globalThis): InspectorBridge | null {
  const parley = (scope as { parley?: { inspector?: Partial<InspectorBridge> } }).parley;
  const inspector = parley?.inspector;
  return inspector && typeof inspector.subscribe === 'function'
    ? (inspector as InspectorBridge)
    : null;
}

export function followBridge(
  bridge: InspectorBridge,
  onRecord: (record: InspectionRecord) => void,
): () => void {
  return bridge.subscribe((payload) => {
    const parsed = InspectionRecordSchema.safeParse(payload);
    if (parsed.success) onRecord(parsed.data as InspectionRecord);
  });
}
