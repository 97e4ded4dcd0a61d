// The live actor tree, built from the records a running actor system publishes: where each
// actor sits, which state it is in, and which records are its own.
import { describe, expect, it } from 'vitest';
import { createActor, type InspectionEvent } from 'xstate';
import {
  actorForest,
  actorLabel,
  actorTreeRows,
  addToActorTree,
  buildActorTree,
  defaultActorOf,
  emptyActorTree,
  type ActorTree,
  type ActorTreeNode,
} from '../../../src/viz/live/actorTree.ts';
import { toInspectionRecord } from '../../../src/viz/live/record.ts';
import {
  InspectionRecordSchema,
  type InspectionRecord,
  type StateValue,
} from '../../../src/viz/live/recordSchema.ts';
import { appFixture, systemFixtureActors } from './fixtures.ts';

/** Runs the miniature app system, returning its records (as they come off the wire). */
function runSystem(script: (actors: ReturnType<typeof systemFixtureActors>) => void) {
  const records: InspectionRecord[] = [];
  const inspect = (event: InspectionEvent) => {
    const record = toInspectionRecord(event, () => 1_700_000_000_000);
    if (record) records.push(JSON.parse(JSON.stringify(record)) as InspectionRecord);
  };
  const app = createActor(appFixture, { inspect }).start();
  script(systemFixtureActors(app));
  return { records, app };
}

/** The forest as `label: state` lines, indented two spaces a level. */
function outline(tree: ActorTree): string[] {
  const lines: string[] = [];
  const visit = (nodes: ActorTreeNode[], depth: number) => {
    for (const { actor, children } of nodes) {
      const value = typeof actor.value === 'string' ? actor.value : JSON.stringify(actor.value);
      const status = actor.status === 'active' ? '' : ` (${actor.status})`;
      lines.push(`${'  '.repeat(depth)}${actor.label}: ${value}${status}`);
      visit(children, depth + 1);
    }
  };
  visit(actorForest(tree), 0);
  return lines;
}

function record(
  sessionId: string,
  fields: Partial<InspectionRecord> & { machineId: string; value?: StateValue },
): InspectionRecord {
  return {
    kind: 'snapshot',
    sessionId,
    rootId: 'x:0',
    status: 'active',
    value: 'idle',
    context: {},
    event: { type: 'xstate.init' },
    at: 0,
    ...fields,
  } as InspectionRecord;
}

/** The records as a freshly loaded page would number them: session ids from x:0. */
function asFreshPage(records: InspectionRecord[]): InspectionRecord[] {
  const numbers = records.map((r) => Number(r.sessionId.slice(2)));
  const base = Math.min(...numbers);
  const renumber = (id: string) => `x:${Number(id.slice(2)) - base}`;
  return records.map((r) => ({
    ...r,
    sessionId: renumber(r.sessionId),
    rootId: renumber(r.rootId),
    ...(r.actorId === r.sessionId ? { actorId: renumber(r.sessionId) } : {}),
    ...(r.parentSessionId ? { parentSessionId: renumber(r.parentSessionId) } : {}),
  }));
}

describe('inspection records say where the actor sits', () => {
  it('carry the actor id and the parent session id, null for the root', () => {
    const { records, app } = runSystem(({ messenger }) =>
      messenger?.send({ type: 'synced', ids: ['c-group'] }),
    );
    const first = (machineId: string) => records.find((r) => r.machineId === machineId)!;
    const appSessionId = app.sessionId;
    expect(first('app')).toMatchObject({ actorId: appSessionId, parentSessionId: null });
    expect(first('session')).toMatchObject({ actorId: 'session', parentSessionId: appSessionId });
    const messenger = first('messenger');
    expect(messenger).toMatchObject({ actorId: 'messenger', parentSessionId: appSessionId });
    expect(first('conversation')).toMatchObject({
      actorId: 'c-group',
      parentSessionId: messenger.sessionId,
    });
    for (const r of records) expect(InspectionRecordSchema.safeParse(r).success).toBe(true);
  });

  it('validate without them (older publishers), and not with unbounded ones', () => {
    const old = record('x:3', { machineId: 'session' });
    delete (old as { actorId?: unknown }).actorId;
    expect(InspectionRecordSchema.safeParse(old).success).toBe(true);
    const parse = (fields: object) =>
      InspectionRecordSchema.safeParse({ ...old, ...fields }).success;
    expect(parse({ actorId: 'c-group', parentSessionId: null })).toBe(true);
    expect(parse({ actorId: 'x'.repeat(201) })).toBe(false);
    expect(parse({ parentSessionId: 'x'.repeat(201) })).toBe(false);
    expect(parse({ actorId: '' })).toBe(false);
  });

  it('cut an id longer than the schema allows, so the record still validates', () => {
    const records: InspectionRecord[] = [];
    const app = createActor(appFixture, {
      inspect: (event) => {
        const r = toInspectionRecord(event);
        if (r) records.push(r);
      },
    }).start();
    systemFixtureActors(app).messenger?.send({ type: 'synced', ids: ['c'.repeat(300)] });
    const conversation = records.find((r) => r.machineId === 'conversation')!;
    expect(conversation.actorId).toBe('c'.repeat(200));
    expect(InspectionRecordSchema.safeParse(conversation).success).toBe(true);
  });
});

