// One drawing of a diff: the newer structure with the removed states and transitions put back
// as ghosts, and marks saying what was added (green), removed (red) and changed (amber).
import type { Mark } from '../components/StatechartSvg.ts';
import type { MachineStructure, StateStructure, TransitionStructure } from '../structure.ts';
import type { MachineDiff } from './compare.ts';

export interface DiffOverlay {
  structure: MachineStructure;
  stateMarks: Map<string, Mark>;
  transitionMarks: Map<string, Mark>;
}

/** Prefix of a removed transition's id in the drawing, so it cannot clash with a new one. */
export const removedIdPrefix = 'removed:';

function cloneTree(state: StateStructure): StateStructure {
  return { ...state, children: state.children.map(cloneTree) };
}

function parentIds(structure: MachineStructure): Map<string, string> {
  const parents = new Map<string, string>();
  const visit = (state: StateStructure) => {
    for (const child of state.children) {
      parents.set(child.id, state.id);
      visit(child);
    }
  };
  visit(structure.root);
  return parents;
}

export function diffOverlay(
  base: MachineStructure | null,
  head: MachineStructure | null,
  diff: MachineDiff,
): DiffOverlay {
  const drawn = head ?? base;
  if (!drawn) throw new Error('diffOverlay needs at least one version of the machine');
  const root = cloneTree(drawn.root);
  const byId = new Map<string, StateStructure>();
  const index = (state: StateStructure) => {
    byId.set(state.id, state);
    state.children.forEach(index);
  };
  index(root);

  const stateMarks = new Map<string, Mark>();
  const transitionMarks = new Map<string, Mark>();
  const transitions: TransitionStructure[] = [...drawn.transitions];

  if (head && base) {
    // Ghosts go back under their old parent; removedStates is depth first, parents first.
    const parents = parentIds(base);
    for (const removed of diff.removedStates) {
      const parent = byId.get(parents.get(removed.id) ?? '');
      if (!parent) continue;
      const ghost: StateStructure = { ...removed, children: [] };
      delete ghost.initialId;
      parent.children.push(ghost);
      byId.set(ghost.id, ghost);
      stateMarks.set(ghost.id, 'removed');
    }
    for (const removed of diff.removedTransitions) {
      const id = `${removedIdPrefix}${removed.id}`;
      transitions.push({ ...removed, id });
      transitionMarks.set(id, 'removed');
    }
    for (const state of diff.addedStates) stateMarks.set(state.id, 'added');
    for (const change of diff.changedStates) stateMarks.set(change.head.id, 'changed');
    for (const t of diff.addedTransitions) transitionMarks.set(t.id, 'added');
    for (const change of diff.changedTransitions) transitionMarks.set(change.head.id, 'changed');
  } else {
    // A machine that is new (or gone) is drawn whole in one colour.
    const mark: Mark = head ? 'added' : 'removed';
    for (const id of byId.keys()) stateMarks.set(id, mark);
    for (const t of transitions) transitionMarks.set(t.id, mark);
  }
  return { structure: { id: drawn.id, root, transitions }, stateMarks, transitionMarks };
}
