import { describe, expect, it } from 'vitest';
import { createMachine } from 'xstate';
import { Simulator } from '../../../src/viz/simulate/simulator.ts';
import { extractStructure, type TransitionStructure } from '../../../src/viz/structure.ts';
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
    expect([...view.enabledTransitionIds].sort()).toEqual([
      'feature.idle:go:0',
      'feature.idle:go:1',
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
});
