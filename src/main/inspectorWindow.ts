// The State Inspector: a second window showing the visualizer (`inspector_window` entry), fed
// live by the app window's inspection records. One at a time; asking again focuses it.
import type { BrowserWindow } from 'electron';
import type { AppPages } from './appPages.ts';
import { createAppWindow } from './appWindow.ts';
import type { InspectorRelay } from './inspectorRelay.ts';

export interface InspectorWindowOptions {
  appPages: AppPages;
  preloadPath: string;
  serverUrl: string;
  relay: InspectorRelay;
}

export function createInspectorWindowOpener(options: InspectorWindowOptions): {
  open(): BrowserWindow;
} {
  let current: BrowserWindow | null = null;
  return {
    open() {
      if (current && !current.isDestroyed()) {
        if (current.isMinimized()) current.restore();
        current.focus();
        return current;
      }
      const window = createAppWindow({
        entry: 'inspector_window',
        appPages: options.appPages,
        preloadPath: options.preloadPath,
        serverUrl: options.serverUrl,
        window: { width: 1000, height: 720, title: 'Parley — State Inspector' },
      });
      const { webContents } = window;
      // Every (re)load starts empty, so replay the recent records each time.
      webContents.on('did-finish-load', () => options.relay.attach(webContents));
      window.on('closed', () => {
        options.relay.detach(webContents);
        current = null;
      });
      current = window;
      return window;
    },
  };
}
