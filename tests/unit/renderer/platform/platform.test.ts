// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { unsentStateMaxBytes } from '../../../../machines/unsent.ts';
import type { InspectionRecord, ParleyBridge } from '../../../../src/preload/bridge.ts';
import {
  ElectronPlatform,
  Platform,
  PlatformStorageError,
  WebPlatform,
  createPlatform,
  notificationPromptStorageKey,
  sessionTokenStorageKey,
  unsentStorageKey,
} from '../../../../src/renderer/platform/index.ts';

const unsentJson = JSON.stringify({ version: 1, drafts: { c1: 'à demain' }, outbox: [] });

type FakeBridge = ParleyBridge & {
  saved: string | null;
  unsent: string | null;
  published: InspectionRecord[];
  /** What the menu's Sign Out reaches (main's `webContents.send`). */
  signOutListeners: Set<() => void>;
  /** What the menu's Keyboard Shortcuts reaches. */
  shortcutsListeners: Set<() => void>;
};

function fakeBridge(): FakeBridge {
  const bridge: FakeBridge = {
    platform: 'electron' as const,
    serverUrl: 'http://127.0.0.1:4321',
    saved: null as string | null,
    unsent: null as string | null,
    published: [] as InspectionRecord[],
    signOutListeners: new Set<() => void>(),
    onSignOutRequested: (listener: () => void) => {
      bridge.signOutListeners.add(listener);
      return () => bridge.signOutListeners.delete(listener);
    },
    shortcutsListeners: new Set<() => void>(),
    onShortcutsRequested: (listener: () => void) => {
      bridge.shortcutsListeners.add(listener);
      return () => bridge.shortcutsListeners.delete(listener);
    },
    getSessionToken: vi.fn<ParleyBridge['getSessionToken']>(async () => bridge.saved),
    setSessionToken: vi.fn<ParleyBridge['setSessionToken']>(async (token: string | null) => {
      bridge.saved = token;
    }),
    getUnsent: vi.fn<ParleyBridge['getUnsent']>(async () => bridge.unsent),
    setUnsent: vi.fn<ParleyBridge['setUnsent']>(async (json: string | null) => {
      bridge.unsent = json;
    }),
    openExternal: vi.fn<ParleyBridge['openExternal']>(async (_url: string) => {}),
    notify: vi.fn<ParleyBridge['notify']>(),
    onNotificationClicked: vi.fn<ParleyBridge['onNotificationClicked']>(() => () => {}),
    setBadgeCount: vi.fn<ParleyBridge['setBadgeCount']>(),
    inspector: {
      publish: (record: InspectionRecord) => bridge.published.push(record),
      subscribe: () => () => {},
    },
  };
  return bridge;
}

afterEach(() => {
  delete window.parley;
  localStorage.clear();
  vi.restoreAllMocks();
});

describe('createPlatform', () => {
  it('chooses the web platform in a browser tab (no bridge)', () => {
    const platform = createPlatform(window);
    expect(platform).toBeInstanceOf(WebPlatform);
    expect(platform.kind).toBe('web');
  });

  it('chooses the Electron platform when the preload bridge exists', () => {
    window.parley = fakeBridge();
    const platform = createPlatform(window);
    expect(platform).toBeInstanceOf(ElectronPlatform);
    expect(platform.serverUrl()).toBe('http://127.0.0.1:4321');
  });
});

