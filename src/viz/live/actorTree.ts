// The live actor tree: which actors the running app has, under which parent, in which state,
// built from inspection records alone, one record at a time (pure, so the page and the tests
// build it the same way). Each actor appears once, by its session id, under its parent, with
// children in the order they were first heard from. A parent heard from after its children
// still gets them: XState reports an invoked child's first snapshot before its parent's.
//
// XState numbers session ids per page (x:0, x:1, …: one counter for all of a page's actors),
// so an app that starts over (a reload) reuses them. A second `xstate.init` for a session id the tree knows therefore means a
// new system: the tree starts over, keeping only the actors of the new system's start (the
// `xstate.init` records just before it), and later actors get keys of their own, so a log
// filtered by key never mixes two runs.
import type { InspectionRecord, StateValue } from './recordSchema.ts';

export type ActorStatus = InspectionRecord['status'];

export interface LiveActor {
  /** Unique for the page's lifetime: the session id, suffixed once the app started over. */
  key: string;
  sessionId: string;
  machineId: string;
  /** The actor's id among its parent's children, if the publisher says (older ones do not). */
  actorId: string | null;
  /** The parent's session id; null for a root, or when the publisher does not say. */
  parentSessionId: string | null;
  /** What the tree shows: the machine, and the actor's id when it says more (see actorLabel). */
  label: string;
  /** The state value after the actor's latest record. */
  value: StateValue;
  status: ActorStatus;
  /** How many records it published. */
  records: number;
}

export interface ActorTree {
  /** The current run's actors by session id, in the order they were first heard from. */
  readonly actors: ReadonlyMap<string, LiveActor>;
  /** How many times the app started over; suffixes the keys of later actors. */
  readonly restarts: number;
  /** Session ids of the actors made by the `xstate.init` records since the last other record. */
  readonly startBurst: readonly string[];
}

export const emptyActorTree: ActorTree = { actors: new Map(), restarts: 0, startBurst: [] };

/** Actors kept at most; past it the longest-finished go first (an app that sends all day). */
export const defaultMaxActors = 1000;

/**
 * "conversation c-group", "outgoingMessage m-1"; the machine id alone for a root (whose id is
 * its session id), an actor named after its machine ("session") or one of unknown id.
 */
export function actorLabel(actor: {
  machineId: string;
  actorId?: string | null | undefined;
  sessionId: string;
}): string {
  const { machineId, actorId, sessionId } = actor;
  // Spawned actors carry their systemId as id ("conversation.c-group", "outgoing.<id>", see
  // machines/system.ts): the label shows the name after it.
  const name = actorId?.replace(/^(conversation|outgoing)\./, '');
  return name && actorId !== machineId && actorId !== sessionId
    ? `${machineId} ${name}`
    : machineId;
}

const isFinished = (actor: LiveActor) => actor.status !== 'active';

/** A tree being built in place: what addToActorTree copies per record, ActorTreeBuilder not. */
interface MutableTree {
  actors: Map<string, LiveActor>;
  restarts: number;
  /** In order; a Set so an init moves its id to the end in O(1). */
  startBurst: Set<string>;
}

/** Makes room for one more actor: a finished leaf first, else any leaf, else the oldest. */
function withoutOneActor(tree: MutableTree): void {
  const { actors } = tree;
  const parents = new Set<string>();
  for (const actor of actors.values()) {
    if (actor.parentSessionId !== null && actor.parentSessionId !== actor.sessionId) {
      parents.add(actor.parentSessionId);
    }
  }
  const all = [...actors.values()];
  const victim =
    all.find((a) => isFinished(a) && !parents.has(a.sessionId)) ??
    all.find((a) => !parents.has(a.sessionId)) ??
    all[0];
  if (victim) {
    actors.delete(victim.sessionId);
    tree.startBurst.delete(victim.sessionId);
  }
}

/** Adds `record` to `tree` in place; the key of the record's actor. */
function addInPlace(tree: MutableTree, record: InspectionRecord, maxActors: number): string {
  const { sessionId } = record;
  const isInit = record.event.type === 'xstate.init';
  const known = tree.actors.get(sessionId);
  const restarted = isInit && known !== undefined;

  if (restarted) {
    // A new actor system: keep what its start reported before this record, drop the rest.
    tree.restarts += 1;
    const kept: LiveActor[] = [];
    for (const id of tree.startBurst) {
      const actor = tree.actors.get(id);
      if (actor && id !== sessionId) kept.push(actor);
    }
    tree.actors.clear();
    for (const actor of kept) tree.actors.set(actor.sessionId, actor);
    tree.startBurst.delete(sessionId);
  }

  const previous = restarted ? undefined : known;
  const actorId = record.actorId ?? previous?.actorId ?? null;
  const { restarts } = tree;
  const actor: LiveActor = {
    key: previous?.key ?? (restarts === 0 ? sessionId : `${sessionId}~${restarts}`),
    sessionId,
    machineId: record.machineId,
    actorId,
    parentSessionId:
      record.parentSessionId !== undefined
        ? record.parentSessionId
        : (previous?.parentSessionId ?? null),
    label: actorLabel({ machineId: record.machineId, actorId, sessionId }),
    value: record.value,
    status: record.status,
    records: (previous?.records ?? 0) + 1,
  };
  if (!previous) {
    while (tree.actors.size >= Math.max(1, maxActors)) withoutOneActor(tree);
  }
  tree.actors.set(sessionId, actor);

  if (isInit) {
    tree.startBurst.delete(sessionId);
    tree.startBurst.add(sessionId);
  } else {
    tree.startBurst.clear();
  }
  return actor.key;
}

