// `npm run viz:export`: writes docs/machines/ from the machine registry.
// `npm run viz:check` (`--check`): writes nothing; exits 1 naming every stale file, so a
// machine change without a fresh export fails CI.
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { registry } from '../../machines/index.ts';
import { machineFiles } from './export/machineFiles.ts';
import { staleFiles, writeFiles } from './export/sync.ts';

const { values } = parseArgs({
  options: { check: { type: 'boolean', default: false }, out: { type: 'string' } },
});
const outDir = values.out ?? join(import.meta.dirname, '..', '..', 'docs', 'machines');
const shown = relative(process.cwd(), outDir) || '.';
const files = await machineFiles(registry);

if (values.check) {
  const stale = await staleFiles(outDir, files);
  if (stale.length > 0) {
    console.error(`viz:check: ${stale.length} exported file(s) in ${shown} are stale:`);
    for (const { file, reason } of stale) console.error(`  ${join(shown, file)} (${reason})`);
    console.error('Run `npm run viz:export` and commit the result.');
    process.exit(1);
  }
  console.log(`viz:check: ${files.size} files in ${shown} match the ${registry.length} machines`);
} else {
  const written = await writeFiles(outDir, files);
  console.log(
    written.length === 0
      ? `viz:export: ${shown} already up to date (${files.size} files)`
      : `viz:export: updated ${written.map((f) => join(shown, f)).join(', ')}`,
  );
}
