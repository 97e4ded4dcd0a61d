import Box from '@mui/material/Box';
import ButtonBase from '@mui/material/ButtonBase';
import type { MessageRow } from './logRows.ts';

type ReplyTo = NonNullable<MessageRow['message']['replyTo']>;

export interface ReplyQuoteProps {
  replyTo: ReplyTo;
  /** Who wrote the original ("You", or their name). */
  author: string;
  /** Inside the user's own bubble (the accent colour). */
  isOwn: boolean;
  /** Given: the quote is a button that goes to the original (issue 16), by its seq. */
  onJump?: (seq: number) => void;
}

/**
 * A reply's quote of the message it answers: who wrote it and its first words, or what became
 * of it. A button that goes to the original ("scrolls to it, loading history if needed"), unless
 * the reader deleted the original for themselves: then there is nothing to go to.
 */
export function ReplyQuote({ replyTo, author, isOwn, onJump }: ReplyQuoteProps) {
  const note = quoteNote(replyTo);
  const text = note ?? replyTo.snippet;
  const sx = {
    display: 'block',
    width: '100%',
    textAlign: 'start',
    borderLeft: 3,
    borderColor: isOwn ? 'primary.contrastText' : 'primary.main',
    pl: 1,
    mb: 0.5,
    opacity: 0.85,
    typography: 'caption',
  } as const;
  const content = (
    <>
      <Box component="span" sx={{ display: 'block', fontWeight: 600 }}>
        {author}
      </Box>
      <Box component="span" dir="auto" sx={{ fontStyle: note ? 'italic' : 'normal' }}>
        {text}
      </Box>
    </>
  );
  if (!onJump || replyTo.hidden) return <Box sx={sx}>{content}</Box>;
  return (
    <ButtonBase
      aria-label={`Go to the original message from ${author}: ${text}`}
      onClick={() => onJump(replyTo.seq)}
      sx={{ ...sx, borderRadius: 0.5, '&:hover': { opacity: 1 } }}
    >
      {content}
    </ButtonBase>
  );
}

/** What a quote says in place of its snippet: its original was deleted, for all or the reader. */
function quoteNote(replyTo: ReplyTo): string | null {
  if (replyTo.deleted) return 'This message was deleted';
  if (replyTo.hidden) return 'A message you deleted';
  return null;
}
