// Live mode: the diagram of the shown actor's state beside the live panel (run position, actor
// tree, filter, context, log). The feed itself is kept by the page (useLiveRecords), so
// switching modes loses nothing. Following, the page shows the newest record; scrubbed back
// (the "Run position" slider), it shows every actor as of that record (live/timeline.ts) in the
// run as it was when scrubbing started, while newer records keep arriving: they are counted,
// not shown (nor sorted, nor replayed) until Follow live. A recorded run opened from a file is
// shown the same way.
import { Box, ToggleButton, ToggleButtonGroup } from '@mui/material';
import { useCallback, useMemo, useState } from 'react';
import { activeStateIds } from '../activeStates.ts';
import type { Mark } from '../components/StatechartSvg.ts';
import { actorForest, actorTreeRows, defaultActorOf, type LiveActor } from '../live/actorTree.ts';
import { defaultHistoryLimits } from '../live/history.ts';
import type { InspectionRecord } from '../live/recordSchema.ts';
import { runFileName, serializeRun } from '../live/runFile.ts';
import { indexAtOrBefore, newerThan, newestOf, runOf, timelineAt } from '../live/timeline.ts';
import type { MachineStructure } from '../structure.ts';
import type { LiveApp } from './api.ts';
import { Diagram, sidePanel } from './Diagram.tsx';
import { download } from './exportView.ts';
import { LivePanel, type RunPosition } from './LivePanel.tsx';
import { SequenceView } from './SequenceView.tsx';
import type { LiveRecord, useLiveRecords } from './useLiveRecords.ts';
import type { VisualizerEntry } from './VisualizerApp.tsx';

/** The record as it came in, without the page's numbering and tag. */
function asReceived({ seq: _seq, actorKey: _actorKey, ...record }: LiveRecord): InspectionRecord {
  return record;
}

