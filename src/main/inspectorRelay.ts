// Relays machine inspection records from the app window to the State Inspector window. The
// latest records are kept so an inspector opened mid-session starts with recent history.
import type { IpcMain, WebContents } from 'electron';
import { z } from 'zod';
import type { InspectionRecord } from '../preload/bridge.ts';
import { IpcChannels } from '../preload/ipcChannels.ts';
import { inspectionRecordMaxBytes } from '../viz/live/recordSchema.ts';
import type { AppPages } from './appPages.ts';
import { isTrustedSender } from './ipcSender.ts';

/** Any JSON object within the size the visualizer's own schema accepts. */
const InspectionRecordSchema = z
  .record(z.string(), z.json())
  .refine(
    (record) => JSON.stringify(record).length <= inspectionRecordMaxBytes,
    'record too large',
  );

export interface InspectorRelay {
  /** Keeps the record and forwards it to the inspector window if one is attached. */
  publish(record: InspectionRecord): void;
  /** Sends the kept records to `contents` and forwards new ones to it from now on. */
  attach(contents: WebContents): void;
  detach(contents: WebContents): void;
}

export function createInspectorRelay(keep = 500): InspectorRelay {
  const recent: InspectionRecord[] = [];
  let target: WebContents | null = null;
  const send = (record: InspectionRecord) => {
    if (target && !target.isDestroyed()) target.send(IpcChannels.inspectionRecord, record);
  };
  return {
    publish(record) {
      recent.push(record);
      if (recent.length > keep) recent.shift();
      send(record);
    },
    attach(contents) {
      target = contents;
      for (const record of recent) send(record);
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
