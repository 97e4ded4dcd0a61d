// Time travel through a run: the records the page keeps (live/history.ts, per actor) put back in
// arrival order, and what the actors looked like as of a position in it (a record's `seq`).
// Pure, so the page and the tests read a position the same way. The actor tree as of a position
// is the one the kept records up to it make (actorTree.ts, replayed), each actor keyed like the
// live tree keyed it (its records' `actorKey`), so the log filtered by key still matches.
// Replaying (timelineAt, feedOfRun) builds in place, O(1) per record: a run holds up to 100,000.
// Scrubbed back, the page keeps the run as it was when scrubbing started (ScrubbedRun), so newer
// records neither re-sort it nor replay it, nor push the chosen record out of the history.
import {
  actorTreeBuilder,
  addToActorTree,
  emptyActorTree,
  type ActorTree,
  type LiveActor,
} from './actorTree.ts';
import {
  appendToHistory,
  defaultHistoryLimits,
  emptyHistory,
  type ActorHistory,
} from './history.ts';
import type { InspectionRecord } from './recordSchema.ts';

/** A record as the page keeps it: numbered in arrival order, tagged with its actor's key. */
export type TimelineRecord = InspectionRecord & { seq: number; actorKey: string };

/** The kept records of all actors, oldest first (by `seq`). */
export function runOf<T extends { seq: number }>(history: ActorHistory<T>): T[] {
  const run: T[] = [];
  for (const records of history.byActor.values()) run.push(...records);
  return run.sort((a, b) => a.seq - b.seq);
}

/**
 * The index in `sorted` (ascending `seq`) of the last item at or before `seq`; -1 when all are
 * after it (or there are none).
 */
export function indexAtOrBefore(sorted: readonly { seq: number }[], seq: number): number {
  let low = 0;
  let high = sorted.length - 1;
  let found = -1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (sorted[middle]!.seq <= seq) {
      found = middle;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return found;
}

/** The last of `sorted` (ascending `seq`) at or before `seq`. */
export function atOrBefore<T extends { seq: number }>(
  sorted: readonly T[],
  seq: number,
): T | undefined {
  const index = indexAtOrBefore(sorted, seq);
  return index === -1 ? undefined : sorted[index];
}

export interface TimelineView<T extends TimelineRecord = TimelineRecord> {
  /** The actor tree as of the position. */
  tree: ActorTree;
  /** Each actor's latest record at or before the position, by actor key. */
  latest: ReadonlyMap<string, T>;
}

/**
 * The actors as of `seq`: the tree the run's records up to it make, and each actor's record at
 * or before it (its value, context and status then). Records after `seq` play no part.
 */
export function timelineAt<T extends TimelineRecord>(
  run: readonly T[],
  seq: number,
): TimelineView<T> {
  const builder = actorTreeBuilder();
  const latest = new Map<string, T>();
  const lastOfSession = new Map<string, T>();
  for (const record of run) {
    if (record.seq > seq) break;
    builder.add(record);
    latest.set(record.actorKey, record);
    lastOfSession.set(record.sessionId, record);
  }
  const tree = builder.tree();
  // The replay numbers restarts from the kept records only; the live tree's keys are the ones
  // the records carry.
  const actors = new Map<string, LiveActor>();
  for (const [sessionId, actor] of tree.actors) {
    const key = lastOfSession.get(sessionId)?.actorKey ?? actor.key;
    actors.set(sessionId, key === actor.key ? actor : { ...actor, key });
  }
  return { tree: { ...tree, actors }, latest };
}

/** The newest kept record (the largest `seq`), without sorting the run. */
export function newestOf<T extends { seq: number }>(history: ActorHistory<T>): T | undefined {
  let newest: T | undefined;
  for (const records of history.byActor.values()) {
    const last = records.at(-1);
    if (last && (!newest || last.seq > newest.seq)) newest = last;
  }
  return newest;
}

/** A run as the page keeps it: the latest records of each actor, and the actor tree. */
export interface Feed {
  history: ActorHistory<TimelineRecord>;
  /** Keeps each actor's latest state however long ago its last record fell out of `history`. */
  tree: ActorTree;
  /** Records received in all (the next `seq`); those not in `history` were dropped. */
  received: number;
}

export const emptyFeed: Feed = { history: emptyHistory, tree: emptyActorTree, received: 0 };

/** The feed after one more record, numbered and tagged. */
export function addToFeed(feed: Feed, record: InspectionRecord): Feed {
  const added = addToActorTree(feed.tree, record);
  return {
    tree: added.tree,
    history: appendToHistory(feed.history, added.key, {
      ...record,
      seq: feed.received,
      actorKey: added.key,
    }),
    received: feed.received + 1,
  };
}

/**
 * The feed of a whole run, as adding its records one by one (addToFeed) makes it, built in
 * place: O(1) per record where addToFeed copies the tree and the history.
 */
export function feedOfRun(run: { records: Iterable<InspectionRecord> }): Feed {
  const { perActor, maxActors } = defaultHistoryLimits;
  const builder = actorTreeBuilder();
  // As appendToHistory keeps them: each actor's records, the one heard from longest ago first.
  const byActor = new Map<string, TimelineRecord[]>();
  let received = 0;
  for (const record of run.records) {
    const actorKey = builder.add(record);
    const records = byActor.get(actorKey) ?? [];
    records.push({ ...record, seq: received, actorKey });
    // Trimmed now and then, to the latest `perActor` at the end.
    if (records.length >= 2 * perActor) records.splice(0, records.length - perActor);
    byActor.delete(actorKey);
    byActor.set(actorKey, records);
    while (byActor.size > maxActors) byActor.delete(byActor.keys().next().value!);
    received += 1;
  }
  let size = 0;
  for (const [actorKey, records] of byActor) {
    if (records.length > perActor) byActor.set(actorKey, records.slice(-perActor));
    size += Math.min(records.length, perActor);
  }
  return { history: { byActor, size }, tree: builder.tree(), received };
}

/**
 * A run scrubbed back: the position, and the run as it was when scrubbing started. The page
 * shows it alone until Follow live, however many records arrive meanwhile.
 */
export interface ScrubbedRun {
  /** The `seq` of the record shown. */
  seq: number;
  /** The feed when scrubbing started. */
  feed: Feed;
  /** Its kept records, oldest first (sorted once). */
  run: readonly TimelineRecord[];
}

/**
 * Scrubs to `seq` (null: back to following). Already scrubbed, the run stays the one kept;
 * else it is `feed`'s, as it is now.
 */
export function scrubTo(
  scrubbed: ScrubbedRun | null,
  feed: Feed,
  seq: number | null,
): ScrubbedRun | null {
  if (seq === null) return null;
  if (scrubbed) return scrubbed.seq === seq ? scrubbed : { ...scrubbed, seq };
  return { seq, feed, run: runOf(feed.history) };
}

/**
 * How many records came after the one at `index` of the scrubbed run: its own later ones, and
 * those `feed` (the one shown, still growing) received since scrubbing started.
 */
export function newerThan(scrubbed: ScrubbedRun, index: number, feed: Feed): number {
  return scrubbed.run.length - 1 - index + Math.max(0, feed.received - scrubbed.feed.received);
}
