// `npm run test:model`: runs the model-based suite with every generated path
// (PARLEY_MODEL_PATHS=all; `npm test` runs a covering subset of the adapters' paths), then prints
// the coverage it wrote: per machine as run by itself (coverage/model-coverage.json) and per
// adapter as it ran inside the real implementation (coverage/model-real/<adapter>.json, merged
// into model-coverage.json as `real`). Fails when the suite failed, when any machine is below 100%
// of its states or transitions, or when a registry machine has no adapter against its real
// implementation. PARLEY_MODEL_REPLAY=<fixture file or folder> replays saved failures instead.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';

const reportFile = 'coverage/model-coverage.json';
const realDir = 'coverage/model-real';
const replaying = Boolean(process.env.PARLEY_MODEL_REPLAY);
rmSync(reportFile, { force: true });
rmSync(realDir, { recursive: true, force: true });
// Replaying runs the adapters only (the fixtures are theirs), and must run every saved path.
const files = replaying ? ['tests/model/adapters', 'tests/model/onboarding.views.test.tsx'] : [];
const vitest = spawnSync(
  'npx',
  ['vitest', 'run', '--project', 'model', ...files, ...process.argv.slice(2)],
  {
    stdio: 'inherit',
    env: { ...process.env, PARLEY_MODEL_PATHS: process.env.PARLEY_MODEL_PATHS ?? 'all' },
  },
);
const adapterReports = () =>
  existsSync(realDir)
    ? readdirSync(realDir)
        .filter((name) => name.endsWith('.json'))
        .sort()
        .map((name) => JSON.parse(readFileSync(`${realDir}/${name}`, 'utf8')))
    : [];
if (replaying) {
  const fixtures = process.env.PARLEY_MODEL_REPLAY.split(',').flatMap((entry) =>
    existsSync(entry) && statSync(entry).isDirectory()
      ? readdirSync(entry).filter((name) => name.endsWith('.json'))
      : [entry],
  );
  const replayed = adapterReports().reduce((sum, entry) => sum + (entry.replayed ?? 0), 0);
  if (replayed < fixtures.length) {
    console.error(
      `${fixtures.length} fixture(s) given, ${replayed} replayed: a fixture names no adapter.`,
    );
    process.exit(1);
  }
  process.exit(vitest.status === 0 ? 0 : 1);
}

if (!existsSync(reportFile)) {
  console.error(`${reportFile} was not written: the model suite did not run to the end.`);
  process.exit(1);
}
const report = JSON.parse(readFileSync(reportFile, 'utf8'));
const { machines } = report;
const percent = ({ covered, total }) => (total === 0 ? 100 : (100 * covered) / total);
const cell = (measure) => `${measure.covered}/${measure.total} (${percent(measure).toFixed(0)}%)`;
const row = (coverage) => ({
  states: cell(coverage.states),
  transitions: cell(coverage.transitions),
  'guards (true and false)': cell(coverage.guards),
  'transition pairs': cell(coverage.pairs),
  paths: coverage.paths,
});
console.log('\nModel-based coverage: each machine run by itself');
console.table(machines.map((machine) => ({ machine: machine.name, ...row(machine) })));

const real = adapterReports();
console.log('\nModel-based coverage: the same paths against the real implementations');
console.table(
  real.map((entry) => ({
    adapter: entry.adapter,
    machine: entry.machine,
    ...row(entry),
    'skipped (not producible)': entry.unproducible ?? 0,
  })),
);
writeFileSync(reportFile, JSON.stringify({ ...report, real }, null, 2) + '\n');

const short = machines.filter(
  (machine) => percent(machine.states) < 100 || percent(machine.transitions) < 100,
);
for (const machine of short) {
  console.error(
    `${machine.name}: uncovered transitions ${machine.uncoveredTransitionIds.join(', ')}`,
  );
}
const withoutAdapter = machines
  .map((machine) => machine.name)
  .filter((name) => !real.some((entry) => entry.machine === name && entry.paths > 0));
if (withoutAdapter.length > 0) {
  console.error(`No adapter ran against the real implementation of: ${withoutAdapter.join(', ')}`);
}
if (machines.length === 0) console.error('No machine was measured.');
const ok =
  vitest.status === 0 && short.length === 0 && withoutAdapter.length === 0 && machines.length > 0;
process.exit(ok ? 0 : 1);