describe('the actor tree', () => {
  it('nests each actor once under its parent, children in the order they appeared', () => {
    const { records } = runSystem(({ session, messenger, conversation }) => {
      session?.send({ type: 'connected' });
      messenger?.send({ type: 'synced', ids: ['c-direct', 'c-group'] });
      conversation('c-group')?.send({ type: 'send', clientMessageId: 'm-1' });
    });
    const tree = buildActorTree(records);
    expect(outline(tree)).toEqual([
      'app: signedIn',
      '  session: online',
      '  messenger: ready',
      '    conversation c-direct: idle',
      '    conversation c-group: idle',
      '      outgoingMessage m-1: sending',
    ]);
    expect(
      actorTreeRows(actorForest(tree)).map((row) => [
        row.actor.label,
        row.level,
        row.position,
        row.siblings,
        row.hasChildren,
      ]),
    ).toEqual([
      ['app', 1, 1, 1, true],
      ['session', 2, 1, 2, false],
      ['messenger', 2, 2, 2, true],
      ['conversation c-direct', 3, 1, 2, false],
      ['conversation c-group', 3, 2, 2, true],
      ['outgoingMessage m-1', 4, 1, 1, false],
    ]);
    const rows = actorTreeRows(actorForest(tree));
    expect(rows[4]!.parentKey).toBe(rows[2]!.actor.key);
  });

  it('keeps two conversations apart: own state, own key, own records', () => {
    const { records } = runSystem(({ messenger, conversation }) => {
      messenger?.send({ type: 'synced', ids: ['c-direct', 'c-group'] });
      conversation('c-group')?.send({ type: 'draft' });
    });
    let tree = emptyActorTree;
    const keyed = records.map((r) => {
      const added = addToActorTree(tree, r);
      tree = added.tree;
      return { ...r, key: added.key };
    });
    const conversations = [...tree.actors.values()].filter((a) => a.machineId === 'conversation');
    expect(conversations.map((a) => [a.label, a.value])).toEqual([
      ['conversation c-direct', 'idle'],
      ['conversation c-group', 'composing'],
    ]);
    const [direct, group] = conversations;
    expect(direct!.key).not.toBe(group!.key);
    const logOf = (key: string) =>
      keyed.filter((r) => r.key === key).map((r) => `${r.event.type} → ${String(r.value)}`);
    expect(logOf(direct!.key)).toEqual(['xstate.init → idle']);
    expect(logOf(group!.key)).toEqual(['xstate.init → idle', 'draft → composing']);
    // With none picked, a machine shows its first running actor.
    expect(defaultActorOf(tree, 'conversation')?.key).toBe(direct!.key);
    expect(defaultActorOf(tree, 'session')?.label).toBe('session');
    expect(defaultActorOf(tree, 'onboarding')).toBeNull();
  });

  it('marks a stopped conversation and a finished message, and keeps showing them', () => {
    const { records } = runSystem(({ messenger, conversation, outgoing }) => {
      messenger?.send({ type: 'synced', ids: ['c-direct', 'c-group'] });
      conversation('c-group')?.send({ type: 'send', clientMessageId: 'm-1' });
      outgoing('c-group', 'm-1')?.send({ type: 'acked' });
      messenger?.send({ type: 'closed', id: 'c-direct' });
    });
    const tree = buildActorTree(records);
    expect(outline(tree)).toEqual([
      'app: signedIn',
      '  session: connecting',
      '  messenger: ready',
      '    conversation c-direct: idle (stopped)',
      '    conversation c-group: idle',
      '      outgoingMessage m-1: sent (done)',
    ]);
    // A stopped actor is shown only when no running one of its machine is left.
    expect(defaultActorOf(tree, 'conversation')?.label).toBe('conversation c-group');
  });

  it('places actors heard from before their parent under it once the parent is heard from', () => {
    const child = record('x:2', {
      machineId: 'conversation',
      actorId: 'c-group',
      parentSessionId: 'x:1',
    });
    const parent = record('x:1', {
      machineId: 'messenger',
      actorId: 'messenger',
      parentSessionId: 'x:0',
      value: 'ready',
    });
    const early = buildActorTree([child]);
    expect(outline(early)).toEqual(['conversation c-group: idle']);
    const late = buildActorTree([child, parent]);
    expect(outline(late)).toEqual(['messenger: ready', '  conversation c-group: idle']);
    // XState itself reports an invoked child's first snapshot before its parent's.
    const { records } = runSystem(() => {});
    expect(records.map((r) => r.machineId)).toEqual(['session', 'messenger', 'app']);
    expect(outline(buildActorTree(records))).toEqual([
      'app: signedIn',
      '  session: connecting',
      '  messenger: waiting',
    ]);
  });

  it('starts over when the app does: a reload reuses session ids, under new keys', () => {
    const first = runSystem(({ messenger }) => messenger?.send({ type: 'synced', ids: ['c-old'] }));
    const second = runSystem(({ session }) => session?.send({ type: 'connected' }));
    // XState counts session ids per page: a reloaded page numbers its actors from x:0 again.
    const reloaded = [...asFreshPage(first.records), ...asFreshPage(second.records)];
    let tree = emptyActorTree;
    const keys: string[] = [];
    for (const r of reloaded) {
      const added = addToActorTree(tree, r);
      tree = added.tree;
      keys.push(added.key);
    }
    expect(outline(tree)).toEqual(['app: signedIn', '  session: online', '  messenger: waiting']);
    expect(tree.restarts).toBe(1);
    // Each run's records have keys of their own: a log never mixes the two.
    const firstKeys = new Set(keys.slice(0, first.records.length));
    const secondKeys = keys.slice(first.records.length);
    expect(secondKeys.filter((key) => firstKeys.has(key))).toEqual([]);
    // The new run's first records (the session's, before the app's) were kept.
    expect(new Set(secondKeys)).toEqual(new Set([...tree.actors.values()].map((a) => a.key)));
  });

  it('treats records without actor ids or parents (older publishers) as roots, by machine', () => {
    const tree = buildActorTree([
      record('x:1', { machineId: 'session' }),
      record('x:2', { machineId: 'conversation' }),
      record('x:3', { machineId: 'conversation', event: { type: 'draft' }, value: 'composing' }),
    ]);
    expect(outline(tree)).toEqual([
      'session: idle',
      'conversation: idle',
      'conversation: composing',
    ]);
  });

  it('stays bounded, forgetting finished actors first, and survives a parent cycle', () => {
    let tree = emptyActorTree;
    const add = (r: InspectionRecord) => (tree = addToActorTree(tree, r, 3).tree);
    add(record('x:0', { machineId: 'app', parentSessionId: null }));
    add(record('x:1', { machineId: 'conversation', actorId: 'a', parentSessionId: 'x:0' }));
    add(
      record('x:1', {
        machineId: 'conversation',
        status: 'stopped',
        event: { type: 'xstate.stop' },
      }),
    );
    add(record('x:2', { machineId: 'conversation', actorId: 'b', parentSessionId: 'x:0' }));
    add(record('x:3', { machineId: 'conversation', actorId: 'c', parentSessionId: 'x:0' }));
    expect(outline(tree)).toEqual([
      'app: idle',
      '  conversation b: idle',
      '  conversation c: idle',
    ]);

    const cycle = buildActorTree([
      record('x:1', { machineId: 'a', parentSessionId: 'x:2' }),
      record('x:2', { machineId: 'b', parentSessionId: 'x:1' }),
      record('x:3', { machineId: 'c', parentSessionId: 'x:3' }),
    ]);
    expect(outline(cycle)).toEqual(['a: idle', '  b: idle', 'c: idle']);
  });
});

describe('actor labels', () => {
  it('name a spawned actor by what follows its systemId kind, as the app spawns them', () => {
    const label = (machineId: string, actorId: string) =>
      actorLabel({ machineId, actorId, sessionId: 'x:3' });
    expect(label('conversation', 'conversation.capsule-corp')).toBe('conversation capsule-corp');
    expect(label('conversation', 'conversation.a.b')).toBe('conversation a.b');
    expect(label('outgoingMessage', 'outgoing.4f2a')).toBe('outgoingMessage 4f2a');
    expect(label('session', 'session')).toBe('session');
    expect(label('conversation', 'c-group')).toBe('conversation c-group');
  });
});
