// The process boundaries of DESIGN.md "Layout" are lint rules (no-restricted-imports per folder
// in .oxlintrc.json). This runs the real config, copied byte for byte, over probe files in a
// temporary directory that mirrors the folder names, so nothing is written into the shared tree:
// each forbidden import must be an error of that rule, each allowed one must pass.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const projectRoot = path.resolve(import.meta.dirname, '../../..');
const oxlintBin = path.join(projectRoot, 'node_modules/oxlint/bin/oxlint');
const rule = 'eslint(no-restricted-imports)';

interface Probe {
  /** Where the probe lives, as if in the repository: that path picks the folder's rules. */
  file: string;
  /** The import under test: the rules read its specifier and whether it is type-only. */
  code: string;
  allowed: boolean;
}

const value = (specifier: string) =>
  `import { probe } from '${specifier}';\nexport const used = probe;\n`;
const typeOnly = (specifier: string) =>
  `import type { Probe } from '${specifier}';\nexport type Used = Probe;\n`;
const reExport = (specifier: string) => `export { probe } from '${specifier}';\n`;
const dynamic = (specifier: string) => `export const probe = await import('${specifier}');\n`;

const forbid = (file: string, code: string): Probe => ({ file, code, allowed: false });
const allow = (file: string, code: string): Probe => ({ file, code, allowed: true });

const probes: Probe[] = [
  // machines/ is pure: server/protocol.ts and nothing else under server/ or src/.
  forbid('machines/probe.ts', value('../server/store/memory.ts')),
  forbid('machines/nested/probe.ts', value('../../server/store/memory.ts')),
  forbid('machines/probe.ts', typeOnly('../server/store/types.ts')),
  forbid('machines/probe.ts', reExport('../server/handlers/session.ts')),
  forbid('machines/probe.ts', dynamic('../server/store/memory.ts')),
  forbid('machines/probe.ts', value('../server')),
  forbid('machines/probe.ts', value('../src/renderer/state/index.ts')),
  forbid('machines/probe.ts', value('../src/viz/live/recordSchema.ts')),
  forbid('machines/probe.ts', value('react')),
  forbid('machines/probe.ts', value('node:fs')),
  allow('machines/probe.ts', value('../server/protocol.ts')),
  allow('machines/probe.ts', typeOnly('../server/protocol.ts')),
  allow('machines/nested/probe.ts', value('../../server/protocol.ts')),
  allow('machines/probe.ts', value('./phone.ts')),
  allow('machines/probe.ts', value('xstate')),

  // server/ runs in Node: nothing from src/ but the zod-only inspection record schema.
  forbid('server/probe.ts', value('../src/renderer/App.tsx')),
  forbid('server/store/probe.ts', value('../../src/main/embeddedServer.ts')),
  forbid('server/probe.ts', typeOnly('../src/preload/bridge.ts')),
  forbid('server/probe.ts', value('../src/viz/live/socketChannel.ts')),
  allow('server/probe.ts', value('../src/viz/live/recordSchema.ts')),
  allow('server/store/probe.ts', value('../protocol.ts')),
  allow('server/probe.ts', value('node:http')),

  // src/main embeds the server but never imports the renderer.
  forbid('src/main/probe.ts', value('../renderer/App.tsx')),
  forbid('src/main/probe.ts', typeOnly('../renderer/state/index.ts')),
  forbid('src/main/probe.ts', value('../../src/renderer/main.tsx')),
  allow('src/main/probe.ts', value('../../server/chatServer.ts')),
  allow('src/main/probe.ts', value('../../server/store/sqlite/store.ts')),
  allow('src/main/probe.ts', value('../preload/ipcChannels.ts')),
  allow('src/main/probe.ts', typeOnly('../preload/bridge.ts')),
  allow('src/main/probe.ts', value('../viz/live/recordSchema.ts')),

  // src/preload: electron and its own files; from elsewhere, types only.
  forbid('src/preload/probe.ts', value('../../server/protocol.ts')),
  forbid('src/preload/probe.ts', value('../renderer/platform/Platform.ts')),
  forbid('src/preload/probe.ts', value('node:fs')),
  allow('src/preload/probe.ts', value('electron')),
  allow('src/preload/probe.ts', value('./ipcChannels.ts')),
  allow('src/preload/probe.ts', typeOnly('../../server/protocol.ts')),

  // src/renderer: machines/, server/protocol.ts, the pure viz records, preload types.
  forbid('src/renderer/state/probe.ts', value('../../../server/store/memory.ts')),
  forbid('src/renderer/probe.tsx', value('../../server/store/memory.ts')),
  forbid('src/renderer/state/probe.ts', typeOnly('../../../server/store/types.ts')),
  forbid('src/renderer/probe.tsx', value('../main/embeddedServer.ts')),
  forbid('src/renderer/state/probe.ts', value('../../main/ipcHandlers.ts')),
  forbid('src/renderer/platform/probe.ts', value('../../preload/ipcChannels.ts')),
  forbid('src/renderer/platform/probe.ts', value('../../preload/createBridge.ts')),
  forbid('src/renderer/state/probe.ts', value('../../viz/live/socketChannel.ts')),
  forbid('src/renderer/state/probe.ts', value('../../viz/app/App.tsx')),
  forbid('src/renderer/state/probe.ts', value('node:fs')),
  forbid('src/renderer/state/probe.ts', value('electron')),
  forbid('src/renderer/state/probe.ts', value('socket.io-client')),
  allow('src/renderer/state/probe.ts', value('../../../server/protocol.ts')),
  allow('src/renderer/probe.tsx', value('../../server/protocol.ts')),
  allow('src/renderer/state/probe.ts', value('../../../machines/app.ts')),
  allow('src/renderer/platform/probe.ts', typeOnly('../../preload/bridge.ts')),
  allow('src/renderer/platform/probe.ts', value('../../viz/live/record.ts')),
  allow('src/renderer/platform/probe.ts', value('../../viz/live/recordSchema.ts')),
  allow('src/renderer/state/probe.ts', value('../components/Avatar.tsx')),

  // src/renderer/transport: the renderer's rules, except that it owns socket.io-client.
  forbid('src/renderer/transport/probe.ts', value('../../../server/store/memory.ts')),
  forbid('src/renderer/transport/probe.ts', value('../../preload/createBridge.ts')),
  forbid('src/renderer/transport/probe.ts', value('node:net')),
  allow('src/renderer/transport/probe.ts', value('socket.io-client')),
  allow('src/renderer/transport/probe.ts', value('../../../server/protocol.ts')),
  allow('src/renderer/transport/probe.ts', typeOnly('../../preload/bridge.ts')),
];

