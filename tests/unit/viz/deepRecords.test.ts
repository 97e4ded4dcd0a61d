// Records nested absurdly deep are refused with an error wherever records enter (a run file, the
// Electron bridge, the /inspect relay: see inspectRelayLateJoin.test.ts and main/ipc.test.ts),
// never by a RangeError: zod's recursive schemas and JSON.stringify recurse per level.
import { describe, expect, it } from 'vitest';
import { followBridge } from '../../../src/viz/live/bridgeChannel.ts';
import {
  InspectionRecordSchema,
  inspectionRecordMaxDepth,
  nestsDeeperThan,
} from '../../../src/viz/live/recordSchema.ts';
import { parseRun } from '../../../src/viz/live/runFile.ts';

function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i += 1) value = [value];
  return value;
}

const record = (context: unknown) => ({
  kind: 'snapshot',
  machineId: 'app',
  sessionId: 'x:0',
  rootId: 'x:0',
  status: 'active',
  value: 'idle',
  context,
  event: { type: 'go' },
  at: 1,
});

describe('deeply nested records', () => {
  it('measures depth without recursing, and counts a cycle as too deep', () => {
    expect(nestsDeeperThan(nested(100_000), 64)).toBe(true);
    expect(nestsDeeperThan({ a: { b: [1, 2, { c: 3 }] } }, 64)).toBe(false);
    const cycle: { self?: unknown } = {};
    cycle.self = cycle;
    expect(nestsDeeperThan(cycle, 64)).toBe(true);
  });

  it('accepts the depth records really have and refuses deeper, naming why', () => {
    expect(
      InspectionRecordSchema.safeParse(record(nested(inspectionRecordMaxDepth - 2))).success,
    ).toBe(true);
    const refused = InspectionRecordSchema.safeParse(record(nested(20_000)));
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]?.message).toBe('nested deeper than 64 levels');
  });

  it('refuses a run file holding one, as a bad record, instead of throwing', () => {
    const inner = JSON.stringify({
      format: 'parley-run',
      version: 1,
      savedAt: '2026-12-02T00:00:00.000Z',
      source: { feeds: [], dropped: 0 },
      records: [record(0)],
    }).replace('"context":0', `"context":${'['.repeat(20_000)}1${']'.repeat(20_000)}`);
    const parsed = parseRun(inner);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.error).toMatch(
      /^Record 0 is invalid: .*nested deeper than 64 levels/,
    );
  });

  it('drops one arriving over the Electron bridge and keeps following', () => {
    let listener: (record: unknown) => void = () => {};
    const seen: string[] = [];
    followBridge({ subscribe: (l) => ((listener = l), () => {}) }, (r) => seen.push(r.event.type));
    expect(() => listener(record(nested(20_000)))).not.toThrow();
    listener(record({}));
    expect(seen).toEqual(['go']);
  });
});
