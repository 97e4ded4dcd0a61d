// Model-based testing kit: generates paths from a machine with xstate/graph, executes them
// against the machine as a running actor, and measures state and transition coverage with the
// transition ids of machines/introspect.ts (each guarded alternative counts).
//
// Paths are plain data (`ModelPath`): steps of { event, expected: { value, facts } }. A second
// adapter (the onboarding views, see onboardingPaths.ts) can execute the same data against
// something else that claims to behave like the machine.
import { expect } from 'vitest';
import {
  createActor,
  createEmptyActor,
  type AnyActorRef,
  type AnyMachineSnapshot,
  type AnyStateMachine,
  type EventObject,
  type InspectionEvent,
  type StateValue,
} from 'xstate';
import { getAdjacencyMap, getShortestPaths } from 'xstate/graph';
import { idOfTransition, listStateNodes, listTransitions } from '../../machines/introspect.ts';

export type Facts = Record<string, unknown>;

/** An event with its payload, as a path carries it. */
export type ModelEvent = EventObject & { [key: string]: unknown };

export interface MachineModel {
  name: string;
  /** The machine provided with inert actors: every actor result comes from a path's events. */
  machine: AnyStateMachine;
  /** Traversals to run, one per input (e.g. started online and offline). */
  inputs: unknown[];
  /** The events worth trying in a state (done/error/after events included explicitly). */
  events: (snapshot: AnyMachineSnapshot) => ModelEvent[];
  /** The few context facts that matter (bounded: no counters, no timestamps). */
  facts: (snapshot: AnyMachineSnapshot) => Facts;
}

export interface ModelStep {
  event: EventObject;
  expected: { value: StateValue; facts: Facts };
}

export interface ModelPath {
  description: string;
  input: unknown;
  /** The state right after start (before any event). */
  initial: { value: StateValue; facts: Facts };
  steps: ModelStep[];
}

function describeEvent(event: EventObject): string {
  return event.type;
}

interface RawPath {
  steps: { event: EventObject; state: AnyMachineSnapshot }[];
}

/**
 * A fresh actor scope, with a system of its own, for one pure transition. xstate/graph computes
 * every transition in one shared scope; a machine that invokes or spawns actors with a systemId
 * (the session's socket, the messenger's conversations) would register the same systemId in
 * that one system again for every edge, which XState refuses.
 */
function isolatedScope() {
  const self = createEmptyActor();
  return {
    self,
    logger: () => {},
    id: '',
    sessionId: Math.random().toString(32).slice(2),
    defer: () => {},
    system: self.system,
    stopChild: () => {},
    emit: () => {},
    actionExecutor: () => {},
  };
}

/** The machine as xstate/graph sees it, each transition computed in its own scope. */
function isolated(machine: AnyStateMachine): AnyStateMachine {
  return Object.create(machine, {
    transition: {
      value: (snapshot: never, event: never) =>
        machine.transition(snapshot, event, isolatedScope() as never),
    },
    getInitialSnapshot: {
      value: (_scope: unknown, input: unknown) =>
        machine.getInitialSnapshot(isolatedScope() as never, input),
    },
  }) as AnyStateMachine;
}

/**
 * Shortest paths to every (serialized) state, plus, for each transition no shortest path
 * takes, the shortest path to a state where it is enabled followed by that edge.
 */
export function generatePaths(model: MachineModel): ModelPath[] {
  const paths: ModelPath[] = [];
  const seen = new Set<string>();
  for (const input of model.inputs) {
    const serializeState = (snapshot: AnyMachineSnapshot) =>
      JSON.stringify({ value: snapshot.value, facts: model.facts(snapshot) });
    const options = {
      input,
      // A finished machine takes no events (the pure transition function would still answer).
      events: (snapshot: AnyMachineSnapshot) =>
        snapshot.status === 'active' ? model.events(snapshot) : [],
      serializeState,
    } as Parameters<typeof getShortestPaths>[1];
    const logic = isolated(model.machine);
    const shortest = getShortestPaths(logic, options) as unknown as RawPath[];
    const byEnd = new Map<string, RawPath>();
    for (const path of shortest) {
      const last = path.steps.at(-1)?.state;
      if (last) byEnd.set(serializeState(last), path);
    }
    const candidates: RawPath[] = [...shortest];
    // Transitions the shortest paths already take; an edge path is added only for a new one.
    const taken = new Set<string>();
    // Every transition the event sets off, the eventless ones that follow it included.
    const transitionsOf = (from: AnyMachineSnapshot, event: EventObject) => {
      const scope = isolatedScope();
      const ids: string[] = [];
      scope.system.inspect((inspection: InspectionEvent) => {
        if (inspection.type !== '@xstate.microstep') return;
        for (const transition of inspection._transitions) {
          const id = idOfTransition(transition);
          if (id) ids.push(id);
        }
      });
      model.machine.transition(from as never, event as never, scope as never);
      return ids;
    };
    for (const path of shortest) {
      path.steps.forEach((step, index) => {
        const from = path.steps[index - 1]?.state;
        if (from) for (const id of transitionsOf(from, step.event)) taken.add(id);
      });
    }
    // Every enabled edge of the graph, reached by the shortest path to its source.
    const adjacency = getAdjacencyMap(logic, options as never) as Record<
      string,
      {
        state: AnyMachineSnapshot;
        transitions: Record<string, { event: EventObject; state: AnyMachineSnapshot }>;
      }
    >;
    for (const [key, vertex] of Object.entries(adjacency)) {
      const prefix = byEnd.get(key);
      if (!prefix) continue;
      for (const edge of Object.values(vertex.transitions)) {
        const ids = transitionsOf(vertex.state, edge.event);
        if (ids.every((id) => taken.has(id))) continue;
        for (const id of ids) taken.add(id);
        candidates.push({ steps: [...prefix.steps, { event: edge.event, state: edge.state }] });
      }
    }
    const initialSnapshot = shortest.find((path) => path.steps.length > 0)?.steps[0]?.state;
    for (const raw of candidates) {
      const steps = raw.steps
        // xstate/graph starts a path with the initial state under an `xstate.init` event.
        .filter((step) => step.event.type !== 'xstate.init')
        .map((step) => ({
          event: step.event,
          expected: { value: step.state.value, facts: model.facts(step.state) },
        }));
      const description = steps.map((step) => describeEvent(step.event)).join(' → ') || '(start)';
      const key = JSON.stringify([input, steps.map((step) => step.event)]);
      if (seen.has(key)) continue;
      seen.add(key);
      const start =
        raw.steps[0]?.event.type === 'xstate.init' ? raw.steps[0].state : initialSnapshot;
      paths.push({
        description,
        input,
        initial: start
          ? { value: start.value, facts: model.facts(start) }
          : { value: '', facts: {} },
        steps,
      });
    }
  }
  return paths;
}

