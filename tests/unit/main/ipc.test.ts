import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { unsentStateMaxBytes } from '../../../machines/unsent.ts';
import { createAppPages } from '../../../src/main/appPages.ts';
import { createEncryptedFileStore } from '../../../src/main/encryptedFileStore.ts';
import { createInspectorRelay } from '../../../src/main/inspectorRelay.ts';
import { registerIpcHandlers } from '../../../src/main/ipcHandlers.ts';
import { isTrustedSender } from '../../../src/main/ipcSender.ts';
import type { JsonValue } from '../../../src/preload/bridge.ts';
import { IpcChannels } from '../../../src/preload/ipcChannels.ts';
import {
  app,
  FakeBrowserWindow,
  FakeNotification,
  FakeWebContents,
  shell,
} from './fakeElectron.ts';

vi.mock('electron', () => import('./fakeElectron.ts'));

type Handler = (event: unknown, ...args: unknown[]) => unknown;

/** An IPC event as Electron builds it: the frame that sent it, top-level unless a parent is given. */
function from(url: string, parent: object | null = null) {
  return { senderFrame: { url, parent } };
}
const mainWindowPage = from('parley://main_window/index.html');
const inspectorPage = from('parley://inspector_window/index.html');

async function setUp() {
  const handlers = new Map<string, Handler>();
  const ipcMain = {
    handle: (channel: string, handler: Handler) => handlers.set(channel, handler),
    on: (channel: string, handler: Handler) => handlers.set(channel, handler),
  };
  const cipher = {
    isEncryptionAvailable: () => true,
    encryptString: (text: string) => Buffer.from(`sealed:${text}`),
    decryptString: (data: Buffer) => data.toString().replace(/^sealed:/, ''),
  };
  const dir = await mkdtemp(path.join(tmpdir(), 'parley-ipc-'));
  const tokenStore = createEncryptedFileStore(path.join(dir, 'token.bin'), cipher);
  const unsentStore = createEncryptedFileStore(path.join(dir, 'unsent.bin'), cipher);
  const relay = createInspectorRelay();
  const appPages = createAppPages({});
  registerIpcHandlers({ ipcMain: ipcMain as never, appPages, tokenStore, unsentStore, relay });
  const call = async (channel: string, event: unknown, ...args: unknown[]) =>
    handlers.get(channel)!(event, ...args);
  return { call, relay, tokenStore, unsentStore };
}

beforeEach(() => shell.openExternal.mockClear());

describe('IPC sender validation', () => {
  const appPages = createAppPages({ inspector_window: 'http://localhost:5174/' });

  it('accepts the top-level frame of an allowed app page', () => {
    expect(isTrustedSender(mainWindowPage as never, appPages, ['main_window'])).toBe(true);
    expect(
      isTrustedSender(from('http://localhost:5174/') as never, appPages, ['inspector_window']),
    ).toBe(true);
  });

  it.each([
    ['another origin', from('https://evil.example/')],
    ['a file page', from('file:///tmp/index.html')],
    ['an app page embedded in a frame', from('parley://main_window/index.html', {})],
    ['a frame that is gone', { senderFrame: null }],
    ['an app page not allowed on this channel', inspectorPage],
    ['a lookalike dev origin', from('http://localhost:5175/')],
  ])('rejects %s', (_what, event) => {
    expect(isTrustedSender(event as never, appPages, ['main_window'])).toBe(false);
  });
});

describe('session token IPC', () => {
  it('round-trips the token for the app window', async () => {
    const { call } = await setUp();
    await expect(call(IpcChannels.getSessionToken, mainWindowPage)).resolves.toBeNull();
    await call(IpcChannels.setSessionToken, mainWindowPage, 'tok_abc.123');
    await expect(call(IpcChannels.getSessionToken, mainWindowPage)).resolves.toBe('tok_abc.123');
    await call(IpcChannels.setSessionToken, mainWindowPage, null);
    await expect(call(IpcChannels.getSessionToken, mainWindowPage)).resolves.toBeNull();
  });

  it('refuses pages from other origins and the inspector window', async () => {
    const { call, tokenStore } = await setUp();
    await tokenStore.set('secret');
    await expect(call(IpcChannels.getSessionToken, from('https://evil.example/'))).rejects.toThrow(
      /not an app page/,
    );
    await expect(call(IpcChannels.getSessionToken, inspectorPage)).rejects.toThrow(
      /not an app page/,
    );
    await expect(
      call(IpcChannels.setSessionToken, from('https://evil.example/'), 'x'),
    ).rejects.toThrow(/not an app page/);
    await expect(tokenStore.get()).resolves.toBe('secret');
  });

  it.each([[42], [''], ['has space'], ['x'.repeat(2000)], [{ token: 'x' }], [undefined]])(
    'rejects the malformed token %j',
    async (token) => {
      const { call, tokenStore } = await setUp();
      await tokenStore.set('kept');
      await expect(call(IpcChannels.setSessionToken, mainWindowPage, token)).rejects.toThrow(
        /expected|invalid|too|token/i,
      );
      await expect(tokenStore.get()).resolves.toBe('kept');
    },
  );
});

