// What the renderer may ask of the place it runs in (element-web's BasePlatform, cut down).
import type { MessageNotification, NotificationPermission } from '../../../machines/system.ts';
import type { InspectionRecord } from '../../preload/bridge.ts';

// Each capability has a safe default here, so a platform only overrides what it can do better
// and the views never ask "am I in Electron?".

/**
 * Why a platform could not keep the session token (the app treats it as "not signed in") or the
 * unsent state.
 */
export class PlatformStorageError extends Error {
  override readonly name = 'PlatformStorageError';
}

export abstract class Platform {
  /** 'electron' inside the desktop shell, 'web' in a browser tab. */
  abstract readonly kind: 'electron' | 'web';

  /** Base URL of the chat server the socket connects to. */
  abstract serverUrl(): string;

  /** The saved session token, or null when nobody is signed in on this device. */
  async getSessionToken(): Promise<string | null> {
    return null;
  }

  /** Saves the session token (null forgets it). The default keeps nothing between launches. */
  async setSessionToken(_token: string | null): Promise<void> {}

  /** The saved drafts and unsent messages as JSON (read with parseUnsentState), or null. */
  async loadUnsent(): Promise<string | null> {
    return null;
  }

  /** Saves the drafts and unsent messages as JSON (null forgets them). The default keeps nothing. */
  async saveUnsent(_json: string | null): Promise<void> {}

  /** Opens an http(s) link outside the app; anything else is refused. */
  openExternal(url: string): void {
    if (!isExternalWebUrl(url)) return;
    globalThis.open?.(url, '_blank', 'noopener,noreferrer');
  }

  /**
   * Calls `listener` when the shell asks to sign out (the desktop's File > Sign Out); returns
   * the unsubscribe function. A browser tab has no such menu.
   */
  onSignOutRequested(_listener: () => void): () => void {
    return () => {};
  }

  /**
   * Calls `listener` when the shell asks for the keyboard shortcuts (the desktop's Help >
   * Keyboard Shortcuts, Ctrl+/); returns the unsubscribe function. A browser tab has no menu:
   * the page itself hears Ctrl+/ there.
   */
  onShortcutsRequested(_listener: () => void): () => void {
    return () => {};
  }

  /**
   * Whether inspection records go anywhere. When false the app does not inspect its machines
   * at all, so normal use pays nothing for the state inspector.
   */
  get publishesInspection(): boolean {
    return false;
  }

  /** Hands a machine inspection record to the state inspector, when one can listen. */
  publishInspection(_record: InspectionRecord): void {}

  /** Whether notifications may be shown. The default has none. */
  async notificationPermission(): Promise<NotificationPermission> {
    return 'unsupported';
  }

  /** Asks the person whether notifications may be shown (the platform's own dialog). */
  async requestNotificationPermission(): Promise<NotificationPermission> {
    return this.notificationPermission();
  }

  /** Whether the person chose "Not now" on the sidebar's notifications prompt. */
  notificationPromptDismissed(): boolean {
    return false;
  }

  /** Remembers "Not now", so the prompt is not offered again on this device. */
  dismissNotificationPrompt(): void {}

  /** Shows a notification of a new message (nothing when not permitted). */
  notify(_notification: MessageNotification): void {}

  /**
   * Hears which conversation's notification was clicked (the window is brought forward first);
   * returns the unsubscribe function.
   */
  onNotificationClick(_listener: (conversationId: string) => void): () => void {
    return () => {};
  }

  /** The unread count on the dock icon or taskbar button (0 clears it). The default has none. */
  setBadgeCount(_count: number): void {}
}

export function isExternalWebUrl(url: string): boolean {
  try {
    const { protocol } = new URL(url);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}
