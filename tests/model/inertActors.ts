// Actors that never finish on their own: in model runs every result is an event of the path.
import { fromCallback, fromPromise } from 'xstate';

/** A promise actor that never settles, typed as whichever actor it stands in for. */
export function pendingForever<TOutput, TInput>() {
  return fromPromise<TOutput, TInput>(() => new Promise<TOutput>(() => {}));
}

/** A callback actor that sends nothing and ignores what it receives. */
export function silentCallback<TEvent extends { type: string }, TInput>() {
  return fromCallback<TEvent, TInput>(() => () => {});
}
