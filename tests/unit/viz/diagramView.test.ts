// The diagram's review tools that need no browser (issue 14): search for states and events,
// zoom arithmetic, and deep links that carry the machine, mode, git ref and state.
import { describe, expect, it } from 'vitest';
import { readDeepLink, writeDeepLink } from '../../../src/viz/app/deepLink.ts';
import { searchDiagram } from '../../../src/viz/app/diagramSearch.ts';
import {
  fitZoom,
  maxZoom,
  minZoom,
  scrollAfterZoom,
  zoomIn,
  zoomOut,
} from '../../../src/viz/app/zoom.ts';
import { extractStructure } from '../../../src/viz/structure.ts';
import { registry } from '../../../machines/index.ts';
import { featureMachine } from './fixtures.ts';

describe('searchDiagram', () => {
  const structure = extractStructure(featureMachine);

  it('finds states by key and transitions by event, states first', () => {
    const hits = searchDiagram(structure, 'go');
    expect(hits.length).toBeGreaterThan(1);
    expect(hits.every((hit) => hit.kind === 'transition' || /go/i.test(hit.id))).toBe(true);
    const transitions = hits.filter((hit) => hit.kind === 'transition');
    expect(transitions.map((hit) => hit.id)).toContain('feature.idle:go:0');
    const firstTransition = hits.findIndex((hit) => hit.kind === 'transition');
    expect(hits.slice(firstTransition).every((hit) => hit.kind === 'transition')).toBe(true);
  });

  it('matches every word, in any case, and guards and actions too', () => {
    expect(searchDiagram(structure, 'LOADING').map((hit) => hit.id)).toContain('feature.loading');
    const guarded = searchDiagram(structure, 'go canGo').map((hit) => hit.id);
    expect(guarded).toContain('feature.idle:go:0');
    expect(guarded).not.toContain('feature.loading');
    expect(searchDiagram(structure, 'countTry').length).toBeGreaterThan(0);
    expect(searchDiagram(structure, 'no-such-thing')).toEqual([]);
    expect(searchDiagram(structure, '   ')).toEqual([]);
  });

  it('finds every state of every registry machine by its own key', () => {
    for (const { machine } of registry) {
      const machineStructure = extractStructure(machine);
      const visit = (state: typeof machineStructure.root) => {
        expect(searchDiagram(machineStructure, state.key).map((hit) => hit.id)).toContain(state.id);
        state.children.forEach(visit);
      };
      visit(machineStructure.root);
    }
  });
});

describe('zoom', () => {
  it('fits a large diagram into the viewport and never enlarges a small one', () => {
    expect(fitZoom({ width: 4000, height: 1000 }, { width: 1000, height: 800 })).toBe(0.25);
    expect(fitZoom({ width: 1000, height: 4000 }, { width: 1000, height: 800 })).toBe(0.2);
    expect(fitZoom({ width: 300, height: 200 }, { width: 1000, height: 800 })).toBe(1);
    expect(fitZoom({ width: 0, height: 0 }, { width: 1000, height: 800 })).toBe(1);
  });

  it('steps within bounds', () => {
    expect(zoomIn(1)).toBeGreaterThan(1);
    expect(zoomOut(1)).toBeLessThan(1);
    let zoom = 1;
    for (let i = 0; i < 50; i += 1) zoom = zoomIn(zoom);
    expect(zoom).toBe(maxZoom);
    for (let i = 0; i < 100; i += 1) zoom = zoomOut(zoom);
    expect(zoom).toBe(minZoom);
  });

  it('keeps the point under the pointer in place', () => {
    // The diagram point under (100, 50) at zoom 1 with scroll (200, 0) is (300, 50);
    // at zoom 2 it is at (600, 100), so the scroll must be (500, 50).
    expect(scrollAfterZoom({ left: 200, top: 0 }, { x: 100, y: 50 }, 1, 2)).toEqual({
      left: 500,
      top: 50,
    });
    expect(scrollAfterZoom({ left: 0, top: 0 }, { x: 10, y: 10 }, 2, 1)).toEqual({
      left: 0,
      top: 0,
    });
  });
});

describe('deep links', () => {
  const names = ['session', 'app'];

  it('round-trips machine, mode, ref and state', () => {
    const hash = writeDeepLink({
      machine: 'session',
      mode: 'diff',
      ref: 'HEAD~1',
      state: 'session.connection.live',
    });
    expect(readDeepLink(hash, names)).toEqual({
      machine: 'session',
      mode: 'diff',
      ref: 'HEAD~1',
      state: 'session.connection.live',
    });
    expect(writeDeepLink({ machine: 'app', mode: 'live' })).toBe('#machine=app&mode=live');
  });

  it('drops a ref that could be an option or carries odd characters', () => {
    expect(readDeepLink('#machine=session&ref=--upload-pack=x', names)).toEqual({
      machine: 'session',
    });
    expect(readDeepLink('#machine=session&ref=a%20b', names)).toEqual({ machine: 'session' });
    expect(readDeepLink(`#ref=${'a'.repeat(201)}`, names)).toEqual({});
    expect(readDeepLink('#state=has%20space', names)).toEqual({});
  });
});
