// Structural diff of two versions of a machine: states and transitions added, removed or
// changed (guard, targets, delay; a state's type, initial child, actions, invokes, tags).
// Pure, so the CLI and the page compute the same diff.
import {
  allStates,
  type MachineStructure,
  type StateStructure,
  type TransitionStructure,
} from '../structure.ts';

export interface StateChange {
  base: StateStructure;
  head: StateStructure;
  changes: string[];
}

export interface TransitionChange {
  base: TransitionStructure;
  head: TransitionStructure;
  changes: string[];
}

export type DiffStatus = 'added' | 'removed' | 'changed' | 'unchanged';

export interface MachineDiff {
  status: DiffStatus;
  addedStates: StateStructure[];
  removedStates: StateStructure[];
  changedStates: StateChange[];
  addedTransitions: TransitionStructure[];
  removedTransitions: TransitionStructure[];
  changedTransitions: TransitionChange[];
}

const list = (items: readonly string[]) => (items.length === 0 ? '(none)' : items.join(', '));

function describeStateChanges(base: StateStructure, head: StateStructure): string[] {
  const changes: string[] = [];
  if (base.type !== head.type) changes.push(`type ${base.type} → ${head.type}`);
  if ((base.initialId ?? '') !== (head.initialId ?? '')) {
    changes.push(`initial ${base.initialId ?? '(none)'} → ${head.initialId ?? '(none)'}`);
  }
  const compare = (what: string, a: readonly string[], b: readonly string[]) => {
    if (a.join('\n') !== b.join('\n')) changes.push(`${what} ${list(a)} → ${list(b)}`);
  };
  compare('entry', base.entry, head.entry);
  compare('exit', base.exit, head.exit);
  compare('tags', base.tags, head.tags);
  compare(
    'invoke',
    base.invoke.map((i) => `${i.src} (${i.id})`),
    head.invoke.map((i) => `${i.src} (${i.id})`),
  );
  return changes;
}

/**
 * Delayed and actor-outcome transitions are matched by kind, not event type: the type embeds
 * the delay or the invoke id, and a new delay or id is a change, not a new edge.
 */
const groupKey = (t: TransitionStructure) =>
  `${t.sourceId}\n${t.kind === 'event' || t.kind === 'wildcard' ? t.eventType : t.kind}`;

const signature = (t: TransitionStructure) =>
  JSON.stringify([
    t.eventType,
    t.guard ?? null,
    t.delay ?? null,
    t.targetIds,
    t.reenter,
    t.actions,
  ]);

function describeTransitionChanges(base: TransitionStructure, head: TransitionStructure): string[] {
  const changes: string[] = [];
  if ((base.invokeId ?? '') !== (head.invokeId ?? '')) {
    changes.push(`actor ${base.invokeId ?? '(none)'} → ${head.invokeId ?? '(none)'}`);
  }
  if ((base.guard ?? '') !== (head.guard ?? '')) {
    changes.push(`guard ${base.guard ?? '(none)'} → ${head.guard ?? '(none)'}`);
  }
  if (base.targetIds.join('\n') !== head.targetIds.join('\n')) {
    changes.push(`target ${list(base.targetIds)} → ${list(head.targetIds)}`);
  }
  if ((base.delay ?? '') !== (head.delay ?? '')) {
    changes.push(`delay ${base.delay ?? '(none)'} → ${head.delay ?? '(none)'}`);
  }
  if (base.reenter !== head.reenter) changes.push(`reenter ${base.reenter} → ${head.reenter}`);
  if (base.actions.join('\n') !== head.actions.join('\n')) {
    changes.push(`actions ${list(base.actions)} → ${list(head.actions)}`);
  }
  return changes;
}

function groupBy(transitions: readonly TransitionStructure[]) {
  const groups = new Map<string, TransitionStructure[]>();
  for (const t of transitions) groups.set(groupKey(t), [...(groups.get(groupKey(t)) ?? []), t]);
  return groups;
}

function diffTransitions(
  base: readonly TransitionStructure[],
  head: readonly TransitionStructure[],
  diff: MachineDiff,
) {
  const baseGroups = groupBy(base);
  const headGroups = groupBy(head);
  for (const key of new Set([...baseGroups.keys(), ...headGroups.keys()])) {
    const left = [...(baseGroups.get(key) ?? [])];
    const right = [...(headGroups.get(key) ?? [])];
    // First pair identical transitions, so inserting a guarded alternative reads as one
    // addition rather than every later alternative changing.
    for (let i = 0; i < left.length;) {
      const match = right.findIndex((r) => signature(r) === signature(left[i]!));
      if (match >= 0) {
        right.splice(match, 1);
        left.splice(i, 1);
      } else {
        i += 1;
      }
    }
    // Then pair what is left in order: same source and event, something about it changed.
    while (left.length > 0 && right.length > 0) {
      const b = left.shift()!;
      const h = right.shift()!;
      diff.changedTransitions.push({ base: b, head: h, changes: describeTransitionChanges(b, h) });
    }
    diff.removedTransitions.push(...left);
    diff.addedTransitions.push(...right);
  }
}

export function diffMachines(
  base: MachineStructure | null,
  head: MachineStructure | null,
): MachineDiff {
  const diff: MachineDiff = {
    status: 'unchanged',
    addedStates: [],
    removedStates: [],
    changedStates: [],
    addedTransitions: [],
    removedTransitions: [],
    changedTransitions: [],
  };
  const baseStates = new Map(base ? allStates(base).map((s) => [s.id, s]) : []);
  const headStates = new Map(head ? allStates(head).map((s) => [s.id, s]) : []);
  for (const [id, state] of headStates) {
    const before = baseStates.get(id);
    if (!before) {
      diff.addedStates.push(state);
      continue;
    }
    const changes = describeStateChanges(before, state);
    if (changes.length > 0) diff.changedStates.push({ base: before, head: state, changes });
  }
  for (const [id, state] of baseStates) if (!headStates.has(id)) diff.removedStates.push(state);
  diffTransitions(base?.transitions ?? [], head?.transitions ?? [], diff);

  if (!base) diff.status = 'added';
  else if (!head) diff.status = 'removed';
  else if (
    diff.addedStates.length +
      diff.removedStates.length +
      diff.changedStates.length +
      diff.addedTransitions.length +
      diff.removedTransitions.length +
      diff.changedTransitions.length >
    0
  ) {
    diff.status = 'changed';
  }
  return diff;
}
