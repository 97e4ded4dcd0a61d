// `npm run test:model`: runs the model-based suite, then prints the coverage it wrote to
// coverage/model-coverage.json as a table and fails when any machine is below 100% of its
// states or transitions (or the suite itself failed).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';

const reportFile = 'coverage/model-coverage.json';
rmSync(reportFile, { force: true });
const vitest = spawnSync('npx', ['vitest', 'run', '--project', 'model'], { stdio: 'inherit' });

if (!existsSync(reportFile)) {
  console.error(`${reportFile} was not written: the model suite did not run to the end.`);
  process.exit(1);
}
const { machines } = JSON.parse(readFileSync(reportFile, 'utf8'));
const percent = ({ covered, total }) => (total === 0 ? 100 : (100 * covered) / total);
const rows = machines.map((machine) => ({
  machine: machine.name,
  states: `${machine.states.covered}/${machine.states.total} (${percent(machine.states).toFixed(0)}%)`,
  transitions: `${machine.transitions.covered}/${machine.transitions.total} (${percent(machine.transitions).toFixed(0)}%)`,
  'guards (true and false)': `${machine.guards.covered}/${machine.guards.total} (${percent(machine.guards).toFixed(0)}%)`,
  'transition pairs': `${machine.pairs.covered}/${machine.pairs.total} (${percent(machine.pairs).toFixed(0)}%)`,
  paths: machine.paths,
}));
console.log('\nModel-based coverage');
console.table(rows);

const short = machines.filter(
  (machine) => percent(machine.states) < 100 || percent(machine.transitions) < 100,
);
for (const machine of short) {
  console.error(
    `${machine.name}: uncovered transitions ${machine.uncoveredTransitionIds.join(', ')}`,
  );
}
if (machines.length === 0) console.error('No machine was measured.');
process.exit(vitest.status === 0 && short.length === 0 && machines.length > 0 ? 0 : 1);
