import type { JSX } from 'react';
import { useAtomValue, useSetAtom } from 'jotai';
import Button from '@mui/material/Button';
import Snackbar from '@mui/material/Snackbar';
import { useAppAtoms } from '../components/AppAtomsContext.tsx';

/** "You were removed from …": the messenger's notice, until the person dismisses it. */
export function MessengerNotice(): JSX.Element {
  const atoms = useAppAtoms();
  const notice = useAtomValue(atoms.messengerNoticeAtom);
  const dismiss = useSetAtom(atoms.dismissNoticeAtom);
  return (
    <Snackbar
      open={notice !== null}
      message={notice ?? ''}
      autoHideDuration={8_000}
      onClose={(_event, reason) => {
        // A click elsewhere is not a dismissal: the notice waits for its button or its time.
        if (reason !== 'clickaway') dismiss();
      }}
      action={
        <Button color="inherit" size="small" onClick={() => dismiss()}>
          Dismiss
        </Button>
      }
    />
  );
}
