// Relays machine inspection records from the app window to the State Inspector window. Each
// actor's latest record is kept (bounded: src/viz/live/latestByActor.ts), so an inspector opened
// mid-session starts with every actor's current state, however many records a busy actor sent.
import type { IpcMain, WebContents } from 'electron';
import { z } from 'zod';
import type { InspectionRecord } from '../preload/bridge.ts';
import { IpcChannels } from '../preload/ipcChannels.ts';
import {
  createLatestByActor,
  type ActorRecordLike,
  type LatestByActorOptions,
} from '../viz/live/latestByActor.ts';
import { inspectionRecordMaxBytes, shallowEnough } from '../viz/live/recordSchema.ts';
import type { AppPages } from './appPages.ts';
import { isTrustedSender } from './ipcSender.ts';

/**
 * Any JSON object within the size and depth the visualizer's own schema accepts (the depth
 * first: z.json() and JSON.stringify recurse per level).
 */
const InspectionRecordSchema = shallowEnough.pipe(
  z
    .record(z.string(), z.json())
    .refine(
      (record) => JSON.stringify(record).length <= inspectionRecordMaxBytes,
      'record too large',
    ),
);

export interface InspectorRelay {
  /** Keeps the record and forwards it to the inspector window if one is attached. */
  publish(record: InspectionRecord): void;
  /**
   * Sends each actor's latest record to `contents` (least recently updated first), then
   * forwards new ones to it from now on, in order.
   */
  attach(contents: WebContents): void;
  detach(contents: WebContents): void;
}

/** What the store keys a record by; a record without it is forwarded, not kept. */
function isActorRecord(record: InspectionRecord): boolean {
  const { sessionId, event } = record as { sessionId?: unknown; event?: unknown };
  return (
    typeof sessionId === 'string' &&
    sessionId !== '' &&
    typeof event === 'object' &&
    event !== null &&
    typeof (event as { type?: unknown }).type === 'string'
  );
}

/** `latest`: the bounds of what is kept (default 1,000 actors, 16 MiB). */
export function createInspectorRelay(latest: LatestByActorOptions = {}): InspectorRelay {
  const kept = createLatestByActor<InspectionRecord & ActorRecordLike>(latest);
  let target: WebContents | null = null;
  const send = (record: InspectionRecord) => {
    if (target && !target.isDestroyed()) target.send(IpcChannels.inspectionRecord, record);
  };
  return {
    publish(record) {
      if (isActorRecord(record)) kept.put(record as InspectionRecord & ActorRecordLike);
      send(record);
    },
    attach(contents) {
      target = contents;
      for (const record of kept.records()) send(record);
    },
    detach(contents) {
      if (target === contents) target = null;
    },
  };
}

/** Records come only from the app window, and only as JSON objects (the visualizer checks fields). */
export function registerInspectorRelayIpc(
  ipcMain: Pick<IpcMain, 'on'>,
  relay: InspectorRelay,
  appPages: AppPages,
): void {
  ipcMain.on(IpcChannels.publishInspection, (event, record: unknown) => {
    if (!isTrustedSender(event, appPages, ['main_window'])) return;
    const parsed = InspectionRecordSchema.safeParse(record);
    if (parsed.success) relay.publish(parsed.data as InspectionRecord);
  });
}
