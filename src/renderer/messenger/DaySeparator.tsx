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
