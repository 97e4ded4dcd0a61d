// main.ts end to end as far as quitting: a save the app window asked for just before the quit
// (the renderer flushes the unsent state on pagehide) must reach the disk before the app exits,
// and a disk that never answers must not keep the app from quitting.
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import {
  type EncryptedFileStore,
  flushStoresOnQuit,
} from '../../../src/main/encryptedFileStore.ts';
import { IpcChannels } from '../../../src/preload/ipcChannels.ts';
import * as fakeElectron from './fakeElectron.ts';

// The real file system, with writeFile watched so a test can hold a write back like a slow disk.
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  return { ...actual, writeFile: vi.fn<typeof actual.writeFile>(actual.writeFile) };
});
const realWriteFile = (await vi.importActual<typeof import('node:fs/promises')>('node:fs/promises'))
  .writeFile;

/** Emits will-quit as Electron does; true when no listener held the quit. */
function emitWillQuit(app: EventEmitter): boolean {
  let prevented = false;
  app.emit('will-quit', { preventDefault: () => (prevented = true) });
  return !prevented;
}

/** An app that, like Electron's, asks every will-quit listener again on each quit(). */
function quittingApp() {
  const exited = Promise.withResolvers<void>();
  const app = Object.assign(new EventEmitter(), {
    quit: vi.fn<() => void>(() => {
      if (emitWillQuit(app)) exited.resolve();
    }),
  });
  return { app, exited: exited.promise };
}

type Handler = (event: unknown, ...args: unknown[]) => unknown;
const handlers = new Map<string, Handler>();
const ipcMain = {
  handle: (channel: string, handler: Handler) => handlers.set(channel, handler),
  on: (channel: string, handler: Handler) => handlers.set(channel, handler),
};
const seal = (data: Buffer) => Buffer.from(data.map((byte) => byte ^ 0x5a));
const safeStorage = {
  isEncryptionAvailable: () => true,
  getSelectedStorageBackend: () => 'gnome_libsecret',
  encryptString: (text: string) => seal(Buffer.from(text)),
  decryptString: (data: Buffer) => seal(data).toString(),
};
const session = {
  defaultSession: {
    webRequest: { onHeadersReceived: vi.fn<(listener: unknown) => void>() },
    setPermissionRequestHandler: vi.fn<(handler: unknown) => void>(),
    setPermissionCheckHandler: vi.fn<(handler: unknown) => void>(),
  },
};
const dialog = { showErrorBox: vi.fn<(title: string, content: string) => void>() };
const { app: electronApp, exited } = quittingApp();
const app = Object.assign(electronApp, {
  getPath: fakeElectron.app.getPath,
  isPackaged: true,
  requestSingleInstanceLock: () => true,
  whenReady: () => Promise.resolve(),
  exit: vi.fn<(code: number) => void>(),
});
const screen = { getAllDisplays: () => [] };

vi.mock('electron', () => {
  const electron = { ...fakeElectron, app, dialog, ipcMain, safeStorage, screen, session };
  return { ...electron, default: electron };
});
afterAll(() => {
  vi.unstubAllEnvs();
  vi.unstubAllGlobals();
  fakeElectron.app.removeAppPaths();
});

describe('quitting the app', () => {
  it('waits for the unsent state the window saved last to be on disk, then quits', async () => {
    vi.stubGlobal('MAIN_WINDOW_VITE_DEV_SERVER_URL', undefined);
    vi.stubGlobal('INSPECTOR_WINDOW_VITE_DEV_SERVER_URL', undefined);
    vi.stubEnv('PARLEY_SERVER_URL', 'https://chat.example.com');
    await import('../../../src/main/main.ts');
    await vi.waitFor(() => expect(fakeElectron.FakeBrowserWindow.created).toHaveLength(1));
    expect(dialog.showErrorBox).not.toHaveBeenCalled();

    const file = path.join(app.getPath('userData'), 'unsent.bin');
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    vi.mocked(fs.writeFile).mockImplementation(async (target, data, options) => {
      if (String(target).startsWith(file)) await released; // the disk is slow
      return realWriteFile(target, data, options);
    });
    const json = JSON.stringify({ version: 1, drafts: { c1: 'see you at 8' }, outbox: [] });
    const fromMainWindow = {
      senderFrame: { url: 'parley://main_window/index.html', parent: null },
    };
    const saved = handlers.get(IpcChannels.setUnsent)!(fromMainWindow, json);

    let quit = false;
    void exited.then(() => (quit = true));
    expect(emitWillQuit(app)).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(quit).toBe(false); // the save is still being written

    release();
    await exited;
    await saved;
    expect(safeStorage.decryptString(await fs.readFile(file))).toBe(json);
    expect(existsSync(`${file}.tmp`)).toBe(false);
    expect(emitWillQuit(app)).toBe(true); // quitting for real is no longer held
  });
});

describe('the stores on quit', () => {
  function store(flush: () => Promise<void>): EncryptedFileStore {
    return { get: async () => null, set: async () => {}, flush };
  }

  it('holds the quit until every store has flushed', async () => {
    const { app, exited } = quittingApp();
    const token = Promise.withResolvers<void>();
    const unsent = Promise.withResolvers<void>();
    const stores = [store(() => token.promise), store(() => unsent.promise)];
    flushStoresOnQuit(app as never, stores);
    let quit = false;
    void exited.then(() => (quit = true));
    expect(emitWillQuit(app)).toBe(false);
    token.resolve();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(quit).toBe(false);
    unsent.resolve();
    await exited;
    expect(app.quit).toHaveBeenCalledOnce();
  });

  it('still quits when a store never finishes, after 3 seconds', async () => {
    vi.useFakeTimers();
    try {
      const { app } = quittingApp();
      flushStoresOnQuit(app as never, [store(() => new Promise<void>(() => {}))]);
      expect(emitWillQuit(app)).toBe(false);
      expect(emitWillQuit(app)).toBe(false); // asked twice: still one wait, one quit
      await vi.advanceTimersByTimeAsync(2_999);
      expect(app.quit).not.toHaveBeenCalled();
      await vi.advanceTimersByTimeAsync(1);
      expect(app.quit).toHaveBeenCalledOnce();
      expect(emitWillQuit(app)).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });
});
