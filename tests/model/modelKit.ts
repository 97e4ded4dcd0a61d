// Model-based testing kit: generates paths from a machine with xstate/graph, executes them
// against the machine as a running actor, and measures state and transition coverage with the
// transition ids of machines/introspect.ts (each guarded alternative counts).
//
// Paths are plain data (`ModelPath`): steps of { event, expected: { value, facts, sends } }.
// The adapters (tests/model/realKit.ts, tests/model/adapters/) execute the same data against the
// real implementations each machine models.
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
import type { AnyStateNode, AnyTransitionDefinition } from 'xstate';
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
  /**
   * Mutants (by description) that behave as the machine does in every context they can meet,
   * each with the reason: not run, not counted (tests/model/mutation/mutation.test.ts checks
   * every one is still planned).
   */
  equivalentMutants?: Readonly<Record<string, string>>;
}

/**
 * What the machine told another actor in one step: the target (its systemId, or its id) and the
 * event's type and primitive fields (`{ to: 'socket', type: 'isDrafting', isDrafting: true }`).
 */
export type Send = { to: string; type: string } & Record<string, string | number | boolean | null>;

export interface Expected {
  value: StateValue;
  facts: Facts;
  /** What the machine sent other actors in this step, in order (see `createSendLog`). */
  sends?: Send[];
}

export interface ModelStep {
  event: EventObject;
  expected: Expected;
}

export interface ModelPath {
  description: string;
  input: unknown;
  /** The state right after start (before any event). */
  initial: Expected;
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
    // Every transition the event sets off, the eventless ones that follow it included, and the
    // guard outcomes it shows (`<id>:true` taken, `<id>:false` passed over).
    const stepOf = (from: AnyMachineSnapshot, event: EventObject) => {
      const scope = isolatedScope();
      const ids: string[] = [];
      const outcomes = new Set<string>();
      scope.system.inspect((inspection: InspectionEvent) => {
        if (inspection.type !== '@xstate.microstep') return;
        for (const transition of inspection._transitions) {
          const id = idOfTransition(transition);
          if (id) ids.push(id);
          recordOutcomes(transition, outcomes);
        }
      });
      const next = model.machine.transition(from as never, event as never, scope as never) as
        | AnyMachineSnapshot
        | undefined;
      guardsSaidNo(from, event.type, new Set(ids), outcomes);
      if (next?.status === 'active') alwaysSaidNo(next, outcomes);
      // The step's effect on the facts, with what it took: the same transition from a context
      // where its actions change a fact (selecting another conversation while one is open) is
      // worth a path of its own, as a mutant dropping that action shows nothing elsewhere.
      if (next && ids.length > 0) {
        const before = model.facts(from);
        const after = model.facts(next);
        const changed = Object.keys(after).filter(
          (key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]),
        );
        if (changed.length > 0) outcomes.add(`effect:${ids.join('+')}:${changed.join(',')}`);
      }
      return { ids, outcomes: [...outcomes] };
    };
    const isNew = ({ ids, outcomes }: { ids: string[]; outcomes: string[] }) =>
      ids.some((id) => !taken.has(id)) || outcomes.some((outcome) => !taken.has(outcome));
    const remember = ({ ids, outcomes }: { ids: string[]; outcomes: string[] }) => {
      for (const key of [...ids, ...outcomes]) taken.add(key);
    };
    // A path's snapshots, replayed from the start. xstate/graph keeps one snapshot per serialized
    // state (value and facts), reached by whichever route came first: its context can differ
    // from the path's own in what the facts leave out (a request's number), so what an event
    // does there is not what it does at the end of the path. Outcomes are read off the replay.
    const replay = (events: readonly EventObject[]) => {
      const initial = logic.getInitialSnapshot(
        isolatedScope() as never,
        input,
      ) as AnyMachineSnapshot;
      const snapshots = [initial];
      for (const event of events) {
        snapshots.push(
          logic.transition(
            snapshots.at(-1)! as never,
            event as never,
            undefined as never,
          ) as AnyMachineSnapshot,
        );
      }
      return snapshots;
    };
    const eventsOf = (path: RawPath) =>
      path.steps.filter((step) => step.event.type !== 'xstate.init').map((step) => step.event);
    for (const path of shortest) {
      const events = eventsOf(path);
      const snapshots = replay(events);
      events.forEach((event, index) => remember(stepOf(snapshots[index]!, event)));
    }
    // Every edge of the graph that takes a transition or shows a guard outcome no path has yet
    // (an event a guard turns away included), reached by the shortest path to its source.
    const adjacency = getAdjacencyMap(logic, options as never) as Record<
      string,
      {
        state: AnyMachineSnapshot;
        transitions: Record<string, { event: EventObject; state: AnyMachineSnapshot }>;
      }
    >;
    // The events are the model's for the replayed snapshot at the end of the prefix, not for
    // the graph's stand-in for it (a late answer names the request before the path's own).
    for (const key of Object.keys(adjacency)) {
      const prefix = byEnd.get(key);
      if (!prefix) continue;
      const at = replay(eventsOf(prefix)).at(-1)!;
      if (at.status !== 'active') continue;
      for (const event of model.events(at)) {
        const step = stepOf(at, event);
        if (!isNew(step)) continue;
        remember(step);
        const state = logic.transition(
          at as never,
          event as never,
          undefined as never,
        ) as AnyMachineSnapshot;
        candidates.push({ steps: [...prefix.steps, { event, state }] });
      }
    }
    const initialSnapshot = shortest.find((path) => path.steps.length > 0)?.steps[0]?.state;
    for (const raw of candidates) {
      // What each step should show, as the replay of the path's own events has it.
      const events = eventsOf(raw);
      const replayed = replay(events);
      const steps = events.map((event, index) => {
        const state = replayed[index + 1]!;
        return { event, expected: { value: state.value, facts: model.facts(state) } };
      });
      const description = steps.map((step) => describeEvent(step.event)).join(' → ') || '(start)';
      const key = JSON.stringify([input, steps.map((step) => step.event)]);
      if (seen.has(key)) continue;
      seen.add(key);
      const start =
        raw.steps[0]?.event.type === 'xstate.init' ? raw.steps[0].state : initialSnapshot;
      paths.push(
        withSends(model, {
          description,
          input,
          initial: start
            ? { value: start.value, facts: model.facts(start) }
            : { value: '', facts: {} },
          steps,
        }),
      );
    }
  }
  return paths;
}

