// Run files (issue 14): a run saved from live mode opens again for review, and a file that is
// not one is refused with what is wrong in it.
import { describe, expect, it } from 'vitest';
import type { InspectionRecord } from '../../../src/viz/live/recordSchema.ts';
import {
  parseRun,
  runFileMaxActors,
  runFileMaxBytes,
  runFileMaxRecords,
  runFileName,
  serializeRun,
  type RecordedRun,
} from '../../../src/viz/live/runFile.ts';

const snapshot = (type: string, value: string): InspectionRecord =>
  ({
    kind: 'snapshot',
    machineId: 'onboarding',
    sessionId: 'x:1',
    actorId: 'onboarding',
    parentSessionId: 'x:0',
    rootId: 'x:0',
    status: 'active',
    value,
    context: { phone: '+1 555' },
    event: { type },
    at: 1_700_000_000_000,
  }) as InspectionRecord;

const run: RecordedRun = {
  savedAt: '2025-01-31T12:00:00.000Z',
  source: { feeds: ['app at http://127.0.0.1:4000'], dropped: 3 },
  records: [snapshot('xstate.init', 'phone'), snapshot('phone.submitted', 'requestingCode')],
};

const fileOf = (fields: Record<string, unknown>) =>
  JSON.stringify({ ...JSON.parse(serializeRun(run)), ...fields });

const errorOf = (text: string, size?: number) => {
  const parsed = parseRun(text, size);
  return parsed.ok ? 'opened' : parsed.error;
};

describe('run files', () => {
  it('read back what was saved: format, version, source and the records in order', () => {
    const text = serializeRun(run);
    expect(JSON.parse(text)).toMatchObject({ format: 'parley-run', version: 1 });
    expect(parseRun(text)).toEqual({ ok: true, run });
  });

  it('are named by the date they were saved', () => {
    expect(runFileName(new Date('2025-01-31T12:34:56.789Z'))).toBe(
      'parley-run-2025-01-31T12-34-56.json',
    );
  });

  it('refuse what is not JSON, not a run, or of another version', () => {
    expect(errorOf('{"format": "parley-run",')).toMatch(/^The file is not JSON \(/);
    expect(errorOf('[1, 2]')).toBe(
      'The file is not a Parley run (its "format" is missing, not "parley-run").',
    );
    expect(errorOf(fileOf({ format: 'svg' }))).toBe(
      'The file is not a Parley run (its "format" is "svg", not "parley-run").',
    );
    expect(errorOf(fileOf({ version: 2 }))).toBe(
      'Unsupported run file version 2 (this page reads version 1).',
    );
    expect(errorOf(fileOf({ records: 'none' }))).toMatch(/^The run file is malformed: records: /);
  });

  it('name the first invalid record by its index', () => {
    const records = [run.records[0], { ...run.records[1], status: 'asleep' }, { kind: 'other' }];
    expect(errorOf(fileOf({ records }))).toMatch(/^Record 1 is invalid: status: /);
    expect(errorOf(fileOf({ records: [run.records[0], null] }))).toMatch(/^Record 1 is invalid: /);
  });

  it('are bounded in size and in records', () => {
    expect(errorOf(serializeRun(run), runFileMaxBytes + 1)).toBe(
      'The file is too large (20.0 MB; a run file is at most 20 MB).',
    );
    const tooMany = fileOf({ records: Array.from({ length: runFileMaxRecords + 1 }, () => 0) });
    expect(errorOf(tooMany)).toBe(
      `The run has too many records (${runFileMaxRecords + 1}; at most ${runFileMaxRecords}).`,
    );
  });

  it('hold no more actors than the page keeps records of (history bounds)', () => {
    expect(runFileMaxActors).toBe(200);
    const ofActors = (count: number) =>
      Array.from({ length: count }, (_, index) => ({
        ...snapshot('xstate.init', 'phone'),
        sessionId: `x:${index}`,
      }));
    expect(errorOf(fileOf({ records: ofActors(runFileMaxActors) }))).toBe('opened');
    expect(errorOf(fileOf({ records: [...ofActors(runFileMaxActors), ...ofActors(3)] }))).toBe(
      'opened',
    );
    expect(errorOf(fileOf({ records: ofActors(runFileMaxActors + 1) }))).toBe(
      `The run has too many actors (${runFileMaxActors + 1} session ids; at most ${runFileMaxActors}, as many as the page keeps records of).`,
    );
  });
});
