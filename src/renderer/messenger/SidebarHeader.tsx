import { memo } from 'react';
import Box from '@mui/material/Box';
import IconButton from '@mui/material/IconButton';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import EditOutlined from '@mui/icons-material/EditOutlined';
import SettingsOutlined from '@mui/icons-material/SettingsOutlined';

export interface SidebarHeaderProps {
  onNewChat: () => void;
  /** Opens Settings (absent: no Settings button, as in a list shown on its own). */
  onOpenSettings?: (() => void) | undefined;
}

/**
 * Above the list: its name, Settings and the New chat button (Signal's and Telegram's pencil).
 * "Chats" is a second-level heading, a sibling of the open conversation's title: a screen
 * reader's heading keys reach either pane under the screen's "Parley".
 */
export const SidebarHeader = memo(function SidebarHeader({
  onNewChat,
  onOpenSettings,
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
