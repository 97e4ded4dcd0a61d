import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createAppPages } from '../../../src/main/appPages.ts';
import { createAppWindow } from '../../../src/main/appWindow.ts';
import { FakeBrowserWindow, shell } from './fakeElectron.ts';

vi.mock('electron', () => import('./fakeElectron.ts'));

const appPages = createAppPages({});
const serverUrl = 'http://127.0.0.1:41234';

function openMainWindow(): FakeBrowserWindow {
  const window = createAppWindow({
    entry: 'main_window',
    appPages,
    preloadPath: '/app/.vite/build/preload.cjs',
    serverUrl,
  }) as unknown as FakeBrowserWindow;
  return window;
}

function navigate(window: FakeBrowserWindow, url: string): boolean {
  let prevented = false;
  window.webContents.emit('will-navigate', { preventDefault: () => (prevented = true) }, url);
  return prevented;
}

beforeEach(() => {
  shell.openExternal.mockClear();
});

describe('the app window', () => {
  it('is isolated and sandboxed, with no Node in the page and the server URL for the preload', () => {
    const window = openMainWindow();
    expect(window.options.webPreferences).toEqual({
      preload: '/app/.vite/build/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      additionalArguments: [`--parley-server-url=${serverUrl}`],
    });
  });

  it('cannot have its webPreferences weakened by the caller', () => {
    const window = createAppWindow({
      entry: 'main_window',
      appPages,
      preloadPath: '/p.cjs',
      serverUrl,
      window: { webPreferences: { sandbox: false } } as never,
    }) as unknown as FakeBrowserWindow;
    expect(window.options.webPreferences).toMatchObject({ sandbox: true, contextIsolation: true });
  });

  it('stays hidden until painted, and shows even when its page fails to load', () => {
    const painted = openMainWindow();
    expect(painted.visible).toBe(false);
    painted.emit('ready-to-show');
    expect(painted.visible).toBe(true);
    const failed = openMainWindow();
    failed.webContents.emit('did-fail-load');
    expect(failed.visible).toBe(true);
  });

  it('loads its own entry from the app scheme when packaged', () => {
    expect(openMainWindow().webContents.getURL()).toBe('parley://main_window/index.html');
  });
});

describe('new windows', () => {
  it.each(['https://example.com/page', 'http://example.org/'])(
    'are denied, and the web link %s opens in the system browser',
    async (url) => {
      const window = openMainWindow();
      expect(window.webContents.windowOpenHandler?.({ url })).toEqual({ action: 'deny' });
      await vi.waitFor(() => expect(shell.openExternal).toHaveBeenCalledWith(url));
    },
  );

  it.each([
    'javascript:alert(1)',
    'file:///etc/passwd',
    'parley://main_window/index.html',
    'smb://host/share',
    'not a url',
    'https://user:secret@example.com/',
    'http://',
  ])('are denied and %s never reaches the system browser', async (url) => {
    const window = openMainWindow();
    expect(window.webContents.windowOpenHandler?.({ url })).toEqual({ action: 'deny' });
    await Promise.resolve();
    expect(shell.openExternal).not.toHaveBeenCalled();
  });
});

describe('navigation', () => {
  it('stays within the window’s own page', () => {
    const window = openMainWindow();
    expect(navigate(window, 'parley://main_window/index.html#/chat')).toBe(false);
  });

  it.each([
    'https://evil.example/',
    'file:///home/user/secrets.txt',
    'parley://inspector_window/index.html',
    'javascript:void(0)',
  ])('to %s is blocked', (url) => {
    expect(navigate(openMainWindow(), url)).toBe(true);
  });

  it('to a web link is blocked but hands the link to the system browser', async () => {
    expect(navigate(openMainWindow(), 'https://example.com/article')).toBe(true);
    await vi.waitFor(() =>
      expect(shell.openExternal).toHaveBeenCalledWith('https://example.com/article'),
    );
  });

  it('refuses to attach a <webview>', () => {
    const window = openMainWindow();
    let prevented = false;
    window.webContents.emit('will-attach-webview', { preventDefault: () => (prevented = true) });
    expect(prevented).toBe(true);
  });
});
