// One Parley per user: a second launch hands over to the running one, which comes to the front.
import type { App, BrowserWindow } from 'electron';

/** Returns false when another instance holds the lock (this one should quit at once). */
export function claimSingleInstance(
  app: Pick<App, 'requestSingleInstanceLock' | 'on'>,
  currentWindow: () => BrowserWindow | null,
): boolean {
  if (!app.requestSingleInstanceLock()) return false;
  app.on('second-instance', () => {
    const window = currentWindow();
    if (!window || window.isDestroyed()) return;
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  });
  return true;
}
