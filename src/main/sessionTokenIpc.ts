// IPC for the session token: only the app window may read or change it, and only with a
// well-formed token.
import type { IpcMain } from 'electron';
import { z } from 'zod';
import { IpcChannels } from '../preload/ipcChannels.ts';
import type { AppPages } from './appPages.ts';
import type { EncryptedFileStore } from './encryptedFileStore.ts';
import { assertTrustedSender } from './ipcSender.ts';

const SessionTokenSchema = z
  .string()
  .min(1)
  .max(1024)
  .regex(/^[\x21-\x7e]+$/, 'a session token is printable ASCII without spaces')
  .nullable();

export function registerSessionTokenIpc(
  ipcMain: Pick<IpcMain, 'handle'>,
  store: EncryptedFileStore,
  appPages: AppPages,
): void {
  ipcMain.handle(IpcChannels.getSessionToken, (event) => {
    assertTrustedSender(event, appPages, ['main_window']);
    return store.get();
  });
  ipcMain.handle(IpcChannels.setSessionToken, async (event, token: unknown) => {
    assertTrustedSender(event, appPages, ['main_window']);
    await store.set(SessionTokenSchema.parse(token));
  });
}
