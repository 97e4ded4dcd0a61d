import { memo } from 'react';
import Box from '@mui/material/Box';
import IconButton from '@mui/material/IconButton';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import ArrowBack from '@mui/icons-material/ArrowBack';
import InfoOutlined from '@mui/icons-material/InfoOutlined';
import { Avatar, type AvatarPerson } from '../components/Avatar.tsx';
import { MuteButton } from './MuteButton.tsx';

export interface ConversationHeaderProps {
  title: string;
  avatar: AvatarPerson;
  /** "Vegeta is typing…" while someone types; otherwise who is in the conversation. */
  typingText: string | null;
  membersText: string;
  /** A group's members and what may be done with them: the header shows a Group info button. */
  onShowInfo?: () => void;
  /** In a window too narrow for the list beside it: the header leads with Back to chats. */
  onBack?: () => void;
}

/** Memoized: typing in the composer changes none of its props. */
export const ConversationHeader = memo(function ConversationHeader({
  title,
  avatar,
  typingText,
  membersText,
  onShowInfo,
  onBack,
}: ConversationHeaderProps) {
  return (
    <Box
      component="header"
      sx={{
        display: 'flex',
        alignItems: 'center',
        gap: 1.5,
        px: 2,
        py: 1,
        borderBottom: 1,
        borderColor: 'divider',
      }}
    >
      {onBack && (
        <Tooltip title="Back to chats">
          <IconButton aria-label="Back to chats" onClick={onBack} edge="start">
            <ArrowBack />
          </IconButton>
        </Tooltip>
      )}
      <Avatar user={avatar} size={40} />
      <Box sx={{ minWidth: 0, flex: 1 }}>
        <Typography variant="subtitle1" component="h2" noWrap sx={{ fontWeight: 600 }}>
          {title}
        </Typography>
        {/* A live region, so a screen reader hears when someone starts typing. */}
        <Typography
          variant="body2"
          noWrap
          sx={{ color: typingText ? 'primary.main' : 'text.secondary' }}
          role="status"
          aria-live="polite"
        >
          {typingText ?? membersText}
        </Typography>
      </Box>
      <MuteButton />
      {onShowInfo && (
        <Tooltip title="Group info">
          <IconButton aria-label="Group info" onClick={onShowInfo}>
            <InfoOutlined />
          </IconButton>
        </Tooltip>
      )}
    </Box>
  );
});
