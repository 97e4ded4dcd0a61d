import { useAtomValue, useSetAtom } from 'jotai';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import { useAppAtoms } from '../components/AppAtomsContext.tsx';

/**
 * "Delete message?": for the user only (it leaves their windows), or, for their own messages
 * within a day, for everyone ("This message was deleted" in every member's window). Open while
 * the messageActions machine confirms or deletes.
 */
export function DeleteMessageDialog() {
  const atoms = useAppAtoms();
  const view = useAtomValue(atoms.deleteDialogAtom);
  const send = useSetAtom(atoms.sendToMessageActionsAtom);
  const cancel = () => {
    if (!view?.deleting) send({ type: 'delete.cancelled' });
  };
  return (
    <Dialog open={view !== null} onClose={cancel} aria-labelledby="delete-message-title">
      <DialogTitle id="delete-message-title">Delete message?</DialogTitle>
      <DialogContent>
        <DialogContentText>
          {view?.forEveryone
            ? 'Delete it for everyone in this chat, or only from your devices.'
            : 'It will be deleted from your devices. Others still see it.'}
        </DialogContentText>
      </DialogContent>
      <DialogActions>
        <Button onClick={cancel} disabled={view?.deleting}>
          Cancel
        </Button>
        <Button
          onClick={() => send({ type: 'delete.confirmed', forEveryone: false })}
          disabled={view?.deleting}
        >
          Delete for me
        </Button>
        {view?.forEveryone && (
          <Button
            color="error"
            onClick={() => send({ type: 'delete.confirmed', forEveryone: true })}
            disabled={view.deleting}
          >
            Delete for everyone
          </Button>
        )}
      </DialogActions>
    </Dialog>
  );
}