const primitive = (value: unknown): value is string | number | boolean | null =>
  value === null || ['string', 'number', 'boolean'].includes(typeof value);

/**
 * Records what the actor under test sends other actors. The machine finds them by systemId
 * (`system.get`), and skips a send when the target is not running; run alone, it would have no
 * socket, session or messenger to talk to, and its sends would go unseen. So `system.get` answers
 * with a silent stand-in for any systemId no actor holds, and every `@xstate.event` whose source
 * is the actor under test and whose target is another actor is logged as a `Send`. Call before
 * `actor.start()`; `take()` returns the sends since the last call.
 */
export function createSendLog(actor: AnyActorRef): { take: () => Send[] } {
  const system = actor.system as {
    get: (systemId: string) => AnyActorRef | undefined;
    inspect: (observer: (event: InspectionEvent) => void) => unknown;
  };
  const standIns = new Map<string, AnyActorRef>();
  const names = new Map<AnyActorRef, string>();
  const get = system.get.bind(system);
  system.get = (systemId: string) => {
    const running = get(systemId);
    if (running) return running;
    let standIn = standIns.get(systemId);
    if (!standIn) {
      standIn = createEmptyActor();
      standIn.start();
      standIns.set(systemId, standIn);
      names.set(standIn, systemId);
    }
    return standIn;
  };
  let sends: Send[] = [];
  system.inspect((inspection: InspectionEvent) => {
    if (inspection.type !== '@xstate.event' || inspection.sourceRef !== actor) return;
    const target = inspection.actorRef as AnyActorRef & { systemId?: string };
    if (target === actor) return;
    const send: Send = {
      to: names.get(target) ?? target.systemId ?? target.id,
      type: inspection.event.type,
    };
    for (const [key, value] of Object.entries(inspection.event)) {
      if (key !== 'type' && primitive(value)) send[key] = value;
    }
    sends.push(send);
  });
  return {
    take: () => {
      const taken = sends;
      sends = [];
      return taken;
    },
  };
}

/**
 * The sends of each step (and of the start), found by running the path once on the machine: the
 * pure transition function xstate/graph uses executes no actions, so generation cannot see them.
 */
function withSends(model: MachineModel, path: ModelPath): ModelPath {
  const actor = createActor(model.machine, { input: path.input, clock: frozenClock });
  const log = createSendLog(actor);
  actor.start();
  try {
    const initial = { ...path.initial, sends: log.take() };
    const steps = path.steps.map((step) => {
      actor.send(step.event);
      return { ...step, expected: { ...step.expected, sends: log.take() } };
    });
    return { ...path, initial, steps };
  } finally {
    actor.stop();
  }
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
  /** `<transition id>:true` when a guarded transition was taken, `:false` when its guard said no. */
  guardOutcomes: Set<string>;
  /** `<in id> -> <out id>`: a transition into a state, then the next one out of it. */
  pairs: Set<string>;
}

