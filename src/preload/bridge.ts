// The contract of `window.parley`, the only door between the Electron main process and the
// renderer. Types only: the preload implements it, the renderer imports it with `import type`
// and treats a missing `window.parley` as "running in a browser".

/** A JSON value: what survives structured cloning over IPC unchanged. */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | JsonValue[]
  | { [key: string]: JsonValue };

/**
 * One observation of a running machine, sent from the app window to the State Inspector.
 * The visualizer defines and validates its fields; the shell only relays JSON objects.
 */
export type InspectionRecord = { [key: string]: JsonValue };

export interface ParleyBridge {
  readonly platform: 'electron';
  /** The chat server this app talks to: the embedded one or PARLEY_SERVER_URL. */
  readonly serverUrl: string;
  /** The session token, decrypted from the OS keychain-backed store (null when signed out). */
  getSessionToken(): Promise<string | null>;
  /** Saves the session token encrypted; null forgets it (sign out). */
  setSessionToken(token: string | null): Promise<void>;
  /** The saved drafts and unsent messages as JSON (parseUnsentState reads it), or null. */
  getUnsent(): Promise<string | null>;
  /** Saves the drafts and unsent messages encrypted, as the JSON given; null forgets them. */
  setUnsent(json: string | null): Promise<void>;
  /** Opens an http(s) URL in the system browser; rejects any other URL. */
  openExternal(url: string): Promise<void>;
  /** Hears File > Sign Out from the menu; returns the unsubscribe function. */
  onSignOutRequested(listener: () => void): () => void;
  /** Hears Help > Keyboard Shortcuts from the menu; returns the unsubscribe function. */
  onShortcutsRequested(listener: () => void): () => void;
  /** Shows a desktop notification (main caps the title and body). */
  notify(notification: { conversationId: string; title: string; body: string }): void;
  /** Hears the conversation whose notification was clicked; returns the unsubscribe function. */
  onNotificationClicked(listener: (conversationId: string) => void): () => void;
  /** The unread count on the dock icon or taskbar button (0 clears it). */
  setBadgeCount(count: number): void;
  readonly inspector: {
    /** Sends a record to the State Inspector window (dropped when it is not open). */
    publish(record: InspectionRecord): void;
    /** Receives records in the State Inspector window; returns the unsubscribe function. */
    subscribe(listener: (record: InspectionRecord) => void): () => void;
  };
}

declare global {
  interface Window {
    parley?: ParleyBridge;
  }
}
