import type { InspectionRecord } from '../../preload/bridge.ts';
import { Platform, PlatformStorageError } from './Platform.ts';

/** localStorage key of the session token in web mode. */
export const sessionTokenStorageKey = 'parley.sessionToken';
/** BroadcastChannel a visualizer tab on the same origin listens to in web mode. */
export const inspectorChannelName = 'parley.inspector';

/**
 * A browser tab: the page and the chat server share an origin (`npm run web`), the token lives
 * in localStorage, and inspection events go to other tabs of the same origin.
 */
export class WebPlatform extends Platform {
  readonly kind = 'web';
  readonly #window: Window;
  #inspectorChannel: BroadcastChannel | null = null;

  constructor(win: Window) {
    super();
    this.#window = win;
  }

  serverUrl(): string {
    return this.#window.location.origin;
  }

  override async getSessionToken(): Promise<string | null> {
    try {
      return this.#window.localStorage.getItem(sessionTokenStorageKey);
    } catch {
      // Storage disabled (private mode, policy): behave as a device with no saved session.
      return null;
    }
  }

  override async setSessionToken(token: string | null): Promise<void> {
    try {
      if (token === null) this.#window.localStorage.removeItem(sessionTokenStorageKey);
      else this.#window.localStorage.setItem(sessionTokenStorageKey, token);
    } catch (error) {
      throw new PlatformStorageError('the browser refused to store the session', { cause: error });
    }
  }

  override publishInspection(record: InspectionRecord): void {
    if (typeof BroadcastChannel === 'undefined') return;
    this.#inspectorChannel ??= new BroadcastChannel(inspectorChannelName);
    try {
      this.#inspectorChannel.postMessage(record);
    } catch {
      // A closed channel (page unloading): the inspector misses one record.
    }
  }
}