describe('WebPlatform', () => {
  it('talks to the server at the page origin', () => {
    expect(new WebPlatform(window).serverUrl()).toBe(window.location.origin);
  });

  it('keeps the session token in localStorage across platform instances (reloads)', async () => {
    await new WebPlatform(window).setSessionToken('tok-1');
    expect(localStorage.getItem(sessionTokenStorageKey)).toBe('tok-1');
    expect(await new WebPlatform(window).getSessionToken()).toBe('tok-1');
    await new WebPlatform(window).setSessionToken(null);
    expect(await new WebPlatform(window).getSessionToken()).toBeNull();
  });

  it('reports no saved session when storage is unavailable, and refuses to save loudly', async () => {
    vi.spyOn(Storage.prototype, 'getItem').mockImplementation(() => {
      throw new DOMException('denied', 'SecurityError');
    });
    vi.spyOn(Storage.prototype, 'setItem').mockImplementation(() => {
      throw new DOMException('full', 'QuotaExceededError');
    });
    const platform = new WebPlatform(window);
    expect(await platform.getSessionToken()).toBeNull();
    await expect(platform.setSessionToken('tok')).rejects.toThrow(/refused to store/);
  });

  it('keeps the unsent state in localStorage across platform instances (reloads)', async () => {
    await new WebPlatform(window).setSessionToken('tok-1');
    await new WebPlatform(window).saveUnsent(unsentJson);
    expect(localStorage.getItem(unsentStorageKey)).toBe(unsentJson);
    expect(await new WebPlatform(window).loadUnsent()).toBe(unsentJson);
    await new WebPlatform(window).saveUnsent(null);
    expect(await new WebPlatform(window).loadUnsent()).toBeNull();
    expect(localStorage.getItem(unsentStorageKey)).toBeNull();
    expect(await new WebPlatform(window).getSessionToken()).toBe('tok-1');
  });

  it('reports no unsent state when storage is unavailable, and refuses to save loudly', async () => {
    vi.spyOn(Storage.prototype, 'getItem').mockImplementation(() => {
      throw new DOMException('denied', 'SecurityError');
    });
    vi.spyOn(Storage.prototype, 'setItem').mockImplementation(() => {
      throw new DOMException('full', 'QuotaExceededError');
    });
    const platform = new WebPlatform(window);
    expect(await platform.loadUnsent()).toBeNull();
    const saving = platform.saveUnsent(unsentJson);
    await expect(saving).rejects.toBeInstanceOf(PlatformStorageError);
    await expect(saving).rejects.toThrow(/refused to store the unsent/);
  });

  it('refuses an unsent state over the size limit without writing anything', async () => {
    localStorage.setItem(unsentStorageKey, unsentJson);
    const setItem = vi.spyOn(Storage.prototype, 'setItem');
    const removeItem = vi.spyOn(Storage.prototype, 'removeItem');
    const platform = new WebPlatform(window);
    for (const oversized of [
      'x'.repeat(unsentStateMaxBytes + 1),
      // Fewer characters than the limit, but two or three UTF-8 bytes each: over it.
      'é'.repeat(unsentStateMaxBytes / 2 + 1),
      '€'.repeat(Math.floor(unsentStateMaxBytes / 3) + 1),
    ]) {
      await expect(platform.saveUnsent(oversized)).rejects.toBeInstanceOf(PlatformStorageError);
    }
    expect(setItem).not.toHaveBeenCalled();
    expect(removeItem).not.toHaveBeenCalled();
    expect(localStorage.getItem(unsentStorageKey)).toBe(unsentJson);

    // Exactly the limit is allowed through (jsdom's own quota is smaller, so it is not kept).
    setItem.mockImplementation(() => {});
    await platform.saveUnsent('é'.repeat(unsentStateMaxBytes / 2));
    expect(setItem).toHaveBeenCalledOnce();
  });

  it('opens only http(s) links, in a new tab without opener', () => {
    const open = vi.spyOn(window, 'open').mockImplementation(() => null);
    const platform = new WebPlatform(window);
    platform.openExternal('javascript:alert(1)');
    platform.openExternal('file:///etc/passwd');
    platform.openExternal('not a url');
    expect(open).not.toHaveBeenCalled();
    platform.openExternal('https://example.com/a');
    expect(open).toHaveBeenCalledWith('https://example.com/a', '_blank', 'noopener,noreferrer');
  });

  it('publishes inspection records to the /inspect relay only when the page carries its token', () => {
    const published: InspectionRecord[] = [];
    const opened: [string, string][] = [];
    const open = (url: string, token: string) => {
      opened.push([url, token]);
      return { publish: (record: InspectionRecord) => published.push(record) };
    };
    const plain = new WebPlatform(window, open);
    expect(plain.publishesInspection).toBe(false);
    plain.publishInspection({ machine: 'onboarding' });
    expect(opened).toEqual([]);

    // The old query flag, without a token, turns nothing on.
    window.history.replaceState(null, '', '/?inspect');
    expect(new WebPlatform(window, open).publishesInspection).toBe(false);

    window.history.replaceState(null, '', '/#inspect=run-token');
    expect(new WebPlatform(window, null).publishesInspection).toBe(false);
    const platform = new WebPlatform(window, open);
    expect(platform.publishesInspection).toBe(true);
    platform.publishInspection({ machine: 'onboarding', state: 'phone' });
    platform.publishInspection({ machine: 'onboarding', state: 'code' });
    window.history.replaceState(null, '', '/');
    expect(opened).toEqual([[window.location.origin, 'run-token']]);
    expect(published).toEqual([
      { machine: 'onboarding', state: 'phone' },
      { machine: 'onboarding', state: 'code' },
    ]);
  });

  it('starts over when the inspecting address is pasted into the open tab (only its fragment changes)', () => {
    const reload = vi.fn<() => void>();
    const listeners: (() => void)[] = [];
    const win = {
      location: { href: 'http://127.0.0.1:4000/', origin: 'http://127.0.0.1:4000', reload },
      addEventListener: (type: string, listener: () => void) => {
        if (type === 'hashchange') listeners.push(listener);
      },
    } as unknown as Window;
    const platform = new WebPlatform(win, () => ({ publish: () => {} }));
    expect(platform.publishesInspection).toBe(false);
    (win.location as { href: string }).href = 'http://127.0.0.1:4000/#other=1';
    listeners.forEach((listener) => listener());
    expect(reload).not.toHaveBeenCalled();
    (win.location as { href: string }).href = 'http://127.0.0.1:4000/#inspect=run-token';
    listeners.forEach((listener) => listener());
    expect(reload).toHaveBeenCalledTimes(1);
  });
});

