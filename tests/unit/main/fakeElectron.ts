// A stand-in for the `electron` module (whose binary cannot run here): just enough of app,
// BrowserWindow, WebContents, shell, protocol and net for the main-process modules, with
// everything they register kept so tests can drive it like Electron would.
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { vi } from 'vitest';

type WindowOpenHandler = (details: { url: string }) => { action: 'allow' | 'deny' };

export class FakeWebContents extends EventEmitter {
  url = '';
  destroyed = false;
  windowOpenHandler: WindowOpenHandler | null = null;
  sent: Array<{ channel: string; args: unknown[] }> = [];
  setWindowOpenHandler(handler: WindowOpenHandler): void {
    this.windowOpenHandler = handler;
  }
  getURL(): string {
    return this.url;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  send(channel: string, ...args: unknown[]): void {
    this.sent.push({ channel, args });
  }
}

export class FakeBrowserWindow extends EventEmitter {
  static created: FakeBrowserWindow[] = [];
  static getAllWindows(): FakeBrowserWindow[] {
    return FakeBrowserWindow.created.filter((window) => !window.destroyed);
  }
  static fromWebContents(contents: unknown): FakeBrowserWindow | null {
    return FakeBrowserWindow.created.find((window) => window.webContents === contents) ?? null;
  }
  readonly options: Record<string, unknown>;
  readonly webContents = new FakeWebContents();
  destroyed = false;
  maximized = false;
  minimized = false;
  focused = false;
  normalBounds = { x: 0, y: 0, width: 0, height: 0 };
  constructor(options: Record<string, unknown>) {
    super();
    this.options = options;
    this.normalBounds = {
      x: Number(options.x ?? 0),
      y: Number(options.y ?? 0),
      width: Number(options.width ?? 800),
      height: Number(options.height ?? 600),
    };
    FakeBrowserWindow.created.push(this);
  }
  loadURL(url: string): Promise<void> {
    this.webContents.url = url;
    return Promise.resolve();
  }
  visible = false;
  show(): void {
    this.visible = true;
  }
  focus(): void {
    this.focused = true;
  }
  restore(): void {
    this.minimized = false;
  }
  maximize(): void {
    this.maximized = true;
  }
  isMaximized(): boolean {
    return this.maximized;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  getNormalBounds() {
    return this.normalBounds;
  }
  close(): void {
    this.emit('close');
    this.destroyed = true;
    this.webContents.destroyed = true;
    this.emit('closed');
  }
}

/** Electron's Notification: each one made is kept, with whether it was shown. */
export class FakeNotification extends EventEmitter {
  static created: FakeNotification[] = [];
  static supported = true;
  static isSupported(): boolean {
    return FakeNotification.supported;
  }
  readonly options: { title?: string; body?: string };
  shown = false;
  constructor(options: { title?: string; body?: string }) {
    super();
    this.options = options;
    FakeNotification.created.push(this);
  }
  show(): void {
    this.shown = true;
  }
}

export const shell = { openExternal: vi.fn<(url: string) => Promise<void>>(async () => {}) };

export const protocol = {
  registerSchemesAsPrivileged: vi.fn<(schemes: unknown[]) => void>(),
  handlers: new Map<string, (request: Request) => Promise<Response>>(),
  handle(scheme: string, handler: (request: Request) => Promise<Response>) {
    this.handlers.set(scheme, handler);
  },
};

/** Electron's net.fetch reads file: URLs; here, plain fs does. */
export const net = {
  async fetch(url: string): Promise<Response> {
    try {
      return new Response(await readFile(fileURLToPath(url)), { status: 200 });
    } catch {
      return new Response('missing', { status: 404 });
    }
  },
};

export const Menu = {
  setApplicationMenu: vi.fn<(menu: unknown) => void>(),
  buildFromTemplate: vi.fn<(template: unknown) => unknown>((template) => template),
};

/** Electron's named folders, each under one temporary root made on first use. */
const appPathNames = ['home', 'appData', 'userData', 'sessionData', 'temp', 'logs'] as const;
type AppPathName = (typeof appPathNames)[number];
let appPathsRoot: string | null = null;

export const app = {
  getPath(name: AppPathName): string {
    // Electron throws for names it does not know; so does the fake.
    if (!appPathNames.includes(name)) throw new Error(`Failed to get '${name}' path`);
    appPathsRoot ??= mkdtempSync(path.join(tmpdir(), 'parley-fake-electron-'));
    return path.join(appPathsRoot, name);
  },
  setBadgeCount: vi.fn<(count: number) => boolean>(() => true),
  /** Tests call this in afterAll: removes every folder getPath handed out. */
  removeAppPaths(): void {
    if (appPathsRoot) rmSync(appPathsRoot, { recursive: true, force: true });
    appPathsRoot = null;
  },
};

export const BrowserWindow = FakeBrowserWindow;
export const Notification = FakeNotification;
export default { app, BrowserWindow, Notification, shell, protocol, net, Menu };
