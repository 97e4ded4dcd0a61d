import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Typography from '@mui/material/Typography';
import { useSetAtom } from 'jotai';
import { useAppAtoms } from './AppAtomsContext.tsx';

/**
 * Stands in for the messenger screen until src/renderer/messenger/MessengerScreen.tsx lands:
 * says the user is signed in and lets them sign out.
 */
export function MessengerPlaceholder() {
  const send = useSetAtom(useAppAtoms().sendToAppAtom);
  return (
    <Box component="main" aria-label="Messenger" sx={{ p: 4 }}>
      <Typography variant="h5" component="h1" gutterBottom>
        You are signed in
      </Typography>
      <Button onClick={() => send({ type: 'signOut.requested' })}>Sign out</Button>
    </Box>
  );
}
