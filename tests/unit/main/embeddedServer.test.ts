import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { io } from 'socket.io-client';
import { afterAll, describe, expect, it, vi } from 'vitest';
import {
  type ChatBackend,
  embeddedDataFolder,
  type StartServer,
  startChatBackend,
  stopBackendOnQuit,
} from '../../../src/main/embeddedServer.ts';
import { databaseFileIn } from '../../../server/store/sqlite/location.ts';
import { InvalidServerUrlError, remoteServerUrl } from '../../../src/main/serverUrl.ts';

import { app } from './fakeElectron.ts';

vi.mock('electron', () => import('./fakeElectron.ts'));
afterAll(() => app.removeAppPaths());

/** Socket.IO answers an Engine.IO polling handshake: proof the chat server is listening. */
async function socketIoHandshake(origin: string): Promise<number> {
  const response = await fetch(`${origin}/socket.io/?EIO=4&transport=polling`);
  await response.text();
  return response.status;
}

/** Whether a namespace exists (a Socket.IO client gets "Invalid namespace" otherwise). */
async function namespaceAnswers(origin: string, namespace: string): Promise<boolean> {
  const socket = io(`${origin}${namespace}`, {
    transports: ['websocket'],
    reconnection: false,
    auth: { role: 'viewer' },
  });
  try {
    return await new Promise<boolean>((resolve) => {
      socket.once('connect', () => resolve(true));
      socket.once('connect_error', (error) => resolve(!/Invalid namespace/.test(error.message)));
    });
  } finally {
    socket.close();
  }
}

describe('the embedded chat server', () => {
  it('starts on a free loopback port and stops when asked', async () => {
    const backend = await startChatBackend({});
    try {
      expect(backend.embedded).toBe(true);
      expect(backend.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(backend.url).not.toMatch(/:0$/);
      expect(await socketIoHandshake(backend.url)).toBe(200);
      // Its data lives in SQLite under the app's user-data folder, so it survives a relaunch.
      const database = databaseFileIn(path.join(app.getPath('userData'), embeddedDataFolder));
      expect(existsSync(database)).toBe(true);
      // No /inspect relay: the desktop's State Inspector is fed over IPC.
      expect(await namespaceAnswers(backend.url, '/inspect')).toBe(false);
    } finally {
      await backend.stop();
    }
    await expect(socketIoHandshake(backend.url)).rejects.toThrow(/fetch failed/);
  });

  it('is not started when PARLEY_SERVER_URL names a remote server', async () => {
    const startServer = vi.fn<StartServer>();
    const backend = await startChatBackend(
      { PARLEY_SERVER_URL: ' https://chat.example.com:8443/ ' },
      startServer,
    );
    expect(backend).toMatchObject({ url: 'https://chat.example.com:8443', embedded: false });
    expect(startServer).not.toHaveBeenCalled();
    await expect(backend.stop()).resolves.toBeUndefined();
  });

  it('is started when PARLEY_SERVER_URL is blank', async () => {
    const close = vi.fn<() => Promise<void>>(async () => {});
    const backend = await startChatBackend({ PARLEY_SERVER_URL: '  ' }, async () => ({
      url: 'http://127.0.0.1:5555',
      close,
    }));
    expect(backend).toMatchObject({ url: 'http://127.0.0.1:5555', embedded: true });
    await Promise.all([backend.stop(), backend.stop()]);
    expect(close).toHaveBeenCalledOnce();
  });
});

describe('PARLEY_SERVER_URL', () => {
  it.each([
    ['http://10.0.0.5:3000', 'http://10.0.0.5:3000'],
    ['https://chat.example.com', 'https://chat.example.com'],
    ['http://[::1]:3000/', 'http://[::1]:3000'],
  ])('accepts %s', (value, origin) => {
    expect(remoteServerUrl({ PARLEY_SERVER_URL: value })).toBe(origin);
  });

  it.each([
    ['chat.example.com', /not a URL/],
    ['ftp://chat.example.com', /http: or https:/],
    ['javascript:alert(1)', /http: or https:/],
    ['file:///tmp/socket', /http: or https:/],
    ['https://admin:hunter2@chat.example.com', /credentials/],
    ['https://chat.example.com/parley', /origin only/],
    ['https://chat.example.com/?token=1', /origin only/],
  ])('rejects %s with a message saying why', async (value, reason) => {
    expect(() => remoteServerUrl({ PARLEY_SERVER_URL: value })).toThrow(reason);
    await expect(
      startChatBackend({ PARLEY_SERVER_URL: value }, vi.fn<StartServer>()),
    ).rejects.toThrow(InvalidServerUrlError);
  });
});

describe('quitting the app', () => {
  function fakeApp() {
    return Object.assign(new EventEmitter(), { quit: vi.fn<() => void>() });
  }
  function quitOnce(app: EventEmitter): { prevented: boolean } {
    const result = { prevented: false };
    app.emit('will-quit', { preventDefault: () => (result.prevented = true) });
    return result;
  }

  it('waits for the server to stop, then quits for real', async () => {
    const app = fakeApp();
    let finishStopping = () => {};
    const backend: ChatBackend = {
      url: 'http://127.0.0.1:1',
      embedded: true,
      stop: vi.fn<() => Promise<void>>(
        () => new Promise<void>((resolve) => (finishStopping = resolve)),
      ),
    };
    stopBackendOnQuit(app as never, backend);
    expect(quitOnce(app).prevented).toBe(true);
    expect(backend.stop).toHaveBeenCalledOnce();
    expect(app.quit).not.toHaveBeenCalled();
    finishStopping();
    await vi.waitFor(() => expect(app.quit).toHaveBeenCalledOnce());
    expect(quitOnce(app).prevented).toBe(false);
  });

  it('still quits when the server fails to stop', async () => {
    const app = fakeApp();
    const backend: ChatBackend = {
      url: 'http://127.0.0.1:1',
      embedded: true,
      stop: () => Promise.reject(new Error('EBUSY')),
    };
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    stopBackendOnQuit(app as never, backend);
    quitOnce(app);
    await vi.waitFor(() => expect(app.quit).toHaveBeenCalledOnce());
    expect(logged).toHaveBeenCalled();
    logged.mockRestore();
  });

  it('still quits when the server hangs, after the stop timeout', async () => {
    vi.useFakeTimers();
    try {
      const app = fakeApp();
      const backend: ChatBackend = {
        url: 'http://127.0.0.1:1',
        embedded: true,
        stop: () => new Promise<void>(() => {}),
      };
      stopBackendOnQuit(app as never, backend);
      quitOnce(app);
      await vi.advanceTimersByTimeAsync(2_999);
      expect(app.quit).not.toHaveBeenCalled();
      await vi.advanceTimersByTimeAsync(1);
      expect(app.quit).toHaveBeenCalledOnce();
    } finally {
      vi.useRealTimers();
    }
  });
});
