// Mutation testing of the machines: small faults are planted in a machine's config (a
// transition retargeted, a guard dropped or negated, an action or a delayed transition dropped,
// the events of two transitions swapped) and the model-based paths, generated once from the
// original model, are run against each faulty machine. A mutant is killed when some path sees a
// state value or a fact (or an error) other than the one the original machine showed; a mutant
// that survives is a fault the model-based tests would let through.
//
// Mutants are built from `model.machine.config` with `createMachine(config,
// model.machine.implementations)`, so the model's inert actors stay provided.
import { isDeepStrictEqual } from 'node:util';
import {
  createActor,
  createMachine,
  not,
  type AnyMachineSnapshot,
  type AnyStateMachine,
  type AnyStateNode,
  type AnyTransitionDefinition,
  type InspectionEvent,
  type StateValue,
} from 'xstate';
import { listStateNodes } from '../../../machines/introspect.ts';
import { createSendLog, type Facts, type MachineModel, type ModelPath } from '../modelKit.ts';

export type Operator =
  | 'retarget'
  | 'dropGuard'
  | 'negateGuard'
  | 'dropAction'
  | 'dropEntryAction'
  | 'dropExitAction'
  | 'dropAfter'
  | 'swapEvents';

/** A mutant not yet built: building is deferred so a spent budget costs nothing more. */
export interface MutantPlan {
  /** Stable: "<machine>: <state path> <where>[<n>]: <what>". */
  description: string;
  operator: Operator;
  /** The state node whose config is changed (its id in the machine). */
  stateId: string;
  /** Changes a deep copy of the machine's config in place. */
  apply: (config: Record<string, unknown>) => void;
  /** Set when the mutant is equivalent by a rule (not run): why it behaves as the original. */
  equivalentBecause?: string;
}

export interface Divergence {
  path: string;
  /** 0 for the state right after start, n for the state after the n-th event. */
  step: number;
  event: string | null;
  expected: unknown;
  got: unknown;
}

export type MutantStatus = 'killed' | 'survived' | 'equivalent';

export interface MutantResult {
  description: string;
  operator: Operator;
  status: MutantStatus;
  /** How it was killed (the first path that saw a difference), when killed. */
  divergence?: Divergence;
  /** Paths run against it (only those that ever have the mutated state active). */
  pathsRun: number;
  /** Why an equivalent mutant behaves as the original. */
  because?: string;
}

type Json = Record<string, unknown>;
type TransitionConfig = Json & { target?: unknown; guard?: unknown; actions?: unknown };

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Plain objects and arrays copied, everything else (functions, class instances) shared. */
export function cloneConfig<T>(value: T): T {
  if (Array.isArray(value)) return value.map(cloneConfig) as T;
  if (isObject(value) && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, cloneConfig(v)])) as T;
  }
  return value;
}

