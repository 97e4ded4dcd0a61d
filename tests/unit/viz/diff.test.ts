import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, mkdir, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffMachines } from '../../../src/viz/diff/compare.ts';
import { runDiff } from '../../../src/viz/diff/runDiff.ts';
import { extractStructure } from '../../../src/viz/structure.ts';
import { featureMachine } from './fixtures.ts';

const projectRoot = join(import.meta.dirname, '..', '..', '..');

/** A door machine's registry; `body` is the states config of its second version. */
function registrySource(states: string, extraMachine = ''): string {
  return `import { setup } from 'xstate';
const door = setup({ guards: { isUnlocked: () => true, hasKey: () => true } }).createMachine({
  id: 'door',
  initial: 'closed',
  states: ${states},
});
${extraMachine}
export const registry = [
  { name: 'door', purpose: 'A door.', machine: door },
  ${extraMachine ? "{ name: 'bell', purpose: 'A bell.', machine: bell }," : ''}
  { name: 'lamp', purpose: 'A lamp.', machine: setup({}).createMachine({ id: 'lamp', initial: 'off', states: { off: { on: { toggle: 'on' } }, on: { on: { toggle: 'off' } } } }) },
];
`;
}

const version1 = `{
    closed: { on: { open: { target: 'opened', guard: 'isUnlocked' }, knock: 'closed' } },
    opened: { on: { close: 'closed' }, after: { 5000: 'closed' } },
    jammed: { on: { kick: 'closed' } },
  }`;
const version2 = `{
    closed: { on: { open: { target: 'opened', guard: 'hasKey' }, lock: 'locked' } },
    opened: { on: { close: 'closed' }, after: { 3000: 'closed' } },
    locked: { on: { unlock: 'closed' } },
  }`;
const bell = `const bell = setup({}).createMachine({ id: 'bell', initial: 'quiet', states: { quiet: { on: { ring: 'ringing' } }, ringing: {} } });`;

describe('viz:diff on two versions of a machine in a git repository', () => {
  let repo = '';
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: repo, encoding: 'utf8', stdio: 'pipe' });

  beforeAll(async () => {
    repo = await mkdtemp(join(tmpdir(), 'viz-diff-repo-'));
    git('init', '-q', '-b', 'main');
    git('config', 'user.email', 'test@example.com');
    git('config', 'user.name', 'Test');
    await symlink(join(projectRoot, 'node_modules'), join(repo, 'node_modules'), 'dir');
    await writeFile(join(repo, 'package.json'), '{ "type": "module" }\n');
    await writeFile(join(repo, '.gitignore'), 'node_modules\n');
    await mkdir(join(repo, 'machines'));
    await writeFile(join(repo, 'machines', 'index.ts'), registrySource(version1));
    git('add', '.');
    git('commit', '-q', '-m', 'door v1');
    // The working tree holds version 2, uncommitted, plus a new machine.
    await writeFile(join(repo, 'machines', 'index.ts'), registrySource(version2, bell));
  });

  afterAll(async () => {
    if (repo) await rm(repo, { recursive: true, force: true });
  });

  it('writes a summary of added, removed and changed states and transitions', async () => {
    const outDir = join(repo, 'viz-diff');
    const run = await runDiff({ repoDir: repo, ref: 'HEAD', outDir });
    expect((await readdir(outDir)).sort()).toEqual(['SUMMARY.md', 'bell.svg', 'door.svg']);
    const summary = await readFile(join(outDir, 'SUMMARY.md'), 'utf8');
    expect(summary).toBe(run.summary);
    expect(summary).toContain('since `HEAD`');
    expect(summary).toContain('- **lamp**: unchanged');
    expect(summary).toContain('- **bell**: machine added (2 states, 1 transition)');
    expect(summary).toContain('- **door**: changed ([diagram](door.svg))');
    expect(summary).toContain('  - added state `locked` (atomic)');
    expect(summary).toContain('  - removed state `jammed` (atomic)');
    expect(summary).toContain('  - added `lock` from `closed` to `locked`');
    expect(summary).toContain('  - removed `knock` from `closed` to `closed`');
    expect(summary).toContain(
      '  - changed `open [hasKey]` from `closed`: guard isUnlocked → hasKey',
    );
    expect(summary).toContain('  - changed `after 3000ms` from `opened`: delay 5000 → 3000');
  });

  it('draws added in green, removed as red ghosts and changed in amber', async () => {
    const svg = await readFile(join(repo, 'viz-diff', 'door.svg'), 'utf8');
    const group = (attribute: string, id: string) =>
      svg.match(
        new RegExp(`<g[^>]*${attribute}="${id.replace(/[.:]/g, '\\$&')}"[^>]*>[\\s\\S]*?</g>`),
      )?.[0] ?? '';
    expect(group('data-state-id', 'door.locked')).toContain('#2e7d32');
    const ghost = group('data-state-id', 'door.jammed');
    expect(ghost).toContain('#c62828');
    expect(ghost).toContain('opacity="0.55"');
    expect(group('data-transition-id', 'removed:door.closed:knock:0')).toContain('#c62828');
    expect(group('data-transition-id', 'door.closed:open:0')).toContain('#e68a00');
    expect(group('data-transition-id', 'door.closed:lock:0')).toContain('#2e7d32');
    // Unchanged parts keep the ordinary ink.
    expect(group('data-transition-id', 'door.opened:close:0')).toContain('#37474f');
  });

  it('runs as npm run viz:diff -- <ref>, and fails clearly on an unknown ref', () => {
    const script = join(projectRoot, 'src', 'viz', 'diff.ts');
    const ok = spawnSync(process.execPath, [script, 'HEAD'], { cwd: repo, encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('- **door**: changed');
    const bad = spawnSync(process.execPath, [script, 'no-such-ref'], {
      cwd: repo,
      encoding: 'utf8',
    });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('unknown git ref: no-such-ref');
  });
});

describe('diffMachines', () => {
  it('finds no change between a machine and itself', () => {
    const structure = extractStructure(featureMachine);
    expect(diffMachines(structure, structure).status).toBe('unchanged');
  });

  it('reads an inserted guarded alternative as one addition', () => {
    const base = extractStructure(featureMachine);
    const head = structuredClone(base);
    const first = head.transitions.find((t) => t.id === 'feature.idle:go:0')!;
    head.transitions.unshift({ ...first, id: 'feature.idle:go:new', guard: 'isAdmin' });
    const diff = diffMachines(base, head);
    expect(diff.addedTransitions.map((t) => t.guard)).toEqual(['isAdmin']);
    expect(diff.changedTransitions).toEqual([]);
  });
});
