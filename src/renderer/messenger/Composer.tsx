import type { KeyboardEvent } from 'react';
import Box from '@mui/material/Box';
import IconButton from '@mui/material/IconButton';
import TextField from '@mui/material/TextField';
import SendIcon from '@mui/icons-material/Send';
import { Limits } from '../../../server/protocol.ts';

export interface ComposerProps {
  /** The conversation's draft, held by the messenger machine. */
  value: string;
  onChange: (text: string) => void;
  onSend: () => void;
}

/** Whether a draft is worth sending: something besides whitespace, within the server's limit. */
export function canSend(text: string): boolean {
  return text.trim().length > 0 && text.length <= Limits.messageMaxChars;
}

/** The message field: Enter sends, Shift+Enter starts a new line. */
export function Composer({ value, onChange, onSend }: ComposerProps) {
  const sendable = canSend(value);
  const overLimit = value.length - Limits.messageMaxChars;

  const handleKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    // An IME composing a character uses Enter to commit it, not to send.
    if (event.key !== 'Enter' || event.shiftKey || event.nativeEvent.isComposing) return;
    event.preventDefault();
    if (sendable) onSend();
  };

  return (
    <Box
      component="form"
      onSubmit={(event) => {
        event.preventDefault();
        if (sendable) onSend();
      }}
      sx={{
        display: 'flex',
        alignItems: 'flex-end',
        gap: 1,
        p: 1.5,
        borderTop: 1,
        borderColor: 'divider',
      }}
    >
      <TextField
        value={value}
        onChange={(event) => onChange(event.target.value)}
        onKeyDown={handleKeyDown}
        placeholder="Message"
        multiline
        maxRows={6}
        fullWidth
        size="small"
        autoComplete="off"
        autoFocus
        error={overLimit > 0}
        helperText={overLimit > 0 ? `${overLimit} characters over the limit` : undefined}
        slotProps={{ htmlInput: { 'aria-label': 'Message' } }}
      />
      <IconButton type="submit" color="primary" aria-label="Send" disabled={!sendable}>
        <SendIcon />
      </IconButton>
    </Box>
  );
}
