// The coverage overlay (issue 14): what the report says is untested is marked so, and what it
// does not mention at all is "unknown", never shown as tested.
import { describe, expect, it } from 'vitest';
import { registry } from '../../../machines/index.ts';
import { coverageMarks } from '../../../src/viz/coverageMarks.ts';
import { markTitles } from '../../../src/viz/components/StatechartSvg.ts';
import { extractStructure } from '../../../src/viz/structure.ts';

describe('coverageMarks', () => {
  it('marks uncovered as untested, covered as nothing, and the unlisted as unknown', () => {
    const marks = coverageMarks(['a', 'b', 'c'], {
      coveredTransitionIds: ['a'],
      uncoveredTransitionIds: ['b'],
    });
    expect([...marks]).toEqual([
      ['b', 'uncovered'],
      ['c', 'unknown'],
    ]);
    expect(markTitles.unknown).toMatch(/coverage unknown/);
  });

  it('shows every transition of a machine as unknown against a report from before it existed', () => {
    const session = registry.find((entry) => entry.name === 'session')!;
    const ids = extractStructure(session.machine).transitions.map((t) => t.id);
    const marks = coverageMarks(ids, { coveredTransitionIds: [], uncoveredTransitionIds: [] });
    expect(marks.size).toBe(ids.length);
    expect(new Set(marks.values())).toEqual(new Set(['unknown']));
  });
});
