// The event log: each step's event and the state and context after it, newest last.
import { Box, Typography } from '@mui/material';
import { useEffect, useRef } from 'react';

export interface EventLogItem {
  key: string;
  eventType: string;
  /** Shown under the event: the state value after it, and whether it changed anything. */
  summary: string;
  detail: string;
  /** The record at the run position (time travel): marked, and scrolled to. */
  current?: boolean;
  /** After the run position: not yet happened as of it, shown dimmed. */
  later?: boolean;
}

export function EventLog({ items }: { items: readonly EventLogItem[] }) {
  const end = useRef<HTMLDivElement>(null);
  const marked = useRef<HTMLElement>(null);
  const currentKey = items.find((item) => item.current)?.key ?? null;
  useEffect(() => {
    // A block body: Chromium's scrollIntoView returns a promise, which must not be the cleanup.
    // Scrubbed back, the marked record stays in view as newer ones arrive.
    const target = currentKey === null ? end.current : marked.current;
    void target?.scrollIntoView?.({ block: 'nearest' });
  }, [items.length, currentKey]);
  return (
    <Box
      role="log"
      aria-label="Event log"
      sx={{ overflow: 'auto', flex: 1, minHeight: 120, fontFamily: 'monospace', fontSize: 12 }}
    >
      {items.length === 0 ? <Typography variant="body2">No events yet.</Typography> : null}
      {items.map((item) => (
        <Box
          component="details"
          key={item.key}
          ref={item.current ? marked : undefined}
          aria-current={item.current ? 'step' : undefined}
          sx={{
            borderBottom: '1px solid #eee',
            py: 0.5,
            ...(item.current ? { bgcolor: '#fff3c4', outline: '1px solid #e0b000' } : {}),
            ...(item.later ? { opacity: 0.5 } : {}),
          }}
        >
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
