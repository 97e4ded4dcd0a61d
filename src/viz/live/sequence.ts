// The sequence view's model: the events between actors, as a sequence diagram reads them. Each
// record is one event delivered to one actor (its target), sent by another actor (the record's
// `sourceSessionId`) or from outside the actor system (the UI, a socket handler; also what a
// record without a sender says). Pure, so the page and the tests draw the same diagram.
//
// Lifelines: "outside" first when an event came from there, then the actors in the shown
// messages in the actor tree's order (labelled as the tree labels them), then actors the tree
// no longer has (forgotten, or of an earlier run), in the order they appear.
import { actorForest, actorLabel, actorTreeRows, type ActorTree } from './actorTree.ts';
import type { InspectionRecord, StateValue } from './recordSchema.ts';

/** What the model needs of a record as the page keeps it (LiveRecord, TimelineRecord). */
export type SequenceRecord = InspectionRecord & { seq: number; actorKey: string };

/** The key of the lifeline of events from outside the actor system. */
export const outsideKey = '\u0000outside';
export const outsideLabel = 'outside';

/** Records shown at most by default: the last ones. */
export const defaultSequenceMaxMessages = 200;

export interface Lifeline {
  /** The actor's key in the tree (its records' `actorKey`), or `outsideKey`. */
  key: string;
  label: string;
  /** The actor's session id; null for outside. */
  sessionId: string | null;
}

export interface SequenceMessage {
  /** The record's `seq`. */
  seq: number;
  /** Lifeline keys: the sender (or `outsideKey`) and the target. Equal for a self message. */
  from: string;
  to: string;
  fromLabel: string;
  toLabel: string;
  eventType: string;
  /** The target's state value after the event. */
  value: StateValue;
  valueText: string;
  status: InspectionRecord['status'];
  at: number;
}

export interface SequenceModel {
  lifelines: Lifeline[];
  messages: SequenceMessage[];
  /** Earlier records left out (past `maxMessages`). */
  omitted: number;
}

/** "idle"; "open.composing" for a compound state; "a.x, b.y" for parallel regions. */
export function stateValueLabel(value: StateValue): string {
  if (typeof value === 'string') return value;
  const parts = Object.entries(value).map(([key, inner]) => {
    const innerText = stateValueLabel(inner);
    return innerText === '' ? key : `${key}.${innerText}`;
  });
  return parts.length === 1 ? parts[0]! : parts.join(', ');
}

/** The accessible name of a message, as the view announces it. */
export function messageName(message: SequenceMessage): string {
  return `${message.fromLabel} → ${message.toLabel}: ${message.eventType}`;
}

/**
 * The diagram of `records` (in arrival order, ascending `seq`), the last `maxMessages` of
 * them, with the actors as `tree` knows them.
 */
export function sequenceOf(
  records: readonly SequenceRecord[],
  tree: ActorTree,
  maxMessages: number = defaultSequenceMaxMessages,
): SequenceModel {
  const limit = Math.max(0, Math.floor(maxMessages));
  const shown = limit === 0 ? [] : records.slice(-limit);
  const omitted = records.length - shown.length;

  /** Lifelines by key; labels from the tree when it has the actor, else from its record. */
  const known = new Map<string, Lifeline>();
  const treeKeys = new Map<string, string>(); // session id -> key, of the tree's actors
  for (const actor of tree.actors.values()) treeKeys.set(actor.sessionId, actor.key);
  const treeActorByKey = new Map([...tree.actors.values()].map((actor) => [actor.key, actor]));
  const lifelineOf = (key: string, fallback: () => Omit<Lifeline, 'key'>): Lifeline => {
    let lifeline = known.get(key);
    if (!lifeline) {
      const actor = treeActorByKey.get(key);
      lifeline = actor
        ? { key, label: actor.label, sessionId: actor.sessionId }
        : { key, ...fallback() };
      known.set(key, lifeline);
    }
    return lifeline;
  };

  /** The key each session id's records carried most recently, as the messages go. */
  const keyOfSession = new Map<string, string>();
  // Earlier records (left out) still say which key a sender's session id had.
  for (const record of records.slice(0, omitted))
    keyOfSession.set(record.sessionId, record.actorKey);

  const messages: SequenceMessage[] = [];
  const used = new Set<string>();
  for (const record of shown) {
    keyOfSession.set(record.sessionId, record.actorKey);
    const target = lifelineOf(record.actorKey, () => ({
      label: actorLabel(record),
      sessionId: record.sessionId,
    }));
    const sourceId = record.sourceSessionId ?? null;
    let source: Lifeline;
    if (sourceId === null) {
      source = lifelineOf(outsideKey, () => ({ label: outsideLabel, sessionId: null }));
    } else {
      const key = keyOfSession.get(sourceId) ?? treeKeys.get(sourceId) ?? sourceId;
      // A sender that published no record of its own (not a machine: a promise, a callback).
      source = lifelineOf(key, () => ({ label: `actor ${sourceId}`, sessionId: sourceId }));
    }
    used.add(source.key).add(target.key);
    messages.push({
      seq: record.seq,
      from: source.key,
      to: target.key,
      fromLabel: source.label,
      toLabel: target.label,
      eventType: record.event.type,
      value: record.value,
      valueText: stateValueLabel(record.value),
      status: record.status,
      at: record.at,
    });
  }

  const lifelines: Lifeline[] = [];
  if (used.has(outsideKey)) lifelines.push(known.get(outsideKey)!);
  for (const row of actorTreeRows(actorForest(tree))) {
    if (used.has(row.actor.key)) lifelines.push(known.get(row.actor.key)!);
  }
  const placed = new Set(lifelines.map((lifeline) => lifeline.key));
  for (const lifeline of known.values()) {
    if (used.has(lifeline.key) && !placed.has(lifeline.key)) lifelines.push(lifeline);
  }
  return { lifelines, messages, omitted };
}
