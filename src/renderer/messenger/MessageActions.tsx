// What can be done to one message, by mouse (the toolbar that shows on hover, a right click's
// menu) and keyboard (the same toolbar is reached with Tab and shows while focused; the menu
// opens with the context-menu key or Shift+F10 too). The handlers come from the open
// conversation through a context, so the memoized bubbles of the virtualized log need no new
// props when the composer's mode changes.
import {
  createContext,
  useContext,
  useState,
  type KeyboardEvent,
  type MouseEvent,
  type ReactNode,
} from 'react';
import Box from '@mui/material/Box';
import IconButton from '@mui/material/IconButton';
import ListItemIcon from '@mui/material/ListItemIcon';
import Menu from '@mui/material/Menu';
import MenuItem from '@mui/material/MenuItem';
import Tooltip from '@mui/material/Tooltip';
import AddReactionOutlinedIcon from '@mui/icons-material/AddReactionOutlined';
import ContentCopyIcon from '@mui/icons-material/ContentCopy';
import DeleteOutlinedIcon from '@mui/icons-material/DeleteOutlined';
import EditOutlinedIcon from '@mui/icons-material/EditOutlined';
import MoreVertIcon from '@mui/icons-material/MoreVert';
import ReplyIcon from '@mui/icons-material/Reply';
import { Limits } from '../../../server/protocol.ts';
import type { OpenConversationMessage } from '../state/index.ts';

/** The quick reactions offered (Signal's six). */
export const quickReactions = ['❤️', '👍', '👎', '😂', '😮', '😢'] as const;

export interface MessageActionHandlers {
  reply: (message: OpenConversationMessage) => void;
  edit: (message: OpenConversationMessage) => void;
  delete: (message: OpenConversationMessage) => void;
  /** The user's one reaction: `emoji`, or null to take it back. */
  react: (message: OpenConversationMessage, emoji: string | null) => void;
  /** Whose reaction is "mine" on the chips and in the picker. */
  currentUserId: string;
  now: () => number;
}

const MessageActionsContext = createContext<MessageActionHandlers | null>(null);

export function MessageActionsProvider({
  value,
  children,
}: {
  value: MessageActionHandlers;
  children: ReactNode;
}) {
  return <MessageActionsContext.Provider value={value}>{children}</MessageActionsContext.Provider>;
}

export function useMessageActions(): MessageActionHandlers | null {
  return useContext(MessageActionsContext);
}

/** Editing is offered on the user's own stored messages, in time and below the edit limit. */
export function canEdit(message: OpenConversationMessage, now: number): boolean {
  return (
    message.isOwn &&
    message.id !== null &&
    !message.deleted &&
    now - message.sentAt < Limits.messageEditWindowMs &&
    (message.editCount ?? 0) < Limits.messageMaxEdits
  );
}

/** "Delete for everyone" is offered on the user's own messages, in time. */
export function canDeleteForEveryone(message: OpenConversationMessage, now: number): boolean {
  return (
    message.isOwn &&
    message.id !== null &&
    !message.deleted &&
    now - message.sentAt < Limits.messageEditWindowMs
  );
}

/** The emoji the user reacted with, or null. */
export function ownReaction(message: OpenConversationMessage, userId: string): string | null {
  return message.reactions?.find(({ userIds }) => userIds.includes(userId))?.emoji ?? null;
}

type Anchor = { element: HTMLElement } | { top: number; left: number };

/**
 * A stored message with its toolbar and menus around it: the toolbar shows while the message is
 * hovered or focused, a right click (or the context-menu key, or Shift+F10, with the focus in
 * it) opens the menu. A message on its way (no id yet), or one outside a conversation, gets
 * none.
 */
