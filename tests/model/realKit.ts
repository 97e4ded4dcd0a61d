// The kit for adapters: the same generated path data (tests/model/modelKit.ts) executed against
// the real implementation a machine models (the real socket transport and server, the real
// views, the real platform storage), instead of against the machine itself.
//
// An adapter file calls `describeAdapter(name, model, runOne)`. `runOne(path, recorder)` starts
// the real thing, makes each step's event happen for real (a user action, a server answer, a
// fault, the simulated clock), and asserts after each step what a user or the server can observe
// in the terms of the step's expected state and facts. It passes `recorder.inspect` as the
// `inspect` option of the actor it creates, so the coverage of the machine as it ran inside the
// real implementation (states, transitions, guard outcomes, pairs) is measured from the real run.
//
// On a failure the kit shrinks the path (drops steps while the adapter still fails, with the
// expected states recomputed by the machine), saves it as a fixture under
// test-results/model-failures/ and says how to replay it:
//   PARLEY_MODEL_REPLAY=<file> npm run test:model
// Which paths run: PARLEY_MODEL_PATHS=all (npm run test:model) runs every generated path;
// otherwise (npm test) a covering subset: the fewest paths that together take every transition
// and show every guard outcome the machine's own run of all paths shows.
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createActor,
  type AnyActorRef,
  type AnyMachineSnapshot,
  type AnyStateNode,
  type AnyTransitionDefinition,
  type EventObject,
  type InspectionEvent,
} from 'xstate';
import { idOfTransition } from '../../machines/introspect.ts';
import {
  alwaysSaidNo,
  ancestorsOf,
  frozenClock,
  generatePaths,
  guardsSaidNo,
  recordOutcomes,
  measureCoverage,
  runPath,
  type MachineModel,
  type ModelPath,
  type ModelStep,
  type PathRun,
} from './modelKit.ts';

export const failuresDir = 'test-results/model-failures';

/**
 * Thrown by an adapter for a step the real world cannot produce in that place (an offline
 * session's token refused by the server, say). The path is reported skipped, with the reason,
 * and left out of coverage; shrinking does not count it as the failure it is looking for.
 */
export class Unproducible extends Error {
  override name = 'Unproducible';
}
export const realCoverageDir = 'coverage/model-real';

// ---------------------------------------------------------------------------------------------
// Coverage of a machine as it runs inside the real implementation
// ---------------------------------------------------------------------------------------------

export interface CoverageRecorder {
  /** Pass as the `inspect` option of the root actor (it sees every actor of the system). */
  inspect: (event: InspectionEvent) => void;
  run: () => PathRun;
  /** Events (other than its start) that actors of the machine processed. */
  eventsSeen: () => number;
}

const machineIdOf = (actor: AnyActorRef | undefined): string | null => {
  const logic = (actor as { logic?: unknown } | undefined)?.logic as
    | { root?: { id?: string }; id?: string }
    | undefined;
  return logic?.root && typeof logic.id === 'string' ? logic.id : null;
};

/**
 * Records, for every running actor of the machine whose id is `machineId` (there may be several:
 * one conversation actor per conversation), the transitions it takes, the states it enters, the
 * guard outcomes (taken `:true`; passed over `:false`, as XState selects) and the pairs.
 */
