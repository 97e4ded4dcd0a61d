// Writes generated files into a directory, or checks that it already holds exactly them.
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface StaleFile {
  file: string;
  reason: 'missing' | 'differs' | 'not generated';
}

/** Files that differ from what would be written; `.gitkeep`-style dotfiles are ignored. */
export async function staleFiles(dir: string, files: Map<string, string>): Promise<StaleFile[]> {
  const present = new Set(
    (await readdir(dir).catch(() => [] as string[])).filter((name) => !name.startsWith('.')),
  );
  const stale: StaleFile[] = [];
  for (const [name, content] of files) {
    if (!present.has(name)) {
      stale.push({ file: name, reason: 'missing' });
    } else if ((await readFile(join(dir, name), 'utf8')) !== content) {
      stale.push({ file: name, reason: 'differs' });
    }
    present.delete(name);
  }
  for (const name of [...present].sort()) stale.push({ file: name, reason: 'not generated' });
  return stale;
}

/** Makes `dir` hold exactly `files`: writes changed ones, removes ones no longer generated. */
export async function writeFiles(dir: string, files: Map<string, string>): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const stale = await staleFiles(dir, files);
  for (const { file, reason } of stale) {
    if (reason === 'not generated') await rm(join(dir, file));
    else await writeFile(join(dir, file), files.get(file) ?? '');
  }
  return stale.map((s) => s.file);
}
