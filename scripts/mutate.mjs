// `npm run test:mutate`: mutation testing of the machines (method in docs/testing.md). Plants
// one fault at a time in each registered machine's config, runs the model-based paths generated
// once from the original model against it, and reports per machine how many faults the paths
// caught (killed), missed (survived) or could not tell apart (equivalent).
//
//   --machine <name>      only this machine (repeatable, or comma-separated)
//   --budget-seconds <n>  per machine: stop building and running mutants once n seconds are
//                         spent, and say how many were not run (default: no limit)
//   --min-score <pct>     exit 1 when a machine's score (killed / (killed + survived)) is below
//                         it (default 90, the target; 0 reports only)
//
// Writes coverage/mutation-report.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { registry } from '../machines/index.ts';
import { generatePaths } from '../tests/model/modelKit.ts';
import { models } from '../tests/model/models.ts';
import { baselineOf, planMutants, runMutant } from '../tests/model/mutation/mutants.ts';

const reportFile = 'coverage/mutation-report.json';

const { values } = parseArgs({
  options: {
    machine: { type: 'string', multiple: true },
    'budget-seconds': { type: 'string' },
    'min-score': { type: 'string', default: '90' },
  },
});
const wanted = (values.machine ?? []).flatMap((name) => name.split(',')).filter(Boolean);
const unknown = wanted.filter((name) => !registry.some((entry) => entry.name === name));
if (unknown.length > 0) {
  console.error(
    `Unknown machine ${unknown.join(', ')}; known: ${registry.map((e) => e.name).join(', ')}.`,
  );
  process.exit(2);
}
const budgetSeconds =
  values['budget-seconds'] === undefined ? Infinity : Number(values['budget-seconds']);
const minScore = Number(values['min-score']);
if (!(budgetSeconds > 0) || !(minScore >= 0 && minScore <= 100)) {
  console.error('--budget-seconds must be a positive number and --min-score a percentage.');
  process.exit(2);
}

const entries = registry.filter((entry) => wanted.length === 0 || wanted.includes(entry.name));
const machines = [];
let baselineBroken = false;
for (const entry of entries) {
  const model = models[entry.name];
  if (!model) {
    console.error(`${entry.name}: no model in tests/model/models.ts, not mutated.`);
    baselineBroken = true;
    continue;
  }
  const started = performance.now();
  const deadline = started + budgetSeconds * 1000;
  const baseline = baselineOf(model, generatePaths(model));
  if (baseline.broken.length > 0) {
    console.error(
      `${entry.name}: ${baseline.broken.length} path(s) do not run as expected on the original ` +
        `machine (first: ${JSON.stringify(baseline.broken[0])}); its mutants would mean nothing.`,
    );
    baselineBroken = true;
    continue;
  }
  const plans = planMutants(model);
  const results = [];
  for (const plan of plans) {
    if (performance.now() > deadline) break;
    results.push(runMutant(model, baseline, plan));
  }
  const count = (status) => results.filter((result) => result.status === status).length;
  const killed = count('killed');
  const survived = count('survived');
  machines.push({
    name: entry.name,
    paths: baseline.paths.length,
    mutants: plans.length,
    run: results.length,
    notRun: plans.length - results.length,
    budgetSpent: results.length < plans.length,
    killed,
    survived,
    equivalent: count('equivalent'),
    score: killed + survived === 0 ? null : killed / (killed + survived),
    seconds: Math.round((performance.now() - started) / 100) / 10,
    survivors: results
      .filter((result) => result.status === 'survived')
      .map(({ description, operator, pathsRun }) => ({ description, operator, pathsRun })),
    equivalents: results
      .filter((result) => result.status === 'equivalent')
      .map(({ description, because }) => ({
        description,
        because: because ?? 'its resolved state tree is the original one',
      })),
    killedBy: results
      .filter((result) => result.status === 'killed')
      .map(({ description, divergence }) => ({
        description,
        path: divergence.path,
        step: divergence.step,
      })),
  });
}

mkdirSync('coverage', { recursive: true });
writeFileSync(
  reportFile,
  JSON.stringify(
    { budgetSeconds: budgetSeconds === Infinity ? null : budgetSeconds, machines },
    null,
    2,
  ) + '\n',
);

const percent = (score) => (score === null ? '-' : `${(100 * score).toFixed(0)}%`);
for (const machine of machines) {
  if (machine.survivors.length === 0) continue;
  console.log(`\n${machine.name}: ${machine.survivors.length} surviving mutant(s)`);
  for (const survivor of machine.survivors) {
    console.log(`  ${survivor.description} (${survivor.pathsRun} paths ran it)`);
  }
}
console.log('\nMutation testing (score = killed / (killed + survived); equivalents not counted)');
console.table(
  machines.map((machine) => ({
    machine: machine.name,
    paths: machine.paths,
    mutants: machine.mutants,
    killed: machine.killed,
    survived: machine.survived,
    equivalent: machine.equivalent,
    'not run (budget)': machine.notRun,
    score: percent(machine.score),
    seconds: machine.seconds,
  })),
);
const short = machines.filter(
  (machine) => machine.score !== null && 100 * machine.score < minScore,
);
const cut = machines.filter((machine) => machine.budgetSpent);
const killed = machines.reduce((sum, machine) => sum + machine.killed, 0);
const judged = machines.reduce((sum, machine) => sum + machine.killed + machine.survived, 0);
console.log(
  `${killed} of ${judged} non-equivalent mutants killed over ${machines.length} machine(s)` +
    (cut.length > 0
      ? `; the ${budgetSeconds} s budget ran out for ${cut.map((m) => `${m.name} (${m.notRun} not run)`).join(', ')}`
      : '; every planned mutant ran') +
    (short.length > 0
      ? `; below ${minScore}%: ${short.map((m) => `${m.name} ${percent(m.score)}`).join(', ')}.`
      : '.') +
    ` Report: ${reportFile}.`,
);
process.exit(baselineBroken || short.length > 0 ? 1 : 0);
