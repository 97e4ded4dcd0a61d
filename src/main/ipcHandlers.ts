// Every IPC handler the main process offers, registered in one place so the full surface the
// renderer can reach is visible at a glance (channel names: src/preload/ipcChannels.ts).
import type { IpcMain } from 'electron';
import type { AppPages } from './appPages.ts';
import type { EncryptedFileStore } from './encryptedFileStore.ts';
import { type InspectorRelay, registerInspectorRelayIpc } from './inspectorRelay.ts';
import { registerNotificationIpc } from './notificationIpc.ts';
import { registerOpenExternalIpc } from './openExternalIpc.ts';
import { registerSessionTokenIpc } from './sessionTokenIpc.ts';
import { registerUnsentIpc } from './unsentIpc.ts';

export interface IpcHandlerOptions {
  ipcMain: Pick<IpcMain, 'handle' | 'on'>;
  appPages: AppPages;
  tokenStore: EncryptedFileStore;
  unsentStore: EncryptedFileStore;
  relay: InspectorRelay;
}

export function registerIpcHandlers({
  ipcMain,
  appPages,
  tokenStore,
  unsentStore,
  relay,
}: IpcHandlerOptions): void {
  registerSessionTokenIpc(ipcMain, tokenStore, appPages);
  registerUnsentIpc(ipcMain, unsentStore, appPages);
  registerOpenExternalIpc(ipcMain, appPages);
  registerInspectorRelayIpc(ipcMain, relay, appPages);
  registerNotificationIpc(ipcMain, appPages);
}
