import { memo } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import ButtonBase from '@mui/material/ButtonBase';
import IconButton from '@mui/material/IconButton';
import Typography from '@mui/material/Typography';
import DoneIcon from '@mui/icons-material/Done';
import DoneAllIcon from '@mui/icons-material/DoneAll';
import ErrorIcon from '@mui/icons-material/Error';
import ScheduleIcon from '@mui/icons-material/Schedule';
import { Avatar } from '../components/Avatar.tsx';
import { formatClockTime } from './formatTime.ts';
import { MessageText } from './MessageText.tsx';
import { useMessageActions, WithMessageActions } from './MessageActions.tsx';
import { ReplyQuote } from './ReplyQuote.tsx';
import type { DeliveryStatus } from '../state/index.ts';
import type { MessageRow } from './logRows.ts';

export interface MessageBubbleProps {
  row: MessageRow;
  /** Groups show who wrote each run of others' messages; a DM's header already says who. */
  isGroup: boolean;
  onRetry: (messageKey: string) => void;
  /**
   * Given in groups: the tick of the user's own stored messages becomes a button that opens
   * Message info (who read it, who has it) for that message's seq.
   */
  onShowInfo?: (seq: number) => void;
  /** A reply's quote goes to the original (by its seq). */
  onJumpToMessage?: (seq: number) => void;
  /** The log was just taken to this message: highlighted, current and focused. */
  jumpedTo?: boolean;
}

const AVATAR_SIZE = 32;

/**
 * The keyboard goes on from the message the log was taken to, when it was in the log (the
 * quote pressed) or nowhere; not when it is elsewhere: a search hit leaves it in the composer.
 * Without scrolling: the log has centred it.
 */
function focusJumpedTo(element: HTMLElement | null): void {
  if (!element) return;
  const active = document.activeElement;
  const inLog = element.closest('[role="log"]')?.contains(active) ?? false;
  if (active !== null && active !== document.body && !inLog) return;
  element.focus({ preventScroll: true });
}

/**
 * One message: the user's own on the right in the accent colour, everyone else's on the left.
 * Kept to a handful of elements because the log draws dozens of these while scrolling, and
 * memoized: a row object is rebuilt only when its message changes.
 */
