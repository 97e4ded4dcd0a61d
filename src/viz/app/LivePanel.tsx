// Live mode: follows inspection records from the running app. The actor tree lists the app's
// actors (app -> session, messenger -> conversations -> unsent messages) with their states;
// the diagram highlights the shown actor's latest state and the log lists its records only, so
// two actors of one machine (two conversations) are seen apart. The shown actor is the one
// picked in the tree, or, for a machine picked in the list, its first running actor. The run
// position slider goes back and forth through the run: the tree, the diagram, the context and
// the log's mark follow it. Save run and Open run keep a run in a file to review later.
import { Alert, Box, Button, Slider, TextField, Typography } from '@mui/material';
import { useMemo, useState } from 'react';
import type { ActorTreeRow, LiveActor } from '../live/actorTree.ts';
import { hiddenBy } from '../live/eventFilter.ts';
import type { FeedStatus } from '../live/liveFeed.ts';
import type { HistoryLimits } from '../live/history.ts';
import { inspectingAppUrl, type InspectionRecord } from '../live/recordSchema.ts';
import { ActorTreeView } from './ActorTreeView.tsx';
import type { LiveApp } from './api.ts';
import { EventLog, stateValueText } from './EventLog.tsx';

/** Where the shown run is, and how to move through it. */
export interface RunPosition {
  /** Records kept of the run. */
  count: number;
  /** The shown record's index among them (count - 1 when following). */
  index: number;
  following: boolean;
  /** Kept records after the shown one. */
  newer: number;
  /** Records of the run no longer kept (its beginning). */
  dropped: number;
  /** The shown record: its event and actor. */
  recordText: string;
  followLabel: string;
  onIndex(index: number): void;
  onStepBack(): void;
  onStepForward(): void;
  onFollow(): void;
}

export interface RunFileControls {
  /** The recorded run shown, if one was opened. */
  opened: { fileName: string; records: number } | null;
  /** Why the last file could not be opened. */
  error: string | null;
  onSave(): void;
  onOpen(file: File): void;
  onBackToLive(): void;
}

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

function RunScrubber({ position, limits }: { position: RunPosition; limits: HistoryLimits }) {
  const { count, index, following } = position;
  if (count === 0) return null;
  const label = `Record ${index + 1} of ${count}: ${position.recordText}`;
  return (
    <Box>
      <Typography id="run-position-label" variant="subtitle2">
        Run position
      </Typography>
      <Slider
        size="small"
        min={0}
        max={Math.max(0, count - 1)}
        step={1}
        value={index}
        disabled={count < 2}
        onChange={(_event, value) => position.onIndex(value as number)}
        getAriaValueText={() => label}
        slotProps={{ input: { 'aria-label': 'Run position' } }}
        valueLabelDisplay="auto"
        valueLabelFormat={(value) => value + 1}
      />
      <Box sx={{ display: 'flex', gap: 1, flexWrap: 'wrap', alignItems: 'center' }}>
        <Button size="small" onClick={position.onStepBack} disabled={index === 0}>
          Step back
        </Button>
        <Button size="small" onClick={position.onStepForward} disabled={index >= count - 1}>
          Step forward
        </Button>
        <Button
          size="small"
          variant={following ? 'text' : 'contained'}
          onClick={position.onFollow}
          disabled={following}
        >
          {position.followLabel}
        </Button>
      </Box>
      <Typography variant="body2" sx={{ overflowWrap: 'anywhere' }}>
        {label}
        {following ? '' : position.newer > 0 ? ` (${plural(position.newer, 'newer record')})` : ''}
      </Typography>
      {position.dropped > 0 ? (
        <Alert severity="warning" sx={{ mt: 0.5 }}>
          The beginning of the run was dropped: {plural(position.dropped, 'earlier record')} not
          kept (each actor keeps its latest {limits.perActor}, {limits.maxActors} actors at most),
          so early positions may miss some actors.
        </Alert>
      ) : null}
    </Box>
  );
}

function RunFileBar({ runFile, canSave }: { runFile: RunFileControls; canSave: boolean }) {
  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', gap: 1 }}>
      <Box sx={{ display: 'flex', gap: 1, flexWrap: 'wrap' }}>
        <Button size="small" variant="outlined" onClick={runFile.onSave} disabled={!canSave}>
          Save run
        </Button>
        <Button size="small" variant="outlined" component="label">
          Open run
          <input
            hidden
            type="file"
            accept=".json,application/json"
            aria-label="Open run file"
            onChange={(event) => {
              const file = event.target.files?.[0];
              // Cleared, so opening the same file again is a change too.
              event.target.value = '';
              if (file) runFile.onOpen(file);
            }}
          />
        </Button>
        {runFile.opened ? (
          <Button size="small" onClick={runFile.onBackToLive}>
            Back to live feed
          </Button>
        ) : null}
      </Box>
      {runFile.error ? (
        <Alert severity="error" role="alert">
          Could not open the run: {runFile.error}
        </Alert>
      ) : null}
      {runFile.opened ? (
        <Alert severity="info" role="status">
          Recorded run: {runFile.opened.fileName}, {plural(runFile.opened.records, 'record')}
        </Alert>
      ) : null}
    </Box>
  );
}

