// Shared naming for transitions, so model-based coverage and the visualizer speak of the same
// edge. An id is `<source state id>:<event type>:<n>`, where n counts that state's transitions
// for that event in order (each guarded alternative is its own transition). `always`
// transitions use the event type `always`.
import type { AnyStateMachine, AnyStateNode, AnyTransitionDefinition } from 'xstate';

export function transitionId(sourceId: string, eventType: string, index: number): string {
  return `${sourceId}:${eventType}:${index}`;
}

export interface TransitionInfo {
  id: string;
  /** The state node the transition leaves from. */
  sourceId: string;
  /** The event type as declared (`always` for eventless ones; wildcards as written). */
  eventType: string;
  /** Position among the source's transitions for this event (guarded alternatives in order). */
  index: number;
  /** Target state node ids; empty for a targetless (action-only) transition. */
  targetIds: string[];
  guard: string | null;
}

function guardName(transition: AnyTransitionDefinition): string | null {
  const guard = transition.guard as unknown;
  if (!guard) return null;
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'object' && guard !== null && 'type' in guard) {
    return String((guard as { type: unknown }).type);
  }
  return typeof guard === 'function' ? guard.name || 'inline' : 'inline';
}

function describe(
  node: AnyStateNode,
  eventType: string,
  index: number,
  transition: AnyTransitionDefinition,
): TransitionInfo {
  return {
    id: transitionId(node.id, eventType, index),
    sourceId: node.id,
    eventType,
    index,
    targetIds: (transition.target ?? []).map((target: AnyStateNode) => target.id),
    guard: guardName(transition),
  };
}

/** Every state node of the machine, the root included, in document order. */
export function listStateNodes(machine: AnyStateMachine): AnyStateNode[] {
  const nodes: AnyStateNode[] = [];
  const visit = (node: AnyStateNode) => {
    nodes.push(node);
    for (const child of Object.values(node.states) as AnyStateNode[]) visit(child);
  };
  visit(machine.root);
  return nodes;
}

/**
 * Every transition of the machine's live StateNode tree: `on` events, `after` delays
 * (`xstate.after.*`), invoke results (`xstate.done.actor.*`, `xstate.error.actor.*`), compound
 * states' `onDone` and eventless `always` transitions, each guarded alternative separately.
 */
export function listTransitions(machine: AnyStateMachine): TransitionInfo[] {
  const transitions: TransitionInfo[] = [];
  for (const node of listStateNodes(machine)) {
    for (const [eventType, definitions] of node.transitions as Map<
      string,
      AnyTransitionDefinition[]
    >) {
      definitions.forEach((definition, index) => {
        transitions.push(describe(node, eventType, index, definition));
      });
    }
    (node.always ?? []).forEach((definition: AnyTransitionDefinition, index: number) => {
      transitions.push(describe(node, 'always', index, definition));
    });
  }
  return transitions;
}

/** The id of a transition definition taken at runtime (as inspection reports it), or null. */
export function idOfTransition(transition: AnyTransitionDefinition): string | null {
  const source = transition.source as AnyStateNode;
  const always = (source.always ?? []) as AnyTransitionDefinition[];
  const alwaysIndex = always.indexOf(transition);
  if (alwaysIndex >= 0) return transitionId(source.id, 'always', alwaysIndex);
  const definitions = (source.transitions as Map<string, AnyTransitionDefinition[]>).get(
    transition.eventType,
  );
  const index = definitions?.indexOf(transition) ?? -1;
  return index >= 0 ? transitionId(source.id, transition.eventType, index) : null;
}