export const MessageBubble = memo(function MessageBubble({
  row,
  isGroup,
  onRetry,
  onShowInfo,
  onJumpToMessage,
  jumpedTo = false,
}: MessageBubbleProps) {
  const { message, author } = row;
  const actions = useMessageActions();
  const { isOwn } = message;
  const authorName = isOwn ? 'You' : author ? `${author.firstName} ${author.lastName}` : 'Unknown';
  const showAuthor = isGroup && !isOwn && row.startsRun;
  return (
    <Box
      role="article"
      aria-roledescription="message"
      aria-label={authorName}
      // Taken here by a reply's quote or a search hit: screen readers hear where they are.
      {...(jumpedTo ? { 'aria-current': 'true' as const, tabIndex: -1, ref: focusJumpedTo } : {})}
      sx={{
        display: 'flex',
        alignItems: 'flex-start',
        justifyContent: isOwn ? 'flex-end' : 'flex-start',
        gap: 1,
        px: 2,
        pt: row.startsRun ? 1 : 0.25,
        transition: 'background-color 600ms',
        bgcolor: jumpedTo ? 'action.focus' : 'transparent',
        outline: 'none',
      }}
    >
      {isGroup && !isOwn && (
        <Box sx={{ width: AVATAR_SIZE, flexShrink: 0 }}>
          {showAuthor && author && <Avatar user={author} size={AVATAR_SIZE} />}
        </Box>
      )}
      <WithMessageActions message={message}>
        <Box
          sx={{
            minWidth: 0,
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
          {message.replyTo && (
            <ReplyQuote
              replyTo={message.replyTo}
              author={row.replyAuthor ?? 'Unknown'}
              isOwn={isOwn}
              {...(onJumpToMessage ? { onJump: onJumpToMessage } : {})}
            />
          )}
          {/* dir="auto": Arabic or Hebrew text runs right to left (issue 15, defect 6). */}
          {message.deleted ? (
            <Typography variant="body2" component="div" sx={{ fontStyle: 'italic', opacity: 0.8 }}>
              This message was deleted
            </Typography>
          ) : (
            <Typography variant="body2" component="div" dir="auto" sx={{ whiteSpace: 'pre-wrap' }}>
              <MessageText text={message.text} isOwn={isOwn} />
            </Typography>
          )}
          {row.reactions && row.reactions.length > 0 && (
            <Box
              role="list"
              aria-label="Reactions"
              sx={{ display: 'flex', flexWrap: 'wrap', gap: 0.5, mt: 0.5 }}
            >
              {row.reactions.map(({ emoji, names, mine }) => {
                // Screen readers hear who reacted, not only how many (issue 16).
                const label = `${emoji} ${names.length}: ${names.join(', ')}`;
                const chip = {
                  px: 0.75,
                  borderRadius: 3,
                  border: 1,
                  borderColor: mine ? 'primary.light' : 'divider',
                  bgcolor: 'background.paper',
                  color: 'text.primary',
                  typography: 'caption',
                } as const;
                const toggles = actions !== null && message.id !== null && !message.deleted;
                return (
                  <Box
                    key={emoji}
                    role="listitem"
                    aria-label={label}
                    title={names.join(', ')}
                    sx={toggles ? {} : chip}
                  >
                    {toggles ? (
                      // A chip toggles the user's own reaction: theirs off, or theirs to this.
                      <ButtonBase
                        aria-label={mine ? `Take back ${emoji}` : `React with ${emoji}`}
                        aria-pressed={mine}
                        onClick={() => actions.react(message, mine ? null : emoji)}
                        sx={chip}
                      >
                        {emoji} {names.length}
                      </ButtonBase>
                    ) : (
                      <>
                        {emoji} {names.length}
                      </>
                    )}
                  </Box>
                );
              })}
            </Box>
          )}
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
            {message.edited && !message.deleted && <span>edited</span>}
            <time dateTime={new Date(message.sentAt).toISOString()}>
              {formatClockTime(message.sentAt)}
            </time>
            {/* A message on its way shows its clock on whichever side it will stay. */}
            {isOwn && onShowInfo && message.seq !== null && hasReceipts(message.status) ? (
              <InfoButton status={message.status} seq={message.seq} onShowInfo={onShowInfo} />
            ) : (
              (isOwn || message.status === 'sending' || message.status === 'failed') && (
                <StatusIcon status={message.status} />
              )
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
      </WithMessageActions>
    </Box>
  );
});

type StoredStatus = 'sent' | 'delivered' | 'read';

const hasReceipts = (status: DeliveryStatus): status is StoredStatus =>
  status === 'sent' || status === 'delivered' || status === 'read';

/** What a group's tick says: its watermark is the lowest member's, so read is everyone's. */
const groupTickText: Record<StoredStatus, string> = {
  sent: 'Sent',
  delivered: 'Delivered',
  read: 'Read by everyone',
};

function InfoButton({
  status,
  seq,
  onShowInfo,
}: {
  status: StoredStatus;
  seq: number;
  onShowInfo: (seq: number) => void;
}) {
  return (
    <IconButton
      size="small"
      color="inherit"
      aria-label={`${groupTickText[status]}. Message info`}
      aria-haspopup="dialog"
      onClick={() => onShowInfo(seq)}
      sx={{ p: 0.25, m: -0.25 }}
    >
      <StatusIcon status={status} labelled={false} />
    </IconButton>
  );
}

function StatusIcon({ status, labelled = true }: { status: DeliveryStatus; labelled?: boolean }) {
  const iconSx = { fontSize: 14 };
  // Inside the info button the button's name says it; the icon is then decoration.
  const title = (text: string) => (labelled ? { titleAccess: text } : {});
  switch (status) {
    case 'sending':
      return <ScheduleIcon {...title('Sending')} sx={iconSx} />;
    case 'sent':
      return <DoneIcon {...title('Sent')} sx={iconSx} />;
    case 'delivered':
      return <DoneAllIcon {...title('Delivered')} sx={iconSx} />;
    case 'read':
      // Coloured, as Telegram and WhatsApp draw read: a light tint that reads on the accent.
      return <DoneAllIcon {...title('Read')} sx={{ ...iconSx, color: 'info.light' }} />;
    case 'failed':
      return <ErrorIcon {...title('Not sent')} sx={iconSx} />;
  }
}
