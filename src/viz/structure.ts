// Reads a machine's statechart from its live StateNode tree (`machine.root`). Not from
// `toDirectedGraph` (it drops `always` edges) nor `root.definition` (it flattens guards and
// delays into strings we cannot tell apart). Pure: runs in Node and in the browser.
import type { AnyStateMachine, AnyStateNode, AnyTransitionDefinition } from 'xstate';
import { transitionId } from '../../machines/introspect.ts';

export type StateType = 'atomic' | 'compound' | 'parallel' | 'final' | 'history';

export interface InvokeStructure {
  id: string;
  src: string;
}

export interface StateStructure {
  id: string;
  key: string;
  type: StateType;
  /** Id of the initial child, for compound states. */
  initialId?: string;
  history?: 'shallow' | 'deep';
  /** A history state's default: where it goes when the parent has no history yet. */
  historyTargetIds?: string[];
  entry: string[];
  exit: string[];
  tags: string[];
  invoke: InvokeStructure[];
  description?: string;
  children: StateStructure[];
}

export type TransitionKind =
  | 'event'
  | 'always'
  | 'after'
  | 'done.actor'
  | 'error.actor'
  | 'done.state'
  | 'wildcard';

export interface TransitionStructure {
  /** `transitionId(sourceId, eventType, index)`: the id model-based coverage reports. */
  id: string;
  sourceId: string;
  /** The event that triggers it (`always` for eventless transitions). */
  eventType: string;
  kind: TransitionKind;
  /** Event, guard and delay as drawn on the arrow, e.g. `code.submitted [isValidCode]`. */
  label: string;
  guard?: string;
  /** Delay of an `after` transition: milliseconds or a named delay. */
  delay?: string;
  /** Invoke id of a done/error edge. */
  invokeId?: string;
  /** Empty for a targetless (internal, actions-only) transition. */
  targetIds: string[];
  reenter: boolean;
  actions: string[];
}

export interface MachineStructure {
  id: string;
  root: StateStructure;
  transitions: TransitionStructure[];
}

type Named = { type?: unknown; name?: unknown; guards?: unknown; stateValue?: unknown };

function actionName(action: unknown): string | null {
  if (typeof action === 'string') return action;
  if (typeof action === 'function') {
    const fn = action as Named & { event?: { type?: unknown }; sendId?: unknown; id?: unknown };
    // `after` is implemented as a delayed raise on entry and a cancel on exit: not the
    // author's actions, so they are not listed.
    if (
      fn.type === 'xstate.raise' &&
      typeof fn.id === 'string' &&
      fn.id.startsWith('xstate.after.')
    )
      return null;
    if (
      fn.type === 'xstate.cancel' &&
      typeof fn.sendId === 'string' &&
      fn.sendId.startsWith('xstate.after.')
    )
      return null;
    if (typeof fn.type === 'string') return fn.type.replace(/^xstate\./, '');
    // An inline function's `name` is only the config key it was written under ('entry').
    return 'inline';
  }
  if (action && typeof action === 'object' && typeof (action as Named).type === 'string') {
    return (action as { type: string }).type;
  }
  return 'inline';
}

function actionNames(actions: readonly unknown[]): string[] {
  return actions.map(actionName).filter((name): name is string => name !== null);
}

/** A guard as text: `isValidCode`, `!hasTriesLeft`, `a && b`, `in(#id)`. */
export function guardText(guard: unknown): string {
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'function') {
    const fn = guard as Named;
    const parts = Array.isArray(fn.guards) ? fn.guards.map(guardText) : [];
    if (fn.name === 'not' && parts.length === 1) return `!${parts[0]}`;
    if (fn.name === 'and') return parts.map((p) => (/\s/.test(p) ? `(${p})` : p)).join(' && ');
    if (fn.name === 'or') return parts.map((p) => (/\s/.test(p) ? `(${p})` : p)).join(' || ');
    if (fn.name === 'stateIn') return `in(${JSON.stringify(fn.stateValue)})`;
    return 'inline guard';
  }
  if (guard && typeof guard === 'object' && typeof (guard as Named).type === 'string') {
    return (guard as { type: string }).type;
  }
  return 'guard';
}

function kindOf(eventType: string): { kind: TransitionKind; invokeId?: string } {
  if (eventType === '') return { kind: 'always' };
  if (eventType === '*') return { kind: 'wildcard' };
  if (eventType.startsWith('xstate.after.')) return { kind: 'after' };
  if (eventType.startsWith('xstate.done.actor.')) {
    return { kind: 'done.actor', invokeId: eventType.slice('xstate.done.actor.'.length) };
  }
  if (eventType.startsWith('xstate.error.actor.')) {
    return { kind: 'error.actor', invokeId: eventType.slice('xstate.error.actor.'.length) };
  }
  if (eventType.startsWith('xstate.done.state.')) return { kind: 'done.state' };
  return { kind: 'event' };
}

