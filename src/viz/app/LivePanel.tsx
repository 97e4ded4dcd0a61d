// Live mode: follows inspection records from the running app. The actor tree lists the app's
// actors (app -> session, messenger -> conversations -> unsent messages) with their states;
// the diagram highlights the shown actor's latest state and the log lists its records only, so
// two actors of one machine (two conversations) are seen apart. The shown actor is the one
// picked in the tree, or, for a machine picked in the list, its first running actor.
import { Alert, Box, TextField, Typography } from '@mui/material';
import { useMemo, useState } from 'react';
import type { ActorTreeRow, LiveActor } from '../live/actorTree.ts';
import { hiddenBy } from '../live/eventFilter.ts';
import type { FeedStatus } from '../live/liveFeed.ts';
import { inspectingAppUrl, type InspectionRecord } from '../live/recordSchema.ts';
import { ActorTreeView } from './ActorTreeView.tsx';
import type { LiveApp } from './api.ts';
import { EventLog, stateValueText } from './EventLog.tsx';

export function LivePanel(props: {
  /** The shown actor's records, oldest first. */
  records: readonly (InspectionRecord & { seq: number })[];
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
  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', gap: 1.5, height: '100%' }}>
      {props.statuses.length === 0 ? (
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
      {inspectingUrl && !props.heardFromApp ? (
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
          eventType: r.event.type,
          summary: stateValueText(r.value),
          detail: `event: ${JSON.stringify(r.event)}\ncontext: ${JSON.stringify(r.context, null, 1)}`,
        }))}
      />
    </Box>
  );
}