export function LiveMode(props: {
  entries: readonly VisualizerEntry[];
  entry: VisualizerEntry;
  structure: MachineStructure;
  transitionMarks: ReadonlyMap<string, Mark> | undefined;
  app: LiveApp | null;
  live: ReturnType<typeof useLiveRecords>;
  /** The actor picked in the tree; shown while its machine is the selected one. */
  pickedActorKey: string | null;
  /** Picks an actor: the page selects its machine (by registry name) and shows it. */
  onPickActor(machineName: string, actorKey: string): void;
}) {
  const { entries, entry, structure, live, pickedActorKey, onPickActor } = props;
  const { scrubbed } = live;
  const following = scrubbed === null;
  // Scrubbed back, the run as it was when scrubbing started (sorted then, once): newer records
  // change none of what is shown, so nothing below is recomputed for them, and none of them
  // pushes the chosen record out. Following needs the newest record alone.
  const feed = scrubbed?.feed ?? live.shown;
  const { history } = feed;
  const run = scrubbed?.run ?? null;
  const newest = useMemo(() => newestOf(history), [history]);
  const index = scrubbed
    ? Math.max(0, indexAtOrBefore(scrubbed.run, scrubbed.seq))
    : history.size - 1;
  const positionRecord = run ? run[index] : newest;
  const view = useMemo(
    () => (run && positionRecord ? timelineAt(run, positionRecord.seq) : null),
    [run, positionRecord],
  );
  const tree = view?.tree ?? feed.tree;
  // The main pane: the shown actor's statechart, or the sequence of events between all actors
  // up to the run position (sorted only while the sequence is shown).
  const [pane, setPane] = useState<'statechart' | 'sequence'>('statechart');
  const sequenceRecords = useMemo(() => {
    if (pane !== 'sequence') return [];
    const records = run ?? runOf(history);
    return run ? records.slice(0, index + 1) : records;
  }, [pane, run, history, index]);

  const actorRows = useMemo(() => actorTreeRows(actorForest(tree)), [tree]);
  const liveActors = useMemo(() => [...tree.actors.values()], [tree]);
  const shownActor = useMemo(() => {
    const picked = liveActors.find((actor) => actor.key === pickedActorKey);
    return picked?.machineId === entry.machine.id ? picked : defaultActorOf(tree, entry.machine.id);
  }, [entry, liveActors, tree, pickedActorKey]);
  const actorsOfMachine = liveActors.filter((a) => a.machineId === entry.machine.id).length;
  const shownRecords = useMemo(
    () => (shownActor ? (history.byActor.get(shownActor.key) ?? []) : []),
    [history, shownActor],
  );
  /** The shown actor's record as of the position: its context, and the log's mark. */
  const shownRecord = shownActor
    ? view
      ? view.latest.get(shownActor.key)
      : shownRecords.at(-1)
    : undefined;
  const liveActive = useMemo(
    () => (shownActor ? activeStateIds(structure, shownActor.value) : new Set<string>()),
    [shownActor, structure],
  );
  const entryOfActor = useCallback(
    (actor: LiveActor) => entries.find((e) => e.machine.id === actor.machineId),
    [entries],
  );
  const selectActor = useCallback(
    (actor: LiveActor) => {
      const ofActor = entryOfActor(actor);
      if (ofActor) onPickActor(ofActor.name, actor.key);
    },
    [entryOfActor, onPickActor],
  );

  const droppedOf = (of: typeof feed) =>
    of.received - of.history.size + (live.opened ? live.opened.run.source.dropped : 0);
  const dropped = droppedOf(feed);
  const { setPosition } = live;
  const goTo = (target: number) => {
    const records = run ?? runOf(history);
    const record = records[Math.min(Math.max(0, target), records.length - 1)];
    if (record) setPosition(record.seq);
  };
  const actorOf = (record: LiveRecord) =>
    [...feed.tree.actors.values()].find((a) => a.key === record.actorKey)?.label ??
    record.machineId;
  const position: RunPosition = {
    count: history.size,
    index,
    following,
    newer: scrubbed ? newerThan(scrubbed, index, live.shown) : 0,
    dropped,
    recordText: positionRecord ? `${positionRecord.event.type} (${actorOf(positionRecord)})` : '',
    followLabel: live.opened ? 'Last record' : 'Follow live',
    onIndex: goTo,
    onStepBack: () => goTo(index - 1),
    onStepForward: () => goTo(index + 1),
    onFollow: () => setPosition(null),
  };

  // All the run kept, the records that came in while scrubbed back too.
  const saveRun = () => {
    const now = new Date();
    const text = serializeRun({
      savedAt: now.toISOString(),
      source: {
        feeds: live.opened
          ? [...live.opened.run.source.feeds, `file ${live.opened.fileName}`]
          : live.statuses.map((s) => s.source),
        dropped: droppedOf(live.shown),
      },
      records: runOf(live.shown.history).map(asReceived),
    });
    download(new Blob([text], { type: 'application/json' }), runFileName(now));
  };

  return (
    <>
      <Box
        component="main"
        sx={{ flex: 1, overflow: 'auto', p: 1, display: 'flex', flexDirection: 'column' }}
      >
        <ToggleButtonGroup
          size="small"
          exclusive
          aria-label="Live view"
          value={pane}
          onChange={(_event, value: 'statechart' | 'sequence' | null) => {
            if (value) setPane(value);
          }}
          sx={{ mb: 0.5 }}
        >
          <ToggleButton value="statechart">Statechart</ToggleButton>
          <ToggleButton value="sequence">Sequence</ToggleButton>
        </ToggleButtonGroup>
        <Box sx={{ flex: 1, minHeight: 0 }}>
          {pane === 'statechart' ? (
            <Diagram
              structure={structure}
              title={entry.name}
              activeIds={liveActive}
              {...(props.transitionMarks ? { transitionMarks: props.transitionMarks } : {})}
            />
          ) : (
            <SequenceView
              records={sequenceRecords}
              tree={feed.tree}
              {...(positionRecord ? { highlightSeq: positionRecord.seq } : {})}
              onPickRecord={(seq) => setPosition(seq)}
            />
          )}
        </Box>
      </Box>
      <Box component="aside" sx={sidePanel}>
        <LivePanel
          records={shownRecords}
          markedSeq={following ? null : (shownRecord?.seq ?? null)}
          positionSeq={following ? null : (positionRecord?.seq ?? null)}
          context={shownRecord ? { value: shownRecord.context } : null}
          statuses={live.statuses}
          app={props.app}
          heardFromApp={live.live.history.size > 0}
          actorRows={actorRows}
          shownActor={shownActor}
          actorsOfMachine={actorsOfMachine}
          onSelectActor={selectActor}
          canShow={(actor) => entryOfActor(actor) !== undefined}
          position={position}
          historyLimits={defaultHistoryLimits}
          runFile={{
            opened: live.opened
              ? { fileName: live.opened.fileName, records: live.opened.feed.received }
              : null,
            error: live.openError,
            onSave: saveRun,
            onOpen: (file) => void live.openRunFile(file),
            onBackToLive: live.backToLive,
          }}
        />
      </Box>
    </>
  );
}
