// `npm run bench` (full), `npm run bench -- --quick` (under 3 minutes on 2 cores) and
// `--quick --smoke` (CI: under 90 s, fails only on a crash, never on timing). Prints the tables
// and writes bench/results/latest.json (smoke: bench/results/smoke.tmp.json).
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  environment,
  formatTable,
  type Results,
  type Row,
  skippedRow,
  writeResults,
} from './lib/rows.ts';
import { runBigGroup } from './suites/bigGroup.ts';
import { runCluster } from './suites/cluster.ts';
import { runManyDms } from './suites/manyDms.ts';
import { runModelTests } from './suites/modelTests.ts';
import { runPayload } from './suites/payload.ts';
import { profiles, type ProfileName } from './profiles.ts';
import { runRenderer } from './suites/renderer.ts';
import { runSearch } from './suites/search.ts';
import { runServerLoad } from './suites/serverLoad.ts';
import { judgeTargets } from './targets.ts';

const usage = `usage: npm run bench -- [--quick] [--smoke] [--only server|renderer|search|dms]
  (none)     the full run: the figures docs/benchmarks.md publishes
  --quick    smaller durations and sizes, under 3 minutes on 2 cores
  --smoke    with --quick in CI: fails only on a crash, writes smoke.tmp.json
  --only x   just the server part, the renderer part, or one part of server: message search
             or issue 17's workloads (dms: many DMs, then the 200-member group)`;

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    smoke: { type: 'boolean', default: false },
    only: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const parts = ['server', 'renderer', 'search', 'dms'];
if (values.only !== undefined && !parts.includes(values.only)) {
  console.error(usage);
  process.exit(2);
}

const mode: ProfileName = values.smoke ? 'smoke' : values.quick ? 'quick' : 'full';
const profile = profiles[mode];
const log = (line: string) => console.log(`[bench ${mode}] ${line}`);
const started = performance.now();

/** A suite that fails becomes a row saying so: in smoke mode only a crash of the bench fails. */
async function guarded(name: string, suite: () => Promise<Row[]>): Promise<Row[]> {
  try {
    return await suite();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    log(`${name} failed: ${reason}`);
    failures.push(`${name}: ${reason.split('\n')[0]}`);
    return [skippedRow(name, '-', '-', `failed: ${reason.split('\n')[0]}`)];
  }
}
const failures: string[] = [];

const server: Row[] = [];
const renderer: Row[] = [];
if (values.only === undefined || values.only === 'server') {
  server.push(...(await guarded('server load', () => runServerLoad(profile.load, log))));
}
if (values.only === undefined || values.only === 'server' || values.only === 'dms') {
  server.push(...(await guarded('many DMs', () => runManyDms(profile.manyDms, log))));
  server.push(...(await guarded('group', () => runBigGroup(profile.bigGroup, log))));
}
if (values.only === undefined || values.only === 'server') {
  server.push(
    ...(await guarded('channelUpdate payload', () =>
      runPayload(profile.load.stores, profile.payloadMembers, log),
    )),
  );
  server.push(...(await guarded('cluster', () => runCluster(profile.cluster, log))));
}
if (values.only !== 'renderer' && values.only !== 'dms') {
  server.push(...(await guarded('message search', () => runSearch(profile.search, log))));
}
if (values.only === undefined || values.only === 'renderer') {
  renderer.push(...(await guarded('renderer', () => runRenderer(profile.renderer, log))));
  if (profile.modelTests)
    renderer.push(...(await guarded('model tests', () => runModelTests(log))));
}

const results: Results = {
  server,
  renderer,
  env: { ...environment(mode), seconds: Math.round((performance.now() - started) / 1000) },
};
console.log(formatTable('Server', server));
console.log(formatTable('Renderer and developer figures', renderer));
console.log('\nTargets (issues 7, 16 and 17)');
for (const { target, result, met } of judgeTargets(results)) {
  console.log(`  ${met === null ? 'n/a   ' : met ? 'met   ' : 'MISSED'}  ${target}: ${result}`);
}
const file = path.join(
  import.meta.dirname,
  'results',
  mode === 'smoke' || values.only
    ? `${mode}${values.only ? `-${values.only}` : ''}.tmp.json`
    : 'latest.json',
);
writeResults(file, results);
console.log(
  `\n${mode} run took ${results.env.seconds} s; wrote ${path.relative(process.cwd(), file)}`,
);
if (failures.length > 0) {
  console.error(`\nsuites that failed:\n  ${failures.join('\n  ')}`);
  process.exit(1);
}