export function createCoverageRecorder(machineId: string): CoverageRecorder {
  const run: PathRun = {
    transitionIds: new Set(),
    stateIds: new Set(),
    guardOutcomes: new Set(),
    pairs: new Set(),
  };
  // Per actor (sessionId): its last settled snapshot, what the current event took so far, and
  // the transition that last entered each of its state nodes.
  const actors = new Map<
    string,
    { settled: AnyMachineSnapshot | null; taken: Set<string>; enteredBy: Map<string, string> }
  >();
  const stateOf = (actor: AnyActorRef) => {
    let state = actors.get(actor.sessionId);
    if (!state) {
      state = { settled: null, taken: new Set(), enteredBy: new Map() };
      actors.set(actor.sessionId, state);
    }
    return state;
  };
  let eventsSeen = 0;
  const recordNodes = (snapshot: AnyMachineSnapshot) => {
    for (const node of (snapshot._nodes ?? []) as AnyStateNode[]) {
      if (node.parent) run.stateIds.add(node.id);
    }
  };
  const inspect = (event: InspectionEvent) => {
    const actor = event.actorRef as AnyActorRef;
    if (machineIdOf(actor) !== machineId) return;
    const state = stateOf(actor);
    if (event.type === '@xstate.microstep') {
      for (const transition of event._transitions as AnyTransitionDefinition[]) {
        const id = idOfTransition(transition);
        run.stateIds.add(transition.source.id);
        if (!id) continue;
        run.transitionIds.add(id);
        state.taken.add(id);
        recordOutcomes(transition, run.guardOutcomes);
        for (const source of ancestorsOf(transition.source as AnyStateNode)) {
          const into = state.enteredBy.get(source.id);
          if (into) {
            run.pairs.add(`${into} -> ${id}`);
            break;
          }
        }
        for (const target of (transition.target ?? []) as AnyStateNode[]) {
          state.enteredBy.set(target.id, id);
        }
      }
      return;
    }
    if (event.type === '@xstate.snapshot') {
      const snapshot = event.snapshot as AnyMachineSnapshot;
      if (!snapshot || !('_nodes' in snapshot)) return;
      const eventType = (event.event as EventObject).type;
      if (eventType !== 'xstate.init' && eventType !== 'xstate.stop') eventsSeen += 1;
      if (state.settled && state.settled.status === 'active' && eventType !== 'xstate.init') {
        guardsSaidNo(state.settled, eventType, state.taken, run.guardOutcomes);
      }
      state.taken = new Set();
      state.settled = snapshot;
      recordNodes(snapshot);
      if (snapshot.status === 'active') alwaysSaidNo(snapshot, run.guardOutcomes);
    }
  };
  return { inspect, run: () => run, eventsSeen: () => eventsSeen };
}

// ---------------------------------------------------------------------------------------------
// Which paths run
// ---------------------------------------------------------------------------------------------

/**
 * The fewest paths (greedy set cover) that together take every transition and show every guard
 * outcome that all the paths together do when run on the machine itself.
 */
export function coveringPaths(model: MachineModel, paths: ModelPath[]): ModelPath[] {
  const keysOf = paths.map((path) => {
    const run = runPath(model, path);
    return new Set([...run.transitionIds, ...run.guardOutcomes]);
  });
  const wanted = new Set(keysOf.flatMap((keys) => [...keys]));
  const chosen: number[] = [];
  while (wanted.size > 0) {
    let best = -1;
    let bestGain = 0;
    keysOf.forEach((keys, index) => {
      let gain = 0;
      for (const key of keys) if (wanted.has(key)) gain += 1;
      // Ties go to the shorter path (cheaper to run for real).
      const shorter = best >= 0 && paths[index]!.steps.length < paths[best]!.steps.length;
      if (gain > bestGain || (gain === bestGain && gain > 0 && shorter)) {
        best = index;
        bestGain = gain;
      }
    });
    if (best < 0) break;
    chosen.push(best);
    for (const key of keysOf[best]!) wanted.delete(key);
  }
  return chosen.sort((a, b) => a - b).map((index) => paths[index]!);
}

export interface Fixture {
  adapter: string;
  machine: string;
  path: ModelPath;
  error: string;
}

/** The paths an adapter runs: a replayed fixture, every path, or a covering subset. */
export function pathsFor(adapter: string, model: MachineModel): ModelPath[] {
  const replay = process.env.PARLEY_MODEL_REPLAY;
  if (replay) {
    const files = replay.split(',').flatMap((entry) =>
      existsSync(entry) && statSync(entry).isDirectory()
        ? readdirSync(entry)
            .filter((name) => name.endsWith('.json'))
            .map((name) => `${entry}/${name}`)
        : [entry],
    );
    return (
      files
        .map((file) => JSON.parse(readFileSync(file, 'utf8')) as Fixture)
        .filter((fixture) => fixture.adapter === adapter)
        // The events as saved, with what the machine expects of them today (it may have changed
        // since the failure); as saved when the machine no longer takes them in that order, or
        // when asked (PARLEY_MODEL_REPLAY_AS_SAVED=1: hold a changed machine to the old paths).
        .map(({ path }) =>
          process.env.PARLEY_MODEL_REPLAY_AS_SAVED === '1'
            ? path
            : (expectationsFor(
                model,
                path.input,
                path.steps.map((step) => step.event),
                path.description,
              ) ?? path),
        )
    );
  }
  const all = generatePaths(model);
  return process.env.PARLEY_MODEL_PATHS === 'all' ? all : coveringPaths(model, all);
}

// ---------------------------------------------------------------------------------------------
// Minimal reproductions and fixtures
// ---------------------------------------------------------------------------------------------

/** Events only the world produces, and only while it can: an actor's answer, a timer's end. */
const isWorldAnswer = (event: EventObject) =>
  /^xstate\.(done|error)\.actor\.|^xstate\.after\./.test(event.type);