export function LivePanel(props: {
  /** The shown actor's records, oldest first. */
  records: readonly (InspectionRecord & { seq: number })[];
  /** The shown actor's record at the run position (marked in the log); null when following. */
  markedSeq: number | null;
  /** The run position's record; null when following. */
  positionSeq: number | null;
  /** The shown actor's context at the position, if its record is kept. */
  context: { value: unknown } | null;
  position: RunPosition;
  historyLimits: HistoryLimits;
  runFile: RunFileControls;
  statuses: readonly FeedStatus[];
  /** The web app this page follows (`npm run viz -- --app --inspect-token`), if any. */
  app: LiveApp | null;
  /** Whether any machine has been heard from yet. */
  heardFromApp: boolean;
  actorRows: readonly ActorTreeRow[];
  /** The actor whose diagram and log the page shows, if the selected machine has one. */
  shownActor: LiveActor | null;
  /** How many actors of the selected machine the tree holds. */
  actorsOfMachine: number;
  onSelectActor(actor: LiveActor): void;
  canShow(actor: LiveActor): boolean;
}) {
  const shown = props.shownActor;
  const [filter, setFilter] = useState('');
  const hidden = useMemo(() => hiddenBy(filter), [filter]);
  const records = props.records.filter((record) => !hidden(record.event.type));
  // Carries the inspector token in its fragment: the app page presents it to the relay too.
  const inspectingUrl = props.app ? inspectingAppUrl(props.app.url, props.app.inspectToken) : null;
  const recorded = props.runFile.opened !== null;
  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', gap: 1.5, height: '100%' }}>
      <RunFileBar runFile={props.runFile} canSave={props.position.count > 0} />
      {recorded ? null : props.statuses.length === 0 ? (
        <Alert severity="info">
          No live source. Open this page from the desktop app (State Inspector), or start it with
          npm run viz -- --app http://127.0.0.1:&lt;port&gt; --inspect-token &lt;token&gt; next to
          the running web app (its chat server prints the token).
        </Alert>
      ) : (
        props.statuses.map((s) => (
          <Typography key={s.source} variant="body2">
            {s.source}: {s.state}
            {s.detail ? ` (${s.detail})` : ''}
          </Typography>
        ))
      )}
      {!recorded && inspectingUrl && !props.heardFromApp ? (
        <Alert severity="info">
          The web app publishes its machines only when asked: open it at{' '}
          <a
            href={inspectingUrl}
            target="_blank"
            rel="noreferrer"
            style={{ overflowWrap: 'anywhere' }}
          >
            {inspectingUrl}
          </a>
          .
        </Alert>
      ) : null}
      <RunScrubber position={props.position} limits={props.historyLimits} />
      <ActorTreeView
        rows={props.actorRows}
        selectedKey={shown?.key ?? null}
        onSelect={props.onSelectActor}
        canShow={props.canShow}
      />
      <Typography variant="body2" sx={{ overflowWrap: 'anywhere' }}>
        {shown ? (
          <>
            {props.actorsOfMachine > 1 ? (
              <>
                Showing <strong>{shown.label}</strong>, one of {props.actorsOfMachine} actors of
                this machine (pick another in the tree).
                <br />
              </>
            ) : null}
            Active: <strong>{stateValueText(shown.value)}</strong> ({shown.status})
          </>
        ) : (
          'Waiting for this machine to run in the app.'
        )}
      </Typography>
      {shown ? (
        <Box>
          <Typography id="live-context-label" variant="subtitle2">
            Context{props.positionSeq === null ? '' : ' at this position'}
          </Typography>
          <Box
            component="pre"
            role="region"
            aria-labelledby="live-context-label"
            sx={{
              m: 0,
              maxHeight: 160,
              overflow: 'auto',
              fontSize: 11,
              whiteSpace: 'pre-wrap',
              wordBreak: 'break-all',
              border: '1px solid #eee',
              p: 0.5,
            }}
          >
            {props.context
              ? JSON.stringify(props.context.value, null, 1)
              : 'Not kept (the record fell out of the history).'}
          </Box>
        </Box>
      ) : null}
      <TextField
        label="Hide events"
        size="small"
        placeholder="*.changed, xstate.after.*"
        value={filter}
        onChange={(e) => setFilter(e.target.value)}
        helperText={
          records.length < props.records.length
            ? `${props.records.length - records.length} of ${props.records.length} hidden`
            : 'Event types to leave out of the log, * for any characters'
        }
      />
      <EventLog
        items={records.map((r) => ({
          key: String(r.seq),
          current: r.seq === props.markedSeq,
          later: props.positionSeq !== null && r.seq > props.positionSeq,
          eventType: r.event.type,
          summary: stateValueText(r.value),
          detail: `event: ${JSON.stringify(r.event)}\ncontext: ${JSON.stringify(r.context, null, 1)}`,
        }))}
      />
    </Box>
  );
}
