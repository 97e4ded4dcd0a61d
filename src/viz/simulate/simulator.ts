// Runs a machine in the page for simulate mode: inert actors, the transitions possible now,
// firing one with a payload, and a log of every step with the context after it.
//
// Honest: an arrow is enabled only if sending its event with the current payload would take
// that very arrow (guards evaluated against the payload, by XState's own pure transition);
// clicking an arrow that would not fire takes nothing and says why; the log records the
// transitions each step actually took, and tells an ignored event from one handled without a
// change of state.
import {
  createActor,
  createEmptyActor,
  type AnyActor,
  type AnyMachineSnapshot,
  type AnyStateMachine,
  type EventObject,
  type InspectionEvent,
} from 'xstate';
import { idOfTransition } from '../../../machines/introspect.ts';
import { toJsonSafe, type JsonValue } from '../live/jsonSafe.ts';
import type { StateValue } from '../live/recordSchema.ts';
import { activeStateIds } from '../activeStates.ts';
import type { MachineStructure, TransitionStructure } from '../structure.ts';
import { InertActors } from './inertActors.ts';

export interface LogEntry {
  step: number;
  eventType: string;
  event: JsonValue;
  value: StateValue;
  context: JsonValue;
  /** False when neither the state nor the context changed. */
  changed: boolean;
  /** The transitions the step took, in order (eventless ones after it included). */
  taken: string[];
  /** `ignored`: no transition took the event; `handled`: one did, the state stayed. */
  outcome: 'start' | 'ignored' | 'handled' | 'moved';
}

export interface SimulationView {
  value: StateValue;
  status: string;
  activeIds: ReadonlySet<string>;
  /** Transitions the active states offer now whatever the payload (their actor pending). */
  handledTransitionIds: ReadonlySet<string>;
  enabledTransitionIds: ReadonlySet<string>;
  log: readonly LogEntry[];
  /** Why the machine could not start or the last event failed, for the page to show. */
  error: string | null;
}

/** Transitions a user can fire: ordinary events, delays (fired early) and actor outcomes. */
const clickableKinds = new Set(['event', 'wildcard', 'after', 'done.actor', 'error.actor']);

/** The event an arrow sends with this payload (an actor's outcome carries it as output/error). */
export function eventFor(transition: TransitionStructure, payload: unknown): EventObject {
  switch (transition.kind) {
    case 'done.actor':
      return {
        type: `xstate.done.actor.${transition.invokeId ?? ''}`,
        output: payload,
      } as EventObject;
    case 'error.actor':
      return {
        type: `xstate.error.actor.${transition.invokeId ?? ''}`,
        error: payload,
      } as EventObject;
    case 'after':
      return { type: transition.eventType };
    default: {
      const fields =
        payload && typeof payload === 'object' && !Array.isArray(payload) ? payload : {};
      return { ...fields, type: transition.eventType };
    }
  }
}

/**
 * The transitions `event` would take from `snapshot`, by XState's pure transition function in a
 * scope of its own (no action runs, no actor starts).
 */
function wouldTake(
  logic: AnyStateMachine,
  snapshot: AnyMachineSnapshot,
  event: EventObject,
): string[] {
  const self = createEmptyActor();
  const ids: string[] = [];
  self.system.inspect((inspection: InspectionEvent) => {
    if (inspection.type !== '@xstate.microstep') return;
    for (const transition of inspection._transitions) {
      const id = idOfTransition(transition);
      if (id) ids.push(id);
    }
  });
  const scope = {
    self,
    logger: () => {},
    id: '',
    sessionId: 'simulator-probe',
    defer: () => {},
    system: self.system,
    stopChild: () => {},
    emit: () => {},
    actionExecutor: () => {},
  };
  try {
    logic.transition(snapshot as never, event as never, scope as never);
  } catch {
    return [];
  }
  return ids;
}

export class Simulator {
  readonly #machine: AnyStateMachine;
  readonly #structure: MachineStructure;
  readonly #input: unknown;
  readonly #listeners = new Set<() => void>();
  #inert = new InertActors();
  #logic: AnyStateMachine | null = null;
  #actor: AnyActor | null = null;
  #payload: unknown = {};
  #taken: string[] = [];
  #log: LogEntry[] = [];
  #error: string | null = null;
  #view: SimulationView;

  constructor(machine: AnyStateMachine, structure: MachineStructure, input: unknown) {
    this.#machine = machine;
    this.#structure = structure;
    this.#input = input;
    this.#view = this.#computeView();
  }

