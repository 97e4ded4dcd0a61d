// Creates a window for one renderer entry with Electron's security checklist applied: isolated,
// sandboxed, no Node in the page, web security on, the preload as the only door, and the chat
// server URL handed to the preload as a command-line switch.
import { BrowserWindow, type BrowserWindowConstructorOptions } from 'electron';
import { serverUrlSwitch } from '../preload/ipcChannels.ts';
import type { AppPages, RendererEntry } from './appPages.ts';
import { hardenWebContents } from './windowSecurity.ts';

export interface AppWindowOptions {
  entry: RendererEntry;
  appPages: AppPages;
  preloadPath: string;
  serverUrl: string;
  /** Size, position and title; webPreferences are not negotiable. */
  window?: Omit<BrowserWindowConstructorOptions, 'webPreferences'>;
}

export function secureWebPreferences(
  preloadPath: string,
  serverUrl: string,
): NonNullable<BrowserWindowConstructorOptions['webPreferences']> {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    additionalArguments: [`${serverUrlSwitch}${serverUrl}`],
  };
}

export function createAppWindow(options: AppWindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    show: false,
    ...options.window,
    webPreferences: secureWebPreferences(options.preloadPath, options.serverUrl),
  });
  hardenWebContents(window.webContents, options.appPages);
  // Shown once painted, so the user never sees a blank white frame.
  window.once('ready-to-show', () => window.show());
  // A page that fails to load never gets ready-to-show; an invisible running app is worse.
  window.webContents.once('did-fail-load', () => window.show());
  window.loadURL(options.appPages.urlOf(options.entry)).catch((error: unknown) => {
    console.error(`Parley: the ${options.entry} page did not load`, error);
  });
  return window;
}
