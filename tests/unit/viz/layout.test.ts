// The diagram layout keeps parallel machines narrow: regions are stacked top to bottom, so the
// signed-in machines fit a 1440 px wide screen (a conversation has five regions).
import { describe, expect, it } from 'vitest';
import { createMachine } from 'xstate';
import { conversationMachine, messengerMachine } from '../../../machines/index.ts';
import { layoutStatechart } from '../../../src/viz/layout.ts';
import { extractStructure } from '../../../src/viz/structure.ts';

const threeRegions = createMachine({
  id: 'parallel',
  type: 'parallel',
  states: {
    a: { initial: 'a1', states: { a1: { on: { GO: 'a2' } }, a2: {} } },
    b: { initial: 'b1', states: { b1: { on: { GO: 'b2' } }, b2: {} } },
    c: { initial: 'c1', states: { c1: { on: { GO: 'c2' } }, c2: {} } },
  },
});

describe('layout of parallel states', () => {
  it('stacks the regions, each below the one before, and draws no edge between them', async () => {
    const layout = await layoutStatechart(extractStructure(threeRegions));
    const region = (id: string) => layout.states.find((s) => s.state.id === id);
    const [a, b, c] = ['parallel.a', 'parallel.b', 'parallel.c'].map(region);
    if (!a || !b || !c) throw new Error('a region is missing from the layout');
    expect(b.y).toBeGreaterThanOrEqual(a.y + a.height);
    expect(c.y).toBeGreaterThanOrEqual(b.y + b.height);
    expect(layout.edges.map((edge) => edge.transition.label)).toEqual(['GO', 'GO', 'GO']);
  });

  it.each([
    ['conversation', conversationMachine],
    ['messenger', messengerMachine],
  ])('fits the %s diagram into a 1440 px wide window', async (_name, machine) => {
    const layout = await layoutStatechart(extractStructure(machine));
    expect(layout.width).toBeLessThanOrEqual(1440);
  });
});
