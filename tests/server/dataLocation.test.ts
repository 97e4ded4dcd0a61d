import { describe, expect, it } from 'vitest';
import { databaseFileIn, defaultDataDir } from '../../server/store/sqlite/location.ts';

describe('the default data folder', () => {
  it.each([
    ['linux', { XDG_DATA_HOME: '/data/xdg' }, '/home/bulma', '/data/xdg/parley'],
    ['linux', {}, '/home/bulma', '/home/bulma/.local/share/parley'],
    // A relative XDG_DATA_HOME is invalid by the spec and ignored.
    ['linux', { XDG_DATA_HOME: 'relative' }, '/home/bulma', '/home/bulma/.local/share/parley'],
    ['darwin', {}, '/Users/bulma', '/Users/bulma/Library/Application Support/Parley'],
    [
      'win32',
      { APPDATA: 'C:\\Users\\bulma\\AppData\\Roaming' },
      'C:\\Users\\bulma',
      'C:\\Users\\bulma\\AppData\\Roaming\\Parley',
    ],
  ] as const)('on %s with %j is %s', (platform, env, home, expected) => {
    expect(defaultDataDir(env, platform, home)).toBe(expected);
  });

  it('holds the database as parley.db', () => {
    expect(databaseFileIn('/srv/parley')).toBe('/srv/parley/parley.db');
  });
});
