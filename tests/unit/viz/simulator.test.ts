import { describe, expect, it, vi } from 'vitest';
import { createMachine } from 'xstate';
import { Simulator } from '../../../src/viz/simulate/simulator.ts';
import { extractStructure, type TransitionStructure } from '../../../src/viz/structure.ts';
import { registry } from '../../../machines/index.ts';
import { sampleInputs } from '../../../src/viz/simulate/sampleInputs.ts';
import { featureMachine } from './fixtures.ts';

const structure = extractStructure(featureMachine);
const transition = (id: string): TransitionStructure => {
  const found = structure.transitions.find((t) => t.id === id);
  if (!found) throw new Error(`no transition ${id}`);
  return found;
};

function started() {
  const simulator = new Simulator(featureMachine, structure, undefined);
  simulator.start();
  return simulator;
}

describe('Simulator', () => {
  it('starts in the initial state with only its transitions enabled', () => {
    const view = started().getView();
    expect(view.value).toBe('idle');
    expect([...view.activeIds]).toEqual(['feature', 'feature.idle']);
    // Not `go:1`: its guard is never asked, `canGo` says yes first, so `go` takes `go:0`.
    expect([...view.enabledTransitionIds].sort()).toEqual([
      'feature.idle:go:0',
      'feature.idle:poke:0',
    ]);
    expect(view.log).toMatchObject([{ step: 0, eventType: 'xstate.init', context: { tries: 2 } }]);
  });

  it('sends events with the payload and logs the context after each step', () => {
    const simulator = started();
    simulator.fire(transition('feature.idle:poke:0'), { note: 'hi' });
    simulator.fire(transition('feature.idle:go:0'), {});
    const view = simulator.getView();
    expect(view.value).toBe('loading');
    expect(view.log.map((entry) => entry.eventType)).toEqual(['xstate.init', 'poke', 'go']);
    expect(view.log[1]).toMatchObject({ event: { type: 'poke', note: 'hi' }, changed: false });
    expect(view.log[2]).toMatchObject({ value: 'loading', changed: true });
  });

  it('keeps invoked actors pending until their done edge is clicked, with the output', async () => {
    const simulator = started();
    simulator.fire(transition('feature.idle:go:0'), {});
    expect(simulator.getView().enabledTransitionIds).toContain(
      'feature.loading:xstate.done.actor.fetch:0',
    );
    const settled = new Promise<void>((resolve) =>
      simulator.subscribe(() => {
        if (simulator.getView().activeIds.has('feature.ready')) resolve();
      }),
    );
    simulator.fire(transition('feature.loading:xstate.done.actor.fetch:0'), { id: 7 });
    await settled;
    const view = simulator.getView();
    // The eventless transition in the download region was taken at once.
    expect(view.value).toEqual({ ready: { upload: 'pending', download: 'got' } });
    expect(view.log.at(-1)).toMatchObject({
      eventType: 'xstate.done.actor.fetch',
      event: { output: { id: 7 } },
    });
  });

  it('settles an invoked actor with an error from its error edge', async () => {
    const simulator = started();
    simulator.fire(transition('feature.idle:go:0'), {});
    const failed = new Promise<void>((resolve) =>
      simulator.subscribe(() => {
        if (simulator.getView().value === 'failed') resolve();
      }),
    );
    simulator.fire(transition('feature.loading:xstate.error.actor.fetch:0'), { code: 'network' });
    await failed;
    expect(simulator.getView().log.at(-1)).toMatchObject({
      eventType: 'xstate.error.actor.fetch',
      event: { error: { code: 'network' } },
    });
  });

  it('fires a delayed transition early instead of waiting for the timer', () => {
    const simulator = started();
    simulator.fire(transition('feature.idle:go:0'), {});
    simulator.fire(transition('feature.loading:xstate.after.3000.feature.loading:0'), {});
    expect(simulator.getView().value).toBe('failed');
  });

  it('resets to the initial state with an empty log', () => {
    const simulator = started();
    simulator.fire(transition('feature.idle:go:0'), {});
    simulator.start();
    expect(simulator.getView().value).toBe('idle');
    expect(simulator.getView().log).toHaveLength(1);
  });

  it('reports a machine that cannot start (missing input) instead of throwing', () => {
    const needsInput = createMachine({
      id: 'needsInput',
      context: ({ input }: { input: { locale: string } }) => ({ region: input.locale.slice(3) }),
      initial: 'a',
      states: { a: {} },
    });
    const simulator = new Simulator(needsInput, extractStructure(needsInput), undefined);
    simulator.start();
    expect(simulator.getView().error).toMatch(/locale/);
    expect(simulator.getView().enabledTransitionIds.size).toBe(0);
  });

  it('logs the transitions a step took, and tells an ignored event from a handled one', () => {
    const simulator = started();
    simulator.fire(transition('feature.idle:poke:0'), {});
    simulator.fire(transition('feature.idle:go:0'), {});
    const [, poke, go] = simulator.getView().log;
    expect(poke).toMatchObject({ outcome: 'handled', taken: ['feature.idle:poke:0'] });
    expect(go).toMatchObject({ outcome: 'moved', taken: ['feature.idle:go:0'] });
  });
});

