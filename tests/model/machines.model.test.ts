// Model-based tests for every machine in the registry: paths generated with xstate/graph are
// executed against the machine, and every state and transition must be covered by a path.
import { mkdirSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { registry } from '../../machines/index.ts';
import { generatePaths, measureCoverage, runPath, type MachineCoverage } from './modelKit.ts';
import { models } from './models.ts';

const coverage: MachineCoverage[] = [];

afterAll(() => {
  mkdirSync('coverage', { recursive: true });
  const machines = registry.map((entry) => coverage.find((c) => c.name === entry.name) ?? null);
  writeFileSync(
    'coverage/model-coverage.json',
    JSON.stringify({ machines: machines.filter(Boolean) }, null, 2) + '\n',
  );
});

describe.each(registry.map((entry) => [entry.name, entry] as const))('%s', (name, entry) => {
  it('has a model', () => {
    expect(models[name], `add a model for "${name}" in tests/model/models.ts`).toBeDefined();
  });

  it('every generated path runs as the model says, covering every state and transition', () => {
    const model = models[name];
    if (!model) throw new Error(`no model for ${name}`);
    const paths = generatePaths(model);
    expect(paths.length).toBeGreaterThan(0);
    const runs = paths.map((path) => runPath(model, path));
    const result = measureCoverage(name, entry.machine, runs);
    coverage.push(result);
    expect(result.uncoveredStateIds).toEqual([]);
    expect(result.uncoveredTransitionIds).toEqual([]);
    expect(result.states.covered).toBe(result.states.total);
    expect(result.transitions.covered).toBe(result.transitions.total);
    // The conversation's paths (its regions' combinations) take the longest: 20-70 s on 2 cores.
  }, 180_000);
});
