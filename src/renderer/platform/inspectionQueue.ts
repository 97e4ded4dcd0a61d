// Keeps the state inspector off the critical path: XState calls the inspector synchronously
// inside every transition (a keystroke in the composer is one), so the inspector only queues
// the event; turning snapshots into records (bounded, but not free on a 10,000-message context)
// and publishing them happens later, in one batch, when the page is idle.
import type { InspectionEvent } from 'xstate';
import type { InspectionRecord as BridgeRecord } from '../../preload/bridge.ts';
import {
  createEventSourceTracker,
  toInspectionRecord,
  type EventSource,
} from '../../viz/live/record.ts';

/** Runs `flush` soon, but after the current frame has been painted where possible. */
export type FlushScheduler = (flush: () => void) => void;

export interface InspectionQueueOptions {
  publish(record: BridgeRecord): void;
  schedule?: FlushScheduler;
  now?: () => number;
  /** Events kept while waiting for a flush; the oldest go first (a stalled page stays small). */
  maxPending?: number;
}

export const defaultMaxPending = 500;

/** How long a flush may wait for an idle moment before it runs anyway. */
const idleTimeoutMs = 250;

export const whenIdle: FlushScheduler = (flush) => {
  if (typeof globalThis.requestIdleCallback === 'function') {
    globalThis.requestIdleCallback(flush, { timeout: idleTimeoutMs });
  } else {
    setTimeout(flush, 0); // Safari: no idle callbacks
  }
};

/** The `inspect` observer to give the app's actor system. */
export function createInspectionQueue(
  options: InspectionQueueOptions,
): (event: InspectionEvent) => void {
  const schedule = options.schedule ?? whenIdle;
  const now = options.now ?? Date.now;
  const maxPending = options.maxPending ?? defaultMaxPending;
  /** Who sent each snapshot's event: read when the snapshot is queued, in XState's order. */
  const sourceOf = createEventSourceTracker();
  let pending: { event: InspectionEvent; at: number; source: EventSource | undefined }[] = [];
  let scheduled = false;

  const flush = () => {
    scheduled = false;
    const batch = pending;
    pending = [];
    for (const { event, at, source } of batch) {
      const record = toInspectionRecord(event, () => at, source);
      // The bridge type is a plain JSON object; the record is one (the visualizer validates it).
      if (record) options.publish(record as unknown as BridgeRecord);
    }
  };

  return (event) => {
    // Only machine snapshots become records: skip the rest without keeping them alive (the
    // tracker notes an `@xstate.event`'s sender in a WeakMap, for the snapshot that follows).
    const source = sourceOf(event);
    if (event.type !== '@xstate.snapshot') return;
    pending.push({ event, at: now(), source });
    if (pending.length > maxPending) pending.shift();
    if (!scheduled) {
      scheduled = true;
      schedule(flush);
    }
  };
}
