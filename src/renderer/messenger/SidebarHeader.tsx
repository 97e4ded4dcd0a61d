import { memo } from 'react';
import Box from '@mui/material/Box';
import IconButton from '@mui/material/IconButton';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import EditOutlined from '@mui/icons-material/EditOutlined';
import SearchOutlined from '@mui/icons-material/SearchOutlined';
import SettingsOutlined from '@mui/icons-material/SettingsOutlined';

const isMac = () => /Mac|iPhone|iPad/.test(globalThis.navigator?.platform ?? '');

export interface SidebarHeaderProps {
  onNewChat: () => void;
  /** Opens Settings (absent: no Settings button, as in a list shown on its own). */
  onOpenSettings?: (() => void) | undefined;
  /** Opens the message search (absent: no Search button). */
  onSearch?: (() => void) | undefined;
}

/**
 * Above the list: its name, Search messages, Settings and the New chat button (Signal's and
 * Telegram's pencil).
 * "Chats" is a second-level heading, a sibling of the open conversation's title: a screen
 * reader's heading keys reach either pane under the screen's "Parley".
 */
export const SidebarHeader = memo(function SidebarHeader({
  onNewChat,
  onOpenSettings,
  onSearch,
}: SidebarHeaderProps) {
  return (
    <Box
      sx={{
        display: 'flex',
        alignItems: 'center',
        justifyContent: 'space-between',
        px: 2,
        py: 1,
        borderBottom: 1,
        borderColor: 'divider',
      }}
    >
      <Typography variant="h6" component="h2" sx={{ fontWeight: 600 }}>
        Chats
      </Typography>
      <Box sx={{ display: 'flex' }}>
        {onSearch && (
          <Tooltip title={`Search messages (${isMac() ? '⌘K' : 'Ctrl+K'})`}>
            <IconButton aria-label="Search messages" onClick={onSearch}>
              <SearchOutlined />
            </IconButton>
          </Tooltip>
        )}
        {onOpenSettings && (
          <Tooltip title="Settings">
            <IconButton aria-label="Settings" onClick={onOpenSettings}>
              <SettingsOutlined />
            </IconButton>
          </Tooltip>
        )}
        <Tooltip title="New chat">
          <IconButton aria-label="New chat" onClick={onNewChat}>
            <EditOutlined />
          </IconButton>
        </Tooltip>
      </Box>
    </Box>
  );
});
