// Turns XState `inspect` events into inspection records for the visualizer's live mode. The
// app passes `inspect: (event) => { const r = toInspectionRecord(event); if (r) publish(r); }`
// to createActor. Only machine snapshots are kept: they carry the state value to highlight.
import type { InspectionEvent } from 'xstate';
import { toJsonSafe } from './jsonSafe.ts';
import type { InspectionRecord, StateValue } from './recordSchema.ts';

export { InspectionRecordSchema, type InspectionRecord } from './recordSchema.ts';

interface MachineSnapshotLike {
  value: StateValue;
  status: InspectionRecord['status'];
  context: unknown;
}

function machineIdOf(actorRef: unknown): string | null {
  // A machine actor's logic is its StateMachine, which has a root StateNode and an id.
  const logic = (actorRef as { logic?: { id?: unknown; root?: unknown } }).logic;
  return logic && typeof logic.id === 'string' && logic.root ? logic.id : null;
}

function isMachineSnapshot(snapshot: unknown): snapshot is MachineSnapshotLike {
  const candidate = snapshot as Partial<MachineSnapshotLike> | null;
  return (
    candidate !== null &&
    typeof candidate === 'object' &&
    (typeof candidate.value === 'string' ||
      (typeof candidate.value === 'object' && candidate.value !== null)) &&
    typeof candidate.status === 'string'
  );
}

export function toInspectionRecord(
  inspectionEvent: InspectionEvent,
  now: () => number = Date.now,
): InspectionRecord | null {
  if (inspectionEvent.type !== '@xstate.snapshot') return null;
  const machineId = machineIdOf(inspectionEvent.actorRef);
  const { snapshot } = inspectionEvent;
  if (machineId === null || !isMachineSnapshot(snapshot)) return null;
  const event = toJsonSafe(inspectionEvent.event);
  return {
    kind: 'snapshot',
    machineId,
    sessionId: inspectionEvent.actorRef.sessionId,
    rootId: inspectionEvent.rootId,
    status: snapshot.status,
    value: toJsonSafe(snapshot.value) as StateValue,
    context: toJsonSafe(snapshot.context),
    event: {
      ...(event && typeof event === 'object' && !Array.isArray(event) ? event : {}),
      type: inspectionEvent.event.type,
    },
    at: Math.max(0, Math.trunc(now())),
  };
}
