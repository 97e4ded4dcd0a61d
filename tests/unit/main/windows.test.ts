import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { createAppPages } from '../../../src/main/appPages.ts';
import { createInspectorRelay } from '../../../src/main/inspectorRelay.ts';
import { createInspectorWindowOpener } from '../../../src/main/inspectorWindow.ts';
import { claimSingleInstance } from '../../../src/main/singleInstance.ts';
import { IpcChannels } from '../../../src/preload/ipcChannels.ts';
import { FakeBrowserWindow } from './fakeElectron.ts';

vi.mock('electron', () => import('./fakeElectron.ts'));

describe('the State Inspector window', () => {
  function opener() {
    const relay = createInspectorRelay();
    const inspector = createInspectorWindowOpener({
      appPages: createAppPages({}),
      preloadPath: '/p.cjs',
      serverUrl: 'http://127.0.0.1:1',
      relay,
    });
    return { relay, inspector };
  }

  it('loads the inspector entry in a sandboxed window and receives records once loaded', () => {
    const { relay, inspector } = opener();
    const window = inspector.open() as unknown as FakeBrowserWindow;
    expect(window.webContents.getURL()).toBe('parley://inspector_window/index.html');
    expect(window.options.webPreferences).toMatchObject({ sandbox: true, contextIsolation: true });
    relay.publish({ sessionId: 'x:0', event: { type: 'a' } });
    expect(window.webContents.sent).toEqual([]); // not loaded yet: replayed on load
    window.webContents.emit('did-finish-load');
    relay.publish({ sessionId: 'x:0', event: { type: 'b' } });
    expect(window.webContents.sent).toEqual([
      { channel: IpcChannels.inspectionRecord, args: [{ sessionId: 'x:0', event: { type: 'a' } }] },
      { channel: IpcChannels.inspectionRecord, args: [{ sessionId: 'x:0', event: { type: 'b' } }] },
    ]);
  });

  it('is opened once: asking again focuses it, and after closing a new one opens', () => {
    const { inspector } = opener();
    const first = inspector.open() as unknown as FakeBrowserWindow;
    first.minimized = true;
    expect(inspector.open()).toBe(first);
    expect(first.focused).toBe(true);
    expect(first.minimized).toBe(false);
    first.close();
    expect(inspector.open()).not.toBe(first);
  });
});

describe('the single-instance lock', () => {
  function fakeApp(gotLock: boolean) {
    return Object.assign(new EventEmitter(), { requestSingleInstanceLock: () => gotLock });
  }

  it('tells a second instance to quit', () => {
    expect(claimSingleInstance(fakeApp(false) as never, () => null)).toBe(false);
  });

  it('brings the first instance’s window to the front when a second one starts', () => {
    const app = fakeApp(true);
    const window = new FakeBrowserWindow({});
    window.minimized = true;
    expect(claimSingleInstance(app as never, () => window as never)).toBe(true);
    app.emit('second-instance');
    expect(window.minimized).toBe(false);
    expect(window.focused).toBe(true);
  });
});
