import type { KeyboardEvent, ReactNode } from 'react';
import Box from '@mui/material/Box';
import IconButton from '@mui/material/IconButton';
import TextField from '@mui/material/TextField';
import CheckIcon from '@mui/icons-material/Check';
import SendIcon from '@mui/icons-material/Send';
import { clipToMessageLimit, Limits, messageLength } from '../../../server/protocol.ts';

export interface ComposerProps {
  /** The conversation's draft, held by the messenger machine. */
  value: string;
  /** The machine would accept a send (something besides whitespace, within the limit). */
  canSend: boolean;
  onChange: (text: string) => void;
  onSend: () => void;
  /** Above the field: the message being answered or edited, with its close button. */
  banner?: ReactNode;
  /** The send button's name ("Send", or "Save edit" while editing). */
  sendLabel?: string;
  /** While an edit is on its way: the text cannot change. */
  readOnly?: boolean;
  /** Escape in the field: cancels a reply or an edit (then the conversation stays open). */
  onCancel?: () => void;
  /** Up arrow in the empty field: edit the user's last message, as in Signal and Telegram. */
  onEditLast?: () => void;
}

/** Past this share of the limit the field counts the characters left. */
const COUNT_FROM = 0.9 * Limits.messageMaxChars;

/** The message field: Enter sends, Shift+Enter starts a new line. */
export function Composer({
  value,
  canSend,
  onChange,
  onSend,
  banner,
  sendLabel = 'Send',
  readOnly = false,
  onCancel,
  onEditLast,
}: ComposerProps) {
  const send = () => {
    if (canSend) onSend();
  };
  const handleKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    // An IME composing a character uses Enter and Escape itself.
    if (event.nativeEvent.isComposing) return;
    if (event.key === 'Escape' && onCancel) {
      event.preventDefault();
      onCancel();
      return;
    }
    const modified = event.altKey || event.ctrlKey || event.metaKey || event.shiftKey;
    if (event.key === 'ArrowUp' && value === '' && onEditLast && !modified) {
      event.preventDefault();
      onEditLast();
      return;
    }
    if (event.key !== 'Enter' || event.shiftKey) return;
    event.preventDefault();
    send();
  };

  return (
    <Box
      component="form"
      onSubmit={(event) => {
        event.preventDefault();
        send();
      }}
      sx={{ p: 1.5, borderTop: 1, borderColor: 'divider' }}
    >
      {banner}
      <Box sx={{ display: 'flex', alignItems: 'flex-end', gap: 1 }}>
        <TextField
          value={value}
          // Clipped as the server counts (code points), so a pasted emoji is never cut in half.
          onChange={(event) => onChange(clipToMessageLimit(event.target.value))}
          onKeyDown={handleKeyDown}
          placeholder="Message"
          // Grows with its lines up to eight, then scrolls, as Telegram and Signal do. MUI sizes
          // its own input, so CSS auto-grow on a single-line input is overridden by its height.
          multiline
          maxRows={8}
          fullWidth
          size="small"
          autoComplete="off"
          autoFocus
          helperText={
            messageLength(value) >= COUNT_FROM
              ? `${Limits.messageMaxChars - messageLength(value)} characters left`
              : undefined
          }
          slotProps={{
            htmlInput: {
              'aria-label': 'Message',
              readOnly,
              // Typing Arabic or Hebrew turns the field right to left (issue 15, defect 6).
              dir: 'auto',
              // In UTF-16 units, as browsers count: 4000 code points are at most twice that.
              maxLength: 2 * Limits.messageMaxChars,
            },
          }}
        />
        <IconButton type="submit" color="primary" aria-label={sendLabel} disabled={!canSend}>
          {sendLabel === 'Send' ? <SendIcon /> : <CheckIcon />}
        </IconButton>
      </Box>
    </Box>
  );
}
