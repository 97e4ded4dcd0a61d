// Simulation never reaches the network: every actor a machine declares in `setup({ actors })`
// is replaced by an inert promise actor that stays pending until the user clicks its done or
// error edge, which settles it with the payload typed in the editor. A promise (not a
// callback) actor, because only a promise actor can end with done or error on request; it
// ignores events sent to it, like a disconnected transport would.
import { fromPromise, type AnyActorLogic, type AnyStateMachine } from 'xstate';

interface Settlers {
  resolve(output: unknown): void;
  reject(error: unknown): void;
}

export class InertActors {
  readonly #pending = new Map<string, Settlers>();
  readonly #listeners = new Set<() => void>();

  /** The machine with every declared actor replaced by an inert one. */
  provideTo(machine: AnyStateMachine): AnyStateMachine {
    const names = Object.keys(machine.implementations.actors);
    const actors: Record<string, AnyActorLogic> = {};
    for (const name of names) actors[name] = this.#inertLogic();
    return machine.provide({ actors });
  }

  /** Invoke ids of actors waiting to be settled. */
  pendingIds(): string[] {
    return [...this.#pending.keys()];
  }

  isPending(invokeId: string): boolean {
    return this.#pending.has(invokeId);
  }

  /** Ends the actor with `invokeId`: its parent receives done (with output) or error. */
  settle(invokeId: string, outcome: 'done' | 'error', value: unknown): boolean {
    const settlers = this.#pending.get(invokeId);
    if (!settlers) return false;
    this.#pending.delete(invokeId);
    if (outcome === 'done') settlers.resolve(value);
    else settlers.reject(value);
    this.#notify();
    return true;
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #notify() {
    for (const listener of this.#listeners) listener();
  }

  #inertLogic(): AnyActorLogic {
    return fromPromise<unknown, unknown>(
      ({ self, signal }) =>
        new Promise((resolve, reject) => {
          // An invoked actor's id is its invoke id: the one in `xstate.done.actor.<id>`.
          const id = self.id;
          this.#pending.set(id, { resolve, reject });
          signal.addEventListener('abort', () => {
            if (this.#pending.delete(id)) this.#notify();
          });
          this.#notify();
        }),
    );
  }
}
