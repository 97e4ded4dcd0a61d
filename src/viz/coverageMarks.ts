// The coverage overlay's marks for one machine, from coverage/model-coverage.json: a transition
// the report lists as uncovered is "untested"; one it lists in neither list (the report is older
// than the machine, or came from another branch) is "unknown", never taken for tested.
import type { Mark } from './components/StatechartSvg.ts';

export interface MachineCoverageReport {
  coveredTransitionIds: readonly string[];
  uncoveredTransitionIds: readonly string[];
}

export function coverageMarks(
  transitionIds: readonly string[],
  report: MachineCoverageReport,
): Map<string, Mark> {
  const covered = new Set(report.coveredTransitionIds);
  const uncovered = new Set(report.uncoveredTransitionIds);
  const marks = new Map<string, Mark>();
  for (const id of transitionIds) {
    if (uncovered.has(id)) marks.set(id, 'uncovered');
    else if (!covered.has(id)) marks.set(id, 'unknown');
  }
  return marks;
}
