// IPC for "open this link in the browser": app pages only, http(s) URLs only.
import type { IpcMain } from 'electron';
import { IpcChannels } from '../preload/ipcChannels.ts';
import type { AppPages } from './appPages.ts';
import { openExternalSafely } from './externalLinks.ts';
import { assertTrustedSender } from './ipcSender.ts';

export function registerOpenExternalIpc(
  ipcMain: Pick<IpcMain, 'handle'>,
  appPages: AppPages,
): void {
  ipcMain.handle(IpcChannels.openExternal, async (event, url: unknown) => {
    assertTrustedSender(event, appPages, ['main_window', 'inspector_window']);
    if (!(await openExternalSafely(url))) {
      throw new Error('openExternal refused: only http(s) URLs open in the browser');
    }
  });
}
