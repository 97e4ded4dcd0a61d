import { describe, expect, it } from 'vitest';
import { createMachine } from 'xstate';
import {
  allStates,
  extractStructure,
  type TransitionStructure,
} from '../../../src/viz/structure.ts';
import { featureMachine } from './fixtures.ts';

const structure = extractStructure(featureMachine);
const state = (id: string) => {
  const found = allStates(structure).find((s) => s.id === id);
  if (!found) throw new Error(`no state ${id}`);
  return found;
};
const from = (sourceId: string): TransitionStructure[] =>
  structure.transitions.filter((t) => t.sourceId === sourceId);

describe('extractStructure', () => {
  it('reads nested and parallel states with their types and initial children', () => {
    expect(structure.id).toBe('feature');
    expect(structure.root.initialId).toBe('feature.idle');
    expect(state('feature.ready').type).toBe('parallel');
    expect(state('feature.ready').children.map((c) => c.key)).toEqual(['upload', 'download']);
    expect(state('feature.ready.upload').initialId).toBe('feature.ready.upload.pending');
    expect(state('feature.ready.upload.sent').type).toBe('final');
    expect(state('feature.finished').type).toBe('final');
    expect(allStates(structure)).toHaveLength(12);
  });

  it('keeps each guarded alternative as its own transition with readable guards', () => {
    expect(from('feature.idle').filter((t) => t.eventType === 'go')).toMatchObject([
      { id: 'feature.idle:go:0', guard: 'canGo', targetIds: ['feature.loading'] },
      {
        id: 'feature.idle:go:1',
        guard: 'hasTriesLeft && !isQuiet',
        label: 'go [hasTriesLeft && !isQuiet]',
        targetIds: ['feature.failed'],
      },
    ]);
  });

  it('reads targetless transitions with their actions', () => {
    expect(from('feature.idle').find((t) => t.eventType === 'poke')).toMatchObject({
      kind: 'event',
      targetIds: [],
      actions: ['countTry'],
    });
  });

  it('reads delayed transitions in milliseconds and by delay name, with guards', () => {
    expect(from('feature.loading').find((t) => t.kind === 'after')).toMatchObject({
      delay: '3000',
      label: 'after 3000ms',
      targetIds: ['feature.failed'],
    });
    expect(from('feature.failed').find((t) => t.kind === 'after')).toMatchObject({
      delay: 'retryDelay',
      guard: 'hasTriesLeft',
      label: 'after retryDelay [hasTriesLeft]',
    });
  });

  it('keeps eventless (always) transitions, which toDirectedGraph drops', () => {
    expect(from('feature.ready.download.waiting')).toMatchObject([
      {
        id: 'feature.ready.download.waiting:always:0',
        eventType: 'always',
        kind: 'always',
        guard: 'canGo',
        targetIds: ['feature.ready.download.got'],
      },
    ]);
  });

  it('reads invoked actors and their done and error edges', () => {
    expect(state('feature.loading').invoke).toEqual([{ id: 'fetch', src: 'fetchThing' }]);
    expect(state('feature.ready').invoke).toEqual([{ id: 'listener', src: 'listen' }]);
    const loading = from('feature.loading');
    expect(loading.find((t) => t.kind === 'done.actor')).toMatchObject({
      eventType: 'xstate.done.actor.fetch',
      invokeId: 'fetch',
      label: 'done(fetch)',
      targetIds: ['feature.ready'],
    });
    expect(loading.find((t) => t.kind === 'error.actor')).toMatchObject({
      invokeId: 'fetch',
      label: 'error(fetch)',
      targetIds: ['feature.failed'],
    });
    expect(from('feature.ready')).toMatchObject([{ kind: 'done.state', label: 'onDone' }]);
  });

  it('lists entry and exit actions and tags, without the scheduling of `after`', () => {
    expect(state('feature.idle')).toMatchObject({
      entry: ['logEntry'],
      exit: ['logExit'],
      tags: ['resting'],
    });
    // `after` adds a delayed raise on entry and a cancel on exit: not the author's actions.
    expect(state('feature.loading')).toMatchObject({ entry: [], exit: [], tags: ['busy'] });
  });

  it('reads history states and inline implementations of machines without setup()', () => {
    const machine = createMachine({
      id: 'plain',
      initial: 'a',
      states: {
        a: {
          entry: () => {},
          on: { next: { target: 'b', guard: () => true } },
        },
        b: { initial: 'x', states: { x: {}, past: { type: 'history', history: 'deep' } } },
      },
    });
    const plain = extractStructure(machine);
    expect(plain.transitions[0]).toMatchObject({ guard: 'inline guard', targetIds: ['plain.b'] });
    const b = plain.root.children[1];
    expect(b?.children[1]).toMatchObject({ type: 'history', history: 'deep' });
    expect(plain.root.children[0]?.entry).toEqual(['inline']);
  });
});

describe('history defaults', () => {
  it("reads a history state's default target: configured, or the parent's initial state", () => {
    const history = extractStructure(
      createMachine({
        id: 'h',
        initial: 'p',
        states: {
          p: {
            initial: 'one',
            states: {
              one: {},
              two: {},
              past: { type: 'history' },
              deep: { type: 'history', history: 'deep', target: 'two' },
            },
          },
        },
      }),
    );
    const find = (id: string) => allStates(history).find((s) => s.id === id);
    expect(find('h.p.past')?.historyTargetIds).toEqual(['h.p.one']);
    expect(find('h.p.deep')?.historyTargetIds).toEqual(['h.p.two']);
    expect(find('h.p.one')?.historyTargetIds).toBeUndefined();
  });
});