/**
 * The tree after `record`, and the key of the actor the record belongs to (to tag the record
 * with, so each actor's log holds its own records only). Copies the tree's actors (the page
 * keeps each tree it shows); to add many records at once, use actorTreeBuilder.
 */
export function addToActorTree(
  tree: ActorTree,
  record: InspectionRecord,
  maxActors: number = defaultMaxActors,
): { tree: ActorTree; key: string } {
  const building: MutableTree = {
    actors: new Map(tree.actors),
    restarts: tree.restarts,
    startBurst: burstOf(tree),
  };
  const key = addInPlace(building, record, maxActors);
  return { tree: frozen(building), key };
}

/** The start burst's actors the tree still has. */
const burstOf = (tree: ActorTree) => new Set(tree.startBurst.filter((id) => tree.actors.has(id)));

function frozen(tree: MutableTree): ActorTree {
  return { actors: tree.actors, restarts: tree.restarts, startBurst: [...tree.startBurst] };
}

/**
 * Adds records one by one like addToActorTree, without copying the actors per record: O(1)
 * per record (bar making room past `maxActors`), for replaying a whole run.
 */
export interface ActorTreeBuilder {
  /** Adds a record; the key of its actor (as addToActorTree gives it). */
  add(record: InspectionRecord): string;
  /** The tree of the records added so far (a copy: adding more leaves it as it is). */
  tree(): ActorTree;
}

export function actorTreeBuilder(
  from: ActorTree = emptyActorTree,
  maxActors: number = defaultMaxActors,
): ActorTreeBuilder {
  const building: MutableTree = {
    actors: new Map(from.actors),
    restarts: from.restarts,
    startBurst: burstOf(from),
  };
  return {
    add: (record) => addInPlace(building, record, maxActors),
    tree: () => ({ ...frozen(building), actors: new Map(building.actors) }),
  };
}

export interface ActorTreeNode {
  actor: LiveActor;
  children: ActorTreeNode[];
}

/**
 * The tree's roots, each with its children in the order they were first heard from. An actor
 * whose parent is unknown (not heard from yet, not a machine, or forgotten) is a root.
 */
export function actorForest(tree: ActorTree): ActorTreeNode[] {
  const { actors } = tree;
  const parentIdOf = (actor: LiveActor) =>
    actor.parentSessionId !== null &&
    actor.parentSessionId !== actor.sessionId &&
    actors.has(actor.parentSessionId)
      ? actor.parentSessionId
      : null;
  // Parent links from records form a forest, unless a publisher lies: an actor on a cycle is
  // cut loose where the walk up from the earliest one meets itself, and shown as a root.
  const parents = new Map<string, string | null>();
  for (const actor of actors.values()) {
    const path = new Set<string>();
    let id: string | null = actor.sessionId;
    while (id !== null && !parents.has(id)) {
      if (path.has(id)) {
        parents.set(id, null);
        break;
      }
      path.add(id);
      id = parentIdOf(actors.get(id)!);
    }
    for (const onPath of path) {
      if (!parents.has(onPath)) parents.set(onPath, parentIdOf(actors.get(onPath)!));
    }
  }
  const nodes = new Map<string, ActorTreeNode>();
  for (const actor of actors.values()) nodes.set(actor.sessionId, { actor, children: [] });
  const roots: ActorTreeNode[] = [];
  for (const node of nodes.values()) {
    const parentId = parents.get(node.actor.sessionId) ?? null;
    const parent = parentId === null ? undefined : nodes.get(parentId);
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  return roots;
}

/** One line of the tree as drawn: depth-first, with its place among its siblings. */
export interface ActorTreeRow {
  actor: LiveActor;
  /** 1 for a root. */
  level: number;
  /** 1-based place among its siblings, and how many siblings there are. */
  position: number;
  siblings: number;
  /** The parent's key, null for a root. */
  parentKey: string | null;
  hasChildren: boolean;
}

export function actorTreeRows(forest: readonly ActorTreeNode[]): ActorTreeRow[] {
  const rows: ActorTreeRow[] = [];
  const visit = (nodes: readonly ActorTreeNode[], level: number, parentKey: string | null) => {
    nodes.forEach((node, index) => {
      rows.push({
        actor: node.actor,
        level,
        position: index + 1,
        siblings: nodes.length,
        parentKey,
        hasChildren: node.children.length > 0,
      });
      visit(node.children, level + 1, node.actor.key);
    });
  };
  visit(forest, 1, null);
  return rows;
}

/** The tree the records make, start to end (the page adds them one by one instead). */
export function buildActorTree(records: Iterable<InspectionRecord>): ActorTree {
  const builder = actorTreeBuilder();
  for (const record of records) builder.add(record);
  return builder.tree();
}

/**
 * The actor of `machineId` to show when none was picked: the first still running, else the
 * last to appear. With one actor of the machine, that one.
 */
export function defaultActorOf(tree: ActorTree, machineId: string): LiveActor | null {
  const ofMachine = [...tree.actors.values()].filter((actor) => actor.machineId === machineId);
  return ofMachine.find((actor) => !isFinished(actor)) ?? ofMachine.at(-1) ?? null;
}
