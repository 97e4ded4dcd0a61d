// The chat server the app talks to: by default one embedded in the main process on a free
// loopback port, keeping its data in SQLite under the app's user-data folder, so Parley works
// out of the box; PARLEY_SERVER_URL points it at a remote one instead. Quitting the app stops
// the embedded server (its sockets close cleanly) and then closes the database.
//
// Only the main window opens the chat namespace (the State Inspector is fed over IPC), so the
// embedded server lets in that page's origin: Forge's Vite dev server in development; packaged,
// `parley://main_window`, which every Parley server already allows (server/origins.ts). Any
// other web page on the machine carries its own Origin and is refused.
import path from 'node:path';
import electron, { type App } from 'electron';
import { createChatServer } from '../../server/chatServer.ts';
import { createDevelopmentCodeSender } from '../../server/codeSender.ts';
import { databaseFileIn } from '../../server/store/sqlite/location.ts';
import { SqliteStore } from '../../server/store/sqlite/store.ts';
import type { AppPages } from './appPages.ts';
import { holdQuitUntil, quitHoldTimeoutMs } from './quitHold.ts';
import { isInsecureRemote, remoteServerUrl } from './serverUrl.ts';

export interface ChatBackend {
  /** The origin the renderer connects to. */
  url: string;
  /** True when this process runs the server. */
  embedded: boolean;
  stop(): Promise<void>;
}

/** Starts a chat server and says where it listens (injectable for tests). */
export type StartServer = () => Promise<{ url: string; close(): Promise<void> }>;

/** The folder under userData that holds the embedded server's database. */
export const embeddedDataFolder = 'chat-server';

export interface LoopbackServerOptions {
  /** Browser origins allowed on the chat namespace besides the server's own (see chatOrigins). */
  allowedOrigins?: readonly string[];
}

/**
 * The origins of the app's pages that talk to the chat server: the main window's only. The page
 * origin, not the URL: in development Forge's Vite dev server (`http://localhost:5173`).
 */
export function chatOrigins(appPages: AppPages): string[] {
  return [appPages.originOf('main_window')];
}

/**
 * A loopback server keeping its data in SQLite under `dataDir`. The server does not own a store
 * it is given, so closing closes the database after the server. No /inspect relay: the
 * desktop's State Inspector is fed over IPC, so nothing else on the machine can watch.
 */
export function loopbackServer(dataDir: string, options: LoopbackServerOptions = {}): StartServer {
  return async () => {
    const store = SqliteStore.open(databaseFileIn(dataDir));
    try {
      const server = await createChatServer({
        host: '127.0.0.1',
        port: 0,
        store,
        // The embedded server is the user's own, on loopback: the simulated SMS shows the code
        // on screen. A real deployment is a remote server (PARLEY_SERVER_URL) with a real sender.
        codeSender: createDevelopmentCodeSender(),
        inspectRelay: false,
        allowedOrigins: options.allowedOrigins ?? [],
      });
      return {
        url: server.url,
        close: () => server.close().finally(() => store.close()),
      };
    } catch (error) {
      await store.close();
      throw error;
    }
  };
}

/** Inside Electron: userData/chat-server/parley.db (the folder is asked for when it starts). */
export function embeddedServer(options: LoopbackServerOptions = {}): StartServer {
  return () =>
    loopbackServer(path.join(electron.app.getPath('userData'), embeddedDataFolder), options)();
}

/** Throws InvalidServerUrlError when PARLEY_SERVER_URL is set but unusable. */
export async function startChatBackend(
  env: Record<string, string | undefined>,
  startServer: StartServer = embeddedServer(),
): Promise<ChatBackend> {
  const remote = remoteServerUrl(env);
  if (remote) {
    if (isInsecureRemote(remote)) {
      console.warn(
        `Parley: PARLEY_ALLOW_INSECURE_SERVER=1, so the session token and messages go to ${remote} unencrypted`,
      );
    }
    return { url: remote, embedded: false, stop: async () => {} };
  }
  const server = await startServer();
  let stopping: Promise<void> | null = null;
  return {
    url: new URL(server.url).origin,
    embedded: true,
    stop: () => (stopping ??= server.close()),
  };
}

/** How long quitting waits for the server to close its sockets. */
export const stopTimeoutMs = quitHoldTimeoutMs;

/** Holds the quit until the backend has stopped (or the timeout passed), then quits. */
export function stopBackendOnQuit(app: Pick<App, 'on' | 'quit'>, backend: ChatBackend): void {
  holdQuitUntil(app, () => backend.stop(), 'the chat server did not stop cleanly', stopTimeoutMs);
}
