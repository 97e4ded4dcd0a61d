// `npm start`: the desktop app (`electron-forge start`, embedded chat server included). Where
// the Electron binary is missing and cannot be downloaded (machines without internet), says so
// and runs web mode instead, printing the URL to open.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const projectDir = path.resolve(import.meta.dirname, '..');
/** How long a download of Electron may take before web mode takes over. */
const downloadTimeoutMs = 5 * 60_000;

/** The Electron executable npm's `electron` package points at, or null when it is not there. */
export function electronBinaryPath(electronDir, env = process.env) {
  let relative = 'electron';
  try {
    relative = readFileSync(path.join(electronDir, 'path.txt'), 'utf8').trim();
  } catch {
    if (!env.ELECTRON_OVERRIDE_DIST_PATH) return null;
  }
  const distDir = env.ELECTRON_OVERRIDE_DIST_PATH || path.join(electronDir, 'dist');
  const binary = path.join(distDir, relative);
  return relative && existsSync(binary) ? binary : null;
}

/** Runs the `electron` package's own installer; true when a binary is there afterwards. */
export function downloadElectron(electronDir, timeoutMs = downloadTimeoutMs) {
  const installer = path.join(electronDir, 'install.js');
  if (!existsSync(installer)) return false;
  const result = spawnSync(process.execPath, [installer], {
    cwd: electronDir,
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
    timeout: timeoutMs,
  });
  return result.status === 0 && electronBinaryPath(electronDir) !== null;
}

function runElectronForge(args) {
  const forge = path.join(projectDir, 'node_modules/@electron-forge/cli/dist/electron-forge.js');
  const child = spawn(process.execPath, [forge, 'start', ...args], { stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

async function main(args) {
  // A test seam, and a way to point at an Electron installed elsewhere.
  const electronDir =
    process.env.PARLEY_ELECTRON_DIR || path.join(projectDir, 'node_modules/electron');
  if (electronBinaryPath(electronDir) || downloadElectron(electronDir)) {
    runElectronForge(args);
    return;
  }
  console.log(
    [
      'npm start: the Electron binary is not installed (node_modules/electron/dist is missing)',
      'and could not be downloaded (no internet access?), so the desktop app cannot open here.',
      'Running web mode instead: the same app and chat server, in your browser.',
      'To get the desktop app later: `npx install-electron` with internet, then `npm start`.',
    ].join('\n'),
  );
  const { runWebMode } = await import('./web.mjs');
  await runWebMode(args);
}

if (import.meta.main) await main(process.argv.slice(2));