/** A clock whose timers never fire: every `xstate.after.*` comes from the path. */
export const frozenClock = {
  setTimeout: (() => {
    let next = 1;
    return () => next++;
  })(),
  clearTimeout: () => {},
};

export interface PathRun {
  transitionIds: Set<string>;
  stateIds: Set<string>;
}

function recordSnapshot(snapshot: AnyMachineSnapshot, stateIds: Set<string>) {
  for (const node of snapshot._nodes) stateIds.add(node.id);
}

/** Runs a path against the machine itself, asserting state value and facts at each step. */
export function runPath(model: MachineModel, path: ModelPath): PathRun {
  const transitionIds = new Set<string>();
  const stateIds = new Set<string>();
  const actor = createActor(model.machine, {
    input: path.input,
    clock: frozenClock,
    inspect: (event: InspectionEvent) => {
      // Only the machine under test (its invoked children are other machines' business).
      if (event.type !== '@xstate.microstep' || (event.actorRef as AnyActorRef)._parent) return;
      for (const transition of event._transitions) {
        const id = idOfTransition(transition);
        if (id) transitionIds.add(id);
        stateIds.add(transition.source.id);
      }
    },
  });
  actor.start();
  try {
    let snapshot = actor.getSnapshot() as AnyMachineSnapshot;
    // The location rides along in the compared object, so a failure says which path and step.
    const initialWhere = `${model.name}: ${path.description}, initial state`;
    expect({ where: initialWhere, value: snapshot.value }).toEqual({
      where: initialWhere,
      value: path.initial.value,
    });
    recordSnapshot(snapshot, stateIds);
    path.steps.forEach((step, index) => {
      actor.send(step.event);
      snapshot = actor.getSnapshot() as AnyMachineSnapshot;
      const where = `${model.name}: ${path.description}, step ${index + 1} (${step.event.type})`;
      expect({
        where,
        error: snapshot.status === 'error' ? snapshot.error : null,
        value: snapshot.value,
        facts: model.facts(snapshot),
      }).toEqual({ where, error: null, ...step.expected });
      recordSnapshot(snapshot, stateIds);
    });
  } finally {
    actor.stop();
  }
  return { transitionIds, stateIds };
}

export interface MachineCoverage {
  name: string;
  states: { covered: number; total: number };
  transitions: { covered: number; total: number };
  paths: number;
  coveredTransitionIds: string[];
  uncoveredTransitionIds: string[];
  uncoveredStateIds: string[];
}

export function measureCoverage(
  name: string,
  machine: AnyStateMachine,
  runs: PathRun[],
): MachineCoverage {
  const allStates = listStateNodes(machine)
    .filter((node) => node !== machine.root)
    .map((node) => node.id);
  const allTransitions = listTransitions(machine).map((transition) => transition.id);
  const coveredStates = new Set(runs.flatMap((run) => [...run.stateIds]));
  const coveredTransitions = new Set(runs.flatMap((run) => [...run.transitionIds]));
  const covered = allTransitions.filter((id) => coveredTransitions.has(id));
  return {
    name,
    states: {
      covered: allStates.filter((id) => coveredStates.has(id)).length,
      total: allStates.length,
    },
    transitions: { covered: covered.length, total: allTransitions.length },
    paths: runs.length,
    coveredTransitionIds: covered,
    uncoveredTransitionIds: allTransitions.filter((id) => !coveredTransitions.has(id)),
    uncoveredStateIds: allStates.filter((id) => !coveredStates.has(id)),
  };
}