const toArray = (value: unknown): unknown[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** A transition slot's alternatives as objects (`'x'` is `{ target: 'x' }`). */
const alternatives = (value: unknown): TransitionConfig[] =>
  toArray(value).map((item) =>
    typeof item === 'string' ? { target: item } : (item as TransitionConfig),
  );

/** Where in a state node's config a transition list sits, and how to name it. */
interface Slot {
  label: string;
  get: (node: Json) => unknown;
  set: (node: Json, value: unknown) => void;
}

function slotsOf(node: Json): Slot[] {
  const slots: Slot[] = [];
  for (const key of ['on', 'after'] as const) {
    const table = node[key];
    if (!isObject(table)) continue;
    for (const name of Object.keys(table)) {
      slots.push({
        label: `${key} ${name}`,
        get: (n) => (n[key] as Json)[name],
        set: (n, value) => {
          (n[key] as Json)[name] = value;
        },
      });
    }
  }
  if (node.always !== undefined) {
    slots.push({
      label: 'always',
      get: (n) => n.always,
      set: (n, value) => {
        n.always = value;
      },
    });
  }
  toArray(node.invoke).forEach((invoke, index) => {
    if (!isObject(invoke)) return;
    const name = String(invoke.id ?? (typeof invoke.src === 'string' ? invoke.src : index));
    for (const key of ['onDone', 'onError', 'onSnapshot'] as const) {
      if (invoke[key] === undefined) continue;
      const at = (n: Json) => toArray(n.invoke)[index] as Json;
      slots.push({
        label: `invoke ${name} ${key}`,
        get: (n) => at(n)[key],
        set: (n, value) => {
          at(n)[key] = value;
        },
      });
    }
  });
  if (node.onDone !== undefined) {
    slots.push({
      label: 'onDone',
      get: (n) => n.onDone,
      set: (n, value) => {
        n.onDone = value;
      },
    });
  }
  return slots;
}

/** The state node config at `path` (keys under `states`) in a config tree. */
function nodeAt(config: Json, path: string[]): Json {
  let node = config;
  for (const key of path) node = (node.states as Json)[key] as Json;
  return node;
}

/** Replaces alternative `index` of a slot (the slot turned into an array of objects). */
function editAlternative(
  node: Json,
  slot: Slot,
  index: number,
  edit: (transition: TransitionConfig) => TransitionConfig | null,
): void {
  const list = alternatives(slot.get(node)).map((t) => ({ ...t }));
  const edited = edit(list[index]!);
  if (edited === null) list.splice(index, 1);
  else list[index] = edited;
  slot.set(node, list);
}

/** Every mutant of a model's machine, in a stable order (mixed by operator, see below). */
export function planMutants(model: MachineModel): MutantPlan[] {
  const machine = model.machine;
  const byOperator = new Map<Operator, MutantPlan[]>();
  const add = (plan: Omit<MutantPlan, 'description'> & { where: string; what: string }) => {
    const list = byOperator.get(plan.operator) ?? [];
    const description = `${model.name}: ${plan.where}: ${plan.what}`;
    // Equivalent by a rule below, or as the model declares (with its reason).
    const equivalentBecause = plan.equivalentBecause ?? model.equivalentMutants?.[description];
    list.push({
      description,
      operator: plan.operator,
      stateId: plan.stateId,
      apply: plan.apply,
      ...(equivalentBecause ? { equivalentBecause } : {}),
    });
    byOperator.set(plan.operator, list);
  };
  const visit = (config: Json, live: AnyStateNode, path: string[]) => {
    const stateName = path.length === 0 ? '(root)' : path.join('.');
    const siblings = live.parent ? Object.keys(live.parent.states) : [];
    for (const slot of slotsOf(config)) {
      alternatives(slot.get(config)).forEach((transition, index) => {
        const where = `${stateName} ${slot.label}[${index}]`;
        const base = { stateId: live.id, where };
        const editing = (edit: (t: TransitionConfig) => TransitionConfig | null) => (root: Json) =>
          editAlternative(nodeAt(root, path), slot, index, edit);
        for (const sibling of siblings) {
          add({
            ...base,
            operator: 'retarget',
            what: `retargeted to ${sibling}`,
            apply: editing((t) => ({ ...t, target: sibling })),
            ...(transition.target === undefined &&
            transition.reenter !== true &&
            sibling === path.at(-1) &&
            Object.keys(live.states).length === 0
              ? {
                  equivalentBecause:
                    'a targetless transition sent to its own atomic state without `reenter`: ' +
                    'XState neither leaves nor enters a state a transition targets from itself',
                }
              : {}),
          });
        }
        if (transition.guard !== undefined) {
          add({
            ...base,
            operator: 'dropGuard',
            what: 'guard dropped',
            apply: editing(({ guard: _guard, ...rest }) => rest),
          });
          add({
            ...base,
            operator: 'negateGuard',
            what: 'guard negated',
            apply: editing((t) => ({ ...t, guard: not(t.guard as never) })),
          });
        }
        toArray(transition.actions).forEach((action, actionIndex) => {
          add({
            ...base,
            operator: 'dropAction',
            what: `action ${actionIndex} (${nameOf(action)}) dropped`,
            apply: editing((t) => ({
              ...t,
              actions: toArray(t.actions).filter((_, i) => i !== actionIndex),
            })),
          });
        });
      });
    }
    for (const key of ['entry', 'exit'] as const) {
      toArray(config[key]).forEach((action, actionIndex) => {
        add({
          stateId: live.id,
          where: `${stateName} ${key}`,
          operator: key === 'entry' ? 'dropEntryAction' : 'dropExitAction',
          what: `action ${actionIndex} (${nameOf(action)}) dropped`,
          apply: (root) => {
            const node = nodeAt(root, path);
            node[key] = toArray(node[key]).filter((_, i) => i !== actionIndex);
          },
        });
      });
    }
    if (isObject(config.after)) {
      for (const delay of Object.keys(config.after)) {
        add({
          stateId: live.id,
          where: `${stateName} after ${delay}`,
          operator: 'dropAfter',
          what: 'delayed transition dropped',
          apply: (root) => {
            delete (nodeAt(root, path).after as Json)[delay];
          },
        });
      }
    }
    if (isObject(config.on)) {
      const events = Object.keys(config.on);
      events.forEach((a, i) => {
        for (const b of events.slice(i + 1)) {
          add({
            stateId: live.id,
            where: `${stateName} on ${a} / ${b}`,
            operator: 'swapEvents',
            what: 'events swapped',
            apply: (root) => {
              const on = nodeAt(root, path).on as Json;
              [on[a], on[b]] = [on[b], on[a]];
            },
          });
        }
      });
    }
    if (isObject(config.states)) {
      for (const [key, child] of Object.entries(config.states)) {
        visit(child as Json, live.states[key] as AnyStateNode, [...path, key]);
      }
    }
  };
  visit(machine.config as Json, machine.root, []);
  // Round robin over the operators, so a run cut short by its budget still samples each one.
  const lists = [...byOperator.values()];
  const plans: MutantPlan[] = [];
  for (let i = 0; lists.some((list) => i < list.length); i++) {
    for (const list of lists) if (i < list.length) plans.push(list[i]!);
  }
  return plans;
}

function nameOf(action: unknown): string {
  if (typeof action === 'string') return action;
  if (isObject(action) && 'type' in action) return String(action.type);
  if (typeof action === 'function') {
    const type = (action as { type?: unknown }).type;
    return typeof type === 'string' ? type : action.name || 'inline';
  }
  return 'inline';
}

/** The mutated machine, the model's implementations (inert actors) provided again. */
export function buildMutant(model: MachineModel, plan: MutantPlan): AnyStateMachine {
  const config = cloneConfig(model.machine.config as Json);
  plan.apply(config);
  return createMachine(config as never, model.machine.implementations as never) as AnyStateMachine;
}

/**
 * Everything about a machine that decides its behaviour, as the live StateNode tree resolved it
 * (targets as state ids, functions by identity): two machines with the same signature behave
 * the same, so a mutant with the original's signature is equivalent and is not run.
 */
export function signatureOf(machine: AnyStateMachine): string {
  const ids = new WeakMap<object, number>();
  let nextId = 0;
  const replacer = (_key: string, value: unknown) => {
    if (typeof value !== 'function') return value;
    if (!ids.has(value)) ids.set(value, nextId++);
    return `fn#${ids.get(value)}`;
  };
  const transition = (t: AnyTransitionDefinition) => ({
    target: ((t.target ?? []) as AnyStateNode[]).map((node) => node.id),
    guard: t.guard ?? null,
    actions: t.actions,
    reenter: t.reenter ?? false,
  });
  const nodes = listStateNodes(machine).map((node) => ({
    id: node.id,
    type: node.type,
    initial: (node.initial?.target ?? []).map((target: AnyStateNode) => target.id),
    entry: node.entry,
    exit: node.exit,
    invoke: node.invoke.map((invoke) => ({ id: invoke.id, src: invoke.src })),
    transitions: [...(node.transitions as Map<string, AnyTransitionDefinition[]>)].map(
      ([event, list]) => [event, list.map(transition)],
    ),
    always: ((node.always ?? []) as AnyTransitionDefinition[]).map(transition),
  }));
  return JSON.stringify(nodes, replacer);
}

/** A clock whose timers never fire: every `xstate.after.*` comes from the path. */
const frozenClock = {
  setTimeout: (() => {
    let next = 1;
    return () => next++;
  })(),
  clearTimeout: () => {},
};

/** More microsteps than this for one event is a loop the mutant made (an `always` to itself). */
const microstepLimit = 1_000;

export interface PathTrace {
  /** Every state node id active at some point of the path, passed through within a step included. */
  stateIds: Set<string>;
}

/**
 * Runs a path against `machine` (the original or a mutant) and returns the first place where
 * what it shows differs from what the path expects, or null: runPath of modelKit.ts without
 * vitest's `expect`, and never throwing (a crash or an error snapshot is a divergence).
 */
export function runPathQuietly(
  model: MachineModel,
  machine: AnyStateMachine,
  path: ModelPath,
  trace?: PathTrace,
): Divergence | null {
  let microsteps = 0;
  const facts = (snapshot: AnyMachineSnapshot): Facts | { factsThrew: string } => {
    try {
      return model.facts(snapshot);
    } catch (error) {
      return { factsThrew: String(error) };
    }
  };
  const observe = (snapshot: AnyMachineSnapshot) => ({
    error: snapshot.status === 'error' ? String(snapshot.error) : null,
    value: snapshot.value,
    facts: facts(snapshot),
  });
  const record = (snapshot: AnyMachineSnapshot) => {
    if (trace) for (const node of snapshot._nodes) trace.stateIds.add(node.id);
  };
  let step = 0;
  let event: string | null = null;
  const at = (expected: unknown, got: unknown): Divergence => ({
    path: path.description,
    step,
    event,
    expected,
    got,
  });
  let actor;
  let log: { take: () => unknown[] } = { take: () => [] };
  try {
    actor = createActor(machine, {
      input: path.input,
      clock: frozenClock,
      inspect: (inspection: InspectionEvent) => {
        if (inspection.type !== '@xstate.microstep') return;
        // States passed through within one event (`restoring`, left at once) count as visited.
        if (trace && !(inspection.actorRef as { _parent?: unknown })._parent) {
          record(inspection.snapshot as AnyMachineSnapshot);
          for (const transition of inspection._transitions) {
            for (let node: AnyStateNode | undefined = transition.source; node; node = node.parent) {
              trace.stateIds.add(node.id);
            }
          }
        }
        if (++microsteps > microstepLimit) {
          throw new Error(`more than ${microstepLimit} microsteps for one event`);
        }
      },
    });
    // An error snapshot is compared like any other; without an observer XState would rethrow it.
    actor.subscribe({ error: () => {} });
    log = createSendLog(actor);
    actor.start();
  } catch (error) {
    return at({ value: path.initial.value }, { crash: String(error) });
  }
  try {
    let snapshot = actor.getSnapshot() as AnyMachineSnapshot;
    record(snapshot);
    const initialSends = log.take();
    const initial = { error: null, value: snapshot.value as StateValue };
    if (
      snapshot.status === 'error' ||
      !isDeepStrictEqual(snapshot.value, path.initial.value) ||
      (path.initial.sends && !isDeepStrictEqual(initialSends, path.initial.sends))
    ) {
      return at(
        { error: null, value: path.initial.value, sends: path.initial.sends },
        { ...initial, error: observe(snapshot).error, sends: initialSends },
      );
    }
    for (const [index, modelStep] of path.steps.entries()) {
      step = index + 1;
      event = modelStep.event.type;
      microsteps = 0;
      try {
        actor.send(modelStep.event);
      } catch (error) {
        return at({ error: null, ...modelStep.expected }, { crash: String(error) });
      }
      snapshot = actor.getSnapshot() as AnyMachineSnapshot;
      record(snapshot);
      const sends = log.take();
      const got = { ...observe(snapshot), ...(modelStep.expected.sends ? { sends } : {}) };
      const expected = { error: null, ...modelStep.expected };
      if (!isDeepStrictEqual(got, expected)) return at(expected, got);
    }
    return null;
  } finally {
    actor.stop();
  }
}

/** The original's paths, each with the states it visits (a mutant can only differ on those). */
export interface Baseline {
  paths: ModelPath[];
  traces: PathTrace[];
  /** Paths the original itself does not run as expected (should be none). */
  broken: Divergence[];
  signature: string;
}

export function baselineOf(model: MachineModel, paths: ModelPath[]): Baseline {
  const traces: PathTrace[] = [];
  const broken: Divergence[] = [];
  for (const path of paths) {
    const trace: PathTrace = { stateIds: new Set() };
    const divergence = withQuietConsole(() => runPathQuietly(model, model.machine, path, trace));
    if (divergence) broken.push(divergence);
    traces.push(trace);
  }
  return { paths, traces, broken, signature: signatureOf(model.machine) };
}

/** XState warns on the console about what mutants do (events to stopped actors...). */
function withQuietConsole<T>(run: () => T): T {
  const { warn, error } = console;
  console.warn = () => {};
  console.error = () => {};
  try {
    return run();
  } finally {
    console.warn = warn;
    console.error = error;
  }
}

/**
 * Builds and runs one mutant. Until the mutated state is first active a mutant does exactly what
 * the original does, so only the paths whose original run has that state active are run.
 */
export function runMutant(model: MachineModel, baseline: Baseline, plan: MutantPlan): MutantResult {
  const result = (status: MutantStatus, pathsRun: number, divergence?: Divergence) => ({
    description: plan.description,
    operator: plan.operator,
    status,
    pathsRun,
    ...(divergence ? { divergence } : {}),
  });
  if (plan.equivalentBecause)
    return { ...result('equivalent', 0), because: plan.equivalentBecause };
  let mutant: AnyStateMachine;
  try {
    mutant = buildMutant(model, plan);
  } catch (error) {
    return result('killed', 0, {
      path: '(machine definition)',
      step: 0,
      event: null,
      expected: 'a machine',
      got: { crash: String(error) },
    });
  }
  if (signatureOf(mutant) === baseline.signature) return result('equivalent', 0);
  let pathsRun = 0;
  for (const [index, path] of baseline.paths.entries()) {
    if (!baseline.traces[index]!.stateIds.has(plan.stateId)) continue;
    pathsRun++;
    const divergence = withQuietConsole(() => runPathQuietly(model, mutant, path));
    if (divergence) return result('killed', pathsRun, divergence);
  }
  return result('survived', pathsRun);
}