describe('unsent state IPC', () => {
  const json = JSON.stringify({ version: 1, drafts: { c1: 'see you' }, outbox: [] });

  it('round-trips the unsent state for the app window, and forgets it on null', async () => {
    const { call, unsentStore } = await setUp();
    await expect(call(IpcChannels.getUnsent, mainWindowPage)).resolves.toBeNull();
    await call(IpcChannels.setUnsent, mainWindowPage, json);
    await expect(call(IpcChannels.getUnsent, mainWindowPage)).resolves.toBe(json);
    await call(IpcChannels.setUnsent, mainWindowPage, null);
    await expect(call(IpcChannels.getUnsent, mainWindowPage)).resolves.toBeNull();
    await expect(unsentStore.get()).resolves.toBeNull();
  });

  it('keeps the text as given, without parsing it (the renderer does)', async () => {
    const { call } = await setUp();
    await call(IpcChannels.setUnsent, mainWindowPage, 'not json {');
    await expect(call(IpcChannels.getUnsent, mainWindowPage)).resolves.toBe('not json {');
  });

  it('refuses pages from other origins and the inspector window', async () => {
    const { call, unsentStore } = await setUp();
    await unsentStore.set(json);
    for (const page of [from('https://evil.example/'), inspectorPage]) {
      await expect(call(IpcChannels.getUnsent, page)).rejects.toThrow(/not an app page/);
      await expect(call(IpcChannels.setUnsent, page, null)).rejects.toThrow(/not an app page/);
    }
    await expect(unsentStore.get()).resolves.toBe(json);
  });

  it.each([
    ['a number', 42],
    ['an object', { version: 1, drafts: {}, outbox: [] }],
    ['nothing', undefined],
    ['a string one byte too long', 'x'.repeat(unsentStateMaxBytes + 1)],
    // Fewer UTF-16 units than the limit, but two UTF-8 bytes each: over it.
    [
      'a string short in characters but too long in UTF-8 bytes',
      'é'.repeat(unsentStateMaxBytes / 2 + 1),
    ],
  ])('rejects %s', async (_what, value) => {
    const { call, unsentStore } = await setUp();
    await unsentStore.set(json);
    await expect(call(IpcChannels.setUnsent, mainWindowPage, value)).rejects.toThrow(
      /expected|larger than/i,
    );
    await expect(unsentStore.get()).resolves.toBe(json);
  });

  it('accepts a string of exactly the largest size', async () => {
    const { call, unsentStore } = await setUp();
    const largest = 'é'.repeat(unsentStateMaxBytes / 2);
    await call(IpcChannels.setUnsent, mainWindowPage, largest);
    await expect(unsentStore.get()).resolves.toBe(largest);
  });
});

describe('open-external IPC', () => {
  it('opens an https link in the system browser', async () => {
    const { call } = await setUp();
    await call(IpcChannels.openExternal, mainWindowPage, 'https://example.com/');
    expect(shell.openExternal).toHaveBeenCalledWith('https://example.com/');
  });

  it.each(['javascript:alert(1)', 'file:///etc/passwd', 'nonsense', 7])(
    'refuses %j',
    async (url) => {
      const { call } = await setUp();
      await expect(call(IpcChannels.openExternal, mainWindowPage, url)).rejects.toThrow(
        /only http\(s\)/,
      );
      expect(shell.openExternal).not.toHaveBeenCalled();
    },
  );

  it('refuses a foreign sender even with a good URL', async () => {
    const { call } = await setUp();
    await expect(
      call(IpcChannels.openExternal, from('https://evil.example/'), 'https://example.com/'),
    ).rejects.toThrow(/not an app page/);
    expect(shell.openExternal).not.toHaveBeenCalled();
  });
});

