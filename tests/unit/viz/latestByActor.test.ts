// The relays' memory for late viewers (src/viz/live/latestByActor.ts): each actor's latest
// record, least recently updated first, bounded in actors and bytes whatever a publisher sends.
import { describe, expect, it } from 'vitest';
import {
  createLatestByActor,
  defaultLatestMaxActors,
  utf8Length,
} from '../../../src/viz/live/latestByActor.ts';

const rec = (sessionId: string, type: string, extra: Record<string, unknown> = {}) => ({
  sessionId,
  event: { type },
  ...extra,
});

describe('createLatestByActor', () => {
  it('keeps each actor’s latest record, least recently updated first', () => {
    const store = createLatestByActor();
    store.put(rec('x:0', 'xstate.init'));
    store.put(rec('x:1', 'xstate.init'));
    store.put(rec('x:0', 'go'));
    store.put(rec('x:2', 'xstate.init'));
    store.put(rec('x:1', 'typed'));
    expect(store.records().map((r) => `${r.sessionId} ${r.event.type}`)).toEqual([
      'x:0 go',
      'x:2 xstate.init',
      'x:1 typed',
    ]);
  });

  it('keeps the app’s state however many records a busy actor sends (600 keystrokes)', () => {
    const store = createLatestByActor();
    store.put(rec('x:0', 'xstate.init', { machineId: 'app' }));
    for (let i = 0; i < 600; i += 1) store.put(rec('x:3', 'phone.changed', { i }));
    expect(store.records()).toEqual([
      rec('x:0', 'xstate.init', { machineId: 'app' }),
      rec('x:3', 'phone.changed', { i: 599 }),
    ]);
  });

  it('keeps at most 1,000 actors by default: invented session ids evict the stalest', () => {
    const store = createLatestByActor();
    for (let i = 0; i < 5000; i += 1) store.put(rec(`fake:${i}`, 'e'));
    expect(defaultLatestMaxActors).toBe(1000);
    expect(store.size).toBe(1000);
    expect(store.records()[0]?.sessionId).toBe('fake:4000');
    expect(store.records().at(-1)?.sessionId).toBe('fake:4999');
  });

  it('keeps at most maxBytes of records, and never one larger than that alone', () => {
    const store = createLatestByActor({ maxBytes: 10_000 });
    const big = 'x'.repeat(3000);
    for (let i = 0; i < 10; i += 1) store.put(rec(`a:${i}`, 'e', { big }));
    expect(store.size).toBe(3);
    expect(store.bytes).toBeLessThanOrEqual(10_000);
    expect(store.records().map((r) => r.sessionId)).toEqual(['a:7', 'a:8', 'a:9']);
    // Too large on its own: not kept, and the actor's older (stale) record goes too.
    expect(store.put(rec('a:9', 'e', { big: 'y'.repeat(20_000) }))).toBe(false);
    expect(store.records().map((r) => r.sessionId)).toEqual(['a:7', 'a:8']);
    expect(store.bytes).toBe(
      store.records().reduce((sum, r) => sum + utf8Length(JSON.stringify(r)), 0),
    );
  });

  it('counts bytes as UTF-8', () => {
    expect(utf8Length('a')).toBe(1);
    expect(utf8Length('é')).toBe(2);
    expect(utf8Length('→')).toBe(3);
    expect(utf8Length('😀')).toBe(4);
    expect(utf8Length('\ud800')).toBe(3);
    expect(utf8Length('a😀é→')).toBe(new TextEncoder().encode('a😀é→').byteLength);
  });

  it('forgets the old actor system when the app starts over (a reload reuses session ids)', () => {
    const store = createLatestByActor();
    // First run: a child's first snapshot comes before its parent's.
    store.put(rec('x:1', 'xstate.init'));
    store.put(rec('x:0', 'xstate.init'));
    store.put(rec('x:2', 'xstate.init'));
    store.put(rec('x:2', 'go'));
    store.put(rec('x:5', 'xstate.init'));
    store.put(rec('x:5', 'go'));
    // Reload: the new system's start reuses x:1 and x:0; x:2 and x:5 are gone.
    store.put(rec('x:1', 'xstate.init', { run: 2 }));
    store.put(rec('x:0', 'xstate.init', { run: 2 }));
    expect(store.records()).toEqual([
      rec('x:1', 'xstate.init', { run: 2 }),
      rec('x:0', 'xstate.init', { run: 2 }),
    ]);
  });

  it('gives an actor’s kept record without counting it as an update', () => {
    const store = createLatestByActor();
    store.put(rec('x:0', 'a'));
    store.put(rec('x:1', 'b'));
    expect(store.get('x:0')).toEqual(rec('x:0', 'a'));
    expect(store.get('x:9')).toBeUndefined();
    expect(store.records().map((r) => r.sessionId)).toEqual(['x:0', 'x:1']);
  });
});
