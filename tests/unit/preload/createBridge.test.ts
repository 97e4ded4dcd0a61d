import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { createBridge, serverUrlFromArgv } from '../../../src/preload/createBridge.ts';
import { IpcChannels } from '../../../src/preload/ipcChannels.ts';

const answers: Record<string, unknown> = {
  [IpcChannels.getSessionToken]: 'tok_1',
  [IpcChannels.getUnsent]: '{"version":1}',
};

function fakeIpcRenderer() {
  const emitter = new EventEmitter();
  return Object.assign(emitter, {
    invoke: vi.fn<(channel: string, ...args: unknown[]) => Promise<unknown>>(
      async (channel) => answers[channel],
    ),
    send: vi.fn<(channel: string, ...args: unknown[]) => void>(),
  });
}
const argv = [
  '/opt/Parley/parley',
  '--type=renderer',
  '--parley-server-url=http://127.0.0.1:41234',
];

describe('the preload bridge', () => {
  it('says it is Electron and where the chat server is', () => {
    const bridge = createBridge(fakeIpcRenderer() as never, argv);
    expect(bridge.platform).toBe('electron');
    expect(bridge.serverUrl).toBe('http://127.0.0.1:41234');
  });

  it('refuses to start without a valid server URL switch', () => {
    expect(() => serverUrlFromArgv(['/opt/Parley/parley'])).toThrow(/parley-server-url/);
    expect(() => serverUrlFromArgv(['--parley-server-url=javascript:alert(1)'])).toThrow(
      /parley-server-url/,
    );
    expect(() => serverUrlFromArgv(['--parley-server-url=not a url'])).toThrow(/parley-server-url/);
  });

  it('sends each call on its own channel', async () => {
    const ipc = fakeIpcRenderer();
    const bridge = createBridge(ipc as never, argv);
    await expect(bridge.getSessionToken()).resolves.toBe('tok_1');
    await bridge.setSessionToken('tok_2');
    await expect(bridge.getUnsent()).resolves.toBe('{"version":1}');
    await bridge.setUnsent('{"version":1,"drafts":{}}');
    await bridge.setUnsent(null);
    await bridge.openExternal('https://example.com/');
    bridge.inspector.publish({ machine: 'app' });
    expect(ipc.invoke.mock.calls).toEqual([
      [IpcChannels.getSessionToken],
      [IpcChannels.setSessionToken, 'tok_2'],
      [IpcChannels.getUnsent],
      [IpcChannels.setUnsent, '{"version":1,"drafts":{}}'],
      [IpcChannels.setUnsent, null],
      [IpcChannels.openExternal, 'https://example.com/'],
    ]);
    expect(ipc.send).toHaveBeenCalledWith(IpcChannels.publishInspection, { machine: 'app' });
  });

  it('delivers inspector records without the IPC event, until unsubscribed', () => {
    const ipc = fakeIpcRenderer();
    const bridge = createBridge(ipc as never, argv);
    const listener = vi.fn<(record: object) => void>();
    const unsubscribe = bridge.inspector.subscribe(listener);
    ipc.emit(IpcChannels.inspectionRecord, { sender: 'ipc internals' }, { seq: 1 });
    unsubscribe();
    ipc.emit(IpcChannels.inspectionRecord, { sender: 'ipc internals' }, { seq: 2 });
    expect(listener.mock.calls).toEqual([[{ seq: 1 }]]);
    expect(ipc.listenerCount(IpcChannels.inspectionRecord)).toBe(0);
  });

  it("hears the menu's Sign Out without the IPC event or its arguments, until unsubscribed", () => {
    const ipc = fakeIpcRenderer();
    const bridge = createBridge(ipc as never, argv);
    const listener = vi.fn<(...args: unknown[]) => void>();
    const unsubscribe = bridge.onSignOutRequested(listener);
    ipc.emit(IpcChannels.signOutRequested, { sender: 'ipc internals' }, 'extra');
    unsubscribe();
    ipc.emit(IpcChannels.signOutRequested, { sender: 'ipc internals' });
    expect(listener.mock.calls).toEqual([[]]);
    expect(ipc.listenerCount(IpcChannels.signOutRequested)).toBe(0);
  });

  it("hears the menu's Keyboard Shortcuts without the IPC event, until unsubscribed", () => {
    const ipc = fakeIpcRenderer();
    const bridge = createBridge(ipc as never, argv);
    const listener = vi.fn<(...args: unknown[]) => void>();
    const unsubscribe = bridge.onShortcutsRequested(listener);
    ipc.emit(IpcChannels.shortcutsRequested, { sender: 'ipc internals' }, 'extra');
    unsubscribe();
    ipc.emit(IpcChannels.shortcutsRequested, { sender: 'ipc internals' });
    expect(listener.mock.calls).toEqual([[]]);
    expect(ipc.listenerCount(IpcChannels.shortcutsRequested)).toBe(0);
  });

  it('sends notifications and the badge, and hears clicks as conversation ids only', () => {
    const ipc = fakeIpcRenderer();
    const bridge = createBridge(ipc as never, argv);
    bridge.notify({ conversationId: 'c-1', title: 'Goku', body: 'Hi' });
    bridge.setBadgeCount(4);
    expect(ipc.send.mock.calls).toEqual([
      [IpcChannels.notify, { conversationId: 'c-1', title: 'Goku', body: 'Hi' }],
      [IpcChannels.setBadgeCount, 4],
    ]);
    const listener = vi.fn<(conversationId: string) => void>();
    const unsubscribe = bridge.onNotificationClicked(listener);
    ipc.emit(IpcChannels.notificationClicked, { sender: 'ipc internals' }, 'c-1');
    ipc.emit(IpcChannels.notificationClicked, { sender: 'ipc internals' }, { not: 'an id' });
    unsubscribe();
    ipc.emit(IpcChannels.notificationClicked, { sender: 'ipc internals' }, 'c-2');
    expect(listener.mock.calls).toEqual([['c-1']]);
    expect(ipc.listenerCount(IpcChannels.notificationClicked)).toBe(0);
  });
});
