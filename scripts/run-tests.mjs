// `npm test`: every Vitest project (unit, server integration, model-based, e2e), then the
// exported-diagram check. Vitest's own summary is not read by CI, so this prints the plain
// closing line `N passed, N failed` computed from Vitest's JSON report.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';

const reportFile = 'test-results/vitest.json';
mkdirSync('test-results', { recursive: true });
const vitest = spawnSync(
  'npx',
  [
    'vitest',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${reportFile}`,
    ...process.argv.slice(2),
  ],
  { stdio: 'inherit' },
);

let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync(reportFile)) {
  const report = JSON.parse(readFileSync(reportFile, 'utf8'));
  passed = report.numPassedTests ?? 0;
  failed = report.numFailedTests ?? 0;
  skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  // A file that failed to load has no tests in it but must still count as a failure.
  for (const file of report.testResults ?? []) {
    if (file.status === 'failed' && (file.assertionResults ?? []).length === 0) failed += 1;
  }
} else {
  failed += 1;
}
if (vitest.status !== 0 && failed === 0) failed += 1;

// The exported machine diagrams must match the machines (issue: visualizer).
if (existsSync('src/viz/export.ts')) {
  const check = spawnSync('node', ['src/viz/export.ts', '--check'], { stdio: 'inherit' });
  if (check.status === 0) passed += 1;
  else failed += 1;
}

writeFileSync('test-results/summary.json', JSON.stringify({ passed, failed, skipped }) + '\n');
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed === 0 ? 0 : 1);
