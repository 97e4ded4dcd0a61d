import type { MessageNotification, NotificationPermission } from '../../../machines/system.ts';
import { unsentStateMaxBytes } from '../../../machines/unsent.ts';
import type { InspectionRecord } from '../../preload/bridge.ts';
import { inspectFragmentKey, inspectTokenFromUrl } from '../../viz/live/recordSchema.ts';
import { Platform, PlatformStorageError } from './Platform.ts';

/** The key that turns inspection on, now in the fragment (`#inspect=<token>`), not the query. */
export const inspectQueryFlag = inspectFragmentKey;

/** localStorage key of the session token in web mode. */
export const sessionTokenStorageKey = 'parley.sessionToken';

/** localStorage key of the unsent state (drafts and unsent messages, as JSON) in web mode. */
export const unsentStorageKey = 'parley.unsent';

/** localStorage key of "Not now" on the notifications prompt. */
export const notificationPromptStorageKey = 'parley.notificationPrompt';

/** Whether `text` takes more than `max` bytes as UTF-8: at least one, at most three per unit. */
function exceedsUtf8Bytes(text: string, max: number): boolean {
  if (text.length > max) return true;
  if (text.length * 3 <= max) return false;
  return new TextEncoder().encode(text).byteLength > max;
}

/**
 * Where inspection records go in web mode (the transport's `/inspect` publisher), with the
 * inspector token the relay asks for.
 */
export type InspectChannelFactory = (
  serverUrl: string,
  inspectToken: string,
) => {
  publish(record: InspectionRecord): void;
};

/**
 * A browser tab: the page and the chat server share an origin (`npm run web`), the token lives
 * in localStorage, and, when the page was opened with `#inspect=<inspector token>` (the address
 * `npm run viz -- --app` prints), inspection records go to the server's `/inspect` relay for
 * the visualizer. The token rides in the fragment: it reaches no server log and no Referer.
 */
export class WebPlatform extends Platform {
  readonly kind = 'web';
  readonly #window: Window;
  readonly #openInspectChannel: InspectChannelFactory | null;
  readonly #inspectToken: string | null;
  #inspectChannel: ReturnType<InspectChannelFactory> | null = null;
  readonly #clickListeners = new Set<(conversationId: string) => void>();

  /** `openInspectChannel` is only used when the page URL carries `#inspect=<token>`. */
  constructor(win: Window, openInspectChannel: InspectChannelFactory | null = null) {
    super();
    this.#window = win;
    // Read at start: the machines' inspector is attached (or not) once, when the app starts.
    this.#inspectToken = inspectTokenFromUrl(win.location.href);
    this.#openInspectChannel = this.#inspectToken === null ? null : openInspectChannel;
    if (openInspectChannel !== null) {
      // The inspecting address pasted into an open tab only changes the fragment (no page
      // load): start over with it, as with a removed or new token (the server restarted).
      win.addEventListener('hashchange', () => {
        if (inspectTokenFromUrl(win.location.href) !== this.#inspectToken) win.location.reload();
      });
    }
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

  override async loadUnsent(): Promise<string | null> {
    try {
      return this.#window.localStorage.getItem(unsentStorageKey);
    } catch {
      // Storage disabled: nothing saved, as on a new device.
      return null;
    }
  }

  override async saveUnsent(json: string | null): Promise<void> {
    // The same bound main sets on desktop, checked before anything is written.
    if (json !== null && exceedsUtf8Bytes(json, unsentStateMaxBytes)) {
      throw new PlatformStorageError(
        `the unsent state is larger than ${unsentStateMaxBytes} bytes`,
      );
    }
    try {
      if (json === null) this.#window.localStorage.removeItem(unsentStorageKey);
      else this.#window.localStorage.setItem(unsentStorageKey, json);
    } catch (error) {
      throw new PlatformStorageError('the browser refused to store the unsent messages', {
        cause: error,
      });
    }
  }

  override get publishesInspection(): boolean {
    return this.#openInspectChannel !== null;
  }

  /** The Web Notifications API, when the browser has it. */
  get #notifications(): typeof Notification | null {
    return (this.#window as { Notification?: typeof Notification }).Notification ?? null;
  }

  override async notificationPermission(): Promise<NotificationPermission> {
    return this.#notifications?.permission ?? 'unsupported';
  }

  override async requestNotificationPermission(): Promise<NotificationPermission> {
    const api = this.#notifications;
    if (!api) return 'unsupported';
    try {
      return await api.requestPermission();
    } catch {
      return api.permission;
    }
  }

  override notificationPromptDismissed(): boolean {
    try {
      return this.#window.localStorage.getItem(notificationPromptStorageKey) === 'dismissed';
    } catch {
      return false;
    }
  }

  override dismissNotificationPrompt(): void {
    try {
      this.#window.localStorage.setItem(notificationPromptStorageKey, 'dismissed');
    } catch {
      // Storage disabled: the prompt comes back next time, which is all that is lost.
    }
  }

  override notify({ conversationId, title, body }: MessageNotification): void {
    const api = this.#notifications;
    if (api?.permission !== 'granted') return;
    // The tag replaces a conversation's previous notification rather than piling them up.
    const shown = new api(title, { body, tag: conversationId });
    shown.addEventListener('click', () => {
      this.#window.focus();
      shown.close();
      for (const listener of this.#clickListeners) listener(conversationId);
    });
  }

  override onNotificationClick(listener: (conversationId: string) => void): () => void {
    this.#clickListeners.add(listener);
    return () => {
      this.#clickListeners.delete(listener);
    };
  }

  override publishInspection(record: InspectionRecord): void {
    if (this.#openInspectChannel === null || this.#inspectToken === null) return;
    this.#inspectChannel ??= this.#openInspectChannel(this.serverUrl(), this.#inspectToken);
    this.#inspectChannel.publish(record);
  }
}
