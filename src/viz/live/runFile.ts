// A recorded run as a file: the live records the page kept, in the order it received them, with
// what they came from, so a review can replay the run later without the app (Open run). Pure:
// the page reads and writes files through these, the tests call them directly. A file is
// untrusted input: its size, its record count, every record (InspectionRecordSchema) and how
// many actors they are of are checked, and the first thing wrong is named.
import { z } from 'zod';
import { defaultHistoryLimits } from './history.ts';
import { InspectionRecordSchema, type InspectionRecord } from './recordSchema.ts';

export const runFileFormat = 'parley-run';
export const runFileVersion = 1;

/** Files larger than this are refused before they are read. */
export const runFileMaxBytes = 20 * 1024 * 1024;

/** At most as many records as the page keeps of a run (history.ts bounds). */
export const runFileMaxRecords = defaultHistoryLimits.perActor * defaultHistoryLimits.maxActors;

/**
 * At most as many actors (session ids) as the page keeps records of (history.ts bounds): a run
 * it saved has no more.
 */
export const runFileMaxActors = defaultHistoryLimits.maxActors;

export interface RunSource {
  /** Where the records came from: "app at http://127.0.0.1:4000", "Electron app", a file. */
  feeds: string[];
  /** Records of the run the page no longer kept when it saved (history bounds). */
  dropped: number;
}

export interface RecordedRun {
  /** When the file was saved (ISO 8601). */
  savedAt: string;
  source: RunSource;
  /** In the order received. */
  records: InspectionRecord[];
}

const HeaderSchema = z.object({
  format: z.literal(runFileFormat),
  version: z.number(),
  savedAt: z.string().max(100),
  source: z.object({
    feeds: z.array(z.string().max(1000)).max(100),
    dropped: z.number().int().nonnegative(),
  }),
  records: z.array(z.unknown()),
});

/** The file's text: a format tag and version, when and what from, then the records. */
export function serializeRun(run: RecordedRun): string {
  return JSON.stringify({
    format: runFileFormat,
    version: runFileVersion,
    savedAt: run.savedAt,
    source: run.source,
    records: run.records,
  });
}

/** `parley-run-2025-01-31T12-00-00.json`: sorts by date, no characters a file system refuses. */
export function runFileName(date: Date): string {
  return `parley-run-${date.toISOString().slice(0, 19).replace(/:/g, '-')}.json`;
}

export type ParsedRun = { ok: true; run: RecordedRun } | { ok: false; error: string };

const issueText = (issue: z.core.$ZodIssue) =>
  `${issue.path.length > 0 ? `${issue.path.join('.')}: ` : ''}${issue.message}`;

/** Reads a run file's text; `byteLength` (the file's size) is checked before parsing. */
export function parseRun(text: string, byteLength: number = text.length): ParsedRun {
  if (byteLength > runFileMaxBytes) {
    return {
      ok: false,
      error: `The file is too large (${(byteLength / 1024 / 1024).toFixed(1)} MB; a run file is at most ${runFileMaxBytes / 1024 / 1024} MB).`,
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return {
      ok: false,
      error: `The file is not JSON (${error instanceof Error ? error.message : String(error)}).`,
    };
  }
  const tag = (json as { format?: unknown } | null)?.format;
  if (typeof json !== 'object' || json === null || tag !== runFileFormat) {
    return {
      ok: false,
      error: `The file is not a Parley run (its "format" is ${tag === undefined ? 'missing' : JSON.stringify(tag)}, not "${runFileFormat}").`,
    };
  }
  const version = (json as { version?: unknown }).version;
  if (version !== runFileVersion) {
    return {
      ok: false,
      error: `Unsupported run file version ${JSON.stringify(version)} (this page reads version ${runFileVersion}).`,
    };
  }
  const header = HeaderSchema.safeParse(json);
  if (!header.success) {
    return {
      ok: false,
      error: `The run file is malformed: ${issueText(header.error.issues[0]!)}.`,
    };
  }
  const { records: raw, savedAt, source } = header.data;
  if (raw.length > runFileMaxRecords) {
    return {
      ok: false,
      error: `The run has too many records (${raw.length}; at most ${runFileMaxRecords}).`,
    };
  }
  const records: InspectionRecord[] = [];
  for (const [index, candidate] of raw.entries()) {
    const parsed = InspectionRecordSchema.safeParse(candidate);
    if (!parsed.success) {
      return {
        ok: false,
        error: `Record ${index} is invalid: ${issueText(parsed.error.issues[0]!)}.`,
      };
    }
    records.push(parsed.data as InspectionRecord);
  }
  const actors = new Set(records.map((record) => record.sessionId)).size;
  if (actors > runFileMaxActors) {
    return {
      ok: false,
      error: `The run has too many actors (${actors} session ids; at most ${runFileMaxActors}, as many as the page keeps records of).`,
    };
  }
  return { ok: true, run: { savedAt, source, records } };
}