describe('ElectronPlatform', () => {
  it('stores the token and publishes inspections through the bridge', async () => {
    const bridge = fakeBridge();
    const platform = new ElectronPlatform(bridge);
    await platform.setSessionToken('secret');
    expect(bridge.setSessionToken).toHaveBeenCalledWith('secret');
    expect(await platform.getSessionToken()).toBe('secret');
    expect(platform.publishesInspection).toBe(true);
    platform.publishInspection({ machine: 'session' });
    expect(bridge.published).toEqual([{ machine: 'session' }]);
  });

  it('loads, saves and forgets the unsent state through the bridge', async () => {
    const bridge = fakeBridge();
    const platform = new ElectronPlatform(bridge);
    await platform.saveUnsent(unsentJson);
    expect(bridge.setUnsent).toHaveBeenCalledWith(unsentJson);
    expect(await platform.loadUnsent()).toBe(unsentJson);
    expect(bridge.getUnsent).toHaveBeenCalledOnce();
    await platform.saveUnsent(null);
    expect(bridge.setUnsent).toHaveBeenLastCalledWith(null);
    expect(await platform.loadUnsent()).toBeNull();
  });

  it("passes on the menu's Sign Out until unsubscribed; a browser tab never asks", () => {
    const bridge = fakeBridge();
    const heard = vi.fn<() => void>();
    const unsubscribe = new ElectronPlatform(bridge).onSignOutRequested(heard);
    for (const listener of bridge.signOutListeners) listener();
    unsubscribe();
    expect(bridge.signOutListeners.size).toBe(0);
    expect(heard).toHaveBeenCalledOnce();
    expect(() => new WebPlatform(window).onSignOutRequested(heard)()).not.toThrow();
  });

  it("passes on the menu's Keyboard Shortcuts until unsubscribed; a browser tab never asks", () => {
    const bridge = fakeBridge();
    const heard = vi.fn<() => void>();
    const unsubscribe = new ElectronPlatform(bridge).onShortcutsRequested(heard);
    for (const listener of bridge.shortcutsListeners) listener();
    unsubscribe();
    expect(bridge.shortcutsListeners.size).toBe(0);
    expect(heard).toHaveBeenCalledOnce();
    expect(() => new WebPlatform(window).onShortcutsRequested(heard)()).not.toThrow();
  });

  it('passes on a refusal from main', async () => {
    const bridge = fakeBridge();
    bridge.setUnsent = vi.fn<ParleyBridge['setUnsent']>(async () => {
      throw new Error('the unsent state is larger than allowed');
    });
    await expect(new ElectronPlatform(bridge).saveUnsent(unsentJson)).rejects.toThrow(/larger/);
  });

  it('asks the bridge to open only http(s) links and survives a refusal', async () => {
    const bridge = fakeBridge();
    bridge.openExternal = vi.fn<ParleyBridge['openExternal']>(async () => {
      throw new Error('refused by main');
    });
    const platform = new ElectronPlatform(bridge);
    platform.openExternal('file:///etc/passwd');
    expect(bridge.openExternal).not.toHaveBeenCalled();
    platform.openExternal('https://example.com');
    expect(bridge.openExternal).toHaveBeenCalledWith('https://example.com');
  });
});