  start(): void {
    this.stop();
    this.#inert = new InertActors();
    this.#inert.onChange(() => this.#update());
    this.#log = [];
    this.#error = null;
    try {
      this.#logic = this.#inert.provideTo(this.#machine);
      const actor = createActor(this.#logic, {
        input: this.#input,
        inspect: (event) => this.#record(event),
      });
      actor.subscribe({ error: (error) => this.#fail(error) });
      this.#actor = actor;
      actor.start();
    } catch (error) {
      this.#fail(error);
    }
    this.#update();
  }

  stop(): void {
    this.#actor?.stop();
    this.#actor = null;
  }

  /** The payload the arrows are judged with (the page's payload editor). */
  setPayload(payload: unknown): void {
    this.#payload = payload;
    this.#update();
  }

  /**
   * Fires a transition: sends its event, or settles the invoked actor it waits for, only if that
   * would take this very transition; otherwise nothing happens and the view says why.
   */
  fire(transition: TransitionStructure, payload: unknown): void {
    const actor = this.#actor;
    const logic = this.#logic;
    if (!actor || !logic) return;
    this.#error = null;
    const snapshot = actor.getSnapshot() as AnyMachineSnapshot;
    const event = eventFor(transition, payload);
    const taken = snapshot.status === 'active' ? wouldTake(logic, snapshot, event) : [];
    if (!taken.includes(transition.id)) {
      this.#error =
        taken.length === 0
          ? `"${transition.label}" cannot fire now: the machine would ignore ${event.type} with this payload.`
          : `"${transition.label}" cannot fire now: with this payload ${event.type} takes ${taken.join(', ')}.`;
      this.#update();
      return;
    }
    this.#taken = [];
    switch (transition.kind) {
      case 'done.actor':
      case 'error.actor':
        this.#inert.settle(
          transition.invokeId ?? '',
          transition.kind === 'done.actor' ? 'done' : 'error',
          payload,
        );
        break;
      default:
        // For `after`, the event XState schedules for the delay: sending it now skips the wait.
        actor.send(event);
    }
    this.#update();
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Stable between changes, for useSyncExternalStore. */
  getView(): SimulationView {
    return this.#view;
  }

  #record(event: InspectionEvent) {
    if (event.actorRef !== this.#actor) return;
    if (event.type === '@xstate.microstep') {
      for (const transition of event._transitions) {
        const id = idOfTransition(transition);
        if (id) this.#taken.push(id);
      }
      return;
    }
    if (event.type !== '@xstate.snapshot') return;
    const snapshot = event.snapshot as unknown as { value: StateValue; context: unknown };
    const previous = this.#log.at(-1);
    const value = toJsonSafe(snapshot.value) as StateValue;
    const context = toJsonSafe(snapshot.context);
    const taken = this.#taken;
    this.#taken = [];
    const moved =
      previous === undefined || JSON.stringify(previous.value) !== JSON.stringify(value);
    this.#log = [
      ...this.#log,
      {
        step: this.#log.length,
        eventType: event.event.type,
        event: toJsonSafe(event.event),
        value,
        context,
        changed: moved || JSON.stringify(previous?.context) !== JSON.stringify(context),
        taken,
        outcome:
          previous === undefined
            ? 'start'
            : taken.length === 0
              ? 'ignored'
              : moved
                ? 'moved'
                : 'handled',
      },
    ];
    this.#update();
  }

  #fail(error: unknown) {
    this.#error = error instanceof Error ? error.message : String(error);
    this.#update();
  }

  /** The transitions that could fire now with some payload: clickable, from an active state. */
  #handled(snapshot: AnyMachineSnapshot | undefined, activeIds: ReadonlySet<string>) {
    if (snapshot?.status !== 'active') return [];
    return this.#structure.transitions.filter(
      (transition) =>
        activeIds.has(transition.sourceId) &&
        clickableKinds.has(transition.kind) &&
        (transition.invokeId === undefined || this.#inert.isPending(transition.invokeId)),
    );
  }

  #enabled(
    snapshot: AnyMachineSnapshot | undefined,
    handled: readonly TransitionStructure[],
    payload: unknown,
  ): Set<string> {
    const enabled = new Set<string>();
    const logic = this.#logic;
    if (!snapshot || !logic) return enabled;
    for (const transition of handled) {
      // Only an arrow its event would take now, with this payload.
      if (wouldTake(logic, snapshot, eventFor(transition, payload)).includes(transition.id)) {
        enabled.add(transition.id);
      }
    }
    return enabled;
  }

  /**
   * The arrows `payload` would enable now, without making it the payload (the page asks this of
   * each payload template, to tell the events possible now from the others).
   */
  enabledWith(payload: unknown): ReadonlySet<string> {
    const snapshot = this.#actor?.getSnapshot() as AnyMachineSnapshot | undefined;
    return this.#enabled(snapshot, this.#handled(snapshot, this.#view.activeIds), payload);
  }

  #computeView(): SimulationView {
    const snapshot = this.#actor?.getSnapshot() as AnyMachineSnapshot | undefined;
    const value = (snapshot?.value as StateValue | undefined) ?? {};
    const activeIds = snapshot ? activeStateIds(this.#structure, value) : new Set<string>();
    const handled = this.#handled(snapshot, activeIds);
    return {
      value,
      status: snapshot?.status ?? 'stopped',
      activeIds,
      handledTransitionIds: new Set(handled.map((transition) => transition.id)),
      enabledTransitionIds: this.#enabled(snapshot, handled, this.#payload),
      log: this.#log,
      error: this.#error,
    };
  }

  #update() {
    this.#view = this.#computeView();
    for (const listener of this.#listeners) listener();
  }
}
