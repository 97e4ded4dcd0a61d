// The live feed as the page keeps it: each actor's latest records and the actor tree, plus what
// live mode shows of it: the live feed or a recorded run opened from a file, and the position
// the run is scrubbed to (null: the newest record, following) with the run as it was when
// scrubbing started (live/timeline.ts ScrubbedRun). Kept by the page, so switching modes loses
// none of it.
import { useCallback, useEffect, useState } from 'react';
import { startLiveFeed, type FeedStatus } from '../live/liveFeed.ts';
import { parseRun, runFileMaxBytes, type RecordedRun } from '../live/runFile.ts';
import {
  addToFeed,
  emptyFeed,
  feedOfRun,
  scrubTo,
  type Feed,
  type ScrubbedRun,
  type TimelineRecord,
} from '../live/timeline.ts';
import type { LiveApp } from './api.ts';

/** A record as the page keeps it: numbered, and tagged with its actor's key in the tree. */
export type LiveRecord = TimelineRecord;

/** A run file the page opened: its records as a feed of their own. */
export interface OpenedRun {
  fileName: string;
  run: Omit<RecordedRun, 'records'>;
  feed: Feed;
}

/**
 * The live feed (live/history.ts bounds it), a recorded run if one is open, and the position
 * shown. An error opening a file leaves what is shown as it was.
 */
export function useLiveRecords(app: LiveApp | null | undefined) {
  const [feed, setFeed] = useState<Feed>(emptyFeed);
  const [statuses, setStatuses] = useState<FeedStatus[]>([]);
  const [opened, setOpened] = useState<OpenedRun | null>(null);
  const [openError, setOpenError] = useState<string | null>(null);
  /** Where the view is scrubbed to, in the run kept then; null follows the newest record. */
  const [scrubbed, setScrubbed] = useState<ScrubbedRun | null>(null);
  useEffect(() => {
    if (app === undefined) return;
    return startLiveFeed({
      app,
      onRecord: (record) => setFeed((previous) => addToFeed(previous, record)),
      onStatus: (status) =>
        setStatuses((previous) => [...previous.filter((s) => s.source !== status.source), status]),
    });
  }, [app]);

  const openRunFile = useCallback(async (file: File) => {
    if (file.size > runFileMaxBytes) {
      setOpenError(
        `${file.name}: the file is too large (${(file.size / 1024 / 1024).toFixed(1)} MB; a run file is at most ${runFileMaxBytes / 1024 / 1024} MB).`,
      );
      return;
    }
    let text: string;
    try {
      text = await file.text();
    } catch (error) {
      setOpenError(`${file.name}: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    const parsed = parseRun(text, file.size);
    if (!parsed.ok) {
      setOpenError(`${file.name}: ${parsed.error}`);
      return;
    }
    const { records, ...run } = parsed.run;
    setOpened({ fileName: file.name, run, feed: feedOfRun({ ...run, records }) });
    setOpenError(null);
    setScrubbed(null);
  }, []);
  const backToLive = useCallback(() => {
    setOpened(null);
    setOpenError(null);
    setScrubbed(null);
  }, []);

  const shown = opened?.feed ?? feed;
  /** Scrubs to a record's `seq` (null: follow); the run is the one shown when scrubbing starts. */
  const setPosition = useCallback(
    (seq: number | null) => setScrubbed((previous) => scrubTo(previous, shown, seq)),
    [shown],
  );

  return {
    /** The live feed, kept whether or not it is the one shown. */
    live: feed,
    /** What live mode shows: the opened run, else the live feed. */
    shown,
    statuses,
    opened,
    openError,
    openRunFile,
    backToLive,
    /** The `seq` the view is scrubbed to; null follows the newest record. */
    position: scrubbed?.seq ?? null,
    /** The run as it was when scrubbing started, shown until Follow live; null when following. */
    scrubbed,
    setPosition,
  };
}
