import Box from '@mui/material/Box';
import { Composer } from './Composer.tsx';
import { ConversationHeader, type ConversationHeaderProps } from './ConversationHeader.tsx';
import { MessageLog, type MessageLogProps } from './MessageLog.tsx';

export interface ConversationViewProps {
  header: ConversationHeaderProps;
  log: MessageLogProps;
  draft: string;
  onDraftChange: (text: string) => void;
  onSend: () => void;
}

/** One open conversation: who it is with, its messages, and the field to write the next one. */
export function ConversationView({
  header,
  log,
  draft,
  onDraftChange,
  onSend,
}: ConversationViewProps) {
  return (
    <Box
      component="section"
      aria-label={header.title}
      sx={{ display: 'flex', flexDirection: 'column', height: '100%', minWidth: 0 }}
    >
      <ConversationHeader {...header} />
      <MessageLog {...log} />
      <Composer value={draft} onChange={onDraftChange} onSend={onSend} />
    </Box>
  );
}
