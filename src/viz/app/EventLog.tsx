// The event log: each step's event and the state and context after it, newest last.
import { Box, Typography } from '@mui/material';
import { useEffect, useRef } from 'react';

export interface EventLogItem {
  key: string;
  eventType: string;
  /** Shown under the event: the state value after it, and whether it changed anything. */
  summary: string;
  detail: string;
}

export function EventLog({ items }: { items: readonly EventLogItem[] }) {
  const end = useRef<HTMLDivElement>(null);
  useEffect(() => {
    // A block body: Chromium's scrollIntoView returns a promise, which must not be the cleanup.
    void end.current?.scrollIntoView?.({ block: 'nearest' });
  }, [items.length]);
  return (
    <Box
      role="log"
      aria-label="Event log"
      sx={{ overflow: 'auto', flex: 1, minHeight: 120, fontFamily: 'monospace', fontSize: 12 }}
    >
      {items.length === 0 ? <Typography variant="body2">No events yet.</Typography> : null}
      {items.map((item) => (
        <Box component="details" key={item.key} sx={{ borderBottom: '1px solid #eee', py: 0.5 }}>
          <Box component="summary" sx={{ cursor: 'pointer' }}>
            <strong>{item.eventType}</strong> → {item.summary}
          </Box>
          <Box component="pre" sx={{ m: 0, whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
            {item.detail}
          </Box>
        </Box>
      ))}
      <div ref={end} />
    </Box>
  );
}

export function stateValueText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
