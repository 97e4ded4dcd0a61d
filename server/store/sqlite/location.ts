// Where the server keeps its data when no `--data` folder is given: the platform's per-user
// data folder, like other desktop and CLI tools.
import os from 'node:os';
import path from 'node:path';

/** The database's file name inside a data folder. */
export const databaseFileName = 'parley.db';

export function databaseFileIn(dataDir: string): string {
  return path.join(dataDir, databaseFileName);
}

/**
 * Linux and other Unixes: `$XDG_DATA_HOME/parley` or `~/.local/share/parley`; macOS:
 * `~/Library/Application Support/Parley`; Windows: `%APPDATA%\Parley`.
 */
export function defaultDataDir(
  env: Record<string, string | undefined> = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = os.homedir(),
): string {
  if (platform === 'win32') {
    return path.win32.join(env.APPDATA || path.win32.join(home, 'AppData', 'Roaming'), 'Parley');
  }
  if (platform === 'darwin')
    return path.posix.join(home, 'Library', 'Application Support', 'Parley');
  const xdg = env.XDG_DATA_HOME;
  // The XDG spec says relative values are invalid and must be ignored.
  const base = xdg && path.posix.isAbsolute(xdg) ? xdg : path.posix.join(home, '.local', 'share');
  return path.posix.join(base, 'parley');
}
