// The live records the page keeps, per actor (the actor tree's key, one per running actor): each
// actor keeps its latest `perActor` records however busy the others are, so typing hundreds of
// characters into the phone field (onboarding records) does not push the app's or the session's
// history out. `maxActors` bounds the whole: past it, the actor heard from longest ago goes.
export interface ActorHistory<T> {
  /** Records per actor key, oldest first. */
  byActor: ReadonlyMap<string, readonly T[]>;
  /** Records kept in all. */
  size: number;
}

export const emptyHistory: ActorHistory<never> = { byActor: new Map(), size: 0 };

export interface HistoryLimits {
  perActor: number;
  maxActors: number;
}

export const defaultHistoryLimits: HistoryLimits = { perActor: 500, maxActors: 200 };

export function appendToHistory<T>(
  history: ActorHistory<T>,
  actorKey: string,
  record: T,
  limits: HistoryLimits = defaultHistoryLimits,
): ActorHistory<T> {
  const byActor = new Map(history.byActor);
  const before = byActor.get(actorKey) ?? [];
  const kept = [...before.slice(Math.max(0, before.length - (limits.perActor - 1))), record];
  // Re-inserted last: the Map's order is "heard from longest ago" first.
  byActor.delete(actorKey);
  byActor.set(actorKey, kept);
  let size = history.size - before.length + kept.length;
  while (byActor.size > limits.maxActors) {
    const [oldest, records] = byActor.entries().next().value as [string, readonly T[]];
    byActor.delete(oldest);
    size -= records.length;
  }
  return { byActor, size };
}