export function WithMessageActions({
  message,
  children,
}: {
  message: OpenConversationMessage;
  children: ReactNode;
}) {
  const actions = useMessageActions();
  const [menu, setMenu] = useState<Anchor | null>(null);
  const [picker, setPicker] = useState<HTMLElement | null>(null);
  const { isOwn } = message;
  // The toolbar floats over the bubble's top corner (as in Slack and Teams), so it never takes
  // the bubble's width; hidden, it lets the pointer through to the message beneath.
  const wrapper = {
    position: 'relative',
    maxWidth: '70%',
    minWidth: 0,
    '&:hover .message-toolbar, &:focus-within .message-toolbar': {
      opacity: 1,
      pointerEvents: 'auto',
    },
  } as const;
  if (!actions || message.id === null) return <Box sx={wrapper}>{children}</Box>;
  const now = actions.now();
  const deleted = message.deleted === true;
  const mine = ownReaction(message, actions.currentUserId);
  const closeMenu = () => setMenu(null);
  const choose = (emoji: string) => {
    setPicker(null);
    setMenu(null);
    actions.react(message, emoji === mine ? null : emoji);
  };
  const menuItem = (
    label: string,
    icon: ReactNode,
    run: (target: OpenConversationMessage) => void,
  ) => (
    <MenuItem
      onClick={() => {
        closeMenu();
        run(message);
      }}
    >
      <ListItemIcon>{icon}</ListItemIcon>
      {label}
    </MenuItem>
  );
  const openMenuAt = (event: MouseEvent) => {
    event.preventDefault();
    setMenu({ top: event.clientY, left: event.clientX });
  };
  const openMenuByKey = (event: KeyboardEvent<HTMLElement>) => {
    if (event.key !== 'ContextMenu' && !(event.key === 'F10' && event.shiftKey)) return;
    event.preventDefault();
    setMenu({ element: event.target as HTMLElement });
  };
  // One Tab stop per toolbar; the arrow keys move between its buttons (the ARIA toolbar pattern).
  const moveInToolbar = (event: KeyboardEvent<HTMLElement>) => {
    const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
    const buttons = [...event.currentTarget.querySelectorAll<HTMLElement>('button')];
    const at = buttons.indexOf(document.activeElement as HTMLElement);
    if (step === undefined || at < 0 || buttons.length === 0) return;
    event.preventDefault();
    buttons[(at + step + buttons.length) % buttons.length]?.focus();
  };
  // The picker is a row: Left and Right move along it too (Up and Down are the menu's own).
  const moveInPicker = (event: KeyboardEvent<HTMLElement>) => {
    const key = { ArrowRight: 'ArrowDown', ArrowLeft: 'ArrowUp' }[event.key];
    if (!key) return;
    event.preventDefault();
    const items = [...event.currentTarget.querySelectorAll<HTMLElement>('[role="menuitem"]')];
    const at = items.indexOf(document.activeElement as HTMLElement);
    const step = key === 'ArrowDown' ? 1 : -1;
    items[(at + step + items.length) % items.length]?.focus();
  };
  const copyText = () => {
    closeMenu();
    void navigator.clipboard?.writeText(message.text).catch(() => {});
  };
  const menuProps =
    menu && 'element' in menu
      ? { anchorEl: menu.element }
      : menu
        ? { anchorReference: 'anchorPosition' as const, anchorPosition: menu }
        : {};
  return (
    <Box sx={wrapper} onContextMenu={openMenuAt} onKeyDown={openMenuByKey}>
      {children}
      <Box
        role="toolbar"
        aria-label="Message actions"
        className="message-toolbar"
        onKeyDown={moveInToolbar}
        sx={{
          position: 'absolute',
          top: -14,
          // Out past the bubble's far corner, so the author's name beneath stays readable.
          [isOwn ? 'right' : 'left']: 'calc(100% - 32px)',
          zIndex: 1,
          display: 'flex',
          gap: 0.25,
          px: 0.25,
          borderRadius: 2,
          bgcolor: 'background.paper',
          color: 'text.primary',
          boxShadow: 2,
          opacity: 0,
          pointerEvents: 'none',
          transition: 'opacity 120ms',
        }}
      >
        {!deleted && (
          <Tooltip title="React">
            <IconButton
              size="small"
              aria-label="React"
              aria-haspopup="menu"
              onClick={(event) => setPicker(event.currentTarget)}
            >
              <AddReactionOutlinedIcon fontSize="small" />
            </IconButton>
          </Tooltip>
        )}
        {!deleted && (
          <Tooltip title="Reply">
            <IconButton
              size="small"
              aria-label="Reply"
              tabIndex={-1}
              onClick={() => actions.reply(message)}
            >
              <ReplyIcon fontSize="small" />
            </IconButton>
          </Tooltip>
        )}
        <Tooltip title="More actions">
          <IconButton
            size="small"
            aria-label="More actions"
            aria-haspopup="menu"
            tabIndex={deleted ? 0 : -1}
            onClick={(event) => setMenu({ element: event.currentTarget })}
          >
            <MoreVertIcon fontSize="small" />
          </IconButton>
        </Tooltip>
      </Box>
      <Menu
        open={picker !== null}
        anchorEl={picker}
        onClose={() => setPicker(null)}
        slotProps={{
          list: {
            'aria-label': 'Choose a reaction',
            sx: { display: 'flex' },
            onKeyDown: moveInPicker,
          },
        }}
      >
        {quickReactions.map((emoji) => (
          <MenuItem
            key={emoji}
            selected={emoji === mine}
            aria-label={emoji === mine ? `Take back ${emoji}` : `React with ${emoji}`}
            onClick={() => choose(emoji)}
            sx={{ fontSize: 20, px: 1 }}
          >
            {emoji}
          </MenuItem>
        ))}
      </Menu>
      <Menu
        open={menu !== null}
        onClose={closeMenu}
        {...menuProps}
        slotProps={{ list: { 'aria-label': 'Message actions menu' } }}
      >
        {!deleted && menuItem('Reply', <ReplyIcon fontSize="small" />, actions.reply)}
        {canEdit(message, now) &&
          menuItem('Edit', <EditOutlinedIcon fontSize="small" />, actions.edit)}
        {!deleted && (
          <MenuItem onClick={copyText}>
            <ListItemIcon>
              <ContentCopyIcon fontSize="small" />
            </ListItemIcon>
            Copy text
          </MenuItem>
        )}
        {!deleted &&
          quickReactions.slice(0, 3).map((emoji) => (
            <MenuItem key={emoji} onClick={() => choose(emoji)}>
              <ListItemIcon aria-hidden sx={{ fontSize: 18 }}>
                {emoji}
              </ListItemIcon>
              {emoji === mine ? `Take back ${emoji}` : `React with ${emoji}`}
            </MenuItem>
          ))}
        {menuItem('Delete', <DeleteOutlinedIcon fontSize="small" />, actions.delete)}
      </Menu>
    </Box>
  );
}
