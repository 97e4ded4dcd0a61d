// Loads the machine registry of the working tree, or of any git ref: `git archive` of machines/
// and server/protocol.ts into a temporary directory (with node_modules symlinked so imports
// resolve), then Node imports its machines/index.ts like any other module.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ExportableMachine } from '../export/machineFiles.ts';

export interface LoadedRegistry {
  /** The resolved commit, or 'working tree'. */
  commit: string;
  entries: readonly ExportableMachine[];
}

const git = (repoDir: string, args: string[]) =>
  execFileSync('git', args, { cwd: repoDir, maxBuffer: 256 * 1024 * 1024 });

/** The node_modules the working tree uses: the repository's own, else the visualizer's. */
function nodeModulesFor(repoDir: string): string {
  for (let dir = repoDir; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'node_modules'))) return join(dir, 'node_modules');
    if (dirname(dir) === dir) break;
  }
  return join(import.meta.dirname, '..', '..', '..', 'node_modules');
}

async function importRegistry(indexFile: string): Promise<ExportableMachine[]> {
  const module = (await import(pathToFileURL(indexFile).href)) as { registry?: unknown };
  if (!Array.isArray(module.registry)) {
    throw new Error(`${indexFile} does not export a registry array`);
  }
  return module.registry as ExportableMachine[];
}

export async function loadWorkingRegistry(repoDir: string): Promise<LoadedRegistry> {
  const index = join(repoDir, 'machines', 'index.ts');
  return { commit: 'working tree', entries: existsSync(index) ? await importRegistry(index) : [] };
}

export function resolveCommit(repoDir: string, ref: string): string {
  if (ref.startsWith('-')) throw new Error(`not a git ref: ${ref}`);
  try {
    return git(repoDir, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])
      .toString()
      .trim();
  } catch {
    throw new Error(`unknown git ref: ${ref}`);
  }
}

export async function loadRegistryAt(repoDir: string, ref: string): Promise<LoadedRegistry> {
  const commit = resolveCommit(repoDir, ref);
  const paths = git(repoDir, [
    'ls-tree',
    '-r',
    '--name-only',
    commit,
    '--',
    'machines',
    'server/protocol.ts',
  ])
    .toString()
    .split('\n')
    .filter(Boolean);
  // Before the registry existed there were no machines to compare.
  if (!paths.includes('machines/index.ts')) return { commit, entries: [] };

  const dir = await mkdtemp(join(tmpdir(), 'parley-viz-diff-'));
  try {
    const archive = git(repoDir, ['archive', '--format=tar', commit, '--', ...paths]);
    execFileSync('tar', ['-x', '-C', dir], { input: archive });
    await symlink(nodeModulesFor(repoDir), join(dir, 'node_modules'), 'dir');
    await writeFile(join(dir, 'package.json'), '{ "type": "module", "private": true }\n');
    // The temporary path is unique, so Node's module cache never serves another version.
    return { commit, entries: await importRegistry(join(dir, 'machines', 'index.ts')) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
