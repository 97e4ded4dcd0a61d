import { memo } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Typography from '@mui/material/Typography';
import DoneIcon from '@mui/icons-material/Done';
import DoneAllIcon from '@mui/icons-material/DoneAll';
import ErrorIcon from '@mui/icons-material/Error';
import ScheduleIcon from '@mui/icons-material/Schedule';
import { Avatar } from '../components/Avatar.tsx';
import { formatClockTime } from './formatTime.ts';
import type { DeliveryStatus } from '../state/index.ts';
import type { MessageRow } from './logRows.ts';

export interface MessageBubbleProps {
  row: MessageRow;
  /** Groups show who wrote each run of others' messages; a DM's header already says who. */
  isGroup: boolean;
  onRetry: (messageKey: string) => void;
}

const AVATAR_SIZE = 32;

/**
 * One message: the user's own on the right in the accent colour, everyone else's on the left.
 * Kept to a handful of elements because the log draws dozens of these while scrolling, and
 * memoized: a row object is rebuilt only when its message changes.
 */
export const MessageBubble = memo(function MessageBubble({
  row,
  isGroup,
  onRetry,
}: MessageBubbleProps) {
  const { message, author } = row;
  const { isOwn } = message;
  const authorName = isOwn ? 'You' : author ? `${author.firstName} ${author.lastName}` : 'Unknown';
  const showAuthor = isGroup && !isOwn && row.startsRun;
  return (
    <Box
      role="article"
      aria-roledescription="message"
      aria-label={authorName}
      sx={{
        display: 'flex',
        alignItems: 'flex-start',
        justifyContent: isOwn ? 'flex-end' : 'flex-start',
        gap: 1,
        px: 2,
        pt: row.startsRun ? 1 : 0.25,
      }}
    >
      {isGroup && !isOwn && (
        <Box sx={{ width: AVATAR_SIZE, flexShrink: 0 }}>
          {showAuthor && author && <Avatar user={author} size={AVATAR_SIZE} />}
        </Box>
      )}
      <Box
        sx={{
          maxWidth: '70%',
          px: 1.5,
          py: 0.75,
          borderRadius: 2,
          bgcolor: isOwn ? 'primary.main' : 'action.selected',
          color: isOwn ? 'primary.contrastText' : 'text.primary',
          opacity: message.status === 'sending' ? 0.75 : 1,
          overflowWrap: 'anywhere',
        }}
      >
        {showAuthor && (
          <Typography variant="caption" component="div" sx={{ fontWeight: 600 }}>
            {author?.firstName ?? authorName}
          </Typography>
        )}
        {/* dir="auto": Arabic or Hebrew text runs right to left (issue 15, defect 6). */}
        <Typography variant="body2" component="div" dir="auto" sx={{ whiteSpace: 'pre-wrap' }}>
          {message.text}
        </Typography>
        <Box
          sx={{
            display: 'flex',
            alignItems: 'center',
            justifyContent: 'flex-end',
            gap: 0.5,
            mt: 0.25,
            typography: 'caption',
            opacity: 0.8,
          }}
        >
          <time dateTime={new Date(message.sentAt).toISOString()}>
            {formatClockTime(message.sentAt)}
          </time>
          {/* A message on its way shows its clock on whichever side it will stay. */}
          {(isOwn || message.status === 'sending' || message.status === 'failed') && (
            <StatusIcon status={message.status} />
          )}
        </Box>
        {message.status === 'failed' && (
          <Button
            size="small"
            color="inherit"
            variant="outlined"
            title={message.error ?? undefined}
            onClick={() => onRetry(message.key)}
            sx={{ mt: 0.5, py: 0, minWidth: 0 }}
          >
            Retry
          </Button>
        )}
      </Box>
    </Box>
  );
});

function StatusIcon({ status }: { status: DeliveryStatus }) {
  const iconSx = { fontSize: 14 };
  switch (status) {
    case 'sending':
      return <ScheduleIcon titleAccess="Sending" sx={iconSx} />;
    case 'sent':
      return <DoneIcon titleAccess="Sent" sx={iconSx} />;
    case 'delivered':
      return <DoneAllIcon titleAccess="Delivered" sx={iconSx} />;
    case 'read':
      // Coloured, as Telegram and WhatsApp draw read: a light tint that reads on the accent.
      return <DoneAllIcon titleAccess="Read" sx={{ ...iconSx, color: 'info.light' }} />;
    case 'failed':
      return <ErrorIcon titleAccess="Not sent" sx={iconSx} />;
  }
}
