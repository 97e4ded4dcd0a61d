import type { InspectionRecord } from '../../preload/bridge.ts';
import { inspectQueryFlag } from '../../viz/live/recordSchema.ts';
import { Platform, PlatformStorageError } from './Platform.ts';

export { inspectQueryFlag };

/** localStorage key of the session token in web mode. */
export const sessionTokenStorageKey = 'parley.sessionToken';

/** Where inspection records go in web mode (the transport's `/inspect` publisher). */
export type InspectChannelFactory = (serverUrl: string) => {
  publish(record: InspectionRecord): void;
};

/**
 * A browser tab: the page and the chat server share an origin (`npm run web`), the token lives
 * in localStorage, and, when the page was opened with `?inspect`, inspection records go to the
 * server's `/inspect` relay for the visualizer.
 */
export class WebPlatform extends Platform {
  readonly kind = 'web';
  readonly #window: Window;
  readonly #openInspectChannel: InspectChannelFactory | null;
  #inspectChannel: ReturnType<InspectChannelFactory> | null = null;

  /** `openInspectChannel` is only used when the page URL carries `?inspect`. */
  constructor(win: Window, openInspectChannel: InspectChannelFactory | null = null) {
    super();
    this.#window = win;
    const wanted = new URL(win.location.href).searchParams.has(inspectQueryFlag);
    this.#openInspectChannel = wanted ? openInspectChannel : null;
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

  override get publishesInspection(): boolean {
    return this.#openInspectChannel !== null;
  }

  override publishInspection(record: InspectionRecord): void {
    if (this.#openInspectChannel === null) return;
    this.#inspectChannel ??= this.#openInspectChannel(this.serverUrl());
    this.#inspectChannel.publish(record);
  }
}
