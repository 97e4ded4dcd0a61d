import List from '@mui/material/List';
import { useNow } from './useNow.ts';
import type { SidebarRow } from '../state/index.ts';
import { ConversationListItem } from './ConversationListItem.tsx';

export interface ConversationListProps {
  rows: readonly SidebarRow[];
  onSelect: (conversationId: string) => void;
}

/** The sidebar: every conversation, most recent first as the rows come. */
export function ConversationList({ rows, onSelect }: ConversationListProps) {
  const now = useNow();
  return (
    <List aria-label="Conversations" disablePadding>
      {rows.map((row) => (
        <li key={row.id}>
          <ConversationListItem row={row} now={now} onSelect={onSelect} />
        </li>
      ))}
    </List>
  );
}
