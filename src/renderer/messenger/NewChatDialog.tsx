import { useCallback, type JSX } from 'react';
import { useAtomValue, useSetAtom } from 'jotai';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import Chip from '@mui/material/Chip';
import CircularProgress from '@mui/material/CircularProgress';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import List from '@mui/material/List';
import ListItemAvatar from '@mui/material/ListItemAvatar';
import ListItemButton from '@mui/material/ListItemButton';
import ListItemText from '@mui/material/ListItemText';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import GroupAddOutlined from '@mui/icons-material/GroupAddOutlined';
import { Avatar } from '../components/Avatar.tsx';
import { useAppAtoms } from '../components/AppAtomsContext.tsx';
import type { NewChatView } from '../state/index.ts';
import { fullName } from '../state/people.ts';

const titles: Record<NewChatView['purpose'], string> = {
  direct: 'New message',
  group: 'New group',
  add: 'Add people',
};

/** What the search region says when there is nothing to list. */
function searchHint(view: NewChatView): string | null {
  if (view.search === 'idle') return 'Search by name, or by phone number with its country code.';
  if (view.search === 'found' && view.results.length === 0) {
    return 'Nobody found. People can be found by phone only if they allow it in their settings.';
  }
  return null;
}

/**
 * New chat: search people by name or number, then open a DM (one pick), or pick members and name
 * a group, or pick people to add to the open group. Everything shown is the newChat machine's
 * state; every control sends it an event.
 */
export function NewChatDialog(): JSX.Element | null {
  const atoms = useAppAtoms();
  const view = useAtomValue(atoms.newChatAtom);
  const send = useSetAtom(atoms.sendToNewChatAtom);
  const close = useCallback(() => send({ type: 'newChat.closed' }), [send]);
  if (!view) return null;
  const naming =
    view.step === 'naming' || view.step === 'creatingGroup' || view.step === 'groupFailed';
  const picking = view.purpose !== 'direct';
  const hint = searchHint(view);
  return (
    <Dialog open onClose={close} fullWidth maxWidth="xs" aria-labelledby="new-chat-title">
      <DialogTitle id="new-chat-title">
        {naming ? 'Name the group' : titles[view.purpose]}
      </DialogTitle>
      <DialogContent sx={{ minHeight: 320 }}>
        {view.error && (
          <Alert severity="error" sx={{ mb: 1 }} role="alert">
            {view.error}
          </Alert>
        )}
        {naming ? (
          <Box
            component="form"
            id="new-group-form"
            noValidate
            onSubmit={(event) => {
              event.preventDefault();
              send({ type: 'group.submitted' });
            }}
          >
            <TextField
              autoFocus
              fullWidth
              label="Group name"
              value={view.title}
              onChange={(event) => send({ type: 'title.changed', text: event.target.value })}
              slotProps={{ htmlInput: { maxLength: 256 } }}
              sx={{ mt: 1 }}
            />
            <Typography variant="body2" sx={{ color: 'text.secondary', mt: 2 }}>
              {view.picked.length === 1
                ? `With ${fullName(view.picked[0]!)}`
                : `With ${view.picked.length} people: ${view.picked.map((user) => user.firstName).join(', ')}`}
            </Typography>
          </Box>
        ) : (
          <>
            <TextField
              autoFocus
              fullWidth
              type="search"
              label="Name or phone number"
              value={view.query}
              onChange={(event) => send({ type: 'query.changed', text: event.target.value })}
              slotProps={{ htmlInput: { maxLength: 64, 'aria-describedby': 'new-chat-hint' } }}
              sx={{ mt: 1 }}
            />
            {picking && view.picked.length > 0 && (
              <Box
                component="ul"
                aria-label="Picked"
                sx={{
                  display: 'flex',
                  flexWrap: 'wrap',
                  gap: 0.5,
                  p: 0,
                  m: 0,
                  mt: 1,
                  listStyle: 'none',
                }}
              >
                {view.picked.map((user) => (
                  <li key={user.id}>
                    <Chip
                      label={fullName(user)}
                      avatar={<Avatar user={user} size={24} />}
                      onDelete={() => send({ type: 'person.unpicked', userId: user.id })}
                    />
                  </li>
                ))}
              </Box>
            )}
            {view.purpose === 'direct' && view.query.trim() === '' && (
              <List dense>
                <ListItemButton onClick={() => send({ type: 'newChat.opened', purpose: 'group' })}>
                  <ListItemAvatar>
                    <GroupAddOutlined />
                  </ListItemAvatar>
                  <ListItemText primary="New group" />
                </ListItemButton>
              </List>
            )}
            <Box role="status" aria-live="polite" id="new-chat-hint" sx={{ mt: 1 }}>
              {(view.search === 'searching' || view.search === 'debouncing') && (
                <Box
                  sx={{ display: 'flex', alignItems: 'center', gap: 1, color: 'text.secondary' }}
                >
                  <CircularProgress size={16} aria-hidden />
                  <Typography variant="body2">Searching…</Typography>
                </Box>
              )}
              {hint && (
                <Typography variant="body2" sx={{ color: 'text.secondary' }}>
                  {hint}
                </Typography>
              )}
              {view.search === 'failed' && (
                <Button size="small" onClick={() => send({ type: 'search.retried' })}>
                  Search again
                </Button>
              )}
            </Box>
            {view.results.length > 0 && (
              <List aria-label="People found">
                {view.results.map((user) => (
                  <ListItemButton
                    key={user.id}
                    disabled={view.busy}
                    selected={user.picked}
                    onClick={() => send({ type: 'person.picked', user })}
                    aria-pressed={picking ? user.picked : undefined}
                  >
                    <ListItemAvatar>
                      <Avatar user={user} size={40} />
                    </ListItemAvatar>
                    <ListItemText primary={fullName(user)} />
                    {picking && (
                      <Checkbox
                        edge="end"
                        checked={user.picked}
                        tabIndex={-1}
                        disableRipple
                        slotProps={{ input: { 'aria-hidden': true } }}
                      />
                    )}
                  </ListItemButton>
                ))}
              </List>
            )}
          </>
        )}
      </DialogContent>
      <DialogActions>
        {naming && (
          <Button onClick={() => send({ type: 'naming.back' })} disabled={view.busy}>
            Back
          </Button>
        )}
        <Button onClick={close}>Cancel</Button>
        {picking && !naming && (
          <Button
            variant="contained"
            disabled={view.picked.length === 0 || view.busy}
            onClick={() => send({ type: 'members.confirmed' })}
          >
            {view.purpose === 'add' ? (view.busy ? 'Adding…' : 'Add') : 'Next'}
          </Button>
        )}
        {naming && (
          <Button
            variant="contained"
            type="submit"
            form="new-group-form"
            disabled={!view.titleValid || view.busy}
          >
            {view.busy ? 'Creating…' : 'Create group'}
          </Button>
        )}
      </DialogActions>
    </Dialog>
  );
}
