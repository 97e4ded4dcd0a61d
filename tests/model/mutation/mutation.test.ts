// The mutation tester (mutants.ts, run by `npm run test:mutate`) on the faults issue 13 names:
// each must be generated and killed by the model-based paths, and a mutant that changes nothing
// must not be counted against the paths.
import { beforeAll, describe, expect, it } from 'vitest';
import { generatePaths } from '../modelKit.ts';
import { models } from '../models.ts';
import {
  baselineOf,
  planMutants,
  runMutant,
  runPathQuietly,
  type Baseline,
  type MutantPlan,
} from './mutants.ts';

const model = models.outgoingMessage!;
let baseline: Baseline;
let plans: MutantPlan[];

beforeAll(() => {
  baseline = baselineOf(model, generatePaths(model));
  plans = planMutants(model);
});

const plan = (description: string): MutantPlan => {
  const found = plans.find((candidate) => candidate.description === description);
  if (!found) throw new Error(`no mutant "${description}"`);
  return found;
};

describe('mutation testing of outgoingMessage', () => {
  it('runs every path of the original machine as expected (no divergence to begin with)', () => {
    expect(baseline.paths.length).toBeGreaterThan(0);
    expect(baseline.broken).toEqual([]);
  });

  it('kills "a user-fixable rejection goes back to queued": the message would never leave the outbox', () => {
    const result = runMutant(
      model,
      baseline,
      plan('outgoingMessage: sending on message.rejected[2]: retargeted to queued'),
    );
    expect(result.status).toBe('killed');
    // Seen where the path expects `failed` after the text_too_long rejection.
    expect(result.divergence?.expected).toMatchObject({ value: 'failed' });
    expect(result.divergence?.got).toMatchObject({ value: 'queued' });
  });

  it('kills "after the rate-limit wait go to queued": it would reconnect instead of resending', () => {
    const result = runMutant(
      model,
      baseline,
      plan('outgoingMessage: rateLimited after rateLimitWait[0]: retargeted to queued'),
    );
    expect(result.status).toBe('killed');
    expect(result.divergence?.event).toBe('xstate.after.rateLimitWait.outgoingMessage.rateLimited');
    expect(result.divergence?.expected).toMatchObject({ value: 'sending' });
    expect(result.divergence?.got).toMatchObject({ value: 'queued' });
  });

  it('reports a retarget to the state already targeted as equivalent, without running it', () => {
    // The transient-failure alternative already goes to `queued`.
    const result = runMutant(
      model,
      baseline,
      plan('outgoingMessage: sending on message.rejected[3]: retargeted to queued'),
    );
    expect(result).toMatchObject({ status: 'equivalent', pathsRun: 0 });
  });

  it("declares as equivalent only mutants it plans, and doesn't run them", () => {
    for (const machineModel of Object.values(models)) {
      const planned = new Map(planMutants(machineModel).map((m) => [m.description, m]));
      for (const description of Object.keys(machineModel.equivalentMutants ?? {})) {
        expect([description, planned.has(description)]).toEqual([description, true]);
        const result = runMutant(machineModel, baseline, planned.get(description)!);
        expect([description, result.status]).toEqual([description, 'equivalent']);
      }
    }
  });

  it('gives each mutant a distinct, stable description', () => {
    const descriptions = plans.map((candidate) => candidate.description);
    expect(new Set(descriptions).size).toBe(descriptions.length);
    expect(planMutants(model).map((candidate) => candidate.description)).toEqual(descriptions);
  });

  it('reports a divergence instead of throwing, and a crash as a divergence', () => {
    const path = baseline.paths.find((candidate) => candidate.steps.length > 0)!;
    const wrong = {
      ...path,
      steps: path.steps.map((step, index) =>
        index === 0 ? { ...step, expected: { ...step.expected, value: 'nowhere' } } : step,
      ),
    };
    expect(runPathQuietly(model, model.machine, wrong)).toMatchObject({
      path: path.description,
      step: 1,
      expected: { value: 'nowhere' },
    });
    // Eventless transitions that lead round in a circle (restoring -> queued -> restoring) would
    // hang the run: the loop is cut and counted as a kill.
    const circle: MutantPlan = {
      description: 'outgoingMessage: queued always: back to restoring (hand-made)',
      operator: 'retarget',
      stateId: 'outgoingMessage.restoring',
      apply: (config) => {
        const states = config.states as Record<string, Record<string, unknown>>;
        states.queued!.always = 'restoring';
      },
    };
    const loop = runMutant(model, baseline, circle);
    expect(loop.status).toBe('killed');
    expect(JSON.stringify(loop.divergence?.got)).toMatch(/microsteps/);
  });
});

