// The app window: the messenger (`main_window` entry), where the user left it last time.
import type { BrowserWindow, Rectangle } from 'electron';
import type { AppPages } from './appPages.ts';
import { createAppWindow } from './appWindow.ts';
import { loadWindowState, trackWindowState, windowMinimumSize } from './windowState.ts';

export interface MainWindowOptions {
  appPages: AppPages;
  preloadPath: string;
  serverUrl: string;
  /** The app icon's PNG (appIcon.ts). */
  icon: string;
  /** The JSON file the size and position are kept in. */
  stateFile: string;
  /** The displays' work areas now, to check the saved position is still on screen. */
  workAreas: readonly Rectangle[];
}

export async function createMainWindow(options: MainWindowOptions): Promise<BrowserWindow> {
  const { isMaximized, ...bounds } = await loadWindowState(options.stateFile, options.workAreas);
  const window = createAppWindow({
    entry: 'main_window',
    appPages: options.appPages,
    preloadPath: options.preloadPath,
    serverUrl: options.serverUrl,
    window: {
      ...bounds,
      minWidth: windowMinimumSize.width,
      minHeight: windowMinimumSize.height,
      title: 'Parley',
      icon: options.icon,
    },
  });
  if (isMaximized) window.maximize();
  trackWindowState(window, options.stateFile);
  return window;
}
