import { useEffect, useRef, useState, type JSX } from 'react';
import { useAtomValue, useSetAtom } from 'jotai';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import CircularProgress from '@mui/material/CircularProgress';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import ListItemText from '@mui/material/ListItemText';
import Typography from '@mui/material/Typography';
import { useAppAtoms } from '../components/AppAtomsContext.tsx';
import type { ReceiptListView, ReceiptPerson } from '../state/index.ts';

/**
 * Who read one of the user's own messages in a group, and who has it unread on a device: what
 * the receiptList machine holds, asked for when the tick's Message info button is pressed.
 * Escape, a click outside or Close closes it; the dialog gives the focus back to the button.
 */
export function MessageInfoDialog(): JSX.Element {
  const atoms = useAppAtoms();
  const info = useAtomValue(atoms.receiptListAtom);
  const send = useSetAtom(atoms.sendToReceiptListAtom);
  // The last list stays drawn while the dialog fades out after closing.
  const [last, setLast] = useState<ReceiptListView | null>(info);
  if (info !== null && info !== last) setLast(info);
  const view = info ?? last;
  const close = () => send({ type: 'receiptList.closed' });
  const contentRef = useRef<HTMLDivElement>(null);
  const retry = () => {
    send({ type: 'receiptList.retried' });
    // The Retry button goes away with the failure: keep the focus in the dialog, on what it
    // shows next, or Escape would no longer reach it.
    contentRef.current?.focus();
  };
  // Leaving the conversation (a notification opens another) closes it: coming back shows none.
  useEffect(() => () => send({ type: 'receiptList.closed' }), [send]);
  return (
    <Dialog
      open={info !== null}
      onClose={close}
      fullWidth
      maxWidth="xs"
      aria-labelledby="message-info-title"
    >
      <DialogTitle id="message-info-title">Message info</DialogTitle>
      <DialogContent ref={contentRef} tabIndex={-1} sx={{ outline: 'none' }}>
        {view?.status === 'loading' && (
          <Box sx={{ display: 'flex', justifyContent: 'center', py: 2 }}>
            <CircularProgress size={28} aria-label="Loading who read it" />
          </Box>
        )}
        {view?.status === 'failed' && (
          <Alert
            severity="error"
            action={
              <Button color="inherit" size="small" onClick={retry}>
                Retry
              </Button>
            }
          >
            {view.error ?? 'Could not load who read it.'}
          </Alert>
        )}
        {view?.status === 'shown' && (
          <>
            <People label="Read by" people={view.readBy} />
            <People label="Delivered to" people={view.deliveredTo} />
          </>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={close}>Close</Button>
      </DialogActions>
    </Dialog>
  );
}

function People({ label, people }: { label: string; people: readonly ReceiptPerson[] }) {
  const id = `message-info-${label.replace(/\s+/g, '-').toLowerCase()}`;
  return (
    <Box component="section" aria-labelledby={id} sx={{ mt: 1 }}>
      <Typography id={id} variant="subtitle2" component="h3">
        {label} {people.length}
      </Typography>
      {people.length === 0 ? (
        <Typography variant="body2" sx={{ color: 'text.secondary' }}>
          Nobody yet
        </Typography>
      ) : (
        <List dense aria-labelledby={id} disablePadding>
          {people.map((person) => (
            <ListItem key={person.id} disableGutters>
              <ListItemText primary={person.name} />
            </ListItem>
          ))}
        </List>
      )}
    </Box>
  );
}