describe('inspection relay', () => {
  /** A record as the app window publishes it (the relay only needs a session id and an event). */
  const rec = (sessionId: string, type: string, extra: Record<string, JsonValue> = {}) => ({
    sessionId,
    event: { type },
    ...extra,
  });
  const sentRecords = (inspector: FakeWebContents) => inspector.sent.map(({ args }) => args[0]);

  it('forwards the app window’s records to the inspector, replaying the latest ones on attach', async () => {
    const { call, relay } = await setUp();
    await call(IpcChannels.publishInspection, mainWindowPage, rec('x:0', 'xstate.init'));
    const inspector = new FakeWebContents();
    relay.attach(inspector as never);
    await call(IpcChannels.publishInspection, mainWindowPage, rec('x:0', 'go'));
    expect(inspector.sent).toEqual([
      { channel: IpcChannels.inspectionRecord, args: [rec('x:0', 'xstate.init')] },
      { channel: IpcChannels.inspectionRecord, args: [rec('x:0', 'go')] },
    ]);
  });

  it('gives a late inspector every actor’s current record, however busy one actor was', async () => {
    const { call, relay } = await setUp();
    await call(IpcChannels.publishInspection, mainWindowPage, rec('x:0', 'xstate.init'));
    await call(IpcChannels.publishInspection, mainWindowPage, rec('x:3', 'xstate.init'));
    // Typing ~560 characters into the phone field pushed the app's records out of a 500-record log.
    for (let i = 0; i < 600; i += 1) {
      await call(IpcChannels.publishInspection, mainWindowPage, rec('x:3', 'phone.changed', { i }));
    }
    const inspector = new FakeWebContents();
    relay.attach(inspector as never);
    await call(IpcChannels.publishInspection, mainWindowPage, rec('x:0', 'live'));
    expect(sentRecords(inspector)).toEqual([
      rec('x:0', 'xstate.init'),
      rec('x:3', 'phone.changed', { i: 599 }),
      rec('x:0', 'live'),
    ]);
  });

  it('drops a record nested 20,000 deep from a compromised page, without throwing, and relays the next', async () => {
    const { call, relay } = await setUp();
    let deep: JsonValue = 1;
    for (let i = 0; i < 20_000; i += 1) deep = [deep];
    const inspector = new FakeWebContents();
    relay.attach(inspector as never);
    await expect(
      call(IpcChannels.publishInspection, mainWindowPage, rec('x:0', 'deep', { deep })),
    ).resolves.toBeUndefined();
    await call(IpcChannels.publishInspection, mainWindowPage, rec('x:0', 'after'));
    expect(sentRecords(inspector)).toEqual([rec('x:0', 'after')]);
  });

  it('keeps at most 1,000 actors however many session ids the page invents', async () => {
    const { call, relay } = await setUp();
    for (let i = 0; i < 1200; i += 1) {
      await call(IpcChannels.publishInspection, mainWindowPage, rec(`fake:${i}`, 'e'));
    }
    const inspector = new FakeWebContents();
    relay.attach(inspector as never);
    const sent = sentRecords(inspector) as { sessionId: string }[];
    expect(sent).toHaveLength(1000);
    expect([sent[0]?.sessionId, sent.at(-1)?.sessionId]).toEqual(['fake:200', 'fake:1199']);
  });

  it('keeps at most its byte budget of records however large they are', () => {
    const relay = createInspectorRelay({ maxBytes: 1024 * 1024 });
    const huge = 'x'.repeat(200 * 1024);
    for (let i = 0; i < 20; i += 1) relay.publish(rec(`big:${i}`, 'e', { huge }));
    const inspector = new FakeWebContents();
    relay.attach(inspector as never);
    const sent = sentRecords(inspector) as { sessionId: string }[];
    expect(JSON.stringify(sent).length).toBeLessThanOrEqual(1024 * 1024);
    expect(sent.map((r) => r.sessionId)).toEqual([
      'big:15',
      'big:16',
      'big:17',
      'big:18',
      'big:19',
    ]);
  });

  it('drops records from other senders and records that are not JSON objects', async () => {
    const { call, relay } = await setUp();
    const inspector = new FakeWebContents();
    relay.attach(inspector as never);
    await call(IpcChannels.publishInspection, from('https://evil.example/'), { machine: 'x' });
    await call(IpcChannels.publishInspection, inspectorPage, { machine: 'x' });
    await call(IpcChannels.publishInspection, mainWindowPage, 'a string');
    await call(IpcChannels.publishInspection, mainWindowPage, [1, 2]);
    await call(IpcChannels.publishInspection, mainWindowPage, { big: 'x'.repeat(300_000) });
    expect(inspector.sent).toEqual([]);
  });

  it('stops sending to a detached inspector', () => {
    const relay = createInspectorRelay();
    relay.publish(rec('x:0', 'a'));
    const inspector = new FakeWebContents();
    relay.attach(inspector as never);
    expect(sentRecords(inspector)).toEqual([rec('x:0', 'a')]);
    relay.detach(inspector as never);
    relay.publish(rec('x:0', 'b'));
    expect(inspector.sent).toHaveLength(1);
  });
});

