import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { appMenuTemplate } from '../../../src/main/appMenu.ts';

vi.mock('electron', () => import('./fakeElectron.ts'));

function submenu(
  template: MenuItemConstructorOptions[],
  label: string,
): MenuItemConstructorOptions[] {
  const menu = template.find((item) => item.label === label);
  return (menu?.submenu ?? []) as MenuItemConstructorOptions[];
}
const roles = (items: MenuItemConstructorOptions[]) =>
  items.map((item) => item.role).filter(Boolean);

describe('the application menu', () => {
  it('has File > Sign Out and File > Quit', () => {
    const template = appMenuTemplate({
      isDev: false,
      isMac: false,
      openStateInspector: () => {},
      signOut: () => {},
      showShortcuts: () => {},
    });
    const file = submenu(template, 'File');
    expect(file.map((item) => item.label ?? item.role ?? item.type)).toEqual([
      'Sign Out',
      'separator',
      'quit',
    ]);
  });

  it('signs out from File > Sign Out', () => {
    const signOut = vi.fn<() => void>();
    const template = appMenuTemplate({
      isDev: false,
      isMac: true,
      openStateInspector: () => {},
      signOut,
      showShortcuts: () => {},
    });
    const item = submenu(template, 'File').find((entry) => entry.label === 'Sign Out');
    (item!.click as () => void)();
    expect(signOut).toHaveBeenCalledOnce();
  });

  it('offers reload and DevTools only in development', () => {
    const packaged = appMenuTemplate({
      isDev: false,
      isMac: false,
      openStateInspector: () => {},
      signOut: () => {},
      showShortcuts: () => {},
    });
    const dev = appMenuTemplate({
      isDev: true,
      isMac: false,
      openStateInspector: () => {},
      signOut: () => {},
      showShortcuts: () => {},
    });
    expect(roles(submenu(packaged, 'View'))).not.toEqual(expect.arrayContaining(['reload']));
    expect(roles(submenu(packaged, 'View'))).not.toContain('toggleDevTools');
    expect(roles(submenu(dev, 'View'))).toEqual(
      expect.arrayContaining(['reload', 'toggleDevTools']),
    );
  });

  it('opens the State Inspector from Window > State Inspector', () => {
    const openStateInspector = vi.fn<() => void>();
    const template = appMenuTemplate({
      isDev: false,
      isMac: false,
      openStateInspector,
      signOut: () => {},
      showShortcuts: () => {},
    });
    const item = submenu(template, 'Window').find((entry) => entry.label === 'State Inspector');
    expect(item?.accelerator).toBe('CmdOrCtrl+Alt+I');
    (item!.click as () => void)();
    expect(openStateInspector).toHaveBeenCalledOnce();
  });

  it('lists the keyboard shortcuts from Help > Keyboard Shortcuts (Ctrl+/, as in Signal)', () => {
    const showShortcuts = vi.fn<() => void>();
    const template = appMenuTemplate({
      isDev: false,
      isMac: false,
      openStateInspector: () => {},
      signOut: () => {},
      showShortcuts,
    });
    const help = template.find((entry) => entry.role === 'help');
    const item = (help?.submenu as MenuItemConstructorOptions[] | undefined)?.find(
      (entry) => entry.label === 'Keyboard Shortcuts',
    );
    expect(item?.accelerator).toBe('CmdOrCtrl+/');
    (item!.click as () => void)();
    expect(showShortcuts).toHaveBeenCalledOnce();
  });
});
