// The renderer's web build, made at most once per test run: rebuilt only when a source is newer
// than .vite/web/index.html, so every e2e file after the first reuses it.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

export const projectDir = path.resolve(import.meta.dirname, '../../..');
export const webDir = path.join(projectDir, '.vite/web');
const buildInputs = [
  'src/renderer',
  'machines',
  'src/viz/live',
  'server/protocol.ts',
  'vite.renderer.config.ts',
  'package-lock.json',
];

function newestModification(target: string): number {
  let info;
  try {
    info = statSync(target);
  } catch {
    return 0;
  }
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const entry of readdirSync(target)) {
    newest = Math.max(newest, newestModification(path.join(target, entry)));
  }
  return newest;
}

export function webBuildIsFresh(): boolean {
  const builtAt = newestModification(path.join(webDir, 'index.html'));
  return (
    builtAt > 0 &&
    buildInputs.every((input) => newestModification(path.join(projectDir, input)) <= builtAt)
  );
}

/** Builds the renderer into .vite/web unless the existing build is newer than its sources. */
export async function ensureWebBuild(): Promise<void> {
  if (webBuildIsFresh()) return;
  const { build } = await import('vite');
  await build({
    configFile: path.join(projectDir, 'vite.renderer.config.ts'),
    logLevel: 'warn',
  });
}