function eventLabel(kind: TransitionKind, eventType: string, delay?: string, invokeId?: string) {
  switch (kind) {
    case 'always':
      return 'always';
    case 'after':
      return /^\d+$/.test(delay ?? '') ? `after ${delay}ms` : `after ${delay}`;
    case 'done.actor':
      return `done(${invokeId})`;
    case 'error.actor':
      return `error(${invokeId})`;
    case 'done.state':
      return 'onDone';
    default:
      return eventType;
  }
}

function readTransition(
  definition: AnyTransitionDefinition & { delay?: unknown },
  eventType: string,
  index: number,
): TransitionStructure {
  const { kind, invokeId } = kindOf(definition.eventType === '' ? '' : eventType);
  const type = kind === 'always' ? 'always' : eventType;
  const guard = definition.guard === undefined ? undefined : guardText(definition.guard);
  const delay = kind === 'after' ? String(definition.delay) : undefined;
  const base = eventLabel(kind, type, delay, invokeId);
  return {
    id: transitionId(definition.source.id, type, index),
    sourceId: definition.source.id,
    eventType: type,
    kind,
    label: guard === undefined ? base : `${base} [${guard}]`,
    ...(guard === undefined ? {} : { guard }),
    ...(delay === undefined ? {} : { delay }),
    ...(invokeId === undefined ? {} : { invokeId }),
    targetIds: (definition.target ?? []).map((target) => target.id),
    reenter: definition.reenter,
    actions: actionNames(definition.actions),
  };
}

/**
 * A history state's default target, as xstate resolves it (resolveHistoryDefaultTransition):
 * the configured `target`, else the parent's initial state (or the parallel parent itself).
 */
function historyDefault(node: AnyStateNode): string[] {
  const configured = (node.config as { target?: unknown }).target;
  const targets = configured === undefined ? [] : [configured].flat();
  const parent = node.parent;
  if (targets.length === 0) {
    if (!parent || parent.type === 'parallel') return [];
    return parent.initial.target.map((target) => target.id);
  }
  return targets.flatMap((target) => {
    if (typeof target !== 'string') {
      return target && typeof (target as { id?: unknown }).id === 'string'
        ? [(target as { id: string }).id]
        : [];
    }
    if (target.startsWith('#')) return [target.slice(1)];
    const child = parent?.states[target.split('.')[0] ?? ''];
    const path = target.split('.').slice(1);
    let found: AnyStateNode | undefined = child;
    for (const key of path) found = found?.states[key];
    return found ? [found.id] : [];
  });
}

function readState(node: AnyStateNode, transitions: TransitionStructure[]): StateStructure {
  for (const [eventType, definitions] of node.transitions) {
    definitions.forEach((definition, index) => {
      transitions.push(readTransition(definition, eventType, index));
    });
  }
  (node.always ?? []).forEach((definition, index) => {
    transitions.push(readTransition(definition, 'always', index));
  });
  const initialTarget = node.type === 'compound' ? node.initial.target[0] : undefined;
  const historyTargets = node.type === 'history' ? historyDefault(node) : [];
  return {
    id: node.id,
    key: node.key,
    type: node.type,
    ...(initialTarget ? { initialId: initialTarget.id } : {}),
    ...(node.type === 'history' && node.history ? { history: node.history } : {}),
    ...(historyTargets.length > 0 ? { historyTargetIds: historyTargets } : {}),
    entry: actionNames(node.entry),
    exit: actionNames(node.exit),
    tags: [...node.tags],
    invoke: node.invoke.map((invoke) => ({
      id: invoke.id,
      src: typeof invoke.src === 'string' ? invoke.src : invoke.id,
    })),
    ...(node.description ? { description: node.description } : {}),
    children: Object.values(node.states).map((child) => readState(child, transitions)),
  };
}

export function extractStructure(machine: AnyStateMachine): MachineStructure {
  const transitions: TransitionStructure[] = [];
  const root = readState(machine.root, transitions);
  return { id: machine.id, root, transitions };
}

/** Every state, depth first (the root first). */
export function allStates(structure: MachineStructure): StateStructure[] {
  const states: StateStructure[] = [];
  const visit = (state: StateStructure) => {
    states.push(state);
    state.children.forEach(visit);
  };
  visit(structure.root);
  return states;
}
