import { chmod, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataHome, importScript, runScript } from './spawnScript.ts';

const { downloadElectron, electronBinaryPath } = await importScript<{
  electronBinaryPath(electronDir: string, env: NodeJS.ProcessEnv): string | null;
  downloadElectron(electronDir: string, timeoutMs: number): boolean;
}>('scripts/start.mjs');

/** A stand-in for node_modules/electron: optionally installed, with an installer that fails. */
async function fakeElectronPackage({ installed }: { installed: boolean }): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'parley-electron-'));
  await writeFile(
    path.join(dir, 'install.js'),
    "console.error('TypeError: fetch failed'); process.exit(1);\n",
  );
  if (installed) {
    await writeFile(path.join(dir, 'path.txt'), 'electron');
    await mkdir(path.join(dir, 'dist'));
    await writeFile(path.join(dir, 'dist/electron'), '#!/bin/sh\n');
    await chmod(path.join(dir, 'dist/electron'), 0o755);
  }
  return dir;
}

describe('finding the Electron binary', () => {
  it('finds it where the electron package’s path.txt says', async () => {
    const dir = await fakeElectronPackage({ installed: true });
    expect(electronBinaryPath(dir, {})).toBe(path.join(dir, 'dist/electron'));
  });

  it('reports it missing without path.txt, or when path.txt points at nothing', async () => {
    const dir = await fakeElectronPackage({ installed: false });
    expect(electronBinaryPath(dir, {})).toBeNull();
    await writeFile(path.join(dir, 'path.txt'), 'electron');
    expect(electronBinaryPath(dir, {})).toBeNull();
  });

  it('reports a failed download as a failure', async () => {
    const dir = await fakeElectronPackage({ installed: false });
    expect(downloadElectron(dir, 10_000)).toBe(false);
  });
});

describe('npm start without an Electron binary', () => {
  it('says so in a few clear lines and serves web mode instead', async () => {
    const electronDir = await fakeElectronPackage({ installed: false });
    const start = runScript('scripts/start.mjs', ['--port', '0'], {
      ...(await dataHome()),
      PARLEY_ELECTRON_DIR: electronDir,
    });
    try {
      const url = await start.listening;
      expect(start.output()).toMatch(/Electron binary is not installed/);
      expect(start.output()).toMatch(/Running web mode instead/);
      const page = await fetch(`${url}/`);
      expect(page.status).toBe(200);
      await page.text();
      expect(await start.stop()).toBe(0); // SIGTERM closes it cleanly
    } finally {
      await start.stop();
    }
  }, 180_000);
});