describe('notifications and the badge', () => {
  /** The Web Notifications API as a browser gives it, keeping each notification shown. */
  function fakeNotificationApi(permission: NotificationPermission, answer = permission) {
    const shown: FakeNotification[] = [];
    class FakeNotification extends EventTarget {
      static permission = permission;
      static requestPermission = vi.fn<() => Promise<NotificationPermission>>(async () => {
        FakeNotification.permission = answer;
        return answer;
      });
      closed = false;
      readonly title: string;
      readonly options: NotificationOptions;
      constructor(title: string, options: NotificationOptions) {
        super();
        this.title = title;
        this.options = options;
        shown.push(this);
      }
      close() {
        this.closed = true;
      }
    }
    return { api: FakeNotification, shown };
  }
  const notification = { conversationId: 'c-1', title: 'Goku Son', body: 'Ready?' };

  it('web: shows a notification only once permitted; a click focuses the window and opens it', async () => {
    const { api, shown } = fakeNotificationApi('default', 'granted');
    const focus = vi.fn<() => void>();
    const win = { location: window.location, localStorage, Notification: api, focus };
    const platform = new WebPlatform(win as unknown as Window);
    expect(await platform.notificationPermission()).toBe('default');
    platform.notify(notification);
    expect(shown).toEqual([]);

    expect(await platform.requestNotificationPermission()).toBe('granted');
    const clicked: string[] = [];
    platform.onNotificationClick((id) => clicked.push(id));
    platform.notify(notification);
    expect(shown.map((n) => [n.title, n.options])).toEqual([
      ['Goku Son', { body: 'Ready?', tag: 'c-1' }],
    ]);
    expect(clicked).toEqual([]);
    shown[0]!.dispatchEvent(new Event('click'));
    expect(focus).toHaveBeenCalledOnce();
    expect(shown[0]!.closed).toBe(true);
    expect(clicked).toEqual(['c-1']);
  });

  it('web: shows nothing when refused', async () => {
    const { api, shown } = fakeNotificationApi('denied');
    const win = {
      location: window.location,
      localStorage,
      Notification: api,
      focus: vi.fn<() => void>(),
    };
    const platform = new WebPlatform(win as unknown as Window);
    expect(await platform.notificationPermission()).toBe('denied');
    platform.notify(notification);
    expect(shown).toEqual([]);
  });

  it('web: remembers "Not now" and reports no notifications where the browser has none', async () => {
    const platform = new WebPlatform(window);
    expect(platform.notificationPromptDismissed()).toBe(false);
    platform.dismissNotificationPrompt();
    expect(localStorage.getItem(notificationPromptStorageKey)).toBe('dismissed');
    expect(new WebPlatform(window).notificationPromptDismissed()).toBe(true);
    // jsdom has no Notification: as a browser without the API.
    expect(await platform.notificationPermission()).toBe('unsupported');
    expect(await platform.requestNotificationPermission()).toBe('unsupported');
  });

  it('electron: always permitted; notifications, clicks and the badge go through the bridge', async () => {
    const bridge = fakeBridge();
    const platform = new ElectronPlatform(bridge);
    expect(await platform.notificationPermission()).toBe('granted');
    platform.notify(notification);
    expect(bridge.notify).toHaveBeenCalledWith(notification);
    const listener = () => {};
    platform.onNotificationClick(listener);
    expect(bridge.onNotificationClicked).toHaveBeenCalledWith(listener);
    platform.setBadgeCount(12);
    platform.setBadgeCount(250_000);
    platform.setBadgeCount(-3);
    expect(vi.mocked(bridge.setBadgeCount).mock.calls).toEqual([[12], [99_999], [0]]);
  });
});

describe('Platform defaults', () => {
  class BarePlatform extends Platform {
    readonly kind = 'web';
    serverUrl(): string {
      return 'http://127.0.0.1:4000';
    }
  }

  it('keeps no session token and no unsent state between calls', async () => {
    const platform = new BarePlatform();
    await platform.setSessionToken('tok');
    await platform.saveUnsent(unsentJson);
    expect(await platform.getSessionToken()).toBeNull();
    expect(await platform.loadUnsent()).toBeNull();
    await expect(platform.saveUnsent(null)).resolves.toBeUndefined();
    expect(localStorage.getItem(unsentStorageKey)).toBeNull();
  });
});
