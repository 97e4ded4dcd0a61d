import List from '@mui/material/List';
import { useNow } from './useNow.ts';
import { ConversationListItem, type ConversationListRow } from './ConversationListItem.tsx';

export interface ConversationListProps {
  rows: readonly ConversationListRow[];
  selectedId: string | null;
  onSelect: (conversationId: string) => void;
}

/** The sidebar: every conversation, most recent first as the rows come. */
export function ConversationList({ rows, selectedId, onSelect }: ConversationListProps) {
  const now = useNow();
  return (
    <List aria-label="Conversations" disablePadding>
      {rows.map((row) => (
        <li key={row.id}>
          <ConversationListItem
            row={row}
            selected={row.id === selectedId}
            now={now}
            onSelect={onSelect}
          />
        </li>
      ))}
    </List>
  );
}
