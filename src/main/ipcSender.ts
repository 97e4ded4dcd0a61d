// IPC handlers answer only the app's own pages: the top-level frame of one of the expected
// renderer entries. A frame from any other origin (an iframe, a page navigated elsewhere)
// is refused.
import type { IpcMainEvent, IpcMainInvokeEvent } from 'electron';
import type { AppPages, RendererEntry } from './appPages.ts';

export class UntrustedSenderError extends Error {
  override name = 'UntrustedSenderError';
}

export function isTrustedSender(
  event: IpcMainEvent | IpcMainInvokeEvent,
  appPages: AppPages,
  allowed: readonly RendererEntry[],
): boolean {
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null) return false;
  const entry = appPages.entryOf(frame.url);
  return entry !== null && allowed.includes(entry);
}

export function assertTrustedSender(
  event: IpcMainEvent | IpcMainInvokeEvent,
  appPages: AppPages,
  allowed: readonly RendererEntry[],
): void {
  if (!isTrustedSender(event, appPages, allowed)) {
    throw new UntrustedSenderError(
      `IPC refused: sender ${event.senderFrame?.url ?? '(gone)'} is not an app page`,
    );
  }
}
