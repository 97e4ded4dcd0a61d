import { memo } from 'react';
import Box from '@mui/material/Box';
import { formatDayLabel } from './formatTime.ts';

export interface DaySeparatorProps {
  sentAt: number;
  now: number;
}

/** "Today", "Yesterday" or the date, centred between two days of messages. */
export const DaySeparator = memo(function DaySeparator({ sentAt, now }: DaySeparatorProps) {
  return (
    <Box sx={{ display: 'flex', justifyContent: 'center', py: 1 }}>
      <Box
        component="span"
        sx={{
          px: 1.5,
          py: 0.25,
          borderRadius: 4,
          bgcolor: 'action.hover',
          color: 'text.secondary',
          typography: 'caption',
        }}
      >
        {formatDayLabel(sentAt, now)}
      </Box>
    </Box>
  );
});

/** "New messages": the line above the first message that was unread when it was opened. */
export const NewMessagesSeparator = memo(function NewMessagesSeparator() {
  return (
    <Box
      role="separator"
      aria-label="New messages"
      sx={{ display: 'flex', alignItems: 'center', gap: 1.5, px: 2, py: 1, color: 'primary.main' }}
    >
      <Box sx={{ flex: 1, borderTop: 1, borderColor: 'primary.main', opacity: 0.5 }} />
      <Box component="span" sx={{ typography: 'caption', fontWeight: 600 }}>
        New messages
      </Box>
      <Box sx={{ flex: 1, borderTop: 1, borderColor: 'primary.main', opacity: 0.5 }} />
    </Box>
  );
});
