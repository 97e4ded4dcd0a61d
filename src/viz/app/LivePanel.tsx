// Live mode: follows inspection records from the running app; the diagram highlights the
// selected machine's latest state, the log lists its events.
import { Alert, Box, Typography } from '@mui/material';
import type { FeedStatus } from '../live/liveFeed.ts';
import { inspectingAppUrl, type InspectionRecord } from '../live/recordSchema.ts';
import type { LiveApp } from './api.ts';
import { EventLog, stateValueText } from './EventLog.tsx';

export function LivePanel(props: {
  records: readonly (InspectionRecord & { seq: number })[];
  statuses: readonly FeedStatus[];
  /** The web app this page follows (`npm run viz -- --app --inspect-token`), if any. */
  app: LiveApp | null;
  /** Whether any machine has been heard from yet. */
  heardFromApp: boolean;
}) {
  const latest = props.records.at(-1);
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
      <Typography variant="body2">
        {latest ? (
          <>
            Active: <strong>{stateValueText(latest.value)}</strong> ({latest.status})
          </>
        ) : (
          'Waiting for this machine to run in the app.'
        )}
      </Typography>
      <EventLog
        items={props.records.map((r) => ({
          key: String(r.seq),
          eventType: r.event.type,
          summary: stateValueText(r.value),
          detail: `event: ${JSON.stringify(r.event)}\ncontext: ${JSON.stringify(r.context, null, 1)}`,
        }))}
      />
    </Box>
  );
}