/**
 * The path for these events, with each step's expectation as the machine itself computes it; or
 * null when the events cannot happen in this order: an event the model does not offer in that
 * state, an answer with no request open or a timer not running (the machine would not take
 * it), or a step the machine fails on.
 */
export function expectationsFor(
  model: MachineModel,
  input: unknown,
  events: EventObject[],
  description = events.map((event) => event.type).join(' → ') || '(start)',
): ModelPath | null {
  const actor = createActor(model.machine, { input, clock: frozenClock });
  // An error snapshot makes the candidate impossible; without an observer XState would report it.
  actor.subscribe({ error: () => {} });
  actor.start();
  try {
    const first = actor.getSnapshot() as AnyMachineSnapshot;
    const initial = { value: first.value, facts: model.facts(first) };
    const steps: ModelStep[] = [];
    for (const event of events) {
      const before = actor.getSnapshot() as AnyMachineSnapshot;
      if (before.status !== 'active') return null;
      if (isWorldAnswer(event) && !before.can(event as never)) return null;
      // Only what the model offers there (typing happens in an open conversation only, say).
      const offered = model.events(before);
      if (!offered.some((candidate) => isDeepStrictEqual(candidate, event))) return null;
      actor.send(event);
      const snapshot = actor.getSnapshot() as AnyMachineSnapshot;
      if (snapshot.status === 'error') return null;
      steps.push({ event, expected: { value: snapshot.value, facts: model.facts(snapshot) } });
    }
    return { description, input, initial, steps };
  } finally {
    actor.stop();
  }
}

/**
 * Shortest failing path found by dropping steps (one at a time, keeping any drop after which
 * the adapter still fails), with expectations recomputed by the machine; a candidate whose events
 * cannot happen in that order (see `expectationsFor`) is not tried. Bounded by `maxRuns` runs
 * and `budgetMs` of wall-clock time (each run of a failing path may wait out a timeout).
 */
export async function shrink(
  model: MachineModel,
  path: ModelPath,
  fails: (candidate: ModelPath) => Promise<boolean>,
  maxRuns = 24,
  budgetMs = 60_000,
): Promise<ModelPath> {
  let current = path;
  let runs = 0;
  let changed = true;
  const deadline = Date.now() + budgetMs;
  const more = () => runs < maxRuns && Date.now() < deadline;
  while (changed && more()) {
    changed = false;
    for (let index = current.steps.length - 1; index >= 0 && more(); index -= 1) {
      const events = current.steps.filter((_, at) => at !== index).map((step) => step.event);
      const candidate = expectationsFor(model, current.input, events);
      if (candidate === null) continue;
      runs += 1;
      if (await fails(candidate)) {
        current = candidate;
        changed = true;
      }
    }
  }
  return current;
}

export function saveFixture(fixture: Fixture, file?: string): string {
  mkdirSync(failuresDir, { recursive: true });
  const slug = fixture.path.description.replace(/[^a-z0-9]+/gi, '-').slice(0, 60);
  const target =
    file ?? `${failuresDir}/${fixture.adapter}-${slug}-${Date.now().toString(36)}.json`;
  writeFileSync(target, JSON.stringify(fixture, null, 2) + '\n');
  return target;
}

// ---------------------------------------------------------------------------------------------
// Helpers for adapters
// ---------------------------------------------------------------------------------------------

/** Fails, naming it, for a fact the adapter does not observe: a new fact cannot go unseen. */
export function expectKnownFacts(adapter: string, path: ModelPath, known: readonly string[]): void {
  const all = [path.initial.facts, ...path.steps.map((step) => step.expected.facts)];
  for (const facts of all) {
    for (const key of Object.keys(facts)) {
      if (!known.includes(key)) {
        throw new Error(
          `path "${path.description}" carries the fact "${key}", which ${adapter} does ` +
            `not observe (it knows ${known.join(', ')}): map it to what the user sees`,
        );
      }
    }
  }
}

/**
 * Counts how often each event was produced by its real cause, or sent to an actor for lack of
 * one; printed after the file with PARLEY_ADAPTER_TALLY=1.
 */
export function createTally(): (key: string) => void {
  const tally = new Map<string, number>();
  afterAll(() => {
    if (!process.env.PARLEY_ADAPTER_TALLY) return;
    console.log(
      [...tally]
        .sort()
        .map(([key, n]) => `${key}: ${n}`)
        .join('\n'),
    );
  });
  return (key) => tally.set(key, (tally.get(key) ?? 0) + 1);
}

