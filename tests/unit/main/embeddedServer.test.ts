import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { io } from 'socket.io-client';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { desktopAppOrigin } from '../../../server/origins.ts';
import { databaseFileIn } from '../../../server/store/sqlite/location.ts';
import { appScheme, createAppPages, pageOrigin } from '../../../src/main/appPages.ts';
import {
  type ChatBackend,
  chatOrigins,
  embeddedDataFolder,
  loopbackServer,
  type StartServer,
  startChatBackend,
  stopBackendOnQuit,
} from '../../../src/main/embeddedServer.ts';
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

/** Whether a page with this Origin (none: not a browser) may open the chat namespace. */
async function chatAnswers(origin: string, pageOrigin: string | null): Promise<true | string> {
  const socket = io(origin, {
    transports: ['websocket'],
    reconnection: false,
    ...(pageOrigin === null ? {} : { extraHeaders: { Origin: pageOrigin } }),
  });
  try {
    return await new Promise<true | string>((resolve) => {
      socket.once('connect', () => resolve(true));
      socket.once('connect_error', (error) => resolve(error.message));
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
  // Hole 12: session tokens and messages would cross the network in clear.
  it('refuses plain http: to a remote host (attack: PARLEY_SERVER_URL=http://chat.example.com:3000)', async () => {
    const env = { PARLEY_SERVER_URL: 'http://chat.example.com:3000' };
    expect(() => remoteServerUrl(env)).toThrow(InvalidServerUrlError);
    await expect(startChatBackend(env, vi.fn<StartServer>())).rejects.toThrow(
      InvalidServerUrlError,
    );
  });

  it.each([
    ['https://chat.example.com', 'https://chat.example.com'],
    ['https://10.0.0.5:3000', 'https://10.0.0.5:3000'],
    // Plain http: only to this machine: nothing crosses the network.
    ['http://127.0.0.1:3000', 'http://127.0.0.1:3000'],
    ['http://127.8.9.10:3000', 'http://127.8.9.10:3000'],
    ['http://localhost:3000', 'http://localhost:3000'],
    ['http://LOCALHOST:3000', 'http://localhost:3000'],
    ['http://[::1]:3000/', 'http://[::1]:3000'],
    ['http://[0:0:0:0:0:0:0:1]:3000', 'http://[::1]:3000'],
    ['http://0x7f.1:3000', 'http://127.0.0.1:3000'],
  ])('accepts %s', (value, origin) => {
    expect(remoteServerUrl({ PARLEY_SERVER_URL: value })).toBe(origin);
  });

  it.each([
    'http://chat.example.com',
    'http://10.0.0.5:3000',
    'http://192.168.1.20:3000',
    'http://0.0.0.0:3000',
    'http://[::ffff:127.0.0.1]:3000',
    'http://[fe80::1]:3000',
    'http://localhost.example.com:3000',
    'http://127.0.0.1.nip.io:3000',
  ])('refuses plain http: to %s, saying to use https: or set the flag', (value) => {
    const refusal = () => remoteServerUrl({ PARLEY_SERVER_URL: value });
    expect(refusal).toThrow(InvalidServerUrlError);
    expect(refusal).toThrow(/must use https:/);
    expect(refusal).toThrow(/PARLEY_ALLOW_INSECURE_SERVER=1/);
  });

  it('accepts plain http: to a remote host when PARLEY_ALLOW_INSECURE_SERVER=1, and warns', async () => {
    const env = { PARLEY_SERVER_URL: 'http://10.0.0.5:3000', PARLEY_ALLOW_INSECURE_SERVER: '1' };
    expect(remoteServerUrl(env)).toBe('http://10.0.0.5:3000');
    const warned = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const backend = await startChatBackend(env, vi.fn<StartServer>());
      expect(backend).toMatchObject({ url: 'http://10.0.0.5:3000', embedded: false });
      expect(warned).toHaveBeenCalledWith(expect.stringMatching(/unencrypted/));
    } finally {
      warned.mockRestore();
    }
  });

  it('does not warn about https: or loopback servers', async () => {
    const warned = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      for (const url of ['https://chat.example.com', 'http://127.0.0.1:3000']) {
        await startChatBackend({ PARLEY_SERVER_URL: url }, vi.fn<StartServer>());
      }
      expect(warned).not.toHaveBeenCalled();
    } finally {
      warned.mockRestore();
    }
  });

  it.each(['true', 'yes', '0', '', ' 1', '1 ', '01'])(
    'only "1" turns PARLEY_ALLOW_INSECURE_SERVER on, not %j (and the refusal says so)',
    (flag) => {
      const env = { PARLEY_SERVER_URL: 'http://10.0.0.5:3000', PARLEY_ALLOW_INSECURE_SERVER: flag };
      expect(() => remoteServerUrl(env)).toThrow(InvalidServerUrlError);
      expect(() => remoteServerUrl(env)).toThrow(`is "${flag}"; only "1" turns it on`);
    },
  );

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

describe('the origins allowed on the chat namespace', () => {
  const devServerUrls = {
    main_window: 'http://localhost:5173/',
    inspector_window: 'http://localhost:5174/',
  };

  it('the packaged main window has the origin every Parley server allows (server/origins.ts)', () => {
    const packaged = createAppPages({});
    expect(packaged.urlOf('main_window')).toBe(`${appScheme}://main_window/index.html`);
    expect(packaged.originOf('main_window')).toBe(desktopAppOrigin);
    expect(chatOrigins(packaged)).toEqual([desktopAppOrigin]);
  });

  it('is the page\'s origin as Chromium computes it (Node\'s URL#origin is "null" for parley:)', () => {
    expect(new URL('parley://main_window/index.html').origin).toBe('null');
    expect(pageOrigin('parley://main_window/index.html')).toBe('parley://main_window');
    expect(pageOrigin('http://localhost:5173/index.html?x=1')).toBe('http://localhost:5173');
  });

  it("in development, is the main window's Vite dev server only (the inspector uses IPC)", () => {
    expect(chatOrigins(createAppPages(devServerUrls))).toEqual(['http://localhost:5173']);
  });

  async function embedded(dataFolder: string, urls: typeof devServerUrls | object) {
    const allowedOrigins = chatOrigins(createAppPages(urls));
    const dataDir = path.join(app.getPath('userData'), dataFolder);
    return startChatBackend({}, loopbackServer(dataDir, { allowedOrigins }));
  }

  it('lets the main window in from its Vite dev server in development, and no other page', async () => {
    const backend = await embedded('origins-dev', devServerUrls);
    try {
      expect(await chatAnswers(backend.url, 'http://localhost:5173')).toBe(true);
      expect(await chatAnswers(backend.url, desktopAppOrigin)).toBe(true);
      expect(await chatAnswers(backend.url, null)).toBe(true);
      expect(await chatAnswers(backend.url, 'http://localhost:5174')).toBe('forbidden_origin');
      expect(await chatAnswers(backend.url, 'http://localhost:5175')).toBe('forbidden_origin');
      expect(await chatAnswers(backend.url, 'https://evil.example')).toBe('forbidden_origin');
    } finally {
      await backend.stop();
    }
  });

  it('packaged, lets in parley://main_window and refuses a dev-server origin', async () => {
    const backend = await embedded('origins-packaged', {});
    try {
      expect(await chatAnswers(backend.url, desktopAppOrigin)).toBe(true);
      expect(await chatAnswers(backend.url, 'http://localhost:5173')).toBe('forbidden_origin');
      expect(await chatAnswers(backend.url, 'parley://inspector_window')).toBe('forbidden_origin');
      expect(await chatAnswers(backend.url, 'null')).toBe('forbidden_origin');
    } finally {
      await backend.stop();
    }
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
