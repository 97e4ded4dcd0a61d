import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { createAppPages } from '../../../src/main/appPages.ts';
import { createMainWindow } from '../../../src/main/mainWindow.ts';
import {
  defaultWindowSize,
  isVisibleOnSomeDisplay,
  loadWindowState,
  saveWindowState,
} from '../../../src/main/windowState.ts';
import type { FakeBrowserWindow } from './fakeElectron.ts';

vi.mock('electron', () => import('./fakeElectron.ts'));

const laptop = { x: 0, y: 0, width: 1440, height: 900 };
const rightMonitor = { x: 1440, y: 0, width: 2560, height: 1440 };

async function stateFile(): Promise<string> {
  return path.join(
    await mkdtemp(path.join(tmpdir(), 'parley-state-')),
    'nested',
    'window-state.json',
  );
}

describe('window state', () => {
  it('comes back as saved while its display is still there', async () => {
    const file = await stateFile();
    const saved = { x: 1600, y: 100, width: 1200, height: 800, isMaximized: true };
    saveWindowState(file, saved);
    await expect(loadWindowState(file, [laptop, rightMonitor])).resolves.toEqual(saved);
  });

  it('keeps the size but lets the OS place the window when its display is gone', async () => {
    const file = await stateFile();
    saveWindowState(file, { x: 1600, y: 100, width: 1200, height: 800, isMaximized: false });
    await expect(loadWindowState(file, [laptop])).resolves.toEqual({
      width: 1200,
      height: 800,
      isMaximized: false,
    });
  });

  it('falls back to the default size on first run and for a corrupt or tampered file', async () => {
    const fallback = { ...defaultWindowSize, isMaximized: false };
    const file = await stateFile();
    await expect(loadWindowState(file, [laptop])).resolves.toEqual(fallback);
    saveWindowState(file, { x: 0, y: 0, width: 800, height: 600, isMaximized: false });
    await writeFile(file, '{"x": 0, "y": ');
    await expect(loadWindowState(file, [laptop])).resolves.toEqual(fallback);
    await writeFile(
      file,
      JSON.stringify({ x: 0, y: 0, width: 10, height: 1e9, isMaximized: 'yes' }),
    );
    await expect(loadWindowState(file, [laptop])).resolves.toEqual(fallback);
  });

  it('counts a window as visible only when a title bar’s worth of it is on a display', () => {
    expect(isVisibleOnSomeDisplay({ x: 1400, y: 10, width: 800, height: 600 }, [laptop])).toBe(
      false,
    );
    expect(isVisibleOnSomeDisplay({ x: 1300, y: 10, width: 800, height: 600 }, [laptop])).toBe(
      true,
    );
    expect(isVisibleOnSomeDisplay({ x: 100, y: -580, width: 800, height: 600 }, [laptop])).toBe(
      false,
    );
  });

  it('is restored by the main window and saved again when it closes', async () => {
    const file = await stateFile();
    saveWindowState(file, { x: 40, y: 30, width: 1000, height: 700, isMaximized: true });
    const window = (await createMainWindow({
      appPages: createAppPages({}),
      preloadPath: '/p.cjs',
      serverUrl: 'http://127.0.0.1:1',
      icon: '/app/icon.png',
      stateFile: file,
      workAreas: [laptop],
    })) as unknown as FakeBrowserWindow;
    expect(window.options).toMatchObject({ x: 40, y: 30, width: 1000, height: 700 });
    expect(window.isMaximized()).toBe(true);

    window.maximized = false;
    window.normalBounds = { x: 200, y: 120, width: 900, height: 650 };
    window.close();
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({
      x: 200,
      y: 120,
      width: 900,
      height: 650,
      isMaximized: false,
    });
  });
});
