// The app's icon (issue 15, defect 12): the main window is given it, the file it names is the
// renderer's public icon.png in both layouts (packaged and `npm start`), and the packager and the
// .deb maker name icon files that exist and are what they claim to be.
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import forgeConfig from '../../../forge.config.ts';
import { appIconPath } from '../../../src/main/appIcon.ts';
import { createAppPages } from '../../../src/main/appPages.ts';
import { createMainWindow } from '../../../src/main/mainWindow.ts';
import rendererConfig from '../../../vite.renderer.config.ts';
import type { FakeBrowserWindow } from './fakeElectron.ts';

vi.mock('electron', () => import('./fakeElectron.ts'));

const projectDir = path.resolve(import.meta.dirname, '../../..');
const publicIcon = path.join(projectDir, 'src/renderer/public/icon.png');
/** Where Forge's Vite plugin puts the main bundle: .vite/build/main.cjs. */
const mainDir = path.join(projectDir, '.vite/build');

/** A PNG's size from its IHDR chunk. */
function pngSize(file: string): { width: number; height: number } {
  const bytes = readFileSync(file);
  expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe('the app icon', () => {
  it('is given to the main window', async () => {
    const window = (await createMainWindow({
      appPages: createAppPages({}),
      preloadPath: '/p.cjs',
      serverUrl: 'http://127.0.0.1:1',
      icon: '/app/icon.png',
      stateFile: path.join(await mkdtemp(path.join(tmpdir(), 'parley-icon-')), 'state.json'),
      workAreas: [{ x: 0, y: 0, width: 1920, height: 1080 }],
    })) as unknown as FakeBrowserWindow;
    expect(window.options.icon).toBe('/app/icon.png');
  });

  it('is a 512 px PNG that exists under npm start', () => {
    const devPath = appIconPath(mainDir, 'http://localhost:5173/');
    expect(devPath).toBe(publicIcon);
    expect(pngSize(devPath)).toEqual({ width: 512, height: 512 });
  });

  it('is, packaged, the copy Vite makes of the renderer’s public folder beside the page', () => {
    const config = (
      rendererConfig as (env: unknown) => { root: string; build: { outDir: string } }
    )({ command: 'build', mode: 'production', forgeConfigSelf: { name: 'main_window' } });
    // Vite copies <root>/public into outDir as it is.
    expect(path.join(config.root, 'public', 'icon.png')).toBe(publicIcon);
    expect(appIconPath(mainDir, undefined)).toBe(path.join(config.build.outDir, 'icon.png'));
  });

  it('is named by the packager (.ico, .icns) and the .deb maker, and those files exist', () => {
    const icon = forgeConfig.packagerConfig?.icon;
    expect(typeof icon).toBe('string');
    const base = path.join(projectDir, String(icon));
    // An ICO starts 00 00 01 00, an ICNS with "icns".
    expect([...readFileSync(`${base}.ico`).subarray(0, 4)]).toEqual([0, 0, 1, 0]);
    expect(readFileSync(`${base}.icns`).subarray(0, 4).toString('latin1')).toBe('icns');
    const deb = forgeConfig.makers?.find((maker) => (maker as { name?: string }).name === 'deb') as
      | { configOrConfigFetcher?: { options?: { icon?: string } } }
      | undefined;
    const debIcon = deb?.configOrConfigFetcher?.options?.icon;
    expect(debIcon && existsSync(path.join(projectDir, debIcon))).toBe(true);
    expect(pngSize(path.join(projectDir, String(debIcon)))).toEqual({ width: 512, height: 512 });
  });
});