describe('notification and badge IPC', () => {
  /** The app window's page, sending from its own webContents (as Electron gives `sender`). */
  function appWindow() {
    const window = new FakeBrowserWindow({});
    return { window, event: { ...mainWindowPage, sender: window.webContents } };
  }
  const request = { conversationId: 'c-1', title: 'Goku Son', body: 'Ready to train?' };

  beforeEach(() => {
    FakeNotification.created.length = 0;
    FakeNotification.supported = true;
    app.setBadgeCount.mockClear();
  });

  it('shows the notification, and a click brings the window forward and opens the conversation', async () => {
    const { call } = await setUp();
    const { window, event } = appWindow();
    window.minimized = true;
    await call(IpcChannels.notify, event, request);
    const [shown] = FakeNotification.created;
    expect(shown?.shown).toBe(true);
    expect(shown?.options).toEqual({ title: 'Goku Son', body: 'Ready to train?' });
    expect(window.webContents.sent).toEqual([]);

    shown!.emit('click');
    expect(window.minimized).toBe(false);
    expect(window.visible).toBe(true);
    expect(window.focused).toBe(true);
    expect(window.webContents.sent).toEqual([
      { channel: IpcChannels.notificationClicked, args: ['c-1'] },
    ]);
  });

  it('says nothing to a window that closed before the click', async () => {
    const { call } = await setUp();
    const { window, event } = appWindow();
    await call(IpcChannels.notify, event, request);
    window.close();
    FakeNotification.created[0]!.emit('click');
    expect(window.webContents.sent).toEqual([]);
  });

  it.each([
    ['a foreign page', from('https://evil.example/'), request],
    ['the inspector window', inspectorPage, request],
    ['a title over the cap', mainWindowPage, { ...request, title: 'x'.repeat(121) }],
    ['a body over the cap', mainWindowPage, { ...request, body: 'x'.repeat(241) }],
    ['no conversation', mainWindowPage, { title: 'Goku', body: 'Hi' }],
    ['an extra field', mainWindowPage, { ...request, icon: 'file:///etc/passwd' }],
    ['not an object', mainWindowPage, 'Goku: hi'],
  ])('shows nothing for %s', async (_what, event, payload) => {
    const { call } = await setUp();
    await call(IpcChannels.notify, { ...event, sender: new FakeWebContents() }, payload);
    expect(FakeNotification.created).toEqual([]);
  });

  it('shows nothing where the system has no notifications', async () => {
    const { call } = await setUp();
    FakeNotification.supported = false;
    await call(IpcChannels.notify, appWindow().event, request);
    expect(FakeNotification.created).toEqual([]);
  });

  it('sets the dock badge to whole counts from 0 to 99,999 from the app window only', async () => {
    const { call } = await setUp();
    await call(IpcChannels.setBadgeCount, mainWindowPage, 3);
    await call(IpcChannels.setBadgeCount, mainWindowPage, 0);
    await call(IpcChannels.setBadgeCount, mainWindowPage, 99_999);
    for (const bad of [-1, 1.5, 100_000, Number.NaN, '3', null]) {
      await call(IpcChannels.setBadgeCount, mainWindowPage, bad);
    }
    await call(IpcChannels.setBadgeCount, from('https://evil.example/'), 7);
    await call(IpcChannels.setBadgeCount, inspectorPage, 7);
    expect(app.setBadgeCount.mock.calls).toEqual([[3], [0], [99_999]]);
  });
});
