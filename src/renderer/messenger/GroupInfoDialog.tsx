import { useState, type JSX } from 'react';
import { useAtomValue, useSetAtom } from 'jotai';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import CircularProgress from '@mui/material/CircularProgress';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import IconButton from '@mui/material/IconButton';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import ListItemAvatar from '@mui/material/ListItemAvatar';
import ListItemText from '@mui/material/ListItemText';
import Typography from '@mui/material/Typography';
import PersonAddOutlined from '@mui/icons-material/PersonAddOutlined';
import PersonRemoveOutlined from '@mui/icons-material/PersonRemoveOutlined';
import { Avatar } from '../components/Avatar.tsx';
import { useAppAtoms } from '../components/AppAtomsContext.tsx';

export interface GroupInfoDialogProps {
  open: boolean;
  onClose: () => void;
}

/**
 * The open group's members: who is admin, and for the admin Add people and Remove; for everyone
 * Leave group (asked twice). What is shown is the conversation's and the membership machine's
 * state; leaving or removing is an event to the membership machine, adding opens New chat.
 */
export function GroupInfoDialog({ open, onClose }: GroupInfoDialogProps): JSX.Element | null {
  const atoms = useAppAtoms();
  const info = useAtomValue(atoms.groupInfoAtom);
  const sendToMembership = useSetAtom(atoms.sendToMembershipAtom);
  const sendToNewChat = useSetAtom(atoms.sendToNewChatAtom);
  const [confirmingLeave, setConfirmingLeave] = useState(false);
  if (!info) return null;
  const busy = info.membership === 'leaving' || info.membership === 'removing';
  const close = () => {
    setConfirmingLeave(false);
    onClose();
  };
  return (
    <Dialog open={open} onClose={close} fullWidth maxWidth="xs" aria-labelledby="group-info-title">
      <DialogTitle id="group-info-title">{info.title}</DialogTitle>
      <DialogContent>
        <Typography variant="body2" sx={{ color: 'text.secondary' }}>
          {info.members.length === 1 ? '1 member' : `${info.members.length} members`}
        </Typography>
        {info.error && (
          <Alert
            severity="error"
            sx={{ mt: 1 }}
            onClose={() => sendToMembership({ type: 'membership.dismissed' })}
          >
            {info.error}
          </Alert>
        )}
        {info.canManage && (
          <Button
            startIcon={<PersonAddOutlined />}
            sx={{ mt: 1 }}
            onClick={() => {
              sendToNewChat({
                type: 'newChat.opened',
                purpose: 'add',
                conversationId: info.conversationId,
                excludedIds: info.members.map((member) => member.user.id),
              });
              close();
            }}
          >
            Add people
          </Button>
        )}
        <List aria-label="Members">
          {info.members.map((member) => {
            const removing =
              info.membership === 'removing' && info.removingUserId === member.user.id;
            return (
              <ListItem
                key={member.user.id}
                secondaryAction={
                  info.canManage && !member.isYou ? (
                    removing ? (
                      <CircularProgress size={20} aria-label={`Removing ${member.name}`} />
                    ) : (
                      <IconButton
                        edge="end"
                        aria-label={`Remove ${member.name}`}
                        disabled={busy}
                        onClick={() =>
                          sendToMembership({
                            type: 'removal.requested',
                            conversationId: info.conversationId,
                            userId: member.user.id,
                          })
                        }
                      >
                        <PersonRemoveOutlined />
                      </IconButton>
                    )
                  ) : undefined
                }
              >
                <ListItemAvatar>
                  <Avatar user={member.user} size={36} />
                </ListItemAvatar>
                <ListItemText primary={member.isYou ? `${member.name} (you)` : member.name} />
                {member.isAdmin && (
                  <Chip size="small" label="Admin" sx={{ mr: info.canManage ? 5 : 0 }} />
                )}
              </ListItem>
            );
          })}
        </List>
        {confirmingLeave && (
          <Alert
            severity="warning"
            action={
              <>
                <Button color="inherit" size="small" onClick={() => setConfirmingLeave(false)}>
                  Stay
                </Button>
                <Button
                  color="inherit"
                  size="small"
                  disabled={busy}
                  onClick={() =>
                    sendToMembership({
                      type: 'leave.requested',
                      conversationId: info.conversationId,
                    })
                  }
                >
                  {info.membership === 'leaving' ? 'Leaving…' : 'Leave'}
                </Button>
              </>
            }
          >
            Leave {info.title}? You will no longer get its messages.
          </Alert>
        )}
      </DialogContent>
      <DialogActions>
        {!confirmingLeave && (
          <Button color="error" onClick={() => setConfirmingLeave(true)} disabled={busy}>
            Leave group
          </Button>
        )}
        <Button onClick={close}>Close</Button>
      </DialogActions>
    </Dialog>
  );
}