const isAtomic = (node: AnyStateNode) => Object.keys(node.states).length === 0;
export const ancestorsOf = (node: AnyStateNode): AnyStateNode[] => {
  const chain: AnyStateNode[] = [];
  for (let current: AnyStateNode | undefined = node; current; current = current.parent) {
    chain.push(current);
  }
  return chain;
};

/**
 * Which guarded transitions said no to `event` in `snapshot`, as XState selects: from each
 * active atomic state up, the candidates for the event in order until one is taken; every
 * guarded candidate passed over was evaluated false. `taken` is what the step actually took.
 */
export function guardsSaidNo(
  snapshot: AnyMachineSnapshot,
  eventType: string,
  taken: ReadonlySet<string>,
  into: Set<string>,
): void {
  const nodes = snapshot._nodes as AnyStateNode[];
  for (const atomic of nodes.filter(isAtomic)) {
    for (const node of ancestorsOf(atomic)) {
      const candidates = ((node.transitions as Map<string, AnyTransitionDefinition[]>).get(
        eventType,
      ) ?? []) as AnyTransitionDefinition[];
      let chosen = false;
      for (const candidate of candidates) {
        const id = idOfTransition(candidate);
        if (id === null) continue;
        if (taken.has(id)) {
          chosen = true;
          break;
        }
        if (candidate.guard) into.add(`${id}:false`);
      }
      if (chosen) break;
    }
  }
}

/**
 * A taken transition's own outcome (`:true` when guarded) and its guarded alternatives before it
 * in the same list, each of which said no for XState to reach it.
 */
export function recordOutcomes(transition: AnyTransitionDefinition, into: Set<string>): void {
  const id = idOfTransition(transition);
  if (id === null) return;
  if (transition.guard) into.add(`${id}:true`);
  const source = transition.source as AnyStateNode;
  const siblings = (
    id.includes(':always:')
      ? (source.always ?? [])
      : ((source.transitions as Map<string, AnyTransitionDefinition[]>).get(transition.eventType) ??
        [])
  ) as AnyTransitionDefinition[];
  for (const sibling of siblings) {
    if (sibling === transition) break;
    const siblingId = idOfTransition(sibling);
    if (siblingId !== null && sibling.guard) into.add(`${siblingId}:false`);
  }
}

/** In a settled snapshot every guarded `always` of an active state said no (or it would have fired). */
export function alwaysSaidNo(snapshot: AnyMachineSnapshot, into: Set<string>): void {
  for (const node of snapshot._nodes as AnyStateNode[]) {
    for (const candidate of (node.always ?? []) as AnyTransitionDefinition[]) {
      const id = idOfTransition(candidate);
      if (id !== null && candidate.guard) into.add(`${id}:false`);
    }
  }
}

function recordSnapshot(snapshot: AnyMachineSnapshot, stateIds: Set<string>) {
  for (const node of snapshot._nodes) stateIds.add(node.id);
}

/** Runs a path against the machine itself, asserting state value and facts at each step. */
export function runPath(model: MachineModel, path: ModelPath): PathRun {
  const transitionIds = new Set<string>();
  const stateIds = new Set<string>();
  const guardOutcomes = new Set<string>();
  const pairs = new Set<string>();
  // The transition that last entered each state node still active, for pairs.
  const enteredBy = new Map<string, string>();
  let stepTaken = new Set<string>();
  const actor = createActor(model.machine, {
    input: path.input,
    clock: frozenClock,
    inspect: (event: InspectionEvent) => {
      // Only the machine under test (its invoked children are other machines' business).
      if (event.type !== '@xstate.microstep' || (event.actorRef as AnyActorRef)._parent) return;
      for (const transition of event._transitions) {
        const id = idOfTransition(transition);
        stateIds.add(transition.source.id);
        if (!id) continue;
        transitionIds.add(id);
        stepTaken.add(id);
        recordOutcomes(transition, guardOutcomes);
        // The pair this transition closes: it leaves a state some transition entered.
        for (const source of ancestorsOf(transition.source as AnyStateNode)) {
          const into = enteredBy.get(source.id);
          if (into) {
            pairs.add(`${into} -> ${id}`);
            break;
          }
        }
        for (const target of (transition.target ?? []) as AnyStateNode[]) {
          enteredBy.set(target.id, id);
        }
      }
    },
  });
  const log = createSendLog(actor);
  // Paths without `sends` (built by hand) are compared without them.
  const sendsOf = (expected: Expected) => (expected.sends ? { sends: log.take() } : {});
  actor.start();
  try {
    let snapshot = actor.getSnapshot() as AnyMachineSnapshot;
    // The location rides along in the compared object, so a failure says which path and step.
    const initialWhere = `${model.name}: ${path.description}, initial state`;
    expect({ where: initialWhere, value: snapshot.value, ...sendsOf(path.initial) }).toEqual({
      where: initialWhere,
      value: path.initial.value,
      ...(path.initial.sends ? { sends: path.initial.sends } : {}),
    });
    recordSnapshot(snapshot, stateIds);
    alwaysSaidNo(snapshot, guardOutcomes);
    path.steps.forEach((step, index) => {
      const before = snapshot;
      stepTaken = new Set();
      actor.send(step.event);
      snapshot = actor.getSnapshot() as AnyMachineSnapshot;
      if (before.status === 'active') {
        guardsSaidNo(before, step.event.type, stepTaken, guardOutcomes);
      }
      const where = `${model.name}: ${path.description}, step ${index + 1} (${step.event.type})`;
      expect({
        where,
        error: snapshot.status === 'error' ? snapshot.error : null,
        value: snapshot.value,
        facts: model.facts(snapshot),
        ...sendsOf(step.expected),
      }).toEqual({ where, error: null, ...step.expected });
      recordSnapshot(snapshot, stateIds);
      if (snapshot.status === 'active') alwaysSaidNo(snapshot, guardOutcomes);
    });
  } finally {
    actor.stop();
  }
  return { transitionIds, stateIds, guardOutcomes, pairs };
}

