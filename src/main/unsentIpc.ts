// IPC for the unsent state (drafts and unacknowledged messages, issue 12): only the app window
// may read or replace it. Main keeps it as opaque text and never parses it: the renderer reads
// it back with parseUnsentState, which treats anything malformed as nothing saved. Main only
// bounds its size, so a page cannot fill the disk through this channel.
import type { IpcMain } from 'electron';
import { z } from 'zod';
import { unsentStateMaxBytes } from '../../machines/unsent.ts';
import { IpcChannels } from '../preload/ipcChannels.ts';
import type { AppPages } from './appPages.ts';
import type { EncryptedFileStore } from './encryptedFileStore.ts';
import { assertTrustedSender } from './ipcSender.ts';

const tooLarge = `the unsent state is larger than ${unsentStateMaxBytes} bytes`;

// A string's UTF-8 form is never shorter than its length in UTF-16 units, so the length check
// refuses the hopeless cases before the bytes are counted.
const UnsentTextSchema = z
  .string()
  .max(unsentStateMaxBytes, tooLarge)
  .refine((json) => Buffer.byteLength(json, 'utf8') <= unsentStateMaxBytes, tooLarge)
  .nullable();

export function registerUnsentIpc(
  ipcMain: Pick<IpcMain, 'handle'>,
  store: EncryptedFileStore,
  appPages: AppPages,
): void {
  ipcMain.handle(IpcChannels.getUnsent, (event) => {
    assertTrustedSender(event, appPages, ['main_window']);
    return store.get();
  });
  ipcMain.handle(IpcChannels.setUnsent, async (event, json: unknown) => {
    assertTrustedSender(event, appPages, ['main_window']);
    await store.set(UnsentTextSchema.parse(json));
  });
}