describe('Simulator on onboarding: an arrow clicked is the arrow taken', () => {
  const onboarding = registry.find((entry) => entry.name === 'onboarding')!.machine;
  const onboardingStructure = extractStructure(onboarding);
  const arrow = (id: string) => onboardingStructure.transitions.find((t) => t.id === id)!;
  const typing = 'onboarding.code.entry.editing:code.changed:1';
  const completing = 'onboarding.code.entry.editing:code.changed:0';

  function atTheCodeStep() {
    const simulator = new Simulator(onboarding, onboardingStructure, sampleInputs.onboarding);
    simulator.start();
    simulator.fire(arrow('onboarding.phone:phone.changed:0'), { text: '4155550132' });
    simulator.fire(arrow('onboarding.phone:phone.submitted:0'), {});
    const done = onboardingStructure.transitions.find(
      (t) => t.sourceId === 'onboarding.requestingCode' && t.kind === 'done.actor',
    )!;
    simulator.fire(done, { resendAfterMs: 30_000, expiresInMs: 600_000 });
    return simulator;
  }

  it('greys out the arrow its event would not take with this payload', async () => {
    const simulator = atTheCodeStep();
    await vi.waitFor(() =>
      expect(simulator.getView().activeIds.has('onboarding.code.entry.editing')).toBe(true),
    );
    simulator.setPayload({ text: '123456' });
    expect(simulator.getView().enabledTransitionIds.has(completing)).toBe(true);
    expect(simulator.getView().enabledTransitionIds.has(typing)).toBe(false);
    simulator.setPayload({ text: '12' });
    expect(simulator.getView().enabledTransitionIds.has(typing)).toBe(true);
    expect(simulator.getView().enabledTransitionIds.has(completing)).toBe(false);
  });

  it('does not take another arrow when the clicked one cannot fire, and says why', async () => {
    const simulator = atTheCodeStep();
    await vi.waitFor(() =>
      expect(simulator.getView().activeIds.has('onboarding.code.entry.editing')).toBe(true),
    );
    const before = simulator.getView().log.length;
    // Six digits complete the code: `code.changed` would take the other arrow (to verifying).
    simulator.fire(arrow(typing), { text: '123456' });
    const view = simulator.getView();
    expect(view.activeIds.has('onboarding.code.entry.editing')).toBe(true);
    expect(view.log).toHaveLength(before);
    expect(view.error).toMatch(
      /cannot fire now: .*code\.changed takes onboarding\.code\.entry\.editing:code\.changed:0/,
    );
    simulator.fire(arrow(typing), { text: '12' });
    expect(simulator.getView().log.at(-1)).toMatchObject({ outcome: 'handled', taken: [typing] });
  });
});
