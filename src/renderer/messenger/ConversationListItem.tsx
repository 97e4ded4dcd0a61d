import { memo, useId } from 'react';
import Badge from '@mui/material/Badge';
import Box from '@mui/material/Box';
import ListItemAvatar from '@mui/material/ListItemAvatar';
import ListItemButton from '@mui/material/ListItemButton';
import Typography from '@mui/material/Typography';
import NotificationsOffOutlined from '@mui/icons-material/NotificationsOffOutlined';
import { Avatar } from '../components/Avatar.tsx';
import type { SidebarRow } from '../state/index.ts';
import { formatListTime } from './formatTime.ts';

// Read by screen readers, not drawn: "…" alone says nothing when spoken.
const visuallyHidden = {
  position: 'absolute',
  width: 1,
  height: 1,
  overflow: 'hidden',
  clip: 'rect(0 0 0 0)',
  whiteSpace: 'nowrap',
} as const;

export interface ConversationListItemProps {
  row: SidebarRow;
  now: number;
  onSelect: (conversationId: string) => void;
  /** Its notifications are muted: a muted icon, and the unread count drawn grey. */
  muted?: boolean;
}

/**
 * A button named by what it shows, in visual order: title, time, preview (or typing, or the
 * draft) and unread count, so the name contains the visible text (WCAG 2.5.3, label in name) and
 * the avatar is not read twice. Memoized: the sidebar re-renders only the rows that changed.
 */
export const ConversationListItem = memo(function ConversationListItem({
  row,
  now,
  onSelect,
  muted = false,
}: ConversationListItemProps) {
  const { selected } = row;
  const titleId = useId();
  const timeId = useId();
  const previewId = useId();
  const unreadId = useId();
  const hasTime = row.lastActivityAt !== null;
  const hasUnread = row.unreadCount > 0;
  const labelledBy = [titleId, hasTime && timeId, previewId, hasUnread && unreadId]
    .filter(Boolean)
    .join(' ');
  return (
    <ListItemButton
      selected={selected}
      aria-current={selected ? 'true' : undefined}
      aria-labelledby={labelledBy}
      onClick={() => onSelect(row.id)}
      sx={{ gap: 1.5, py: 1 }}
    >
      <ListItemAvatar sx={{ minWidth: 0 }}>
        <Avatar user={row.avatar} size={44} />
      </ListItemAvatar>
      <Box sx={{ flex: 1, minWidth: 0 }}>
        <Box sx={{ display: 'flex', alignItems: 'baseline', gap: 1 }}>
          <Typography id={titleId} noWrap sx={{ flex: 1, fontWeight: 600 }}>
            {row.title}
          </Typography>
          {muted && (
            <NotificationsOffOutlined
              titleAccess="Muted"
              sx={{ fontSize: 16, color: 'text.secondary', alignSelf: 'center' }}
            />
          )}
          {row.lastActivityAt !== null && (
            <Typography
              id={timeId}
              variant="caption"
              sx={{ color: 'text.secondary', flexShrink: 0 }}
            >
              {formatListTime(row.lastActivityAt, now)}
            </Typography>
          )}
        </Box>
        <Box sx={{ display: 'flex', alignItems: 'center', gap: 1 }}>
          <Typography
            id={previewId}
            variant="body2"
            noWrap
            sx={{ flex: 1, color: row.isDrafting ? 'primary.main' : 'text.secondary' }}
          >
            {row.isDrafting ? (
              <>
                <span aria-hidden="true">…</span>
                <span style={visuallyHidden}>typing</span>
              </>
            ) : row.draft ? (
              <>
                {/* In the error colour, as Telegram marks an unsent draft. */}
                <Box component="span" sx={{ color: 'error.main' }}>
                  Draft:
                </Box>{' '}
                <bdi dir="auto">{row.draft}</bdi>
              </>
            ) : row.previewParts ? (
              <>
                {row.previewParts.by ? `${row.previewParts.by}: ` : ''}
                {/* Isolated, in its own direction: right to left for Arabic or Hebrew. */}
                <bdi dir="auto">{row.previewParts.text}</bdi>
              </>
            ) : (
              row.preview
            )}
          </Typography>
          {hasUnread && (
            <Badge
              id={unreadId}
              color="primary"
              badgeContent={row.unreadCount}
              max={999}
              // Read as "3 unread" (the count drawn, and what it counts).
              aria-label={`${row.unreadCount > 999 ? '999+' : row.unreadCount} unread`}
              sx={{
                mr: 1.5,
                '& .MuiBadge-badge': {
                  position: 'static',
                  transform: 'none',
                  // Muted: still counted here, grey, and left out of the title's total.
                  ...(muted ? { bgcolor: 'grey.500', color: 'common.white' } : {}),
                },
              }}
            />
          )}
        </Box>
      </Box>
    </ListItemButton>
  );
});
