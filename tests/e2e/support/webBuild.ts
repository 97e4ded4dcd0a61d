// The renderer's web build, made at most once per test run with web mode's own rule
// (scripts/web.mjs: rebuild only when a source is newer than .vite/web/index.html), so every
// e2e file after the first reuses it and `npm run web` never serves what e2e would rebuild.
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export const projectDir = path.resolve(import.meta.dirname, '../../..');

interface WebMode {
  webDir: string;
  webBuildIsStale(): boolean;
  buildRenderer(): Promise<void>;
}

// A plain-JS script: typed here, as it ships no .d.ts.
const webMode = (await import(
  pathToFileURL(path.join(projectDir, 'scripts/web.mjs')).href
)) as WebMode;

export const webDir = webMode.webDir;

/** Builds the renderer into .vite/web unless the existing build is newer than its sources. */
export async function ensureWebBuild(): Promise<void> {
  if (webMode.webBuildIsStale()) await webMode.buildRenderer();
}
