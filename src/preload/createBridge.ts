// Builds the `window.parley` object from Electron's ipcRenderer. Kept apart from preload.ts so
// tests can hand it a fake ipcRenderer.
import type { IpcRenderer, IpcRendererEvent } from 'electron';
import type { InspectionRecord, ParleyBridge } from './bridge.ts';
import { IpcChannels, serverUrlSwitch } from './ipcChannels.ts';

type BridgeIpc = Pick<IpcRenderer, 'invoke' | 'send' | 'on' | 'removeListener'>;

/** The server URL main passed in `additionalArguments`; an error if it is absent or not http(s). */
export function serverUrlFromArgv(argv: readonly string[]): string {
  const argument = argv.find((arg) => arg.startsWith(serverUrlSwitch));
  const value = argument?.slice(serverUrlSwitch.length) ?? '';
  const url = URL.parse(value);
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new Error(`Parley preload: no valid ${serverUrlSwitch}<http(s) URL> argument`);
  }
  return url.origin;
}

export function createBridge(ipc: BridgeIpc, argv: readonly string[]): ParleyBridge {
  const serverUrl = serverUrlFromArgv(argv);
  return {
    platform: 'electron',
    serverUrl,
    getSessionToken: () => ipc.invoke(IpcChannels.getSessionToken) as Promise<string | null>,
    setSessionToken: async (token) => {
      await ipc.invoke(IpcChannels.setSessionToken, token);
    },
    getUnsent: () => ipc.invoke(IpcChannels.getUnsent) as Promise<string | null>,
    setUnsent: async (json) => {
      await ipc.invoke(IpcChannels.setUnsent, json);
    },
    openExternal: async (url) => {
      await ipc.invoke(IpcChannels.openExternal, url);
    },
    onSignOutRequested: (listener) => relayMenuCommand(ipc, IpcChannels.signOutRequested, listener),
    onShortcutsRequested: (listener) =>
      relayMenuCommand(ipc, IpcChannels.shortcutsRequested, listener),
    notify: ({ conversationId, title, body }) =>
      ipc.send(IpcChannels.notify, { conversationId, title, body }),
    onNotificationClicked: (listener) => {
      const relay = (_event: IpcRendererEvent, conversationId: unknown) => {
        if (typeof conversationId === 'string') listener(conversationId);
      };
      ipc.on(IpcChannels.notificationClicked, relay);
      return () => {
        ipc.removeListener(IpcChannels.notificationClicked, relay);
      };
    },
    setBadgeCount: (count) => ipc.send(IpcChannels.setBadgeCount, count),
    inspector: {
      publish: (record) => ipc.send(IpcChannels.publishInspection, record),
      subscribe: (listener) => {
        // Wrap so the renderer never sees the IpcRendererEvent (it exposes `sender`).
        const relay = (_event: IpcRendererEvent, record: InspectionRecord) => listener(record);
        ipc.on(IpcChannels.inspectionRecord, relay);
        return () => {
          ipc.removeListener(IpcChannels.inspectionRecord, relay);
        };
      },
    },
  };
}

/**
 * Relays a menu command from main to `listener`; returns the unsubscribe function. The
 * IpcRendererEvent (it exposes `sender`) and any arguments stay here.
 */
function relayMenuCommand(
  ipc: Pick<IpcRenderer, 'on' | 'removeListener'>,
  channel: string,
  listener: () => void,
): () => void {
  const relay = () => listener();
  ipc.on(channel, relay);
  return () => {
    ipc.removeListener(channel, relay);
  };
}
