// The application menu. Reload and DevTools exist only in development: in a packaged app they
// would let anyone poke at a signed-in session.
import { Menu, type MenuItemConstructorOptions } from 'electron';

export interface AppMenuOptions {
  isDev: boolean;
  isMac: boolean;
  openStateInspector(): void;
  /** File > Sign Out: asks the app window to sign out (the renderer's app machine does it). */
  signOut(): void;
  /** Help > Keyboard Shortcuts: asks the app window to list its shortcuts. */
  showShortcuts(): void;
}

export function appMenuTemplate({
  isDev,
  isMac,
  openStateInspector,
  signOut,
  showShortcuts,
}: AppMenuOptions): MenuItemConstructorOptions[] {
  const developerItems: MenuItemConstructorOptions[] = isDev
    ? [
        { role: 'reload' },
        { role: 'forceReload' },
        { role: 'toggleDevTools' },
        { type: 'separator' },
      ]
    : [];
  return [
    ...(isMac ? [{ role: 'appMenu' } satisfies MenuItemConstructorOptions] : []),
    {
      label: 'File',
      submenu: [
        { label: 'Sign Out', click: () => signOut() },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    // Cut/copy/paste shortcuts only work in text fields when an Edit menu provides them (macOS).
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        ...developerItems,
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    {
      label: 'Window',
      submenu: [
        { role: 'minimize' },
        { role: 'close' },
        { type: 'separator' },
        {
          label: 'State Inspector',
          accelerator: 'CmdOrCtrl+Alt+I',
          click: () => openStateInspector(),
        },
      ],
    },
    {
      role: 'help',
      submenu: [
        {
          label: 'Keyboard Shortcuts',
          accelerator: 'CmdOrCtrl+/',
          click: () => showShortcuts(),
        },
      ],
    },
  ];
}

export function installAppMenu(options: AppMenuOptions): void {
  Menu.setApplicationMenu(Menu.buildFromTemplate(appMenuTemplate(options)));
}
