// Debian's Chromium through playwright-core, and the renderer's web build the pages load.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium } from 'playwright-core';

export const projectDir = path.resolve(import.meta.dirname, '../..');
export const webDir = path.join(projectDir, '.vite/web');

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.PARLEY_CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

interface WebModeModule {
  webBuildIsStale(): boolean;
  buildRenderer(): Promise<void>;
}

/** Builds .vite/web with web mode's own rule (rebuild when a source is newer). */
export async function ensureWebBuild(log: (line: string) => void): Promise<void> {
  const webMode = (await import(
    pathToFileURL(path.join(projectDir, 'scripts/web.mjs')).href
  )) as WebModeModule;
  if (!webMode.webBuildIsStale()) return;
  log('renderer: building .vite/web');
  await webMode.buildRenderer();
}
