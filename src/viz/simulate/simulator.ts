// Runs a machine in the page for simulate mode: inert actors, the transitions possible now,
// firing one with a payload, and a log of every step with the context after it.
import { createActor, type AnyActor, type AnyStateMachine, type InspectionEvent } from 'xstate';
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
  /** False when the machine ignored the event (no enabled transition, or a guard said no). */
  changed: boolean;
}

export interface SimulationView {
  value: StateValue;
  status: string;
  activeIds: ReadonlySet<string>;
  enabledTransitionIds: ReadonlySet<string>;
  log: readonly LogEntry[];
  /** Why the machine could not start or the last event failed, for the page to show. */
  error: string | null;
}

/** Transitions a user can fire: ordinary events, delays (fired early) and actor outcomes. */
const clickableKinds = new Set(['event', 'wildcard', 'after', 'done.actor', 'error.actor']);

export class Simulator {
  readonly #machine: AnyStateMachine;
  readonly #structure: MachineStructure;
  readonly #input: unknown;
  readonly #listeners = new Set<() => void>();
  #inert = new InertActors();
  #actor: AnyActor | null = null;
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
      const actor = createActor(this.#inert.provideTo(this.#machine), {
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

  /** Fires a transition: sends its event, or settles the invoked actor it waits for. */
  fire(transition: TransitionStructure, payload: unknown): void {
    const actor = this.#actor;
    if (!actor) return;
    this.#error = null;
    switch (transition.kind) {
      case 'done.actor':
      case 'error.actor':
        this.#inert.settle(
          transition.invokeId ?? '',
          transition.kind === 'done.actor' ? 'done' : 'error',
          payload,
        );
        break;
      case 'after':
        // The event XState schedules for the delay; sending it now skips the wait.
        actor.send({ type: transition.eventType });
        break;
      default: {
        const fields =
          payload && typeof payload === 'object' && !Array.isArray(payload) ? payload : {};
        actor.send({ ...fields, type: transition.eventType });
      }
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
    if (event.type !== '@xstate.snapshot' || event.actorRef !== this.#actor) return;
    const snapshot = event.snapshot as unknown as { value: StateValue; context: unknown };
    const previous = this.#log.at(-1);
    const value = toJsonSafe(snapshot.value) as StateValue;
    const context = toJsonSafe(snapshot.context);
    this.#log = [
      ...this.#log,
      {
        step: this.#log.length,
        eventType: event.event.type,
        event: toJsonSafe(event.event),
        value,
        context,
        changed:
          previous === undefined ||
          JSON.stringify(previous.value) !== JSON.stringify(value) ||
          JSON.stringify(previous.context) !== JSON.stringify(context),
      },
    ];
    this.#update();
  }

  #fail(error: unknown) {
    this.#error = error instanceof Error ? error.message : String(error);
    this.#update();
  }

  #computeView(): SimulationView {
    const snapshot = this.#actor?.getSnapshot() as
      | { value: StateValue; status: string }
      | undefined;
    const value = snapshot?.value ?? {};
    const activeIds = snapshot ? activeStateIds(this.#structure, value) : new Set<string>();
    const enabled = new Set<string>();
    if (snapshot?.status === 'active') {
      for (const transition of this.#structure.transitions) {
        if (!activeIds.has(transition.sourceId) || !clickableKinds.has(transition.kind)) continue;
        if (transition.invokeId !== undefined && !this.#inert.isPending(transition.invokeId)) {
          continue;
        }
        enabled.add(transition.id);
      }
    }
    return {
      value,
      status: snapshot?.status ?? 'stopped',
      activeIds,
      enabledTransitionIds: enabled,
      log: this.#log,
      error: this.#error,
    };
  }

  #update() {
    this.#view = this.#computeView();
    for (const listener of this.#listeners) listener();
  }
}