describe('what a step tells other actors', () => {
  it('kills a dropped command to the socket: entering `sending` must send the message', () => {
    const dropped = plans.find(
      (candidate) =>
        candidate.operator === 'dropEntryAction' &&
        candidate.description.startsWith('outgoingMessage: sending entry'),
    );
    expect(dropped, 'the sending state tells the socket on entry').toBeDefined();
    const result = runMutant(model, baseline, dropped!);
    expect(result.status).toBe('killed');
    expect(result.divergence?.expected).toMatchObject({
      sends: [{ to: 'socket', type: 'sendMessage', clientMessageId: 'p-1' }],
    });
    expect(result.divergence?.got).toMatchObject({ sends: [] });
  });
});

describe('equivalent by rule', () => {
  it('does not run a targetless transition sent to its own atomic state, and says why', () => {
    const messenger = models.messenger!;
    const rulePlan = planMutants(messenger).find(
      (candidate) =>
        candidate.description ===
        'messenger: ready.selection.viewing on conversation.selected[0]: retargeted to viewing',
    );
    expect(rulePlan?.equivalentBecause).toMatch(/neither leaves nor enters/);
    const messengerBaseline = baselineOf(messenger, generatePaths(messenger));
    expect(runMutant(messenger, messengerBaseline, rulePlan!)).toMatchObject({
      status: 'equivalent',
      pathsRun: 0,
    });
    // Entry actions do not matter: XState does not enter it again (`link.online` gives the
    // outbox its turn on entry, and is still equivalent so).
    const withEntry = planMutants(models.conversation!).find(
      (candidate) =>
        candidate.description ===
        'conversation: link.online on conversation.synced[0]: retargeted to online',
    );
    expect(withEntry?.equivalentBecause).toBeDefined();
    // A retarget to a sibling is no such case.
    const toSibling = planMutants(models.conversation!).find(
      (candidate) =>
        candidate.description ===
        'conversation: link.online on conversation.synced[0]: retargeted to offline',
    );
    expect(toSibling).toBeDefined();
    expect(toSibling!.equivalentBecause).toBeUndefined();
  });
});

// A quick smoke of `npm run test:mutate` inside `npm test`: a fixed sample of each machine's
// mutants (every 8th, mixed by operator), which the paths must mostly kill. The full run and its
// >= 90% per machine is `npm run test:mutate -- --min-score 90`.
describe.each(Object.keys(models))('mutation smoke: %s', (name) => {
  it('kills at least 85% of a fixed sample of its non-equivalent mutants', () => {
    const machineModel = models[name]!;
    const machineBaseline = baselineOf(machineModel, generatePaths(machineModel));
    expect(machineBaseline.broken).toEqual([]);
    const sample = planMutants(machineModel).filter((_, index) => index % 8 === 0);
    const results = sample.map((candidate) => runMutant(machineModel, machineBaseline, candidate));
    const killed = results.filter((result) => result.status === 'killed').length;
    const survived = results.filter((result) => result.status === 'survived');
    expect(killed + survived.length).toBeGreaterThan(0);
    expect(
      killed / (killed + survived.length),
      `survivors: ${survived.map((result) => result.description).join('; ')}`,
    ).toBeGreaterThanOrEqual(0.85);
    // The conversation's sample (its paths times every 8th of its mutants) takes longest.
  }, 180_000);
});