export interface MachineCoverage {
  name: string;
  states: { covered: number; total: number };
  transitions: { covered: number; total: number };
  /** Each guarded transition's guard seen true (taken) and false (passed over). */
  guards: { covered: number; total: number };
  /**
   * Transition pairs: a transition into a state followed by one out of it. `total` counts every
   * (into, out of) combination the definition allows, some of which no run can take (an `after`
   * out of a state left by every event first); read it as a ratio to watch, not a target.
   */
  pairs: { covered: number; total: number };
  paths: number;
  coveredTransitionIds: string[];
  uncoveredTransitionIds: string[];
  uncoveredStateIds: string[];
  /** Guard outcomes never seen, as `<transition id>:true|false`. */
  uncoveredGuardOutcomes: string[];
}

const descendantsOf = (node: AnyStateNode): AnyStateNode[] => [
  node,
  ...(Object.values(node.states) as AnyStateNode[]).flatMap(descendantsOf),
];

/** Every (into, out of) transition pair the definition allows, by the target state. */
function possiblePairs(machine: AnyStateMachine): Set<string> {
  const transitions = listTransitions(machine);
  const nodes = new Map(listStateNodes(machine).map((node) => [node.id, node]));
  const pairs = new Set<string>();
  for (const into of transitions) {
    for (const targetId of into.targetIds) {
      const target = nodes.get(targetId);
      if (!target) continue;
      // Out of the target or anything inside it, or out of an ancestor while it is active.
      const within = new Set(descendantsOf(target).map((node) => node.id));
      for (const node of ancestorsOf(target)) within.add(node.id);
      for (const out of transitions) {
        if (within.has(out.sourceId)) pairs.add(`${into.id} -> ${out.id}`);
      }
    }
  }
  return pairs;
}

export function measureCoverage(
  name: string,
  machine: AnyStateMachine,
  runs: PathRun[],
): MachineCoverage {
  const allStates = listStateNodes(machine)
    .filter((node) => node !== machine.root)
    .map((node) => node.id);
  const transitions = listTransitions(machine);
  const allTransitions = transitions.map((transition) => transition.id);
  const coveredStates = new Set(runs.flatMap((run) => [...run.stateIds]));
  const coveredTransitions = new Set(runs.flatMap((run) => [...run.transitionIds]));
  const covered = allTransitions.filter((id) => coveredTransitions.has(id));
  const allOutcomes = transitions
    .filter((transition) => transition.guard !== null)
    .flatMap((transition) => [`${transition.id}:true`, `${transition.id}:false`]);
  const seenOutcomes = new Set(runs.flatMap((run) => [...run.guardOutcomes]));
  const possible = possiblePairs(machine);
  const seenPairs = new Set(runs.flatMap((run) => [...run.pairs]));
  return {
    name,
    states: {
      covered: allStates.filter((id) => coveredStates.has(id)).length,
      total: allStates.length,
    },
    transitions: { covered: covered.length, total: allTransitions.length },
    guards: {
      covered: allOutcomes.filter((outcome) => seenOutcomes.has(outcome)).length,
      total: allOutcomes.length,
    },
    pairs: {
      covered: [...possible].filter((pair) => seenPairs.has(pair)).length,
      total: possible.size,
    },
    paths: runs.length,
    coveredTransitionIds: covered,
    uncoveredTransitionIds: allTransitions.filter((id) => !coveredTransitions.has(id)),
    uncoveredStateIds: allStates.filter((id) => !coveredStates.has(id)),
    uncoveredGuardOutcomes: allOutcomes.filter((outcome) => !seenOutcomes.has(outcome)),
  };
}
