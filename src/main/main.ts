// The Electron main process: app lifecycle only. Each job lives in its own file beside this one.
import path from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, safeStorage, screen, session } from 'electron';
import { appIconPath } from './appIcon.ts';
import { installAppMenu } from './appMenu.ts';
import { createAppPages } from './appPages.ts';
import { handleAppScheme, registerAppScheme } from './appProtocol.ts';
import { contentSecurityPolicy } from './contentSecurityPolicy.ts';
import { createEncryptedFileStore, flushStoresOnQuit } from './encryptedFileStore.ts';
import {
  chatOrigins,
  embeddedServer,
  startChatBackend,
  stopBackendOnQuit,
} from './embeddedServer.ts';
import { createInspectorRelay } from './inspectorRelay.ts';
import { createInspectorWindowOpener } from './inspectorWindow.ts';
import { registerIpcHandlers } from './ipcHandlers.ts';
import { createMainWindow } from './mainWindow.ts';
import { IpcChannels } from '../preload/ipcChannels.ts';
import { hardenSession } from './sessionSecurity.ts';
import { claimSingleInstance } from './singleInstance.ts';

const devServerUrls = {
  main_window: MAIN_WINDOW_VITE_DEV_SERVER_URL,
  inspector_window: INSPECTOR_WINDOW_VITE_DEV_SERVER_URL,
};
const appPages = createAppPages(devServerUrls);
const preloadPath = path.join(__dirname, 'preload.cjs');
let mainWindow: BrowserWindow | null = null;

registerAppScheme();
if (!claimSingleInstance(app, () => mainWindow)) app.quit();
else app.whenReady().then(start).catch(failToStart);

async function start(): Promise<void> {
  // A refused PARLEY_SERVER_URL rejects here and reaches the user through failToStart.
  const allowedOrigins = chatOrigins(appPages);
  const backend = await startChatBackend(process.env, embeddedServer({ allowedOrigins }));
  stopBackendOnQuit(app, backend);
  const devUrls = Object.values(devServerUrls).filter((url) => typeof url === 'string');
  const csp = contentSecurityPolicy({ serverUrl: backend.url, devServerUrls: devUrls });
  hardenSession(session.defaultSession, csp);
  handleAppScheme(path.join(__dirname, '../renderer'), csp);

  const userData = app.getPath('userData');
  const secretFile = (name: string) =>
    createEncryptedFileStore(path.join(userData, name), safeStorage);
  const tokenStore = secretFile('session-token.bin');
  const unsentStore = secretFile('unsent.bin');
  flushStoresOnQuit(app, [tokenStore, unsentStore]);
  const relay = createInspectorRelay();
  registerIpcHandlers({ ipcMain, appPages, tokenStore, unsentStore, relay });

  const windowOptions = { appPages, preloadPath, serverUrl: backend.url };
  const inspector = createInspectorWindowOpener({ ...windowOptions, relay });
  const isMac = process.platform === 'darwin';
  installAppMenu({
    isDev: !app.isPackaged,
    isMac,
    openStateInspector: () => inspector.open(),
    signOut: () => mainWindow?.webContents.send(IpcChannels.signOutRequested),
    showShortcuts: () => mainWindow?.webContents.send(IpcChannels.shortcutsRequested),
  });

  const openMainWindow = async () => {
    const workAreas = screen.getAllDisplays().map((display) => display.workArea);
    const stateFile = path.join(userData, 'window-state.json');
    const icon = appIconPath(__dirname, MAIN_WINDOW_VITE_DEV_SERVER_URL);
    mainWindow = await createMainWindow({ ...windowOptions, icon, stateFile, workAreas });
    mainWindow.on('closed', () => (mainWindow = null));
  };
  await openMainWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) openMainWindow().catch(failToStart);
  });
}

function failToStart(error: unknown): void {
  dialog.showErrorBox(
    'Parley could not start',
    error instanceof Error ? error.message : String(error),
  );
  app.exit(1);
}

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