interface Diagnostic {
  code: string;
  message: string;
  filename: string;
}

let folder = '';
const files = new Map<Probe, string>();
let linted: { diagnostics: Diagnostic[]; number_of_files: number };

beforeAll(() => {
  folder = mkdtempSync(path.join(tmpdir(), 'parley-boundaries-'));
  copyFileSync(path.join(projectRoot, '.oxlintrc.json'), path.join(folder, '.oxlintrc.json'));
  probes.forEach((probe, index) => {
    const { dir, name, ext } = path.parse(probe.file);
    const file = path.join(dir, `${name}${index}${ext}`);
    mkdirSync(path.join(folder, dir), { recursive: true });
    writeFileSync(path.join(folder, file), probe.code);
    files.set(probe, file);
  });
  // One oxlint run over every probe keeps this to a fraction of a second.
  const run = spawnSync(process.execPath, [oxlintBin, '-c', '.oxlintrc.json', '-f', 'json', '.'], {
    cwd: folder,
    encoding: 'utf8',
  });
  if (run.error) throw run.error;
  linted = JSON.parse(run.stdout) as typeof linted;
});
afterAll(() => {
  if (folder) rmSync(folder, { recursive: true, force: true });
});

/** The messages of the boundary rule for one probe's file. */
const restricted = (probe: Probe) =>
  linted.diagnostics
    .filter(
      (diagnostic) =>
        path.normalize(diagnostic.filename) === files.get(probe) && diagnostic.code === rule,
    )
    .map((diagnostic) => diagnostic.message);
const cases = (allowed: boolean) =>
  probes
    .filter((probe) => probe.allowed === allowed)
    .map((probe) => [`${probe.file}: ${probe.code.split('\n')[0]}`, probe] as const);

describe('the folder boundaries in .oxlintrc.json', () => {
  it('lints every probe with the copied config', () => {
    expect(linted.number_of_files).toBe(probes.length);
  });

  it.each(cases(false))('refuses %s', (_, probe) => {
    const specifier = /'([^']+)'/.exec(probe.code)?.[1];
    expect(restricted(probe)).toContainEqual(
      `'${specifier}' import is restricted from being used by a pattern.`,
    );
  });

  it.each(cases(true))('allows %s', (_, probe) => {
    expect(restricted(probe)).toEqual([]);
  });
});
