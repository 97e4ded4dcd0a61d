// MUI 9's Typography takes palette names (`primary`, `textSecondary`) as `color`, and ignores a
// theme path such as `text.secondary` there (system props are gone): the text is drawn at full
// strength. Theme paths belong in `sx` (issue 15, defect 7; tests/e2e/messenger.test.ts checks
// the drawn colour). This keeps the mistake from coming back anywhere in the apps.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.tsx$/.test(entry.name) ? [path] : [];
  });
}

describe('theme colours', () => {
  it('passes no theme path (text.secondary, primary.main…) as a component color prop', () => {
    const offenders = sources('src').flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .map((line, index) => ({ line, at: `${file}:${index + 1}` }))
        .filter(({ line }) => /\bcolor=(\{[^}]*['"]|["'])[a-z]+\.[a-z]+['"]/.test(line))
        .map(({ at, line }) => `${at}: ${line.trim()}`),
    );
    expect(offenders).toEqual([]);
  });
});
