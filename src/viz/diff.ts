// `npm run viz:diff -- <git-ref>`: what changed in the machines since <git-ref> (default HEAD),
// as viz-diff/<name>.svg (green added, red removed, amber changed) and viz-diff/SUMMARY.md.
import { execFileSync } from 'node:child_process';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runDiff } from './diff/runDiff.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { out: { type: 'string' } },
});
const ref = positionals[0] ?? 'HEAD';
const repoDir = execFileSync('git', ['rev-parse', '--show-toplevel'], { encoding: 'utf8' }).trim();
const outDir = values.out ? resolve(values.out) : join(repoDir, 'viz-diff');

try {
  const run = await runDiff({ repoDir, ref, outDir });
  console.log(run.summary);
  console.log(`viz:diff: wrote ${relative(process.cwd(), join(outDir, 'SUMMARY.md'))}`);
} catch (error) {
  console.error(`viz:diff: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
