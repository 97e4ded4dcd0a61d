// Turns XState `inspect` events into inspection records for the visualizer's live mode (the
// app calls it from its inspection queue, src/renderer/platform/inspectionQueue.ts, when idle).
// Only machine snapshots are kept: they carry the state value to highlight, and where the actor
// sits in its system (its id and its parent), for the live actor tree.
import type { InspectionEvent } from 'xstate';
import { defaultLimits, toJsonSafe, type JsonSafeLimits } from './jsonSafe.ts';
import {
  inspectionRecordTargetBytes,
  type InspectionRecord,
  type StateValue,
} from './recordSchema.ts';

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

/** Ids are bounded like the schema bounds them, so a record always validates. */
const maxIdLength = 200;

/**
 * Where the actor sits in its system: its id and its parent's session id (null for the root).
 * XState's inspection events give no parent (not even `@xstate.actor`, which carries only the
 * actor, and the app's inspection queue keeps snapshots alone), so this reads the actor's
 * private `_parent`. Acceptable here, in the visualizer's record builder: it is read-only,
 * checked, and a change in XState only loses the tree (records still validate without it).
 */
function placeOf(actorRef: unknown): { actorId?: string; parentSessionId: string | null } {
  const actor = actorRef as { id?: unknown; _parent?: { sessionId?: unknown } | null };
  const parentSessionId = actor._parent?.sessionId;
  return {
    ...(typeof actor.id === 'string' && actor.id !== ''
      ? { actorId: actor.id.slice(0, maxIdLength) }
      : {}),
    parentSessionId:
      typeof parentSessionId === 'string' && parentSessionId !== ''
        ? parentSessionId.slice(0, maxIdLength)
        : null,
  };
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

/**
 * Secrets never leave the app in a record (the session and verification tokens live in the
 * onboarding and app contexts): a designer needs to see that one is there, not its value.
 */
export const secretKeys = /token|secret|password/i;

const recordLimits: JsonSafeLimits = { ...defaultLimits, redactKeys: secretKeys };

/** Tried when a record made with the default limits is too big for the wire. */
const compactLimits: JsonSafeLimits = {
  maxDepth: 4,
  maxStringLength: 80,
  maxArrayItems: 10,
  maxObjectKeys: 30,
  maxNodes: 300,
  redactKeys: secretKeys,
};

const utf8 = new TextEncoder();
function fitsTarget(record: InspectionRecord): boolean {
  return utf8.encode(JSON.stringify(record)).byteLength <= inspectionRecordTargetBytes;
}

/** Who sent an event to an actor: its session id, or null from outside the actor system. */
export type EventSource = string | null;

/**
 * Follows an actor system's inspection events to say who sent the event of each snapshot.
 * XState reports a delivery as `@xstate.event` (`sourceRef`: the sender, undefined from
 * outside; `actorRef`: the target) before the target's `@xstate.snapshot` for the same event
 * object, so the tracker remembers the sender per event object and target (in a WeakMap: it
 * keeps no event alive). Returns the snapshot's source, undefined when none was reported (and
 * for other inspection events).
 */
export function createEventSourceTracker(): (
  inspectionEvent: InspectionEvent,
) => EventSource | undefined {
  const sources = new WeakMap<object, Map<string, EventSource>>();
  return (inspectionEvent) => {
    const { event } = inspectionEvent as { event?: unknown };
    if (typeof event !== 'object' || event === null) return undefined;
    const target = inspectionEvent.actorRef.sessionId;
    if (inspectionEvent.type === '@xstate.event') {
      const source = inspectionEvent.sourceRef?.sessionId;
      const byTarget = sources.get(event) ?? new Map<string, EventSource>();
      byTarget.set(
        target,
        typeof source === 'string' && source !== '' ? source.slice(0, maxIdLength) : null,
      );
      sources.set(event, byTarget);
      return undefined;
    }
    if (inspectionEvent.type !== '@xstate.snapshot') return undefined;
    return sources.get(event)?.get(target);
  };
}

/**
 * The record of a machine snapshot, or null for other inspection events. Its size is bounded
 * (whatever the context holds): default limits first, compact ones if that is too big, and as
 * a last resort the context and event payload replaced by a note. `sourceSessionId`: who sent
 * the event (see createEventSourceTracker), left out of the record when undefined.
 */
export function toInspectionRecord(
  inspectionEvent: InspectionEvent,
  now: () => number = Date.now,
  sourceSessionId?: EventSource,
): InspectionRecord | null {
  if (inspectionEvent.type !== '@xstate.snapshot') return null;
  const machineId = machineIdOf(inspectionEvent.actorRef);
  const { snapshot } = inspectionEvent;
  if (machineId === null || !isMachineSnapshot(snapshot)) return null;
  const at = Math.max(0, Math.trunc(now()));
  const place = placeOf(inspectionEvent.actorRef);
  const build = (limits: JsonSafeLimits): InspectionRecord => {
    const event = toJsonSafe(inspectionEvent.event, limits);
    return {
      kind: 'snapshot',
      machineId,
      sessionId: inspectionEvent.actorRef.sessionId,
      ...place,
      ...(sourceSessionId === undefined
        ? {}
        : { sourceSessionId: sourceSessionId?.slice(0, maxIdLength) || null }),
      rootId: inspectionEvent.rootId,
      status: snapshot.status,
      value: toJsonSafe(snapshot.value) as StateValue,
      context: toJsonSafe(snapshot.context, limits),
      event: {
        ...(event && typeof event === 'object' && !Array.isArray(event) ? event : {}),
        type: inspectionEvent.event.type,
      },
      at,
    };
  };
  for (const limits of [recordLimits, compactLimits]) {
    const record = build(limits);
    if (fitsTarget(record)) return record;
  }
  return {
    ...build({ ...compactLimits, maxNodes: 0 }),
    context: { '…': 'context too large to show' },
    event: { type: inspectionEvent.event.type.slice(0, 500) },
  };
}
