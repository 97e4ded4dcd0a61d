// The Electron security gate CI runs: scripts/electronegativity.mjs.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without type declarations
import { allowlist, scan, unexplainedHigh } from '../../scripts/electronegativity.mjs';

interface Finding {
  id: string;
  file: string;
  severity: string;
}
const folder = mkdtempSync(path.join(tmpdir(), 'parley-electronegativity-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('scripts/electronegativity.mjs', () => {
  it('finds no unexplained HIGH finding in src/, and every allowlist entry has a reason', async () => {
    const { findings } = (await scan()) as { findings: Finding[] };
    expect(findings.length).toBeGreaterThan(0);
    expect(unexplainedHigh(findings)).toEqual([]);
    for (const entry of allowlist as { why: string }[])
      expect(entry.why.length).toBeGreaterThan(40);
  });

  it('fails on an insecure window that the allowlist does not explain', async () => {
    writeFileSync(
      path.join(folder, 'insecure.js'),
      `const { BrowserWindow } = require('electron');
       new BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false } });\n`,
    );
    const { findings } = (await scan(folder)) as { findings: Finding[] };
    const blocking = unexplainedHigh(findings) as Finding[];
    expect(blocking.map((finding) => finding.id)).toEqual(
      expect.arrayContaining(['CONTEXT_ISOLATION_JS_CHECK']),
    );
  });
});