// ---------------------------------------------------------------------------------------------
// The adapter's test suite
// ---------------------------------------------------------------------------------------------

export interface AdapterOptions {
  /** Adapter runs allowed for shrinking a failure (each is a real run). */
  shrinkRuns?: number;
  /** Wall-clock time allowed for shrinking a failure (default 60 s). */
  shrinkMs?: number;
}

/** Per path: its run, shrinking on failure included, must end well inside this. */
const pathTimeoutMs = 150_000;

/**
 * One test per path: `runOne` executes it against the real implementation. Coverage of the
 * machine inside it is written to coverage/model-real/<adapter>.json for npm run test:model
 * (with `replayed`, the number of fixture paths run, when replaying).
 */
export function describeAdapter(
  adapter: string,
  model: MachineModel,
  runOne: (path: ModelPath, recorder: CoverageRecorder) => Promise<void>,
  options: AdapterOptions = {},
): void {
  const paths = pathsFor(adapter, model);
  const runs: PathRun[] = [];
  let unproducible = 0;
  describe(`${adapter} (${model.name} paths against the real implementation)`, () => {
    afterAll(() => {
      mkdirSync(realCoverageDir, { recursive: true });
      const coverage = measureCoverage(model.name, model.machine, runs);
      writeFileSync(
        `${realCoverageDir}/${adapter}.json`,
        JSON.stringify(
          {
            adapter,
            machine: model.name,
            selection: process.env.PARLEY_MODEL_REPLAY
              ? 'replay'
              : process.env.PARLEY_MODEL_PATHS === 'all'
                ? 'all'
                : 'covering',
            replayed: process.env.PARLEY_MODEL_REPLAY ? paths.length : 0,
            unproducible,
            ...coverage,
          },
          null,
          2,
        ) + '\n',
      );
    });
    // Replaying fixtures of other adapters only: nothing to run here, but a file needs a test
    // (defined only then, so other runs count no skipped placeholder).
    const placeholder = paths.length === 0 ? [0] : [];
    for (const _ of placeholder) {
      it('has no path to run (a replay of other adapters)', () => {
        expect(process.env.PARLEY_MODEL_REPLAY, 'only a replay runs no path').toBeTruthy();
      });
    }
    paths.forEach((path, index) => {
      it(
        `path ${index + 1}: ${path.description}`,
        async (context) => {
          const recorder = createCoverageRecorder(model.machine.id);
          try {
            await runOne(path, recorder);
          } catch (error) {
            if (error instanceof Unproducible) {
              unproducible += 1;
              context.skip(`not producible for real: ${error.message}`);
              return;
            }
            const message = error instanceof Error ? error.message : String(error);
            // Saved at once: should shrinking run out of time, the failing path is still there.
            const file = saveFixture({ adapter, machine: model.name, path, error: message });
            const minimal = await shrink(
              model,
              path,
              async (candidate) => {
                try {
                  await runOne(candidate, createCoverageRecorder(model.machine.id));
                  return false;
                } catch (candidateError) {
                  // A step the world cannot produce is not the failure being looked for.
                  return !(candidateError instanceof Unproducible);
                }
              },
              options.shrinkRuns,
              options.shrinkMs,
            );
            saveFixture({ adapter, machine: model.name, path: minimal, error: message }, file);
            const events = minimal.steps.map((step) => step.event.type).join(' → ') || '(start)';
            throw new Error(
              `${message}\n\nMinimal reproduction (${minimal.steps.length} of ${path.steps.length} steps): ${events}\n` +
                `Replay: PARLEY_MODEL_REPLAY=${file} npm run test:model`,
              { cause: error },
            );
          }
          // The machine was seen running inside the implementation, taking the path's events.
          expect(
            recorder.run().stateIds.size,
            `${adapter}: no ${model.name} actor was observed`,
          ).toBeGreaterThan(0);
          // A path whose steps change nothing may be all refusals no actor hears (a button the
          // views disable); one that changes something must have reached the machine.
          const states = [path.initial, ...path.steps.map((step) => step.expected)];
          const changes = states.some(
            (state, at) =>
              at > 0 &&
              !isDeepStrictEqual(
                { value: state.value, facts: state.facts },
                { value: states[at - 1]!.value, facts: states[at - 1]!.facts },
              ),
          );
          expect(
            !changes || recorder.eventsSeen() > 0,
            `${adapter}: no ${model.name} actor processed an event of the path`,
          ).toBe(true);
          runs.push(recorder.run());
        },
        pathTimeoutMs,
      );
    });
  });
}
